"""Step 1–2: a drafter submits the final draft; the system prepares it or says why it cannot.

The draft, its appendices and the prepared file are stored; the document is recorded as
``prepared`` with its Decree-30 fields, waiting for its signer. A draft whose signature block or
number/date blanks cannot be found is refused and nothing is stored.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from registry.audit import append
from registry.credentials import SigningCredential
from registry.documents import Confidentiality, OutgoingDocument, OutgoingStatus, Urgency
from registry.errors import NotFound
from registry.numbering import BookKind, book_for
from registry.org import Role, User, has_role, user_by_name
from registry.text import nfc
from signing.workflow.config import Backend, WorkflowSettings
from signing.workflow.errors import NoCredential, NotAllowed, NotPrepared
from signing.workflow.files import fetch, store
from signing.workflow.keys import official_credential, seal_credential
from signing.workflow.prepare import PrepareRequest, prepare_draft

MAX_SUBJECT = 500


@dataclass(frozen=True)
class Appendix:
    name: str
    data: bytes


@dataclass(frozen=True)
class Draft:
    """What a drafter submits. ``doc_type`` is the Decree-30 abbreviation (QĐ, CV, TB, …);
    ``book_kind`` says which kind of numbering book it belongs to (outgoing, legal, advisory)."""

    pdf: bytes
    doc_type: str
    subject: str
    signer: str  # username of the competent person
    recipients: list[str] = field(default_factory=list)
    urgency: str = Urgency.NORMAL.value
    confidentiality: str = Confidentiality.NONE.value
    appendices: list[Appendix] = field(default_factory=list)
    book_kind: str = BookKind.OUTGOING.value
    signer_title: str | None = None  # as printed above the signature; default: the user's title
    signer_name: str | None = None  # as printed below it; default: the user's full name
    signer_authority: str | None = None  # TM. / KT. / TL. / TUQ. / Q.
    retained_copy_holder: str | None = None
    issued_amount: int | None = None
    due_date: object | None = None  # a datetime.date




def _check(draft: Draft) -> None:
    if not draft.pdf.startswith(b"%PDF-"):
        raise NotPrepared("the draft is not a PDF file")
    for app in draft.appendices:
        if not app.data.startswith(b"%PDF-"):
            raise NotPrepared(f"appendix '{app.name}' is not a PDF file")
    if not nfc(draft.subject):
        raise NotPrepared("the abstract (trích yếu) is empty")
    if len(nfc(draft.subject)) > MAX_SUBJECT:
        raise NotPrepared(f"the abstract is longer than {MAX_SUBJECT} characters")
    if not nfc(draft.doc_type) or len(draft.doc_type) > 20:
        raise NotPrepared("the document type abbreviation (e.g. QĐ, TB) is missing or too long")
    try:
        Urgency(draft.urgency)
        Confidentiality(draft.confidentiality)
        BookKind(draft.book_kind)
    except ValueError as e:
        raise NotPrepared(str(e)) from None
    if draft.book_kind == BookKind.INCOMING.value:
        raise NotPrepared("an outgoing document cannot be numbered in the incoming book")
    if draft.confidentiality != Confidentiality.NONE.value:
        # Secret documents have their own numbering and must not go through ordinary systems.
        raise NotPrepared("secret documents are not handled by this system")


def submit(backend: Backend, cfg: WorkflowSettings, drafter: User, draft: Draft
           ) -> OutgoingDocument:
    """Prepare and record the draft; refuse it with a reason when it cannot be prepared."""
    _check(draft)
    with backend.sessions() as session:
        signer = _signer(session, draft.signer)
        cred = official_credential(session, signer)
        seal = seal_credential(session)
        book_for(session, draft.book_kind, nfc(draft.doc_type))  # a book must exist now
        title = nfc(draft.signer_title or signer.title).upper()
        name = nfc(draft.signer_name or signer.full_name)
        code = secrets.token_urlsafe(12)
        prepared = _prepare(backend, cfg, draft, cred, seal, title, name, code)
    _check_notation(nfc(draft.doc_type), prepared.notation)
    with backend.transaction() as session:
        doc = OutgoingDocument(
            status=OutgoingStatus.PREPARED.value,
            doc_type=nfc(draft.doc_type),
            code_notation=prepared.notation,
            subject=nfc(draft.subject),
            organ_name=cfg.organization_name,
            place=cfg.place_name,
            signer_id=signer.id,
            signer_name=name[:50],
            signer_position=title[:100],
            signer_authority=draft.signer_authority,
            drafted_by=drafter.id,
            drafting_unit_id=drafter.unit_id,
            recipients=[nfc(r) for r in draft.recipients if nfc(r)],
            urgency=draft.urgency,
            confidentiality=draft.confidentiality,
            retained_copy_holder=draft.retained_copy_holder,
            issued_amount=draft.issued_amount,
            due_date=draft.due_date,
            book_kind=draft.book_kind,
            verify_code=code,
            draft_sha256=store(session, backend.blobs, draft.pdf),
            prepared_sha256=store(session, backend.blobs, prepared.pdf),
            appendices=[{"name": nfc(a.name), "draft_sha256": store(session, backend.blobs,
                                                                     a.data)}
                        for a in draft.appendices],
            created_at=backend.clock(),
        )
        session.add(doc)
        session.flush()
        append(session, drafter.username, "outgoing.submitted", "outgoing", doc.id,
               {"type": doc.doc_type, "subject": doc.subject, "signer": signer.username,
                "urgency": doc.urgency, "appendices": len(doc.appendices),
                "draft": doc.draft_sha256}, backend.clock)
        return doc


# Types whose symbol carries no type abbreviation (Decree 30, Phụ lục III): công văn, thư công.
NO_ABBREVIATION = {"CV"}


def _check_notation(doc_type: str, notation: str | None) -> None:
    """The type given must be the one printed in the symbol: it chooses the numbering book."""
    if notation is None or doc_type in NO_ABBREVIATION:
        return
    printed = notation.split("-", 1)[0]
    if printed != doc_type:
        raise NotPrepared(f"the draft prints the symbol '/{notation}' but the type given is "
                          f"'{doc_type}'")


def _signer(session: Session, username: str) -> User:
    try:
        user = user_by_name(session, username)
    except NotFound:
        raise NotPrepared(f"no user '{username}' to sign the document") from None
    if not user.active or not has_role(user, Role.SIGNER):
        raise NotAllowed(f"{username} is not a competent signer")
    return user


def _prepare(backend: Backend, cfg: WorkflowSettings, draft: Draft, cred: SigningCredential,
             seal: SigningCredential, title: str, name: str, code: str):  # noqa: ANN202
    if not cred.image_sha256:
        raise NoCredential(f"credential '{cred.label}' has no signature image")
    if not seal.image_sha256:
        raise NoCredential("the seal credential has no seal image")
    with tempfile.TemporaryDirectory(prefix="vanthu-submit-") as tmp:
        sig_png = fetch(backend.blobs, cred.image_sha256, Path(tmp, "signature.png"))
        seal_png = fetch(backend.blobs, seal.image_sha256, Path(tmp, "seal.png"))
        return prepare_draft(PrepareRequest(
            draft=draft.pdf, signer_title=title, signer_name=name, signature_image=sig_png,
            seal_image=seal_png, seal_mm=seal.image_width_mm, verify_url=cfg.verify_url(code),
            qr_size_mm=cfg.qr_size_mm,
        ))
