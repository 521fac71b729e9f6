"""The access-control walk: every route of the app × every kind of caller (anonymous; admin,
clerk, leader, a specialist of the document's unit and one of another unit, signer — each by
browser session and by API token), compared with the one permission table in
``vanthu.permissions``.

The expected outcome is worked out here from the table's row and from who the callers are (their
roles and units, known to this test), not by calling the code under test.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from registry.documents import Assignment
from registry.org import add_user
from tests.intake.docs import letter_pdf
from tests.web.conftest import csrf_of, sign_in
from tests.web.routes import app_routes
from vanthu.permissions import PERMISSIONS, Scope, rule_for

# caller -> (role, the unit its role is limited to; None: the whole organization)
CALLERS = {
    "admin": ("admin", None),
    "clerk": ("clerk", None),
    "leader": ("leader", None),
    "kt": ("specialist", "KT"),  # the unit the document is assigned to
    "nc": ("specialist", "NC"),  # another unit
    "signer": ("signer", "VP"),
}
DOC_UNIT = "KT"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The outgoing document of the walk: drafted by ``kt``, waiting for ``signer``'s signature.
OUTGOING_PEOPLE = {"kt", "signer"}
OUTGOING_PATHS = ("/api/outgoing/{doc_id}", "/outgoing/{doc_id}")


@pytest.fixture
def world(app, office, sqlite_services):  # noqa: ANN001
    """One received document, assigned (lead) to KT."""
    from intake.receive import Upload, receive

    receipt = receive(sqlite_services, Upload("a.pdf", letter_pdf()), "clerk", None)
    with sqlite_services.transaction() as s:
        a = Assignment(document_id=receipt.id, unit_id=office.units[DOC_UNIT], role="lead")
        s.add(a)
        s.flush()
        assignment_id = a.id
    assert assignment_id
    outgoing_id = _outgoing_document(sqlite_services, office)
    with sqlite_services.transaction() as s:  # the user the admin routes act on (disable, …)
        target = add_user(s, "walk-target", "Walk Target", ["specialist"]).id
    params = {"doc_id": receipt.id, "outgoing_id": outgoing_id, "code": DOC_UNIT,
              "assignment_id": assignment_id,
              "kind": "incoming", "token": "no-such-token", "which": "draft", "path": "app.css",
              "user_id": target, "name": "no-such-anchor.pem", "cred_id": 1}

    def current() -> dict:
        # Walking the routes confirms and re-assigns the document (to KT again), which replaces
        # its assignment: name the one that stands now.
        with sqlite_services.sessions() as s:
            params["assignment_id"] = s.scalars(select(Assignment.id).where(
                Assignment.document_id == receipt.id)).first()
        return params

    return current


def _outgoing_document(services, office) -> int:  # noqa: ANN001
    """A prepared outgoing document as the register holds it (its files are not needed here:
    the walk is about who gets in, and signing or issuing it stops before any PDF work)."""
    from registry.documents import OutgoingDocument

    with services.transaction() as s:
        doc = OutgoingDocument(status="prepared", doc_type="QĐ", subject="Về việc thử quyền",
                               signer_id=office.users["signer"], drafted_by=office.users["kt"],
                               recipients=["Sở Tài chính"], verify_code="walk-code")
        s.add(doc)
        s.flush()
        return doc.id


def _fill(path: str, params: dict) -> str:
    values = dict(params)
    if path.startswith(OUTGOING_PATHS):  # an outgoing document's id, not an incoming one's
        values["doc_id"] = params["outgoing_id"]
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values[m.group(1)]), path)


def _request_kwargs(method: str, path: str, csrf: str | None, params: dict) -> dict:
    """A body the route accepts, so that a refusal is about the caller, not a malformed call."""
    outgoing = params["outgoing_id"]
    json_bodies = {
        "/api/outgoing/sign": {"ids": [outgoing], "secret": "not-the-key-password"},
        "/api/outgoing/{doc_id}/remote": {},
        "/api/incoming/{doc_id}/fields": {"fields": {}},
        "/api/incoming/{doc_id}/confirm": {"fields": {}},
        "/api/incoming/{doc_id}/assign": {"lead": DOC_UNIT},
        "/api/incoming/{doc_id}/recall": {"reason": "thu hồi để sửa"},
        "/api/assignments/{assignment_id}/progress": {"status": "in_progress"},
    }
    kwargs: dict = {"headers": {"X-CSRF-Token": csrf} if csrf else {}}
    if path in json_bodies:
        kwargs["json"] = json_bodies[path]
    elif path in ("/api/incoming", "/upload"):
        kwargs["files"] = [("files", ("x.pdf", b"not a pdf at all", "application/pdf"))]
        kwargs["data"] = {"csrf_token": csrf} if csrf else {}
    elif path == "/outgoing/new":
        kwargs["files"] = [("file", ("x.pdf", b"not a pdf at all", "application/pdf"))]
        kwargs["data"] = ({"csrf_token": csrf} if csrf else {}) | {
            "doc_type": "QĐ", "subject": "Về việc thử", "signer": "signer"}
    elif method in UNSAFE:
        data = {"csrf_token": csrf} if csrf else {}
        if path == "/login":
            data |= {"username": "nobody", "password": "wrong-password"}
        if path.endswith("/assign"):
            data |= {"lead": DOC_UNIT}
        if path in ("/tray/sign", "/issuance"):
            data |= {"ids": [outgoing], "secret": "not-the-key-password"}
        if path == "/admin/users/{user_id}/roles":
            data |= {"grant": ["specialist:org"], "add_role": "leader", "add_unit": "org"}
        if path == "/account/password":  # a wrong current password: the caller keeps theirs
            data |= {"current_password": "not-my-password", "new_password": "walk-password-2026",
                     "new_password_again": "walk-password-2026"}
        if path == "/admin/users/{user_id}/password":
            data |= {"password": "walk-password-2026", "password_again": "walk-password-2026"}
        kwargs["data"] = data
    return kwargs


def outcome(response) -> str:  # noqa: ANN001
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 303 and response.headers["location"].startswith("/login?next="):
        return "sign-in"
    if response.status_code == 401 and response.headers.get("content-type", "").startswith(
            "application/json") and response.json().get("code") == "unauthenticated":
        return "sign-in"
    return "allowed"


def expected(method: str, path: str, caller: str | None, mode: str) -> str:
    rule = rule_for(method, path)
    if rule.form and mode == "token":  # an integration has no form page, hence no CSRF token
        return "forbidden"
    if rule.roles is None:
        return "allowed"
    if caller is None:
        return "sign-in"
    if mode == "token" and not rule.tokens:
        return "forbidden"
    role, unit = CALLERS[caller]
    if rule.roles and role not in rule.roles | {"admin"}:
        return "forbidden"
    if rule.scope is Scope.OUTGOING:
        allowed = caller in OUTGOING_PEOPLE or role in ("admin", "clerk", "leader")
        return "allowed" if allowed else "forbidden"
    if rule.scope is Scope.SIGNER:  # only the document's own signer, never an admin instead
        return "allowed" if caller == "signer" else "forbidden"
    if rule.scope in (Scope.UNIT, Scope.DOCUMENT) and unit not in (None, DOC_UNIT):
        return "forbidden"
    return "allowed"


def _order(routes: set[tuple[str, str]]) -> list[tuple[str, str]]:
    # Reads before writes, and signing out last: it ends the session the walk uses.
    return sorted(routes, key=lambda r: (r == ("POST", "/logout"), r[0] in UNSAFE, r))


def test_every_route_has_a_row_in_the_table(app):
    routes = app_routes(app)
    missing = sorted(r for r in routes if rule_for(*r) is None)
    assert not missing, f"routes without a permission: {missing}"
    stale = sorted(r for r in PERMISSIONS if r not in routes)
    assert not stale, f"permissions for routes that do not exist: {stale}"


def test_every_route_times_every_caller_matches_the_table(app, office, world):
    routes = _order(app_routes(app))
    mismatches = []
    clients = {None: ("anonymous", TestClient(app))}
    for name in CALLERS:
        clients[(name, "session")] = ("session", TestClient(app))
        clients[(name, "token")] = ("token", TestClient(app))
    checked = 0
    for key, (mode, client) in clients.items():
        with client:
            caller = key[0] if key else None
            csrf = sign_in(client, caller) if mode == "session" else None
            if mode == "anonymous":
                csrf = csrf_of(client.get("/login").text)
            headers = office.headers(caller) if mode == "token" else {}
            for method, path in routes:
                kwargs = _request_kwargs(method, path, csrf, world())
                kwargs["headers"] |= headers
                answer = client.request(method, _fill(path, world()), follow_redirects=False,
                                        **kwargs)
                assert answer.status_code < 500, (method, path, key, answer.text[:300])
                got, want = outcome(answer), expected(method, path, caller, mode)
                checked += 1
                if got != want:
                    mismatches.append(f"{method} {path} as {key or 'anonymous'}: "
                                      f"got {got} ({answer.status_code}), table says {want}")
    assert not mismatches, "\n".join(mismatches)
    assert checked == len(clients) * len(routes) >= 13 * 35


def test_every_state_changing_call_by_session_needs_the_csrf_token(app, office, world):
    with TestClient(app) as client:
        sign_in(client, "admin")
        for method, path in _order(app_routes(app)):
            rule = rule_for(method, path)
            if method not in UNSAFE or (rule.public and not rule.form):
                continue
            kwargs = _request_kwargs(method, path, None, world())
            answer = client.request(method, _fill(path, world()), follow_redirects=False, **kwargs)
            assert answer.status_code == 403, (method, path, answer.status_code)
            assert "csrf" in answer.text.lower() or "CSRF" in answer.text
