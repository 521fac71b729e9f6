"""Administration: the users, their roles and units, and unlocking a locked-out account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from registry.audit import append
from registry.errors import NotFound
from registry.org import Unit, User, list_users
from vanthu.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request) -> HTMLResponse:
    services = request.app.state.services
    with services.sessions() as session:
        units = {u.id: u.code for u in session.scalars(select(Unit))}
        rows = [(u, [(r.role, units.get(r.unit_id)) for r in u.roles])
                for u in list_users(session)]
        return render(request, "admin_users.html", rows=rows, units=units, now=services.clock(),
                      done=request.query_params.get("done"))


@router.post("/admin/users/{user_id}/unlock")
def unlock(request: Request, user_id: int) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    with services.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        user.locked_until, user.failed_logins = None, 0
        append(session, actor.username, "user.unlocked", "user", user.id, {}, clock=services.clock)
    return RedirectResponse("/admin/users?done=unlocked", status_code=303)
