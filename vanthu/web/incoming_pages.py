"""The clerk's desk: the incoming register, a document's page (check, correct, confirm, assign)
and upload. The pages call the intake slice directly; the permission table guards each route."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from intake.errors import IntakeError
from intake.fieldmap import READ_FIELDS, field_values
from intake.receive import Upload, receive
from intake.review import confirm, correct_fields, get_document
from intake.routing import assign, suggested_deadline
from intake.search import SearchQuery, search
from intake.views import document_json
from registry.documents import Confidentiality, IncomingStatus, Urgency
from registry.org import Role, Unit, has_role, unit_by_code
from vanthu.auth import forbidden
from vanthu.web.history import history
from vanthu.web.render import render

router = APIRouter(include_in_schema=False)

EDITABLE = [*READ_FIELDS, "due_date", "notes", "page_count"]
CHOICES = {"urgency": [u.value for u in Urgency],
           "confidentiality": [c.value for c in Confidentiality]}
PER_PAGE = 25


def _units(session) -> list[Unit]:  # noqa: ANN001
    return list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))


@router.get("/incoming", response_class=HTMLResponse)
def register_page(request: Request, q: str = "", exact: bool = False, status: str = "",
                  date_from: date | None = None, date_to: date | None = None, unit: str = "",
                  page: int = 1) -> HTMLResponse:
    access = request.app.state.access
    user = access.user(request)
    services = request.app.state.services
    with services.sessions() as session:
        units = _units(session)
        unit_id = unit_by_code(session, unit).id if unit else None
        if not access.sees_whole_register(user):
            own = access.own_units(user)
            if unit_id is None and len(own) == 1:
                unit_id = next(iter(own))
            if unit_id not in own:
                raise forbidden("Chỉ xem được văn bản của đơn vị mình",
                                "only your unit's documents")
            units = [u for u in units if u.id in own]
        result = search(session, SearchQuery(q, exact, {}, [status] if status else [],
                                             date_from, date_to, unit_id, page=max(1, page),
                                             per_page=PER_PAGE))
        return render(request, "register.html", result=result, units=units,
                      statuses=[s.value for s in IncomingStatus],
                      form={"q": q, "exact": exact, "status": status, "date_from": date_from,
                            "date_to": date_to, "unit": unit, "page": page})


def _document_page(request: Request, doc_id: int, status_code: int = 200,
                   **extra: Any) -> HTMLResponse:
    services = request.app.state.services
    with services.sessions() as session:
        doc = get_document(session, doc_id)
        user = request.app.state.access.document(request, doc)
        data = document_json(session, doc)
        units = _units(session)
        suggested = data["suggested_unit"]["unit"] if data["suggested_unit"] else None
        lead = suggested or (units[0].code if units else None)
        deadline = (suggested_deadline(session, unit_by_code(session, lead).id, services.clock)
                    if lead else None)
        return render(
            request, "document.html", status_code=status_code, doc=data, units=units,
            history=history(session, "incoming", doc_id), editable=EDITABLE, choices=CHOICES,
            may_edit=has_role(user, Role.CLERK) or has_role(user, Role.ADMIN),
            may_assign=has_role(user, Role.LEADER) or has_role(user, Role.ADMIN),
            default_lead=lead, default_deadline=deadline, **extra)


@router.get("/incoming/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: int) -> HTMLResponse:
    return _document_page(request, doc_id)


def _changes(form, doc) -> dict[str, Any]:  # noqa: ANN001
    """The fields whose value in the form differs from the stored one."""
    current = field_values(doc)
    changes: dict[str, Any] = {}
    for name in EDITABLE:
        key = f"f_{name}"
        if key not in form:
            continue
        raw = str(form[key]).strip()
        value: Any = [line.strip() for line in raw.splitlines() if line.strip()] \
            if name == "recipients" else raw
        old = current.get(name)
        if (old in (None, "", []) and value in ("", [])) or value == old or str(old) == value:
            continue
        changes[name] = value if value != "" else None
    return changes


@router.post("/incoming/{doc_id}/fields", response_class=HTMLResponse)
async def save_fields(request: Request, doc_id: int) -> Response:
    return await _edit(request, doc_id, confirming=False)


@router.post("/incoming/{doc_id}/confirm", response_class=HTMLResponse)
async def confirm_fields(request: Request, doc_id: int) -> Response:
    return await _edit(request, doc_id, confirming=True)


async def _edit(request: Request, doc_id: int, confirming: bool) -> Response:
    # The form's field names are the register's (f_<name>), so it is read here rather than
    # declared; the database work runs in the thread pool like any sync route's.
    form = await request.form()
    return await run_in_threadpool(_apply, request, doc_id, form, confirming)


def _apply(request: Request, doc_id: int, form, confirming: bool) -> Response:  # noqa: ANN001
    user = request.app.state.access.user(request)
    services = request.app.state.services
    try:
        with services.transaction() as session:
            doc = get_document(session, doc_id)
            changes = _changes(form, doc)
            if confirming:
                confirm(session, doc, user.username, user.id, services.clock, changes,
                        form.get("accept_duplicate") == "1")
            else:
                correct_fields(session, doc, changes, user.username, services.clock)
    except IntakeError as exc:
        status = 422 if exc.code == "invalid_field" else 409
        return _document_page(request, doc_id, status_code=status, error=str(exc))
    return RedirectResponse(f"/incoming/{doc_id}?done={'confirmed' if confirming else 'saved'}",
                            status_code=303)


@router.post("/incoming/{doc_id}/assign", response_class=HTMLResponse)
def assign_document(request: Request, doc_id: int, lead: str = Form(...),
                    cooperating: list[str] = Form(default=[]), deadline: str = Form(""),
                    instruction: str = Form("")) -> Response:
    user = request.app.state.access.user(request)
    services = request.app.state.services
    try:
        due = date.fromisoformat(deadline) if deadline else None
        with services.transaction() as session:
            doc = get_document(session, doc_id)
            assign(session, doc, unit_by_code(session, lead), due, user.username, user.id,
                   services.clock, [unit_by_code(session, c) for c in cooperating if c != lead],
                   instruction.strip())
    except ValueError:
        return _document_page(request, doc_id, status_code=422, error=f"{deadline!r}: not a date")
    except IntakeError as exc:
        return _document_page(request, doc_id, status_code=409, error=str(exc))
    return RedirectResponse(f"/incoming/{doc_id}?done=assigned", status_code=303)


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request) -> HTMLResponse:
    return render(request, "upload.html", receipts=None, urgencies=CHOICES["urgency"])


@router.post("/upload", response_class=HTMLResponse)
def upload(request: Request, files: list[UploadFile] = File(default=[]),
           channel: str = Form("electronic"), urgency: str = Form("")) -> HTMLResponse:
    user = request.app.state.access.user(request)
    services = request.app.state.services
    known = {"urgency": urgency} if urgency and urgency != Urgency.NORMAL.value else {}
    channel = channel if channel in ("electronic", "paper") else "electronic"
    receipts = [receive(services, Upload(f.filename or "upload", f.file.read(), known, channel),
                        user.username, user.id)
                for f in files if f.filename]
    workers = getattr(request.app.state, "workers", None)
    if workers is not None:
        workers.wake()
    status = 200 if receipts else 422
    return render(request, "upload.html", status_code=status, receipts=receipts,
                  urgencies=CHOICES["urgency"], error=None if receipts else "upload.none")

