"""Step 4–5: the clerk issues a signed document — number, date, seal, appendices, register.

Everything happens in one transaction, in this order:

1. ``number``: the next number of the right book (by book kind and document type), taken with
   the counter row locked until the transaction ends;
2. ``fill``: the number and the date written into the blanks, in the installed font of the
   draft's own "Số:" line when there is one (a new incremental update that the official's
   approval signature permits);
3. ``seal``: the organization's signature with the seal image over the official's signature;
4. ``appendices``: each appendix signed by the organization with the top-right text stamp;
5. ``store``: the results stored durably (fsync'd) before the rows naming them;
6. ``register``: the register entry (number, date, status) and the audit event.

If any step fails, the transaction rolls back — the number goes back to the book, the document
stays ``signed`` — and an ``outgoing.issue_failed`` audit event records the step and the reason,
so the register has no gap and explains every attempt. ``checkpoint`` is called after each step
(tests use it to stop the flow at each step).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from registry.audit import append
from registry.clock import VN_TZ, as_utc
from registry.documents import OutgoingDocument, OutgoingStatus
from registry.errors import NotFound, RegistryError
from registry.numbering import book_for, take_number
from signing.errors import SigningError
from signing.fields import fill_text_fields
from signing.pades import SignJob, SignOptions, sign_batch
from signing.stamp import AppendixStamp, SealStamp
from signing.workflow.config import Backend, WorkflowSettings
from signing.workflow.errors import IssueFailed, WorkflowError, WrongState
from signing.workflow.files import fetch, store
from signing.workflow.fontmatch import matching_font
from signing.workflow.keys import open_seal, seal_credential
from signing.workflow.prepare import DAY_FIELD, MONTH_FIELD, NUMBER_FIELD, SEAL_FIELD

STEPS = ("number", "fill", "seal", "appendices", "store", "register")

Checkpoint = Callable[[str], None]


@dataclass(frozen=True)
class IssueResult:
    doc_id: int
    book: str
    year: int
    number: int
    number_symbol: str  # "45/QĐ-UBND"
    issued_date: date
    issued_sha256: str

    def as_json(self) -> dict:
        return {"id": self.doc_id, "book": self.book, "year": self.year, "number": self.number,
                "number_symbol": self.number_symbol, "issued_date": self.issued_date.isoformat(),
                "issued_sha256": self.issued_sha256}


def format_number(n: int) -> str:
    """Decree 30: a leading zero below 10 ("01" … "09")."""
    return f"{n:02d}"


def date_blanks(day: date) -> tuple[str, str]:
    """Day zero-padded below 10; month zero-padded only for January and February."""
    return f"{day.day:02d}", (f"{day.month:02d}" if day.month <= 2 else str(day.month))


def full_notation(year: int, notation: str | None, legal: bool) -> str | None:
    """Legal documents carry the year before the symbol (30/2026/QĐ-UBND); administrative
    documents do not (45/QĐ-UBND)."""
    if not legal:
        return notation
    return f"{year}/{notation}" if notation else str(year)


def number_symbol(n: int, notation: str | None) -> str:
    return f"{format_number(n)}/{notation}" if notation else format_number(n)


def issue(backend: Backend, cfg: WorkflowSettings, actor: str, doc_id: int,
          checkpoint: Checkpoint | None = None) -> IssueResult:
    """Issue one signed document; see the module docstring."""
    check = checkpoint or (lambda _step: None)
    if cfg.level.needs_tsa and not cfg.tsa_url:  # a configuration error: say so before numbering
        raise WorkflowError(f"the organization signature is set to {cfg.level}, which needs a "
                            "time-stamping authority URL (VANTHU_TSA_URL)")
    with backend.sessions() as session:
        doc = session.get(OutgoingDocument, doc_id)
        if doc is None:
            raise NotFound(f"no outgoing document {doc_id}")
        if doc.status != OutgoingStatus.SIGNED.value:
            raise WrongState(f"document {doc_id} is {doc.status}; only signed documents are "
                             "issued")
        seal = seal_credential(session)
    progress = ["prepare"]

    def at(step: str) -> None:
        progress[0] = step

    try:
        with tempfile.TemporaryDirectory(prefix="vanthu-issue-") as tmp_name:
            tmp = Path(tmp_name)
            seal_png = fetch(backend.blobs, seal.image_sha256, tmp / "seal.png") \
                if seal.image_sha256 else None
            with open_seal(seal) as signer, backend.transaction() as session:
                return _issue_locked(backend, cfg, actor, doc_id, session, signer, seal,
                                     seal_png, tmp, check, at)
    except (WorkflowError, SigningError, RegistryError, OSError, SQLAlchemyError) as e:
        _record_failure(backend, actor, doc_id, progress[0], e)
        if isinstance(e, WrongState | NotFound):
            raise
        raise IssueFailed(progress[0], str(e)) from e


def _issue_locked(
    backend: Backend, cfg: WorkflowSettings, actor: str, doc_id: int, session, signer, seal,
    seal_png: Path | None, tmp: Path, check: Checkpoint, at: Checkpoint,
) -> IssueResult:
    at("number")
    doc = session.get(OutgoingDocument, doc_id, with_for_update=True, populate_existing=True)
    if doc is None or doc.status != OutgoingStatus.SIGNED.value:
        raise WrongState(f"document {doc_id} was issued or withdrawn meanwhile")
    book = book_for(session, doc.book_kind, doc.doc_type)
    year, n = take_number(session, book, backend.clock)
    now = as_utc(backend.clock())
    day = now.astimezone(VN_TZ).date()
    notation = full_notation(year, doc.code_notation, doc.book_kind == "legal")
    symbol = number_symbol(n, notation)
    check("number")

    at("fill")
    signed = fetch(backend.blobs, doc.signed_sha256, tmp / "signed.pdf")
    numbered = tmp / "numbered.pdf"
    day_text, month_text = date_blanks(day)
    number_text = format_number(n)  # the draft prints the rest of the symbol after the blank
    fill_text_fields(signed, numbered, {NUMBER_FIELD: number_text, DAY_FIELD: day_text,
                                        MONTH_FIELD: month_text},
                      font=cfg.font or matching_font(signed))
    check("fill")

    at("seal")
    options = SignOptions(level=cfg.level, tsa_url=cfg.tsa_url, tsa_timeout=cfg.tsa_timeout,
                          trust=cfg.trust_settings(), field_name=SEAL_FIELD,
                          reason=f"Ban hành văn bản số {symbol}", location=cfg.place_name)
    jobs = [SignJob(numbered, tmp / "issued.pdf",
                    SealStamp(image=seal_png, diameter_mm=seal.image_width_mm)
                    if seal_png else None)]
    for i, app in enumerate(doc.appendices):
        src = fetch(backend.blobs, app["draft_sha256"], tmp / f"appendix-{i}.pdf")
        jobs.append(SignJob(src, tmp / f"appendix-{i}-signed.pdf",
                            AppendixStamp(cfg.organization_name, symbol, font=cfg.font)))
    results = sign_batch(jobs, signer, options)
    if isinstance(results[0], SigningError):
        raise results[0]
    check("seal")
    at("appendices")
    for r in results[1:]:
        if isinstance(r, SigningError):
            raise r
    check("appendices")

    at("store")
    issued_sha = store(session, backend.blobs, (tmp / "issued.pdf").read_bytes())
    appendices = [
        {**app, "issued_sha256": store(session, backend.blobs, r.output.read_bytes())}
        for app, r in zip(doc.appendices, results[1:], strict=True)
    ]
    check("store")

    at("register")
    doc.book_id, doc.number_year, doc.number = book.id, year, n
    doc.code_number, doc.code_notation = number_text, notation
    doc.issued_date = day
    doc.issued_at = now
    doc.issued_sha256 = issued_sha
    doc.appendices = appendices
    doc.status = OutgoingStatus.ISSUED.value
    try:
        session.flush()
    except IntegrityError:
        raise WorkflowError(
            f"{symbol} was issued already this year by another book: two books give the same "
            "number and symbol; check the books' document types") from None
    append(session, actor, "outgoing.issued", "outgoing", doc.id,
           {"book": book.code, "year": year, "number": n, "number_symbol": symbol,
            "issued": issued_sha, "level": str(cfg.level), "appendices": len(appendices)},
           backend.clock)
    check("register")
    return IssueResult(doc.id, book.code, year, n, symbol, day, issued_sha)


def _record_failure(backend: Backend, actor: str, doc_id: int, step: str,
                    error: BaseException) -> None:
    code = getattr(error, "code", type(error).__name__)
    try:
        with backend.transaction() as session:
            append(session, actor, "outgoing.issue_failed", "outgoing", doc_id,
                   {"step": step, "code": code, "reason": str(error)[:500]}, backend.clock)
    except Exception:  # noqa: BLE001 - the original failure is what the caller must see
        pass
