"""The stages that run in the background after a document is received: read it, check its
signatures, flag duplicates. Each stage is a job of its own, retried on its own.

A stage that meets a document it cannot handle (unreadable, malformed) records the reason on the
entry and ends; only unexpected failures raise, so that the job is retried.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

import ocr
from intake.duplicates import flag_duplicates
from intake.errors import InvalidField
from intake.fieldmap import READ_FIELDS, convert, to_json
from intake.receive import READ_JOB, VERIFY_JOB
from intake.search import update_index
from intake.suggest import TRAIN_JOB, run_training, suggest_unit
from registry.audit import Event, append_many
from registry.documents import IncomingDocument, IncomingStatus
from registry.filestore import record_blob
from signing.verification import NO_SIGNATURE, TOTAL_FAILED, Trust, verify

Done = Callable[[Any], None]  # marks the running job done in the given session
# A stage's result, written later in a transaction the caller chooses; it returns the audit event
# that records it, for the caller to append: the worker pool writes a batch of results and their
# events in one commit, one round of audit statements (bench/intake.py). None: nothing to write.
Apply = Callable[[Any], Event]
FIRST_PAGE_AFTER_S = 1.0  # a reading that takes longer shows page 1's fields before the rest


@dataclass(frozen=True)
class Facts:
    """What a stage needs to know of its document before it starts."""

    status: str
    blob_sha256: str
    media_type: str
    original_filename: str | None
    channel: str

    @property
    def scanned(self) -> bool:
        """Reading it means OCR, seconds a page: an image, or a scan of a paper document."""
        return self.media_type != "application/pdf" or self.channel == "paper"


def facts_of(services, doc_ids: list[int]) -> dict[int, Facts]:  # noqa: ANN001
    """The facts of several documents in one query (a worker's batch: one, not one per job)."""
    d = IncomingDocument
    with services.sessions() as session:  # a reader's session: no writer lock
        rows = session.execute(
            select(d.id, d.status, d.blob_sha256, d.media_type, d.original_filename,
                   d.channel)
            .where(d.id.in_(doc_ids))
        ).all()
    return {row.id: Facts(*row[1:]) for row in rows}


def _facts(services, doc_id: int, known: Facts | None) -> Facts:  # noqa: ANN001
    found = known or facts_of(services, [doc_id]).get(doc_id)
    if found is None:
        raise LookupError(f"incoming document {doc_id} does not exist")
    return found


def _load(session, doc_id: int) -> IncomingDocument:  # noqa: ANN001
    doc = session.get(IncomingDocument, doc_id)
    if doc is None:
        raise LookupError(f"incoming document {doc_id} does not exist")
    return doc


def apply_fields(doc: IncomingDocument, fields: dict[str, Any]) -> None:
    """Record what reading found; a value the clerk gave or confirmed is never overwritten."""
    confidence = dict(doc.field_confidence or {})
    for name in READ_FIELDS:
        found = fields.get(name)
        if found is None or confidence.get(name, {}).get("source") == "clerk":
            continue
        value = found.value
        try:
            column, stored = convert(name, value)
        except InvalidField:
            column, stored = None, None  # not storable as read (e.g. too long): keep it unconfirmed
        if column is not None and value not in (None, "", []):
            setattr(doc, column, stored)
        confidence[name] = {
            "value": to_json(stored) if column else value,
            "confidence": round(float(found.confidence), 3),
            "page": found.page,
            "source": "read",
        }
    doc.field_confidence = confidence


def _run(stage, services, doc_id: int, done: Done | None) -> None:  # noqa: ANN001
    apply = stage(services, doc_id)
    if apply is not None:
        with services.transaction() as session:
            append_many(session, [apply(session)], clock=services.clock)
            _done(done, session)


def read_document(services, doc_id: int, done: Done | None = None) -> None:  # noqa: ANN001
    _run(read_stage, services, doc_id, done)


def verify_document(services, doc_id: int, done: Done | None = None) -> None:  # noqa: ANN001
    _run(verify_stage, services, doc_id, done)


def read_stage(services, doc_id: int, facts: Facts | None = None) -> Apply | None:  # noqa: ANN001
    """Read the document; returns the write that records the reading."""
    doc = _facts(services, doc_id, facts)
    if doc.status == IncomingStatus.RECALLED.value:
        return None
    data = services.blobs.get(doc.blob_sha256)

    def write_first_page(fields: dict[str, Any]) -> None:
        with services.transaction() as session:
            doc = _load(session, doc_id)
            if doc.read_at is None:
                apply_fields(doc, fields)

    started, early = time.monotonic(), []

    def first_page(fields: dict[str, Any]) -> None:
        # Page 1's fields reach the register before the rest of a long scan is read. A reading
        # done within FIRST_PAGE_AFTER_S (a text layer: milliseconds) is written once, at the
        # end: the early write was one more transaction per document (profiled: bench/intake.py).
        wait = max(0.0, FIRST_PAGE_AFTER_S - (time.monotonic() - started))
        timer = threading.Timer(wait, write_first_page, (fields,))
        timer.daemon = True
        early.append(timer)
        timer.start()

    try:
        try:
            reading = ocr.read(data, searchable=True, on_first_page=first_page)
        finally:
            _stop(early)
    except ocr.ReadError as exc:
        return _read_failed(services, doc_id, str(exc))

    searchable = ocr.searchable_copy(data, reading) if reading.ocr_pages else None
    searchable_ref = services.blobs.put(searchable) if searchable else None  # durable first

    def write(session) -> Event:  # noqa: ANN001
        doc = _load(session, doc_id)
        apply_fields(doc, reading.fields)
        doc.page_amount = doc.page_amount or len(reading.pages)
        doc.reading_error = None
        doc.read_at = services.clock()
        if searchable_ref:
            record_blob(session, searchable_ref, "application/pdf")
            doc.searchable_sha256 = searchable_ref.sha256
        update_index(doc, reading.text)
        suggest_unit(session, services.settings, doc)
        doc.status = _after_reading(doc)
        flag_duplicates(session, doc)
        return Event("system", "incoming.read", "incoming", doc_id,
                     {"pages": len(reading.pages), "ocr_pages": reading.ocr_pages,
                      "doc_type": reading.doc_type, "duplicate_of": doc.duplicate_of})

    return write


def _read_failed(services, doc_id: int, reason: str) -> Apply:  # noqa: ANN001
    def write(session) -> Event:  # noqa: ANN001
        doc = _load(session, doc_id)
        doc.reading_error = reason
        doc.status = _after_reading(doc)
        doc.read_at = services.clock()
        return Event("system", "incoming.read_failed", "incoming", doc_id, {"reason": reason})

    return write


def _done(done: Done | None, session) -> None:  # noqa: ANN001
    if done is not None:  # run by the worker pool: the job ends in this same commit
        done(session)


def _stop(timers: list[threading.Timer]) -> None:
    """Cancel the early write of page 1, or let it finish: it must not land after the full one."""
    for timer in timers:
        timer.cancel()
        timer.join()


def _after_reading(doc: IncomingDocument) -> str:
    # Reading never moves a document backwards: one confirmed, routed or recalled stays so.
    return IncomingStatus.READ.value if doc.status == IncomingStatus.RECEIVED.value else doc.status


def trust_for(settings) -> Trust:  # noqa: ANN001
    folders = [settings.trust_dir] if settings.trust_dir.is_dir() else []
    return Trust.load(folders, offline=settings.verify_offline,
                      time_budget_s=settings.verify_time_budget_s)


def verify_stage(services, doc_id: int, facts: Facts | None = None) -> Apply | None:  # noqa: ANN001
    """Verify the document's signatures; returns the write that records the verdict."""
    doc = _facts(services, doc_id, facts)
    if doc.media_type != "application/pdf" or doc.status == IncomingStatus.RECALLED.value:
        return None
    data = services.blobs.get(doc.blob_sha256)
    report = verify(data, trust_for(services.settings))
    brief = report.to_brief_dict(doc.original_filename or "")

    def write(session) -> Event:  # noqa: ANN001
        doc = _load(session, doc_id)
        doc.signature_verdicts = brief["signatures"]
        doc.signature_indication = report.indication
        doc.both_signatures_present = (
            None if report.indication == NO_SIGNATURE else report.decree30_complete
        )
        if report.indication == TOTAL_FAILED:
            # Decree 30, Art. 21: an electronic document that fails the check goes back.
            doc.return_reason = f"{report.summary_vi} / {report.summary_en}"
        return Event("system", "incoming.verified", "incoming", doc_id,
                     {"indication": report.indication, "subindication": report.subindication,
                      "signatures": len(report.signatures),
                      "both_signatures": doc.both_signatures_present})

    return write


HANDLERS = {READ_JOB: read_document, VERIFY_JOB: verify_document, TRAIN_JOB: run_training}
# The stages whose result the worker pool can write together with other jobs' results.
STAGES = {READ_JOB: read_stage, VERIFY_JOB: verify_stage}
