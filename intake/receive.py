"""Receiving: store the original durably, give it its arrival number, queue its reading.

When ``receive`` returns a registered receipt, the original bytes are fsync'd in the file store
and the register row with its arrival number (số đến) is committed, with its audit event and its
reading job, in one transaction. A file whose bytes were registered before is reported as a
duplicate of that entry and not registered twice.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intake.errors import IntakeError, Refused
from intake.fieldmap import convert, to_json
from intake.search import update_index
from ocr.errors import ReadError
from ocr.sniff import sniff
from registry.audit import Event, append_many
from registry.documents import URGENCY_RANK, IncomingDocument, IncomingStatus, Urgency
from registry.errors import NumberingError
from registry.filestore import BlobRef, record_blobs
from registry.groupcommit import GroupCommit
from registry.jobs import enqueue_many
from registry.numbering import Book, BookKind, add_book, take_numbers

MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
               "tiff": "image/tiff"}
READ_JOB = "intake.read"
VERIFY_JOB = "intake.verify"
MAX_BATCH = 64  # documents registered in one transaction, at most


@dataclass
class Upload:
    filename: str
    data: bytes
    known: dict[str, Any] = field(default_factory=dict)  # fields the clerk already knows
    channel: str = "electronic"  # or "paper" (a scan of a paper document)


@dataclass
class Receipt:
    file: str
    id: int | None
    arrival_number: int | None
    status: str  # registered | duplicate | refused
    duplicate_of: int | None = None
    error: str | None = None
    code: str | None = None
    arrival_year: int | None = None
    arrival_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["arrival_at"] = self.arrival_at.isoformat() if self.arrival_at else None
        return out


def check_upload(upload: Upload, max_bytes: int) -> str:
    """The file's media type, or Refused with the reason. Nothing is stored for a refused file."""
    if not upload.data:
        raise Refused("the file is empty (0 bytes)", "empty")
    if len(upload.data) > max_bytes:
        raise Refused(
            f"the file is {len(upload.data)} bytes, over the limit of {max_bytes} bytes",
            "too_large",
        )
    if upload.channel not in ("electronic", "paper"):
        raise Refused(f"unknown channel {upload.channel!r}: electronic or paper", "bad_channel")
    try:
        kind = sniff(upload.data[:2048])
    except ReadError as exc:
        raise Refused(str(exc), "not_a_document") from None
    return MEDIA_TYPES[kind]


def incoming_book(session) -> Book:  # noqa: ANN001
    """The incoming book; the decree wants exactly one sequence, so a fresh office gets one."""
    books = session.scalars(select(Book).where(Book.kind == BookKind.INCOMING.value)).all()
    if not books:
        return add_book(session, "den", "Sổ đăng ký văn bản đến", BookKind.INCOMING)
    active = [b for b in books if b.active]
    if len(active) != 1:
        raise NumberingError(f"expected one open incoming book, found {len(active)}")
    return active[0]


def receive(
    services, upload: Upload, actor: str = "system", actor_id: int | None = None  # noqa: ANN001
) -> Receipt:
    """Check, store, number and queue one file; a refused file leaves nothing behind.

    Concurrent calls are registered together, several documents per transaction (group commit,
    registry.groupcommit); each call returns once the transaction holding its document has
    committed."""
    try:
        media_type = check_upload(upload, services.settings.upload_max_bytes)
        known = {name: convert(name, value) for name, value in upload.known.items()}
    except IntakeError as exc:
        return Receipt(upload.filename, None, None, "refused", error=str(exc), code=exc.code)

    ref = services.blobs.put(upload.data)  # durable before any row names it
    pending = _Pending(services, upload, ref, media_type, known, actor, actor_id)
    committer = _committer(services.engine)
    try:
        return committer.submit(pending)
    except IntegrityError:
        pass  # on PostgreSQL a concurrent upload of the same bytes may win once: now it is seen
    try:
        return committer.submit(pending)
    except IntegrityError as exc:
        raise IntakeError(f"could not register {upload.filename}: {exc.orig}") from exc


@dataclass
class _Pending:
    services: Any
    upload: Upload
    ref: BlobRef
    media_type: str
    known: dict[str, tuple[str, Any]]
    actor: str
    actor_id: int | None
    doc: IncomingDocument | None = None  # built by the batch that registers it


# One group committer per database engine (weakly held: a closed engine takes it along).
_COMMITTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_COMMITTERS_LOCK = threading.Lock()


def _committer(engine) -> GroupCommit[_Pending, Receipt]:  # noqa: ANN001
    with _COMMITTERS_LOCK:
        committer = _COMMITTERS.get(engine)
        if committer is None:
            committer = _COMMITTERS[engine] = GroupCommit(_register_batch, MAX_BATCH)
        return committer


def _register_batch(items: list[_Pending]) -> list[Receipt]:
    """Register a batch in one transaction: numbers in the batch's order, no gap; a file whose
    bytes are registered already (before, or earlier in the batch) is a duplicate."""
    services = items[0].services
    with services.transaction() as session:
        shas = {p.ref.sha256 for p in items}
        known_rows = session.execute(
            select(IncomingDocument.blob_sha256, IncomingDocument.id,
                   IncomingDocument.arrival_number, IncomingDocument.arrival_year,
                   IncomingDocument.arrival_at)
            .where(IncomingDocument.blob_sha256.in_(shas))
        ).all()
        first: dict[str, Any] = {row.blob_sha256: row for row in known_rows}
        new = [p for p in items if p.ref.sha256 not in first
               and first.setdefault(p.ref.sha256, p) is p]
        if new:
            _insert(services, session, new, first)
    receipts = []
    for p in items:
        entry = first[p.ref.sha256]
        if entry is p:
            receipts.append(Receipt(p.upload.filename, p.doc.id, p.doc.arrival_number,
                                    "registered", arrival_year=p.doc.arrival_year,
                                    arrival_at=p.doc.arrival_at))
            continue
        doc = entry.doc if isinstance(entry, _Pending) else entry
        receipts.append(Receipt(p.upload.filename, doc.id, doc.arrival_number, "duplicate",
                                duplicate_of=doc.id, arrival_year=doc.arrival_year,
                                arrival_at=doc.arrival_at))
    return receipts


def _insert(services, session, new: list[_Pending], first: dict) -> None:  # noqa: ANN001
    clock = services.clock
    record_blobs(session, [(p.ref, p.media_type) for p in new])
    book = incoming_book(session)
    year, last = take_numbers(session, book, len(new), clock)
    now = clock()
    for number, p in enumerate(new, start=last - len(new) + 1):
        p.doc = IncomingDocument(
            book_id=book.id,
            arrival_year=year,
            arrival_number=number,
            arrival_at=now,
            channel=p.upload.channel,
            blob_sha256=p.ref.sha256,
            original_filename=p.upload.filename[:255],
            media_type=p.media_type,
            status=IncomingStatus.RECEIVED.value,
            received_by=p.actor_id,
            field_confidence={
                name: {"value": to_json(value), "confidence": 1.0, "source": "clerk"}
                for name, (_, value) in p.known.items()
            },
            **dict(p.known.values()),
        )
        update_index(p.doc)
    # Added in number order: the ids (one multi-row INSERT) follow the arrival numbers.
    session.add_all([p.doc for p in new])
    session.flush()
    jobs, events = [], []
    for p in new:
        doc = p.doc
        priority = URGENCY_RANK[Urgency(doc.urgency or Urgency.NORMAL.value)]
        jobs.append((READ_JOB, doc.id, priority))  # Hỏa tốc, Thượng khẩn, Khẩn are read first
        if p.media_type == "application/pdf":
            jobs.append((VERIFY_JOB, doc.id, priority))
        events.append(Event(p.actor, "incoming.received", "incoming", doc.id,
                            {"arrival_number": doc.arrival_number, "year": year,
                             "sha256": p.ref.sha256, "file": p.upload.filename,
                             "channel": p.upload.channel}))
    enqueue_many(session, jobs, clock=clock)
    append_many(session, events, clock=clock)
