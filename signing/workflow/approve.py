"""Step 3: the competent person signs — one document or a batch, with their own key only.

The key is the official's credential (PKCS#12 on the server opened with the password they type,
or a PKCS#11 token with their PIN); it is opened once for the whole batch. Only documents whose
designated signer is this user can be signed, and only with a credential this user owns.
An approval signature (not a certification), so the number, date and seal can follow.
Urgent documents are issued at once after signing (Decree 30, Art. 18.1).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import append
from registry.documents import OutgoingDocument, OutgoingStatus, Urgency
from registry.errors import NotFound
from registry.org import User
from signing.errors import SigningError
from signing.pades import SignJob, SignOptions, SignResult, sign_batch
from signing.stamp import OfficialStamp
from signing.workflow.config import Backend, WorkflowSettings
from signing.workflow.errors import NotAllowed, WorkflowError, WrongState
from signing.workflow.files import fetch, store
from signing.workflow.keys import official_credential, open_credential
from signing.workflow.prepare import OFFICIAL_FIELD


@dataclass(frozen=True)
class SignOutcome:
    doc_id: int
    ok: bool
    code: str | None = None
    message: str | None = None
    issued: bool = False  # urgent: issued right after signing
    number: str | None = None
    urgent: bool = False

    def as_json(self) -> dict:
        return {"id": self.doc_id, "ok": self.ok, "code": self.code, "message": self.message,
                "urgent": self.urgent, "issued": self.issued, "number": self.number}


def waiting_for(session: Session, user: User) -> list[OutgoingDocument]:
    """The documents waiting for this user's signature, most urgent first."""
    from registry.documents import URGENCY_RANK

    docs = session.scalars(select(OutgoingDocument).where(
        OutgoingDocument.signer_id == user.id,
        OutgoingDocument.status == OutgoingStatus.PREPARED.value,
    ).order_by(OutgoingDocument.id)).all()
    return sorted(docs, key=lambda d: URGENCY_RANK.get(Urgency(d.urgency), 9))


def _load(session: Session, user: User, doc_ids: list[int]) -> list[OutgoingDocument]:
    docs = []
    for doc_id in doc_ids:
        doc = session.get(OutgoingDocument, doc_id)
        if doc is None:
            raise NotFound(f"no outgoing document {doc_id}")
        if doc.signer_id != user.id:
            # Nobody signs in another person's place: the whole request is refused.
            raise NotAllowed(f"document {doc_id} is not waiting for {user.username}'s signature")
        docs.append(doc)
    return docs


def sign_documents(
    backend: Backend, cfg: WorkflowSettings, user: User, doc_ids: list[int], secret: str | None,
    credential: str | None = None,
) -> list[SignOutcome]:
    """Sign the documents with the user's own key; one outcome per document, in order."""
    if not doc_ids:
        raise WorkflowError("no documents to sign")
    with backend.sessions() as session:
        docs = _load(session, user, list(dict.fromkeys(doc_ids)))
        cred = official_credential(session, user, credential)
        ready = [d for d in docs if d.status == OutgoingStatus.PREPARED.value]
        outcomes = {d.id: SignOutcome(d.id, False, WrongState.code,
                                      f"document {d.id} is {d.status}, not waiting for signature")
                    for d in docs if d not in ready}
        image_sha = cred.image_sha256
        jobs_src = [(d.id, d.prepared_sha256) for d in ready]
    if jobs_src:
        results = _sign_files(backend, cfg, cred, secret, image_sha, jobs_src)
        for (doc_id, _), result in zip(jobs_src, results, strict=True):
            outcomes[doc_id] = record_signature(backend, user, doc_id, result)
    done = [outcomes[d] for d in dict.fromkeys(doc_ids)]
    return [issue_if_urgent(backend, cfg, o) for o in done]


def _sign_files(backend, cfg, cred, secret, image_sha, jobs_src):  # noqa: ANN001, ANN202
    options = SignOptions(level=cfg.official_level, tsa_url=cfg.tsa_url,
                          tsa_timeout=cfg.tsa_timeout, trust=cfg.trust_settings(),
                          field_name=OFFICIAL_FIELD, reason="Phê duyệt văn bản",
                          location=cfg.place_name)
    with tempfile.TemporaryDirectory(prefix="vanthu-sign-") as tmp:
        sig_png = fetch(backend.blobs, image_sha, Path(tmp, "signature.png")) if image_sha \
            else None
        jobs = []
        for doc_id, sha in jobs_src:
            src = fetch(backend.blobs, sha, Path(tmp, f"{doc_id}.pdf"))
            stamp = OfficialStamp(image=sig_png) if sig_png else None
            jobs.append(SignJob(src, Path(tmp, f"{doc_id}-signed.pdf"), stamp))
        with open_credential(cred, secret) as loaded:
            results = sign_batch(jobs, loaded, options)
        return [r if isinstance(r, SigningError) else (r, r.output.read_bytes())
                for r in results]


def record_signature(backend: Backend, user: User, doc_id: int,
            result: SigningError | tuple[SignResult, bytes]) -> SignOutcome:
    if isinstance(result, SigningError):
        return SignOutcome(doc_id, False, result.code, str(result))
    sign_result, data = result
    with backend.transaction() as session:
        doc = session.get(OutgoingDocument, doc_id, with_for_update=True)
        if doc is None or doc.status != OutgoingStatus.PREPARED.value:
            return SignOutcome(doc_id, False, WrongState.code,
                               f"document {doc_id} was signed or withdrawn meanwhile")
        doc.signed_sha256 = store(session, backend.blobs, data)
        doc.signed_at = sign_result.signing_time
        doc.status = OutgoingStatus.SIGNED.value
        append(session, user.username, "outgoing.signed", "outgoing", doc.id,
               {"signed": doc.signed_sha256, "level": str(sign_result.level),
                "signer": sign_result.signer}, backend.clock)
        urgent = doc.urgency != Urgency.NORMAL.value
    return SignOutcome(doc_id, True, urgent=urgent)


def issue_if_urgent(backend: Backend, cfg: WorkflowSettings, o: SignOutcome) -> SignOutcome:
    if not (o.ok and o.urgent):
        return o
    from signing.workflow.issue import issue

    try:
        result = issue(backend, cfg, "system", o.doc_id)
    except (WorkflowError, SigningError) as e:
        return SignOutcome(o.doc_id, True, e.code, f"signed; issuing failed: {e}", urgent=True)
    return SignOutcome(o.doc_id, True, urgent=True, issued=True, number=result.number_symbol)
