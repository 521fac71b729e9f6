"""Rendering the pages: one Jinja2 environment, the signed-in user, the language and the CSRF
token in every page's context."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from registry.clock import VN_TZ
from registry.org import Role, has_role
from vanthu.web.i18n import LANG_COOKIE, translate

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


def _vntime(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def _vndate(value: date | str | None) -> str:
    if not value:
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


templates.env.filters["vntime"] = _vntime
templates.env.filters["vndate"] = _vndate


def _request_query(form: dict[str, Any], page: int) -> str:
    """The register's query string for another page of the same search."""
    values = {k: ("true" if v is True else v) for k, v in form.items()
              if v not in (None, "", False)}
    values["page"] = page
    return urlencode(values)


templates.env.globals["request_query"] = _request_query


def language(request: Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"


def _nav(user) -> list[tuple[str, str]]:  # noqa: ANN001
    """(path, label key) of the menu entries this user may open."""
    if user is None:
        return [("/verify", "nav.verify")]

    def holds(*roles: Role) -> bool:
        return any(has_role(user, r) for r in (*roles, Role.ADMIN))

    items = [("/", "nav.dashboard"), ("/incoming", "nav.register")]
    if holds(Role.CLERK):
        items.append(("/upload", "nav.upload"))
    if holds(Role.SPECIALIST, Role.LEADER, Role.CLERK):
        items.append(("/queues", "nav.queues"))
    if holds(Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.SIGNER):
        items.append(("/outgoing", "nav.outgoing"))
    if has_role(user, Role.SIGNER):
        items.append(("/tray", "nav.tray"))
    if holds(Role.CLERK):
        items.append(("/issuance", "nav.issuance"))
    if holds(Role.CLERK, Role.LEADER):
        items.append(("/registers", "nav.registers"))
    items.append(("/verify", "nav.verify"))
    if has_role(user, Role.ADMIN):
        items.append(("/admin/users", "nav.admin"))
    return items


def context(request: Request, **values: Any) -> dict[str, Any]:
    from vanthu.auth import csrf_token_for

    lang = language(request)
    user = getattr(request.state, "user", None)
    return {
        "lang": lang,
        "t": lambda key, **kw: translate(lang, key, **kw),
        "user": user,
        "roles": user.role_names() if user else [],
        "csrf_token": csrf_token_for(request),
        "nav": _nav(user),
        "path": request.url.path,
        **values,
    }


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context(request, **values),
                                      status_code=status_code)


def render_error(request: Request, status: int, vi: str, en: str) -> HTMLResponse:
    message = en if language(request) == "en" else vi
    return render(request, "error.html", status_code=status, status=status, message=message)
