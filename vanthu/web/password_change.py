"""The signed-in user's own account: who they are, and changing their password.

Changing it asks for the current password (a session left open on a shared computer must not be
enough to take the account over), ends every *other* session of the user — whoever learned the
old password may hold one — and keeps this one: its stamp moves to the new password. After an
admin set the password (``must_change_password``), this page is the only one the user reaches.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import update

from registry import sessions as web_sessions
from registry.audit import append
from registry.errors import RegistryError
from registry.org import MIN_PASSWORD_LENGTH, User, check_password, hash_password
from registry.sessions import WebSession
from vanthu.web import session_cookie as sc
from vanthu.web.render import render
from vanthu.web.signin import LOCK_FOR, MAX_FAILURES

router = APIRouter(include_in_schema=False)


def _page(request: Request, status_code: int = 200, error_key: str | None = None) -> HTMLResponse:
    return render(request, "account.html", status_code=status_code, error_key=error_key,
                  min_length=MIN_PASSWORD_LENGTH, done=request.query_params.get("done"))


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> HTMLResponse:
    return _page(request)


def _keep_only(session, user_id: int, token: str, stamp: str, now) -> int:  # noqa: ANN001
    """End the user's other sessions; this one follows the new password. Returns how many
    ended."""
    mine = web_sessions.digest(token)
    ended = session.execute(update(WebSession).where(
        WebSession.user_id == user_id, WebSession.ended_at.is_(None),
        WebSession.token_sha256 != mine).values(ended_at=now, ended_reason="password_changed"))
    session.execute(update(WebSession).where(WebSession.token_sha256 == mine)
                    .values(stamp=stamp))
    return ended.rowcount or 0


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, current_password: str = Form(""),
                    new_password: str = Form(""), new_password_again: str = Form("")) -> Response:
    me = request.app.state.access.user(request)
    services = request.app.state.services
    if new_password != new_password_again:
        return _page(request, 400, "account.passwords_differ")
    if new_password == current_password:
        return _page(request, 400, "account.same_password")
    try:
        digest = hash_password(new_password)
    except RegistryError:  # too short
        return _page(request, 400, "account.too_short")
    now = services.clock()
    with services.transaction() as session:
        user = session.get(User, me.id)
        if not check_password(user, current_password):
            # Counted with the wrong passwords at sign-in: an open session on a shared
            # computer must not be a way to guess the password without ever being locked out.
            user.failed_logins = (user.failed_logins or 0) + 1
            payload: dict = {"reason": "wrong_current_password", "failures": user.failed_logins}
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until, user.failed_logins = now + LOCK_FOR, 0
                payload["locked_until"] = user.locked_until.isoformat()
            append(session, user.username, "user.password_change_refused", "user", user.id,
                   payload, clock=services.clock)
            refused = True
        else:
            refused = False
            required = user.must_change_password
            user.password_hash, user.must_change_password = digest, False
            user.failed_logins = 0
            ended = _keep_only(session, user.id, request.state.session_token,
                               sc.password_stamp(digest), now)
            append(session, user.username, "user.password_changed", "user", user.id,
                   {"sessions_ended": ended, "was_required": required}, clock=services.clock)
    if refused:  # committed above: the refusal stays in the audit log
        return _page(request, 400, "account.wrong_current")
    return RedirectResponse("/account?done=password_changed", status_code=303)
