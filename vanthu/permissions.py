"""Who may call what: ONE table, route × role, kept in code.

Every route of the app has a row here (the access-control test in ``tests/web`` fails for a route
without one, and a route without one is refused at run time). A row says:

- ``roles``: None — public, no sign-in; an empty set — any signed-in user; else the roles that
  may call it (an admin always may);
- ``scope``: ``org`` — holding the role anywhere suffices; ``unit`` — the role must cover the unit
  named in the path (``{code}``) or the assignment's unit; ``document`` — the caller must be able
  to read the document (see ``may_read_document``); ``outgoing`` — the caller drafted the outgoing
  document or is its signer, or is a clerk, leader or admin (``signing.workflow.routes``);
  ``signer`` — the documents named must wait for the caller's own signature: nobody, not even an
  admin, signs in another person's place (``signing.workflow.approve``);
- ``tokens``: whether an API token (integrations) may call it; browser pages take sessions only;
- ``form``: a browser form that changes something: the CSRF token is required even without a
  session (sign-in). Any state-changing call made with a session cookie needs the token too.

The table is enforced once, before any route runs (``enforce``), and the finer checks (unit,
document) go through ``Access``, which the slices reach as ``request.app.state.access`` — so that
``intake`` never imports ``vanthu``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from registry.org import Role, User, has_role


class Scope(enum.StrEnum):
    ORG = "org"
    UNIT = "unit"
    DOCUMENT = "document"
    OUTGOING = "outgoing"
    SIGNER = "signer"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] | None
    scope: Scope = Scope.ORG
    tokens: bool = True
    form: bool = False

    @property
    def public(self) -> bool:
        return self.roles is None


def _r(*roles: Role, scope: Scope = Scope.ORG, tokens: bool = True, form: bool = False) -> Rule:
    return Rule(frozenset(r.value for r in roles), scope, tokens, form)


PUBLIC = Rule(None)
PUBLIC_FORM = Rule(None, form=True)
SIGNED_IN = _r()
PAGE = _r(tokens=False)

A, C, L, S, G = Role.ADMIN, Role.CLERK, Role.LEADER, Role.SPECIALIST, Role.SIGNER
DRAFTERS = (S, L, C)

# (method, path) -> rule. HEAD is treated as GET.
PERMISSIONS: dict[tuple[str, str], Rule] = {
    # --- operations and documentation
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/static/{path:path}"): PUBLIC,
    # --- incoming API (intake/routes.py)
    ("POST", "/api/incoming"): _r(C),
    ("GET", "/api/incoming"): SIGNED_IN,  # the search narrows what each caller sees
    ("GET", "/api/incoming/overdue"): _r(L, C),
    ("GET", "/api/incoming/{doc_id}"): _r(scope=Scope.DOCUMENT),
    ("GET", "/api/incoming/{doc_id}/original"): _r(scope=Scope.DOCUMENT),
    ("POST", "/api/incoming/{doc_id}/fields"): _r(C),
    ("POST", "/api/incoming/{doc_id}/confirm"): _r(C),
    ("POST", "/api/incoming/{doc_id}/assign"): _r(L),
    ("POST", "/api/incoming/{doc_id}/recall"): _r(C),
    ("GET", "/api/units/{code}/suggested-deadline"): _r(L),
    ("POST", "/api/assignments/{assignment_id}/progress"): _r(S, L, scope=Scope.UNIT),
    ("GET", "/api/units/{code}/queue"): _r(S, L, C, scope=Scope.UNIT),
    ("GET", "/api/registers/{kind}"): _r(C, L),
    # --- verification (signing/routes.py, vanthu/web/verify_page.py): anyone
    ("POST", "/api/verify"): PUBLIC,
    ("GET", "/verify"): PUBLIC,
    ("POST", "/verify"): PUBLIC,
    ("GET", "/verify/report/{token}.pdf"): PUBLIC,
    ("GET", "/verify/report/{token}"): PUBLIC,
    # --- outgoing API (signing/workflow/routes.py); the slice checks signer and drafter itself
    ("POST", "/api/outgoing"): _r(*DRAFTERS),
    ("GET", "/api/outgoing"): _r(C, L, G),  # waiting=me: a signer's own tray
    ("GET", "/api/outgoing/{doc_id}"): _r(scope=Scope.OUTGOING),
    ("GET", "/api/outgoing/{doc_id}/file/{which}"): _r(scope=Scope.OUTGOING),
    ("POST", "/api/outgoing/sign"): _r(G, scope=Scope.SIGNER),
    ("POST", "/api/outgoing/{doc_id}/remote"): _r(G, scope=Scope.SIGNER),
    ("POST", "/api/outgoing/remote/{token}"): _r(G),
    ("POST", "/api/outgoing/{doc_id}/issue"): _r(C),
    ("GET", "/api/outgoing/{doc_id}/verification"): _r(scope=Scope.OUTGOING),
    ("GET", "/api/registers/outgoing"): _r(C, L),
    ("GET", "/outgoing/verify/{code}"): PUBLIC,
    ("GET", "/outgoing/verify/{code}/document"): PUBLIC,
    # --- browser pages (vanthu/web/)
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC_FORM,
    ("POST", "/logout"): _r(tokens=False, form=True),
    ("GET", "/lang/{code}"): PUBLIC,
    ("GET", "/"): PAGE,
    ("GET", "/incoming"): PAGE,
    ("GET", "/incoming/{doc_id}"): _r(scope=Scope.DOCUMENT, tokens=False),
    ("POST", "/incoming/{doc_id}/fields"): _r(C, tokens=False, form=True),
    ("POST", "/incoming/{doc_id}/confirm"): _r(C, tokens=False, form=True),
    ("POST", "/incoming/{doc_id}/assign"): _r(L, tokens=False, form=True),
    ("GET", "/upload"): _r(C, tokens=False),
    ("POST", "/upload"): _r(C, tokens=False, form=True),
    ("GET", "/queues"): _r(S, L, C, tokens=False),
    ("GET", "/queues/{code}"): _r(S, L, C, scope=Scope.UNIT, tokens=False),
    ("GET", "/registers"): _r(C, L, tokens=False),
    ("GET", "/outgoing"): _r(*DRAFTERS, G, tokens=False),  # drafters and signers: their own
    ("GET", "/outgoing/new"): _r(*DRAFTERS, tokens=False),
    ("POST", "/outgoing/new"): _r(*DRAFTERS, tokens=False, form=True),
    ("GET", "/outgoing/{doc_id}"): _r(scope=Scope.OUTGOING, tokens=False),
    ("POST", "/outgoing/{doc_id}/issue"): _r(C, tokens=False, form=True),
    ("GET", "/tray"): _r(G, tokens=False),
    ("POST", "/tray/sign"): _r(G, scope=Scope.SIGNER, tokens=False, form=True),
    ("GET", "/issuance"): _r(C, tokens=False),
    ("POST", "/issuance"): _r(C, tokens=False, form=True),
    ("GET", "/account"): PAGE,
    ("POST", "/account/password"): _r(tokens=False, form=True),
    ("GET", "/admin/users"): _r(A, tokens=False),
    ("POST", "/admin/users"): _r(A, tokens=False, form=True),
    ("POST", "/admin/users/{user_id}/unlock"): _r(A, tokens=False, form=True),
    ("POST", "/admin/users/{user_id}/disable"): _r(A, tokens=False, form=True),
    ("POST", "/admin/users/{user_id}/enable"): _r(A, tokens=False, form=True),
    ("POST", "/admin/users/{user_id}/sessions/end"): _r(A, tokens=False, form=True),
    ("GET", "/admin/users/{user_id}"): _r(A, tokens=False),
    ("POST", "/admin/users/{user_id}/roles"): _r(A, tokens=False, form=True),
    ("POST", "/admin/users/{user_id}/password"): _r(A, tokens=False, form=True),
    ("GET", "/admin/units"): _r(A, tokens=False),
    ("POST", "/admin/units"): _r(A, tokens=False, form=True),
    ("POST", "/admin/units/{code}/active"): _r(A, tokens=False, form=True),
    ("GET", "/admin/books"): _r(A, tokens=False),
    ("POST", "/admin/books"): _r(A, tokens=False, form=True),
    ("POST", "/admin/books/{code}/active"): _r(A, tokens=False, form=True),
    ("GET", "/admin/trust"): _r(A, tokens=False),
    ("POST", "/admin/trust"): _r(A, tokens=False, form=True),
    ("POST", "/admin/trust/{name}/remove"): _r(A, tokens=False, form=True),
    ("GET", "/admin/keys"): _r(A, tokens=False),
    ("POST", "/admin/keys"): _r(A, tokens=False, form=True),
    ("POST", "/admin/keys/{cred_id}/active"): _r(A, tokens=False, form=True),
}


# What a user whose password an admin set may still do (besides public routes): choose their own,
# or sign out. Every other page sends them to ``PASSWORD_CHANGE_PAGE``; the API answers 403.
PASSWORD_CHANGE_PAGE = "/account"
BEFORE_PASSWORD_CHANGE = {("GET", "/account"), ("POST", "/account/password"),
                          ("POST", "/logout")}


def rule_for(method: str, path: str) -> Rule | None:
    return PERMISSIONS.get(("GET" if method == "HEAD" else method, path))


def holds_any(user: User, roles: frozenset[str], unit_id: int | None = None) -> bool:
    """Does the user hold one of the roles (for that unit, when one is named)? Admins always do;
    an empty set of roles asks only for a signed-in user."""
    if not roles:
        return True
    return any(has_role(user, r, unit_id) for r in (*roles, Role.ADMIN.value))


def sees_whole_register(user: User) -> bool:
    """Clerks, admins and organization-wide leaders see every incoming document."""
    return any(has_role(user, r) for r in (Role.ADMIN, Role.CLERK)) or any(
        r.role == Role.LEADER and r.unit_id is None for r in user.roles)


def own_units(user: User) -> set[int]:
    return {r.unit_id for r in user.roles if r.unit_id is not None}


def may_read_document(user: User, doc) -> bool:  # noqa: ANN001
    """The whole register for those who see it; else documents assigned to one of your units."""
    if sees_whole_register(user):
        return True
    return any(has_role(user, r.role, a.unit_id) for a in doc.assignments for r in user.roles
               if r.unit_id is not None)
