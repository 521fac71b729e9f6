"""Administration of one existing user: the roles they hold (each for a unit or for the whole
organization) and a new password.

Roles are read afresh on every request (``vanthu.auth`` loads the user with each call), so a
change is in force at the user's next click; their sessions need not end. A new password does end
every session of the user: whoever knew the old password may be holding one of them.

A password the admin lets the system choose is shown once, in the answer to the form, and never
stored or logged anywhere but as its argon2 hash.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from registry import sessions as web_sessions
from registry.audit import append
from registry.errors import NotFound, RegistryError
from registry.org import Role, Unit, User, UserRole, hash_password
from vanthu.web import session_cookie as sc
from vanthu.web.render import render

router = APIRouter(include_in_schema=False)

# These two act for the whole organization wherever they are granted (``permissions``), so a
# grant limited to one unit would promise a limit that nothing enforces.
ORG_WIDE = {Role.ADMIN.value, Role.CLERK.value}
ORG = "org"
# No 0/o, 1/l/i: the admin reads the password out or writes it down for the user.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

Grant = tuple[str, int | None]


def new_password() -> str:
    """Four groups of four from a 31-letter alphabet: about 79 bits."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(4))


def _grants_of(user: User) -> set[Grant]:
    return {(r.role, r.unit_id) for r in user.roles}


def _describe(grants: set[Grant], codes: dict[int, str]) -> list[str]:
    """``leader@KT``, ``clerk@org``: what the audit event records."""
    return sorted(f"{role}@{codes.get(unit, unit) if unit else ORG}" for role, unit in grants)


def _load(session, user_id: int) -> User:  # noqa: ANN001
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def _page(request: Request, user_id: int, status_code: int = 200, **extra) -> HTMLResponse:  # noqa: ANN003
    services = request.app.state.services
    with services.sessions() as session:
        user = _load(session, user_id)
        units = list(session.scalars(select(Unit).order_by(Unit.code)))
        names = {u.id: u for u in units}
        grants = sorted(((r.role, names.get(r.unit_id)) for r in user.roles),
                        key=lambda g: (g[0], g[1].code if g[1] else ""))
        open_count = web_sessions.open_sessions(session, services.clock(), sc.IDLE).get(
            user.id, 0)
        return render(request, "admin_user.html", status_code=status_code, target=user,
                      grants=grants, units=units, roles=[r.value for r in Role], org=ORG,
                      open_count=open_count,
                      **{"done": request.query_params.get("done")} | extra)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, user_id: int) -> HTMLResponse:
    return _page(request, user_id)


def _parse(value: str, units: dict[int, Unit]) -> Grant:
    """``role:unit-id`` or ``role:org`` → (role, unit id or None)."""
    role, _, where = value.partition(":")
    if role not in {r.value for r in Role}:
        raise ValueError(value)
    if role in ORG_WIDE or where in ("", ORG):
        return role, None
    if not where.isdigit() or int(where) not in units:
        raise ValueError(value)
    return role, int(where)


@router.post("/admin/users/{user_id}/roles", response_class=HTMLResponse)
def change_roles(request: Request, user_id: int, grant: list[str] = Form(default=[]),
                 add_role: str = Form(""), add_unit: str = Form("")) -> Response:
    """``grant``: the grants kept (the page lists every current one, checked); ``add_role`` and
    ``add_unit``: one more."""
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    with services.transaction() as session:
        user = _load(session, user_id)
        units = {u.id: u for u in session.scalars(select(Unit))}
        try:
            wanted = {_parse(g, units) for g in grant}
            if add_role:
                wanted.add(_parse(f"{add_role}:{add_unit or ORG}", units))
        except ValueError:
            return _page(request, user_id, 400, error_key="admin.bad_grant")
        if not wanted:
            return _page(request, user_id, 400, error_key="admin.needs_role")
        # An admin who takes their own admin role away can no longer undo it.
        if actor.id == user.id and (Role.ADMIN.value, None) not in wanted:
            return _page(request, user_id, 409, error_key="admin.keep_own_admin")
        before = _grants_of(user)
        if wanted == before:
            return RedirectResponse(f"/admin/users/{user_id}?done=roles_unchanged",
                                    status_code=303)
        for row in [r for r in user.roles if (r.role, r.unit_id) not in wanted]:
            user.roles.remove(row)
        session.flush()  # the deletes first: a grant removed and added back stays unique
        for role, unit in sorted(wanted - before, key=lambda g: (g[0], g[1] or 0)):
            user.roles.append(UserRole(role=role, unit_id=unit))
        codes = {i: u.code for i, u in units.items()}
        append(session, actor.username, "user.roles_changed", "user", user.id,
               {"username": user.username, "before": _describe(before, codes),
                "after": _describe(wanted, codes)}, clock=services.clock)
    return RedirectResponse(f"/admin/users/{user_id}?done=roles_changed", status_code=303)


@router.post("/admin/users/{user_id}/password", response_class=HTMLResponse)
def reset_password(request: Request, user_id: int, password: str = Form(""),
                   password_again: str = Form("")) -> Response:
    """An empty ``password``: the system chooses one and shows it once."""
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    generated = not password
    if not generated and password != password_again:
        return _page(request, user_id, 400, error_key="admin.passwords_differ")
    chosen = new_password() if generated else password
    try:
        digest = hash_password(chosen)
    except RegistryError as exc:  # too short; the message names the rule, never the password
        return _page(request, user_id, 400, error=str(exc))
    now = services.clock()
    with services.transaction() as session:
        user = _load(session, user_id)
        user.password_hash = digest
        # The user was probably locked out for forgetting it; the new one starts clean.
        user.failed_logins, user.locked_until = 0, None
        # The admin knows this password: its owner replaces it at the next sign-in.
        user.must_change_password = True
        ended = web_sessions.end_user_sessions(session, user.id, now, "password_reset")
        append(session, actor.username, "user.password_reset", "user", user.id,
               {"username": user.username, "generated": generated, "sessions_ended": ended},
               clock=services.clock)
    if not generated:
        return RedirectResponse(f"/admin/users/{user_id}?done=password_set", status_code=303)
    page = _page(request, user_id, new_password=chosen, done="password_set")
    # Shown once: no cache (browser, proxy) keeps the page that carries it.
    page.headers["Cache-Control"] = "no-store"
    return page
