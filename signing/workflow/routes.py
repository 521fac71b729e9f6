"""HTTP API of the outgoing workflow. Thin: each route checks who may call it and calls the slice.

Mounted by ``vanthu.app`` — before ``intake``'s router, whose ``/api/registers/{kind}`` would
otherwise take ``/api/registers/outgoing`` — which also sets ``app.state.workflow_settings`` (a
:class:`~signing.workflow.config.WorkflowSettings`; built from the settings when absent) and
``app.state.register_writers`` (the CSV/XLSX/PDF writers of ``intake.register_files``).
"""

from __future__ import annotations

import functools
import html
from datetime import date
from typing import Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select

from registry.clock import VN_TZ
from registry.documents import OutgoingDocument, OutgoingStatus
from registry.errors import NotFound
from registry.org import Role, User, has_role
from signing.errors import SigningError
from signing.workflow import approve, remote
from signing.workflow.config import WorkflowSettings, from_settings
from signing.workflow.errors import WorkflowError
from signing.workflow.issue import issue
from signing.workflow.register import outgoing_register
from signing.workflow.submit import Appendix, Draft, submit
from signing.workflow.views import document_json, verification_reports

router = APIRouter(tags=["outgoing"])

# code -> (HTTP status, Vietnamese headline); the English text is the exception's message.
STATUS: dict[str, tuple[int, str]] = {
    "not_allowed": (403, "Không có quyền"),
    "wrong_state": (409, "Văn bản không ở bước này"),
    "draft_not_prepared": (422, "Không chuẩn bị được dự thảo"),
    "no_credential": (409, "Chưa có khóa ký"),
    "issue_failed": (409, "Không phát hành được, chưa cấp số"),
    "workflow_error": (400, "Yêu cầu không hợp lệ"),
    "wrong_secret": (403, "Mật khẩu hoặc mã PIN không đúng"),
    "tsa_unreachable": (503, "Không kết nối được máy chủ cấp dấu thời gian"),
    "revocation_unavailable": (503, "Không kiểm tra được tình trạng chứng thư số"),
    "bad_document": (422, "Tệp PDF không ký được"),
}


def _error(code: str, message: str) -> JSONResponse:
    status, vi = STATUS.get(code, (409, "Không ký được"))
    return JSONResponse({"code": code, "message": {"vi": f"{vi}: {message}", "en": message}},
                        status_code=status)


def _answers(fn):  # noqa: ANN001, ANN202
    """Turn the workflow's and the signer's errors into 4xx answers with a code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):  # noqa: ANN202
        try:
            return fn(*args, **kwargs)
        except (WorkflowError, SigningError) as e:
            return _error(e.code, str(e))

    return wrapper


def settings_for(request: Request) -> WorkflowSettings:
    state = request.app.state
    cfg = getattr(state, "workflow_settings", None)
    if cfg is None:
        cfg = from_settings(state.settings)
        state.workflow_settings = cfg
    return cfg


def _user(request: Request, *roles: Role) -> User:
    """The caller, refused (401, 403) by the app's ``access`` — so the answer has the shape of
    every other refusal (``code`` and ``message`` at the top, a page for a browser), not
    FastAPI's ``{"detail": …}``."""
    access = request.app.state.access
    user = access.user(request)
    if roles and not any(has_role(user, r) for r in (*roles, Role.ADMIN)):
        raise access.forbid("Không có quyền thực hiện", f"needs the role {' or '.join(roles)}")
    return user


DRAFTERS = (Role.SPECIALIST, Role.LEADER, Role.CLERK)


class SubmitFields(BaseModel):
    """The ``fields`` part of a submission (JSON)."""

    type: str = Field(description="Type abbreviation printed in the symbol: QĐ, TB, KH, CV…")
    subject: str
    signer: str = Field(description="Username of the competent person")
    recipients: list[str] = Field(default_factory=list)
    urgency: str = "normal"
    book_kind: str = "outgoing"
    signer_title: str | None = None
    signer_name: str | None = None
    signer_authority: str | None = Field(None, max_length=10)
    retained_copy_holder: str | None = Field(None, max_length=200)
    issued_amount: int | None = Field(None, ge=1, le=999)
    due_date: date | None = None


@router.post("/api/outgoing", summary="Submit a final draft (and its appendices)")
@_answers
def submit_draft(
    request: Request,
    file: UploadFile = File(..., description="The final draft PDF"),
    appendices: list[UploadFile] = File(default=[], description="Appendices, one PDF each"),
    fields: str = Form(..., description='JSON: {"type": "QĐ", "subject": …, "signer": '
                                        '"chutich", "recipients": […], "urgency": "normal"}'),
) -> Any:
    user = _user(request, *DRAFTERS)
    try:
        f = SubmitFields.model_validate_json(fields)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, x['loc'])) or 'fields'}: {x['msg']}"
                             for x in e.errors())
        raise WorkflowError(f"fields: {problems}") from None
    limit = int(getattr(request.app.state.settings, "upload_max_bytes", 200 * 1024 * 1024))

    def read(upload: UploadFile) -> bytes:
        data = upload.file.read(limit + 1)
        if len(data) > limit:
            raise WorkflowError(f"{upload.filename or 'a file'} is larger than {limit} bytes")
        return data

    draft = Draft(
        pdf=read(file), doc_type=f.type, subject=f.subject, signer=f.signer,
        recipients=f.recipients, urgency=f.urgency, book_kind=f.book_kind,
        signer_title=f.signer_title, signer_name=f.signer_name,
        signer_authority=f.signer_authority, retained_copy_holder=f.retained_copy_holder,
        issued_amount=f.issued_amount, due_date=f.due_date,
        appendices=[Appendix(a.filename or f"phu-luc-{i + 1}.pdf", read(a))
                    for i, a in enumerate(appendices)],
    )
    cfg = settings_for(request)
    doc = submit(request.app.state.services, cfg, user, draft)
    return document_json(doc, cfg)


@router.get("/api/outgoing", summary="Outgoing documents (waiting=me: waiting for my signature)")
def list_documents(request: Request, status: str | None = None, waiting: str | None = None
                   ) -> dict[str, Any]:
    user = _user(request)
    services = request.app.state.services
    with services.sessions() as session:
        if waiting == "me":
            docs = approve.waiting_for(session, user)
        else:
            _user(request, Role.CLERK, Role.LEADER, Role.SIGNER)
            query = select(OutgoingDocument).order_by(OutgoingDocument.id.desc()).limit(500)
            if status:
                query = query.where(OutgoingDocument.status == status)
            docs = list(session.scalars(query))
        cfg = settings_for(request)
        return {"items": [document_json(d, cfg) for d in docs]}


@router.get("/api/registers/outgoing", summary="The outgoing register for a period")
def register_export(
    request: Request, date_from: date = Query(alias="from"), date_to: date = Query(alias="to"),
    format: str = "csv",
    book: str | None = Query(None, description="a numbering book's code; empty: every book"),
) -> Response:
    _user(request, Role.CLERK, Role.LEADER)
    if date_to < date_from:
        return _error("workflow_error", "the period ends before it starts")
    book = (book or "").strip() or None  # the export form's "every book" is an empty value
    writers = request.app.state.register_writers
    services = request.app.state.services
    with services.sessions() as session:
        register = outgoing_register(session, date_from, date_to, book)
    s = services.settings
    out = {
        "csv": (lambda: writers.to_csv(register), "text/csv; charset=utf-8"),
        "xlsx": (lambda: writers.to_xlsx(register),
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "pdf": (lambda: writers.to_pdf(register, s.organization_name, s.parent_organization),
                "application/pdf"),
    }
    if format not in out:
        return _error("workflow_error", f"format must be csv, xlsx or pdf, not {format!r}")
    write, media = out[format]
    name = f"so-di-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{format}"
    return Response(write(), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _may_read(user: User, doc: OutgoingDocument) -> bool:
    return doc.signer_id == user.id or doc.drafted_by == user.id or any(
        has_role(user, r) for r in (Role.ADMIN, Role.CLERK, Role.LEADER))


def _get(session, request: Request, doc_id: int) -> OutgoingDocument:  # noqa: ANN001
    user = _user(request)
    doc = session.get(OutgoingDocument, doc_id)
    if doc is None:
        raise NotFound(f"no outgoing document {doc_id}")
    if not _may_read(user, doc):
        raise request.app.state.access.forbid("Không có quyền xem văn bản này",
                                              "not your document")
    return doc


@router.get("/api/outgoing/{doc_id}", summary="One outgoing document")
def show(request: Request, doc_id: int) -> dict[str, Any]:
    with request.app.state.services.sessions() as session:
        return document_json(_get(session, request, doc_id), settings_for(request))


FILES = ("draft", "prepared", "signed", "issued")


@router.get("/api/outgoing/{doc_id}/file/{which}", summary="draft, prepared, signed or issued")
def file(request: Request, doc_id: int, which: str) -> Response:
    if which not in FILES:
        raise NotFound(f"no file {which!r}: one of {', '.join(FILES)}")
    services = request.app.state.services
    with services.sessions() as session:
        sha = getattr(_get(session, request, doc_id), f"{which}_sha256")
    if sha is None:
        raise NotFound(f"document {doc_id} has no {which} file yet")
    return Response(services.blobs.get(sha), media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="van-ban-{doc_id}-{which}.pdf"'})


class SignRequest(BaseModel):
    ids: list[int] = Field(min_length=1)
    secret: str | None = Field(None, description="PKCS#12 password or token PIN (never stored)")
    credential: str | None = None


@router.post("/api/outgoing/sign", summary="The official signs one or many documents")
@_answers
def sign(request: Request, body: SignRequest) -> Any:
    user = _user(request, Role.SIGNER)
    outcomes = approve.sign_documents(request.app.state.services, settings_for(request), user,
                                      body.ids, body.secret, body.credential)
    return {"results": [o.as_json() for o in outcomes]}


class RemoteBegin(BaseModel):
    credential: str | None = None
    chain_pem: str | None = Field(None, description="Issuing chain from the signing service")


@router.post("/api/outgoing/{doc_id}/remote", summary="Begin a remote (split) signature")
@_answers
def remote_begin(request: Request, doc_id: int, body: RemoteBegin | None = None) -> Any:
    user = _user(request, Role.SIGNER)
    body = body or RemoteBegin()
    return remote.begin(request.app.state.services, settings_for(request), user, doc_id,
                        body.credential, body.chain_pem).as_json()


class RemoteFinish(BaseModel):
    signature_hex: str


@router.post("/api/outgoing/remote/{token}", summary="Finish a remote signature")
@_answers
def remote_finish(request: Request, token: str, body: RemoteFinish) -> Any:
    user = _user(request, Role.SIGNER)
    try:
        value = bytes.fromhex(body.signature_hex)
    except ValueError:
        raise WorkflowError("signature_hex is not hexadecimal") from None
    return remote.finish(request.app.state.services, settings_for(request), user, token,
                         value).as_json()


@router.post("/api/outgoing/{doc_id}/issue", summary="Number, seal, register and issue")
@_answers
def issue_document(request: Request, doc_id: int) -> Any:
    user = _user(request, Role.CLERK)
    return issue(request.app.state.services, settings_for(request), user.username,
                 doc_id).as_json()


@router.get("/api/outgoing/{doc_id}/verification", summary="Verification reports")
def verification(request: Request, doc_id: int) -> dict[str, Any]:
    services = request.app.state.services
    with services.sessions() as session:
        doc = _get(session, request, doc_id)
    if doc.status not in (OutgoingStatus.ISSUED.value, OutgoingStatus.RECALLED.value):
        return _error("wrong_state", f"document {doc_id} is not issued")
    reports = verification_reports(services.blobs, settings_for(request), doc)
    return {"id": doc_id, "files": [{"file": n, **r.to_dict()} for n, r in reports]}


def _issued_by_code(session, code: str) -> OutgoingDocument:  # noqa: ANN001
    doc = session.scalar(select(OutgoingDocument).where(OutgoingDocument.verify_code == code))
    if doc is None or doc.status not in (OutgoingStatus.ISSUED.value,
                                         OutgoingStatus.RECALLED.value):
        raise NotFound("no issued document with this verification code")
    return doc


@router.get("/outgoing/verify/{code}", response_class=HTMLResponse, include_in_schema=False)
def verify_page(request: Request, code: str) -> HTMLResponse:
    """The page the QR code on an issued document links to (no sign-in)."""
    services = request.app.state.services
    with services.sessions() as session:
        doc = _issued_by_code(session, code)
    reports = verification_reports(services.blobs, settings_for(request), doc)
    return HTMLResponse(_page(doc, reports, code))


@router.get("/outgoing/verify/{code}/document", include_in_schema=False)
def verify_document(request: Request, code: str) -> Response:
    services = request.app.state.services
    with services.sessions() as session:
        doc = _issued_by_code(session, code)
    return Response(services.blobs.get(doc.issued_sha256), media_type="application/pdf")


VERDICT_VI = {"TOTAL-PASSED": "Hợp lệ", "TOTAL-FAILED": "Không hợp lệ",
              "INDETERMINATE": "Chưa xác định được", "NO-SIGNATURE": "Không có chữ ký số"}


def _when(sig) -> str:  # noqa: ANN001
    moment = sig.timestamp_time or sig.signing_time
    if moment is None:
        return ""
    return f", ký lúc {moment.astimezone(VN_TZ):%d/%m/%Y %H:%M:%S} (+07:00)"


def _page(doc: OutgoingDocument, reports: list, code: str) -> str:
    from signing.workflow.register import symbol_of

    e = html.escape
    rows = []
    for name, r in reports:
        sigs = "".join(
            f"<li>{e(s.signer or s.field)} — {e(VERDICT_VI.get(s.indication, s.indication))}"
            f" ({e(s.indication)}{', ' + e(s.subindication) if s.subindication else ''}), "
            f"{e(s.level or '')}{_when(s)}</li>" for s in r.signatures)
        rows.append(f"<section><h2>{e(name)}: {e(VERDICT_VI.get(r.indication, r.indication))}"
                    f" <small>({e(r.indication)})</small></h2><p>{e(r.summary_vi)}</p>"
                    f"<p lang='en'>{e(r.summary_en)}</p><ul>{sigs}</ul></section>")
    recalled = "<p><strong>Văn bản đã bị thu hồi.</strong></p>" \
        if doc.status == OutgoingStatus.RECALLED.value else ""
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>Kiểm tra văn bản {e(symbol_of(doc))}</title></head><body>"
        f"<h1>Văn bản số {e(symbol_of(doc))}</h1>"
        f"<p>{e(doc.organ_name or '')} — ngày {doc.issued_date:%d/%m/%Y}</p>"
        f"<p>Trích yếu: {e(doc.subject or '')}</p><p>Người ký: {e(doc.signer_name or '')}</p>"
        f"{recalled}{''.join(rows)}"
        f"<p><a href='{e(code)}/document'>Tải văn bản đã phát hành</a></p></body></html>"
    )


