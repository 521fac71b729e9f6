"""Who is calling, and may they: API tokens, browser sessions, CSRF, and the permission table.

The middleware puts the authenticated ``registry.org.User`` (or None) on ``request.state.user``
and how it was proven on ``request.state.auth`` (``token``, ``session`` or None). Tokens
(``Authorization: Bearer …``) are for integrations; only their SHA-256 is stored. Browser sessions
are rows of ``registry.sessions`` named by a random cookie (``vanthu.web.session_cookie``).

Before any route runs, ``enforce`` applies the row of ``vanthu.permissions`` for that route; the
routes ask ``request.app.state.access`` for the finer checks (unit, document).
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from registry import sessions as web_sessions
from registry.org import ApiToken, User
from vanthu import permissions
from vanthu.web import session_cookie as sc

TOKEN_PREFIX = "vt_"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AccessDenied(Exception):
    """401 (who are you?) or 403 (not you), with a code and a message in both languages."""

    def __init__(self, status: int, code: str, vi: str, en: str,
                 page: str | None = None) -> None:
        super().__init__(en)
        self.status, self.code, self.vi, self.en = status, code, vi, en
        self.page = page  # where a browser is sent instead of an error page

    def body(self) -> dict:
        return {"code": self.code, "message": {"vi": self.vi, "en": self.en}}


def not_signed_in() -> AccessDenied:
    return AccessDenied(401, "unauthenticated", "Cần đăng nhập", "sign-in required")


def forbidden(vi: str = "Không có quyền thực hiện", en: str = "not allowed") -> AccessDenied:
    return AccessDenied(403, "forbidden", vi, en)


def password_change_required() -> AccessDenied:
    """An admin chose this user's password: nothing but choosing their own until they do."""
    return AccessDenied(403, "password_change_required",
                        "Cần đổi mật khẩu do quản trị đặt trước khi tiếp tục",
                        "change the password an admin set before anything else",
                        page=permissions.PASSWORD_CHANGE_PAGE)


def new_token() -> tuple[str, str]:
    """(token to give out once, its SHA-256 to store)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hashlib.sha256(token.encode()).hexdigest()


def user_for_token(session, token: str) -> User | None:  # noqa: ANN001
    """The active user of a live (not revoked) token, with their roles: one query, on every
    API request (it was three: the token, then its user, then the roles; bench/intake.py)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    return session.scalars(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .options(joinedload(User.roles))
        .where(ApiToken.token_sha256 == digest, ApiToken.revoked.is_(False),
               User.active.is_(True))
    ).unique().first()


def user_for_session(session, token: str, now) -> tuple[User | None, int | None]:  # noqa: ANN001
    """The user of a live session, and the session's id when its "last seen" is due to move on
    (written at most once a ``TOUCH_AFTER``, in a transaction of its own: reads stay reads)."""
    row = web_sessions.live_session(session, token, now, sc.IDLE, sc.ABSOLUTE)
    if row is None:
        return None, None
    user = session.get(User, row.user_id, options=[joinedload(User.roles)])  # one query, roles too
    if user is None or not user.active or sc.password_stamp(user.password_hash) != row.stamp:
        return None, None
    if user.locked_until is not None and user.locked_until > now:
        return None, None
    return user, (row.id if now - row.last_seen_at > sc.TOUCH_AFTER else None)


def session_secret(app: FastAPI) -> bytes:
    secret = getattr(app.state, "session_secret", None)
    if secret is None:
        secret = app.state.session_secret = sc.load_secret(app.state.settings.secrets_dir)
    return secret


def csrf_token_for(request: Request) -> str:
    return sc.csrf_token(session_secret(request.app), request.state.csrf_seed)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        sc.SESSION_COOKIE, token, max_age=int(sc.ABSOLUTE.total_seconds()), httponly=True,
        samesite="lax", secure=request.url.scheme == "https", path="/")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(sc.SESSION_COOKIE, path="/")


class Access:
    """The finer checks the routes ask for; one object on ``app.state.access``."""

    sees_whole_register = staticmethod(permissions.sees_whole_register)
    may_read = staticmethod(permissions.may_read_document)
    own_units = staticmethod(permissions.own_units)

    def user(self, request: Request, unit_id: int | None = None) -> User:
        """The caller; when ``unit_id`` is given, one of the route's roles must cover that unit."""
        user: User | None = getattr(request.state, "user", None)
        if user is None:
            raise not_signed_in()
        rule = _rule(request)
        if unit_id is not None and rule.roles and not permissions.holds_any(
                user, rule.roles, unit_id):
            raise forbidden("Không thuộc đơn vị của bạn", "not your unit")
        return user

    @staticmethod
    def forbid(vi: str, en: str) -> AccessDenied:
        """A 403 for a slice to raise: the same shape as the table's own refusals."""
        return forbidden(vi, en)

    def document(self, request: Request, doc):  # noqa: ANN001, ANN201
        user = self.user(request)
        if not permissions.may_read_document(user, doc):
            raise forbidden("Văn bản không thuộc đơn vị của bạn", "not a document of your unit")
        return user


def rule_path(request: Request) -> str:
    """The route's path template (``/incoming/{doc_id}``), as the permission table names it."""
    return getattr(request.scope.get("route"), "path", "")


def _rule(request: Request) -> permissions.Rule:
    rule = permissions.rule_for(request.method, rule_path(request))
    if rule is None:  # a route nobody wrote a permission for is closed
        raise forbidden("Đường dẫn chưa được phân quyền", "route missing from the permission table")
    return rule


async def enforce(request: Request) -> None:
    """The table's row for this route, checked before the route runs (an app dependency)."""
    rule = _rule(request)
    auth = getattr(request.state, "auth", None)
    if request.method in UNSAFE and (rule.form or auth == "session"):
        await _check_csrf(request)
    if rule.public:
        return
    user = request.state.user
    if user is None:
        raise not_signed_in()
    if user.must_change_password and (
            request.method, rule_path(request)) not in permissions.BEFORE_PASSWORD_CHANGE:
        raise password_change_required()
    if auth == "token" and not rule.tokens:
        raise forbidden("Trang này cần đăng nhập bằng trình duyệt",
                        "this page takes a browser session, not an API token")
    if not permissions.holds_any(user, rule.roles):
        needs = " or ".join(sorted(rule.roles))
        raise forbidden("Không có quyền thực hiện", f"needs the role {needs}")


async def _check_csrf(request: Request) -> None:
    token = request.headers.get(sc.CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if token is None and content_type.startswith(("application/x-www-form-urlencoded",
                                                  "multipart/form-data")):
        token = (await request.form()).get(sc.CSRF_FIELD)
    seed = request.cookies.get(sc.CSRF_COOKIE)
    token = token if isinstance(token, str) else None
    if not sc.csrf_valid(session_secret(request.app), seed, token):
        raise AccessDenied(403, "csrf", "Phiên làm việc của biểu mẫu đã hết hạn, hãy tải lại trang",
                           "missing or wrong CSRF token; reload the page")


def _wants_json(request: Request) -> bool:
    """The API answers in JSON; the pages (everything else) answer with a page or a redirect."""
    return request.url.path.startswith("/api/")


def install_auth(app: FastAPI) -> None:
    app.state.access = Access()

    @app.exception_handler(AccessDenied)
    async def _denied(request: Request, exc: AccessDenied) -> Response:
        if _wants_json(request):
            return JSONResponse(exc.body(), status_code=exc.status)
        if exc.page is not None:
            return RedirectResponse(exc.page, status_code=303)
        if exc.status == 401:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        from vanthu.web.render import render_error

        return render_error(request, exc.status, exc.vi, exc.en)

    @app.middleware("http")
    async def authenticate(request: Request, call_next):  # noqa: ANN001, ANN202
        request.state.user, request.state.auth = None, None
        seed = request.cookies.get(sc.CSRF_COOKIE)
        request.state.csrf_seed = seed or sc.new_seed()
        drop = False
        services = request.app.state.services
        header = request.headers.get("authorization", "")
        cookie = request.cookies.get(sc.SESSION_COOKIE)
        if header.lower().startswith("bearer "):
            with services.sessions() as session:
                request.state.user = user_for_token(session, header[7:].strip())
            request.state.auth = "token" if request.state.user else None
        elif cookie:
            now = services.clock()
            with services.sessions() as session:
                request.state.user, touch = user_for_session(session, cookie, now)
            if touch is not None:
                with services.transaction() as session:
                    web_sessions.touch(session, touch, now)
            if request.state.user is None:
                drop = True
            else:
                request.state.auth, request.state.session_token = "session", cookie
        response = await call_next(request)
        # A route that signed in or out set the session cookie itself; leave its choice alone.
        cookie_name = sc.SESSION_COOKIE.encode() + b"="
        route_set_it = any(k == b"set-cookie" and v.startswith(cookie_name)
                           for k, v in response.raw_headers)
        if drop and not route_set_it:
            clear_session_cookie(response)
        if seed is None:
            response.set_cookie(sc.CSRF_COOKIE, request.state.csrf_seed, httponly=True,
                                samesite="strict", secure=request.url.scheme == "https", path="/")
        return response
