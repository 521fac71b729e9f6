"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from registry import sessions as web_sessions
from registry.audit import append
from vanthu.auth import clear_session_cookie, set_session_cookie
from vanthu.web import session_cookie as sc
from vanthu.web.i18n import LANG_COOKIE, LANGUAGES, translate
from vanthu.web.render import language, render
from vanthu.web.signin import sign_in

router = APIRouter(include_in_schema=False)
KEEP_ENDED_SESSIONS = timedelta(days=90)


def safe_next(target: str | None) -> str:
    """Only a path of this site: an open redirect to another site would help phishing."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    return render(request, "login.html", next=safe_next(next), username="", error=None)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),  # noqa: A002
) -> Response:
    services = request.app.state.services
    with services.transaction() as session:  # commits the failure count too
        outcome = sign_in(session, username, password, services.clock)
        if outcome.ok:
            # Ended and expired sessions are kept a while (who was signed in, when), then go.
            web_sessions.purge(session, services.clock() - KEEP_ENDED_SESSIONS)
            token = web_sessions.open_session(
                session, outcome.user_id, sc.password_stamp(outcome.password_hash),
                services.clock(), request.headers.get("user-agent"))
    if not outcome.ok:
        lang = language(request)
        error = (translate(lang, "auth.locked", minutes=outcome.minutes_locked)
                 if outcome.refused == "locked" else translate(lang, "auth.bad_credentials"))
        return render(request, "login.html", status_code=401, next=safe_next(next),
                      username=username, error=error)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    # A new CSRF seed with the new session: a seed planted before sign-in is worth nothing now.
    response.set_cookie(sc.CSRF_COOKIE, sc.new_seed(), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    services = request.app.state.services
    user = request.app.state.access.user(request)
    with services.transaction() as session:
        web_sessions.end_session(session, request.state.session_token, services.clock())
        append(session, user.username, "user.signed_out", "user", user.id, {},
               clock=services.clock)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:  # noqa: A002
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response
