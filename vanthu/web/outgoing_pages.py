"""Outgoing documents in the browser: the list of drafts, a new draft, one document's page.

The pages call ``signing.workflow`` as its own API routes do (submit, views); the official's tray
and issuance are in ``vanthu.web.signing_pages``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import or_, select

from registry.documents import OutgoingDocument, OutgoingStatus, Urgency
from registry.errors import NotFound, RegistryError
from registry.numbering import BookKind
from registry.org import Role, User, has_role
from signing.errors import SigningError
from signing.workflow.errors import WorkflowError
from signing.workflow.register import TYPE_NAMES
from signing.workflow.routes import STATUS, settings_for
from signing.workflow.submit import Appendix, Draft, submit
from signing.workflow.views import document_json
from vanthu.auth import forbidden
from vanthu.errors import KNOWN
from vanthu.web.history import history
from vanthu.web.render import language, render

router = APIRouter(include_in_schema=False)

BOOK_KINDS = [BookKind.OUTGOING.value, BookKind.LEGAL.value, BookKind.ADVISORY.value]
STATUSES = [s.value for s in OutgoingStatus]


def sees_all_outgoing(user: User) -> bool:
    """The clerical office and leaders follow every outgoing document; others their own."""
    return any(has_role(user, r) for r in (Role.ADMIN, Role.CLERK, Role.LEADER))


def may_read(user: User, doc: OutgoingDocument) -> bool:
    return doc.signer_id == user.id or doc.drafted_by == user.id or sees_all_outgoing(user)


def workflow_message(request: Request, exc: Exception) -> tuple[int, str]:
    """(HTTP status, the message in the page's language) for a workflow or signing error."""
    code = getattr(exc, "code", "workflow_error")
    table = KNOWN if isinstance(exc, RegistryError) else STATUS
    status, vi = table.get(code, (409, "Không thực hiện được"))
    text = str(exc)
    return status, (text if language(request) == "en" else f"{vi}: {text}")


def _signers(session) -> list[User]:  # noqa: ANN001
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name))
    return [u for u in users if has_role(u, Role.SIGNER)]


@router.get("/outgoing", response_class=HTMLResponse)
def drafts_page(request: Request, status: str = "") -> HTMLResponse:
    user = request.app.state.access.user(request)
    services = request.app.state.services
    with services.sessions() as session:
        query = select(OutgoingDocument).order_by(OutgoingDocument.id.desc()).limit(200)
        if not sees_all_outgoing(user):
            query = query.where(or_(OutgoingDocument.drafted_by == user.id,
                                    OutgoingDocument.signer_id == user.id))
        if status in STATUSES:
            query = query.where(OutgoingDocument.status == status)
        docs = list(session.scalars(query))
        names = {u.id: u.full_name for u in session.scalars(select(User))}
        return render(request, "outgoing_list.html", docs=docs, names=names, statuses=STATUSES,
                      status=status, may_draft=_may_draft(user))


def _may_draft(user: User) -> bool:
    return any(has_role(user, r) for r in (Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.ADMIN))


def _form_page(request: Request, status_code: int = 200, error: str | None = None,
               values: dict[str, Any] | None = None) -> HTMLResponse:
    with request.app.state.services.sessions() as session:
        signers = _signers(session)
    return render(request, "outgoing_new.html", status_code=status_code, error=error,
                  signers=signers, types=TYPE_NAMES, urgencies=[u.value for u in Urgency],
                  book_kinds=BOOK_KINDS, v=values or {"type": "QĐ", "book_kind": "outgoing",
                                                      "urgency": "normal"})


@router.get("/outgoing/new", response_class=HTMLResponse)
def new_draft_form(request: Request) -> HTMLResponse:
    return _form_page(request)


@router.post("/outgoing/new", response_class=HTMLResponse)
def new_draft(
    request: Request, file: UploadFile | None = File(None),
    appendices: list[UploadFile] = File(default=[]), doc_type: str = Form(""),
    subject: str = Form(""), signer: str = Form(""), recipients: str = Form(""),
    urgency: str = Form("normal"), book_kind: str = Form("outgoing"),
    due_date: str = Form(""),
) -> Response:
    user = request.app.state.access.user(request)
    values = {"type": doc_type, "subject": subject, "signer": signer, "recipients": recipients,
              "urgency": urgency, "book_kind": book_kind, "due_date": due_date}
    limit = int(request.app.state.settings.upload_max_bytes)

    def read(upload: UploadFile) -> bytes:
        data = upload.file.read(limit + 1)
        if len(data) > limit:
            raise WorkflowError(f"{upload.filename or 'a file'} is larger than {limit} bytes")
        return data

    try:
        if file is None or not file.filename:
            raise WorkflowError("choose the draft PDF / hãy chọn tệp dự thảo PDF")
        due = date.fromisoformat(due_date) if due_date else None
        draft = Draft(
            pdf=read(file), doc_type=doc_type.strip(), subject=subject.strip(),
            signer=signer, urgency=urgency, book_kind=book_kind, due_date=due,
            recipients=[r.strip() for r in recipients.splitlines() if r.strip()],
            appendices=[Appendix(a.filename, read(a)) for a in appendices if a.filename])
        doc = submit(request.app.state.services, settings_for(request), user, draft)
    except ValueError:
        return _form_page(request, 422, f"{due_date!r}: not a date / không phải ngày", values)
    except (WorkflowError, SigningError, RegistryError) as exc:
        status, message = workflow_message(request, exc)
        return _form_page(request, status, message, values)
    return RedirectResponse(f"/outgoing/{doc.id}?done=submitted", status_code=303)


def outgoing_page(request: Request, doc_id: int, status_code: int = 200,
                  **extra: Any) -> HTMLResponse:
    user = request.app.state.access.user(request)
    with request.app.state.services.sessions() as session:
        doc = session.get(OutgoingDocument, doc_id)
        if doc is None:
            raise NotFound(f"no outgoing document {doc_id}")
        if not may_read(user, doc):
            raise forbidden("Không có quyền xem văn bản này", "not your document")
        data = document_json(doc, settings_for(request))
        drafter = session.get(User, doc.drafted_by) if doc.drafted_by else None
        shown = next((w for w in ("issued", "signed", "prepared")
                      if data[f"{w}_sha256"]), None)
        return render(
            request, "outgoing_doc.html", status_code=status_code, doc=data,
            drafter=drafter.full_name if drafter else "—",
            history=history(session, "outgoing", doc_id),
            shown=shown, type_name=TYPE_NAMES.get(doc.doc_type or "", doc.doc_type),
            may_sign=doc.signer_id == user.id and doc.status == OutgoingStatus.PREPARED.value,
            may_issue=(has_role(user, Role.CLERK) or has_role(user, Role.ADMIN))
            and doc.status == OutgoingStatus.SIGNED.value,
            done=request.query_params.get("done"), **extra)


@router.get("/outgoing/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: int) -> HTMLResponse:
    return outgoing_page(request, doc_id)

