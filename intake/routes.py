"""HTTP API of the incoming slice. Thin: each route checks who may call it and calls the slice."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from intake import register_files
from intake.errors import InvalidField
from intake.receive import Upload, receive
from intake.registers import incoming_register, tracking_register
from intake.review import confirm, correct_fields, get_document, recall
from intake.routing import assign, overdue, suggested_deadline, unit_queue, update_progress
from intake.search import SearchQuery, search
from intake.views import document_json, summary_json
from registry.documents import Assignment
from registry.errors import NotFound
from registry.org import User, unit_by_code

router = APIRouter(prefix="/api", tags=["incoming"])


def _user(request: Request, unit_id: int | None = None) -> User:
    """The caller. Which roles may call each route is the app's permission table (checked before
    the route runs); ``unit_id`` asks that the caller's role cover that unit."""
    return request.app.state.access.user(request, unit_id=unit_id)


def _doc(session, request: Request, doc_id: int):  # noqa: ANN001, ANN202
    doc = get_document(session, doc_id)
    return request.app.state.access.document(request, doc), doc


@router.post("/incoming", summary="Receive one or many documents")
def receive_files(
    request: Request,
    files: list[UploadFile] = File(..., description="PDF, PNG, JPEG or TIFF files"),
    fields: str = Form("{}", description="JSON object of fields already known, e.g. urgency"),
    channel: str = Form("electronic", description="electronic or paper"),
) -> dict[str, Any]:
    user = _user(request)
    try:
        known = json.loads(fields or "{}")
        if not isinstance(known, dict):
            raise ValueError
    except ValueError:
        raise InvalidField("fields must be a JSON object") from None
    services = request.app.state.services
    receipts = [
        receive(services, Upload(f.filename or "upload", f.file.read(), known, channel),
                user.username, user.id)
        for f in files
    ]
    workers = getattr(request.app.state, "workers", None)
    if workers is not None:
        workers.wake()
    return {"receipts": [r.as_json() for r in receipts]}


@router.get("/incoming", summary="Search the incoming register")
def search_incoming(
    request: Request,
    q: str = "",
    exact: bool = False,
    status: list[str] = Query([]),
    arrived_from: date | None = None,
    arrived_to: date | None = None,
    unit: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    user = _user(request)
    reserved = {"q", "exact", "status", "arrived_from", "arrived_to", "unit", "page", "per_page"}
    filters = {k: v for k, v in request.query_params.items() if k not in reserved}
    services = request.app.state.services
    with services.sessions() as session:
        unit_id = unit_by_code(session, unit).id if unit else None
        access = request.app.state.access
        if not access.sees_whole_register(user):
            own = access.own_units(user)
            if unit_id is None and len(own) == 1:
                unit_id = next(iter(own))
            if unit_id not in own:
                raise HTTPException(403, {"code": "forbidden", "message": {
                    "vi": "Chỉ xem được văn bản của đơn vị mình",
                    "en": "only your unit's documents"}})
        result = search(session, SearchQuery(q, exact, filters, status, arrived_from, arrived_to,
                                             unit_id, page=page, per_page=per_page))
        return {"total": result.total, "page": result.page, "per_page": result.per_page,
                "items": [summary_json(d) for d in result.items]}


@router.get("/incoming/overdue", summary="Assignments past their deadline")
def overdue_list(request: Request) -> dict[str, Any]:
    _user(request)
    services = request.app.state.services
    with services.sessions() as session:
        return {"items": [{**summary_json(i.document), "unit_id": i.assignment.unit_id,
                           "deadline": i.assignment.deadline.isoformat()}
                          for i in overdue(session, services.clock)]}


@router.get("/incoming/{doc_id}", summary="One register entry with fields and verdicts")
def show(request: Request, doc_id: int) -> dict[str, Any]:
    with request.app.state.services.sessions() as session:
        _, doc = _doc(session, request, doc_id)
        return document_json(session, doc)


@router.get("/incoming/{doc_id}/original", summary="The original file, exactly as received")
def original(request: Request, doc_id: int) -> Response:
    services = request.app.state.services
    with services.sessions() as session:
        _, doc = _doc(session, request, doc_id)
        sha, media, name = doc.blob_sha256, doc.media_type, doc.original_filename or "document"
    data = services.blobs.get(sha)
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{_quote(name)}"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


class FieldChanges(BaseModel):
    fields: dict[str, Any] = Field(default_factory=dict)
    accept_duplicate: bool = False


@router.post("/incoming/{doc_id}/fields", summary="Correct fields")
def correct(request: Request, doc_id: int, body: FieldChanges) -> dict[str, Any]:
    user = _user(request)
    services = request.app.state.services
    with services.transaction() as session:
        doc = get_document(session, doc_id)
        correct_fields(session, doc, body.fields, user.username, services.clock)
        return document_json(session, doc)


@router.post("/incoming/{doc_id}/confirm", summary="Confirm the entry")
def confirm_entry(request: Request, doc_id: int, body: FieldChanges) -> dict[str, Any]:
    user = _user(request)
    services = request.app.state.services
    with services.transaction() as session:
        doc = get_document(session, doc_id)
        confirm(session, doc, user.username, user.id, services.clock, body.fields,
                body.accept_duplicate)
        return document_json(session, doc)


class Routing(BaseModel):
    lead: str = Field(description="code of the lead unit")
    cooperating: list[str] = Field(default_factory=list)
    deadline: date | None = None
    instruction: str = ""


@router.post("/incoming/{doc_id}/assign", summary="Route to units with a deadline")
def assign_entry(request: Request, doc_id: int, body: Routing) -> dict[str, Any]:
    user = _user(request)
    services = request.app.state.services
    with services.transaction() as session:
        doc = get_document(session, doc_id)
        lead = unit_by_code(session, body.lead)
        assign(session, doc, lead, body.deadline, user.username, user.id, services.clock,
               [unit_by_code(session, c) for c in body.cooperating], body.instruction)
        return document_json(session, doc)


@router.get("/units/{code}/suggested-deadline", summary="A deadline from the unit's history")
def deadline_for(request: Request, code: str) -> dict[str, str]:
    _user(request)
    services = request.app.state.services
    with services.sessions() as session:
        unit = unit_by_code(session, code)
        return {"deadline": suggested_deadline(session, unit.id, services.clock).isoformat()}


class Progress(BaseModel):
    status: str
    reply: str | None = None


@router.post("/assignments/{assignment_id}/progress", summary="Report progress")
def progress(request: Request, assignment_id: int, body: Progress) -> dict[str, Any]:
    services = request.app.state.services
    with services.transaction() as session:
        assignment = session.get(Assignment, assignment_id)
        if assignment is None:
            raise NotFound(f"no assignment {assignment_id}")
        user = _user(request, unit_id=assignment.unit_id)
        update_progress(session, assignment, body.status, user.username, services.clock,
                        body.reply)
        return document_json(session, assignment.document)


@router.get("/units/{code}/queue", summary="A unit's open documents")
def queue(request: Request, code: str) -> dict[str, Any]:
    services = request.app.state.services
    with services.sessions() as session:
        unit = unit_by_code(session, code)
        _user(request, unit_id=unit.id)
        return {"items": [{**summary_json(i.document), "assignment_id": i.assignment.id,
                           "role": i.assignment.role, "overdue": i.overdue}
                          for i in unit_queue(session, unit.id, services.clock)]}


class Recall(BaseModel):
    reason: str = Field(min_length=3)


@router.post("/incoming/{doc_id}/recall", summary="The issuer recalled the document")
def recall_entry(request: Request, doc_id: int, body: Recall) -> dict[str, Any]:
    user = _user(request)
    services = request.app.state.services
    with services.transaction() as session:
        doc = get_document(session, doc_id)
        recall(session, doc, user.username, body.reason, services.clock)
        return document_json(session, doc)


@router.get("/registers/{kind}", summary="The incoming or tracking register for a period")
def register_export(
    request: Request, kind: str, date_from: date = Query(alias="from"),
    date_to: date = Query(alias="to"), format: str = "csv",
) -> Response:
    _user(request)
    builders = {"incoming": incoming_register, "tracking": tracking_register}
    if kind not in builders:
        raise NotFound(f"no register {kind!r}: incoming or tracking")
    if date_to < date_from:
        raise InvalidField("the period ends before it starts")
    services = request.app.state.services
    with services.sessions() as session:
        register = builders[kind](session, date_from, date_to)
    settings = services.settings
    writers = {
        "csv": (lambda: register_files.to_csv(register), "text/csv; charset=utf-8"),
        "xlsx": (lambda: register_files.to_xlsx(register),
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "pdf": (lambda: register_files.to_pdf(register, settings.organization_name,
                                              settings.parent_organization), "application/pdf"),
    }
    if format not in writers:
        raise InvalidField(f"format must be csv, xlsx or pdf, not {format!r}")
    write, media = writers[format]
    name = f"so-{kind}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{format}"
    return Response(write(), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
