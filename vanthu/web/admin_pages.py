"""Administration: the users, their roles and units; unlocking, disabling and signing a user out
everywhere. Disabling a user or signing them out ends their open sessions at once (the session
rows end, so a copied cookie stops working too)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from registry import sessions as web_sessions
from registry.audit import append
from registry.errors import NotFound, RegistryError
from registry.org import Role, Unit, User, add_user, list_users
from vanthu.web import session_cookie as sc
from vanthu.web.render import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, status_code: int = 200, **extra) -> HTMLResponse:  # noqa: ANN003
    services = request.app.state.services
    with services.sessions() as session:
        units = list(session.scalars(select(Unit).order_by(Unit.code)))
        codes = {u.id: u.code for u in units}
        rows = [(u, [(r.role, codes.get(r.unit_id)) for r in u.roles])
                for u in list_users(session)]
        open_counts = web_sessions.open_sessions(session, services.clock(), sc.IDLE)
        return render(request, "admin_users.html", status_code=status_code, rows=rows,
                      units=units, now=services.clock(), open_counts=open_counts,
                      roles=[r.value for r in Role], done=request.query_params.get("done"),
                      **extra)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request) -> HTMLResponse:
    return _page(request)


@router.post("/admin/users", response_class=HTMLResponse)
def add_user_form(request: Request, username: str = Form(""), full_name: str = Form(""),
                  title: str = Form(""), unit: str = Form(""),
                  roles: list[str] = Form(default=[]), password: str = Form("")) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    try:
        with services.transaction() as session:
            home = session.scalar(select(Unit).where(Unit.code == unit)) if unit else None
            user = add_user(session, username, full_name.strip(), roles, unit=home,
                            title=title.strip(), password=password or None)
            append(session, actor.username, "user.added", "user", user.id,
                   {"username": user.username, "roles": user.role_names(),
                    "unit": unit or None}, clock=services.clock)
    except RegistryError as exc:
        return _page(request, 400, error=str(exc),
                     form={"username": username, "full_name": full_name, "title": title,
                           "unit": unit, "roles": roles})
    return RedirectResponse("/admin/users?done=added", status_code=303)


def _change(request: Request, user_id: int, action: str, done: str) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    now = services.clock()
    with services.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        payload: dict = {}
        if action == "user.unlocked":
            user.locked_until, user.failed_logins = None, 0
        elif action == "user.disabled":
            user.active = False
        elif action == "user.enabled":
            user.active = True
        if action in ("user.disabled", "user.sessions_ended"):
            payload["sessions_ended"] = web_sessions.end_user_sessions(
                session, user.id, now, action.removeprefix("user."))
        append(session, actor.username, action, "user", user.id, payload, clock=services.clock)
    return RedirectResponse(f"/admin/users?done={done}", status_code=303)


@router.post("/admin/users/{user_id}/unlock")
def unlock(request: Request, user_id: int) -> Response:
    return _change(request, user_id, "user.unlocked", "unlocked")


@router.post("/admin/users/{user_id}/disable")
def disable(request: Request, user_id: int) -> Response:
    if request.app.state.access.user(request).id == user_id:
        return _page(request, 409, error_key="admin.not_yourself")
    return _change(request, user_id, "user.disabled", "disabled")


@router.post("/admin/users/{user_id}/enable")
def enable(request: Request, user_id: int) -> Response:
    return _change(request, user_id, "user.enabled", "enabled")


@router.post("/admin/users/{user_id}/sessions/end")
def end_sessions(request: Request, user_id: int) -> Response:
    return _change(request, user_id, "user.sessions_ended", "signed_out")
