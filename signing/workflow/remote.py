"""The split signing flow for officials whose key is held by a remote signing service.

:func:`begin` prepares the document for the official's field and returns the digest to sign
(the service signs it on the official's phone); :func:`finish` embeds the returned value, which
must verify under the official's recorded certificate, and records the document as signed.
Pending signatures live in this process's memory for ``TTL_S`` seconds.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem, x509

from registry.documents import OutgoingDocument, OutgoingStatus
from registry.errors import NotFound
from registry.org import User
from signing.errors import SigningError
from signing.external import PendingSignature, begin_external, finish_external
from signing.pades import Level, SignOptions
from signing.stamp import OfficialStamp
from signing.workflow import approve
from signing.workflow.config import Backend, WorkflowSettings
from signing.workflow.errors import NotAllowed, WorkflowError, WrongState
from signing.workflow.files import fetch
from signing.workflow.keys import official_credential
from signing.workflow.prepare import OFFICIAL_FIELD

TTL_S = 600.0


@dataclass
class _Pending:
    doc_id: int
    user_id: int
    pending: PendingSignature
    folder: Path
    created: float


_lock = threading.Lock()
_pending: dict[str, _Pending] = {}


@dataclass(frozen=True)
class RemoteRequest:
    token: str
    doc_id: int
    digest_algorithm: str
    to_be_signed_digest: bytes  # what a hash-signing service signs
    to_be_signed: bytes  # the DER signed attributes, for services that hash themselves

    def as_json(self) -> dict:
        return {"token": self.token, "id": self.doc_id, "digest_algorithm":
                self.digest_algorithm, "digest_hex": self.to_be_signed_digest.hex(),
                "to_be_signed_hex": self.to_be_signed.hex()}


def _expire() -> None:
    now = time.monotonic()
    for token in [t for t, p in _pending.items() if now - p.created > TTL_S]:
        _drop(_pending.pop(token))


def _drop(p: _Pending) -> None:
    p.pending.abort()
    shutil.rmtree(p.folder, ignore_errors=True)


def _certificates(text: str) -> list[x509.Certificate]:
    try:
        return [x509.Certificate.load(der) for _, _, der in
                pem.unarmor(text.encode(), multiple=True)]
    except ValueError as e:
        raise WorkflowError(f"the certificate chain is not PEM: {e}") from None


def begin(backend: Backend, cfg: WorkflowSettings, user: User, doc_id: int,
          credential: str | None = None, chain_pem: str | None = None) -> RemoteRequest:
    """Prepare the signature; ``chain_pem`` is the issuing chain the remote service returns
    with the official's certificate (embedded so that verifiers can build the path)."""
    with backend.sessions() as session:
        doc = session.get(OutgoingDocument, doc_id)
        if doc is None:
            raise NotFound(f"no outgoing document {doc_id}")
        if doc.signer_id != user.id:
            raise NotAllowed(f"document {doc_id} is not waiting for {user.username}'s signature")
        if doc.status != OutgoingStatus.PREPARED.value:
            raise WrongState(f"document {doc_id} is {doc.status}, not waiting for signature")
        cred = official_credential(session, user, credential)
        certs = _certificates(cred.cert_pem)
        prepared_sha, image_sha = doc.prepared_sha256, cred.image_sha256
    chain = certs[1:] + (_certificates(chain_pem) if chain_pem else [])
    folder = Path(tempfile.mkdtemp(prefix="vanthu-remote-"))
    try:
        src = fetch(backend.blobs, prepared_sha, folder / "prepared.pdf")
        image = fetch(backend.blobs, image_sha, folder / "signature.png") if image_sha else None
        level = Level.B_T if cfg.tsa_url else Level.B_B
        pending = begin_external(
            src, folder / "signed.pdf", certs[0], chain,
            SignOptions(level=level, tsa_url=cfg.tsa_url, field_name=OFFICIAL_FIELD,
                        reason="Phê duyệt văn bản", location=cfg.place_name),
            OfficialStamp(image=image) if image else None)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    token = secrets.token_urlsafe(16)
    with _lock:
        _expire()
        _pending[token] = _Pending(doc_id, user.id, pending, folder, time.monotonic())
    return RemoteRequest(token, doc_id, pending.digest_algorithm, pending.to_be_signed_digest,
                         pending.to_be_signed)


def finish(backend: Backend, cfg: WorkflowSettings, user: User, token: str,
           signature_value: bytes) -> approve.SignOutcome:
    with _lock:
        _expire()
        p = _pending.get(token)
        if p is None:
            raise WorkflowError("no pending remote signature with this token (expired?)")
        if p.user_id != user.id:
            raise NotAllowed("this pending signature belongs to another person")
        _pending.pop(token)
    try:
        result = finish_external(p.pending, signature_value)
        data = result.output.read_bytes()
    except SigningError:
        with _lock:  # a wrong value may be retried with the right one
            _pending.setdefault(token, p)
        raise
    shutil.rmtree(p.folder, ignore_errors=True)
    outcome = approve.record_signature(backend, user, p.doc_id, (result, data))
    return approve.issue_if_urgent(backend, cfg, outcome)
