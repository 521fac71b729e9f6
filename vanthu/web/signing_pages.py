"""The official's signing tray (several drafts signed at once with his own key) and the clerk's
issuance desk (number and date written in, the seal signature, the register).

Both call ``signing.workflow`` (``approve.sign_documents``, ``issue``) as its API routes do. The
password or PIN the official types opens his key for this one batch: it is never stored, logged
or shown again.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from registry.credentials import KeyPurpose, credentials_of
from registry.documents import OutgoingDocument, OutgoingStatus
from registry.errors import RegistryError
from registry.org import User
from signing.errors import SigningError
from signing.workflow import approve
from signing.workflow.errors import WorkflowError
from signing.workflow.issue import issue
from signing.workflow.routes import settings_for
from vanthu.web.outgoing_pages import outgoing_page, workflow_message
from vanthu.web.render import render

router = APIRouter(include_in_schema=False)


def person_on(cert_pem: str, subject: str) -> str:
    """The certificate's common name — the person, for an official's key. Read from the
    certificate itself: the stored RFC 4514 string has escapes and OIDs a hand parser would
    trip on. The whole name when there is no common name (or the PEM cannot be read)."""
    try:
        names = x509.load_pem_x509_certificate(cert_pem.encode()).subject.get_attributes_for_oid(
            NameOID.COMMON_NAME)
    except ValueError:
        return subject
    return str(names[0].value) if names else subject


def _tray(request: Request, status_code: int = 200, **extra) -> HTMLResponse:  # noqa: ANN003
    user = request.app.state.access.user(request)
    with request.app.state.services.sessions() as session:
        docs = approve.waiting_for(session, user)
        creds = credentials_of(session, user.id, KeyPurpose.OFFICIAL.value)
        names = {u.id: u.full_name for u in session.scalars(select(User))}
        people = {c.id: person_on(c.cert_pem, c.subject) for c in creds}
        return render(request, "tray.html", status_code=status_code, docs=docs, names=names,
                      credentials=creds, people=people, **extra)


@router.get("/tray", response_class=HTMLResponse)
def tray_page(request: Request) -> HTMLResponse:
    return _tray(request)


@router.post("/tray/sign", response_class=HTMLResponse)
def sign_batch(request: Request, ids: list[int] = Form(default=[]), secret: str = Form(""),
               credential: str = Form("")) -> HTMLResponse:
    user = request.app.state.access.user(request)
    if not ids:
        return _tray(request, 422, error="tray.none_chosen")
    try:
        outcomes = approve.sign_documents(request.app.state.services, settings_for(request),
                                          user, ids, secret or None, credential or None)
    except (WorkflowError, SigningError, RegistryError) as exc:
        status, message = workflow_message(request, exc)
        return _tray(request, status, failure=message)
    failed = [o for o in outcomes if not o.ok]
    return _tray(request, 200 if not failed else 409, outcomes=outcomes,
                 signed=sum(o.ok for o in outcomes))


def _desk(request: Request, status_code: int = 200, **extra) -> HTMLResponse:  # noqa: ANN003
    with request.app.state.services.sessions() as session:
        docs = list(session.scalars(select(OutgoingDocument).where(
            OutgoingDocument.status == OutgoingStatus.SIGNED.value)
            .order_by(OutgoingDocument.signed_at, OutgoingDocument.id)))
        recent = list(session.scalars(select(OutgoingDocument).where(
            OutgoingDocument.status == OutgoingStatus.ISSUED.value)
            .order_by(OutgoingDocument.issued_at.desc()).limit(20)))
        return render(request, "issuance.html", status_code=status_code, docs=docs,
                      recent=recent, **extra)


@router.get("/issuance", response_class=HTMLResponse)
def issuance_page(request: Request) -> HTMLResponse:
    return _desk(request)


@router.post("/issuance", response_class=HTMLResponse)
def issue_batch(request: Request, ids: list[int] = Form(default=[])) -> HTMLResponse:
    """Issue the chosen documents in the order shown: each takes the next number of its book."""
    user = request.app.state.access.user(request)
    if not ids:
        return _desk(request, 422, error="issue.none_chosen")
    results, failures = [], []
    services, cfg = request.app.state.services, settings_for(request)
    for doc_id in dict.fromkeys(ids):
        try:
            results.append(issue(services, cfg, user.username, doc_id))
        except (WorkflowError, SigningError, RegistryError) as exc:
            failures.append((doc_id, workflow_message(request, exc)[1]))
    return _desk(request, 200 if not failures else 409, results=results, failures=failures)


@router.post("/outgoing/{doc_id}/issue", response_class=HTMLResponse)
def issue_one(request: Request, doc_id: int) -> Response:
    user = request.app.state.access.user(request)
    try:
        issue(request.app.state.services, settings_for(request), user.username, doc_id)
    except (WorkflowError, SigningError, RegistryError) as exc:
        status, message = workflow_message(request, exc)
        return outgoing_page(request, doc_id, status_code=status, error=message)
    return RedirectResponse(f"/outgoing/{doc_id}?done=issued", status_code=303)
