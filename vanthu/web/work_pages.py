"""The dashboard, the units' queues and the register exports."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from intake.routing import today, unit_queue
from registry.documents import OutgoingDocument, OutgoingStatus
from registry.numbering import Book, BookKind
from registry.org import Role, Unit, has_role, unit_by_code
from signing.workflow import approve
from vanthu.web import dashboard
from vanthu.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard_page(request: Request) -> HTMLResponse:
    user = request.app.state.access.user(request)
    services = request.app.state.services
    with services.sessions() as session:
        board = dashboard.build(session, user, services.clock)
        to_sign = len(approve.waiting_for(session, user)) if has_role(user, Role.SIGNER) else None
        to_issue = session.scalar(select(func.count(OutgoingDocument.id)).where(
            OutgoingDocument.status == OutgoingStatus.SIGNED.value)) \
            if has_role(user, Role.CLERK) else None
        return render(request, "dashboard.html", board=board, to_sign=to_sign,
                      to_issue=to_issue,
                      bars=dashboard.chart_bars(board.weeks), done=request.query_params.get("done"))


def _visible_units(request: Request, session) -> list[Unit]:  # noqa: ANN001
    access = request.app.state.access
    user = access.user(request)
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))
    if access.sees_whole_register(user):
        return units
    own = access.own_units(user)
    return [u for u in units if u.id in own]


@router.get("/queues", response_class=HTMLResponse)
def queues_page(request: Request) -> HTMLResponse:
    services = request.app.state.services
    with services.sessions() as session:
        rows = [(u, unit_queue(session, u.id, services.clock))
                for u in _visible_units(request, session)]
        return render(request, "queues.html", rows=rows)


@router.get("/queues/{code}", response_class=HTMLResponse)
def queue_page(request: Request, code: str) -> HTMLResponse:
    services = request.app.state.services
    with services.sessions() as session:
        unit = unit_by_code(session, code)
        request.app.state.access.user(request, unit_id=unit.id)
        return render(request, "queue.html", unit=unit,
                      items=unit_queue(session, unit.id, services.clock))


@router.get("/registers", response_class=HTMLResponse)
def registers_page(request: Request) -> HTMLResponse:
    user = request.app.state.access.user(request)
    now = today(request.app.state.services.clock)
    outgoing = any(has_role(user, r) for r in (Role.CLERK, Role.LEADER, Role.ADMIN))
    books = []
    if outgoing:  # every book an outgoing document is numbered in; closed ones keep their lines
        with request.app.state.services.sessions() as session:
            books = list(session.scalars(select(Book).where(
                Book.kind != BookKind.INCOMING.value).order_by(Book.kind, Book.code)))
    return render(request, "registers.html", date_from=date(now.year, 1, 1), date_to=now,
                  outgoing=outgoing, books=books)
