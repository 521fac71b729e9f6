"""Receiving: store the original durably, give it its arrival number, queue its reading.

When ``receive`` returns a registered receipt, the original bytes are fsync'd in the file store
and the register row with its arrival number (số đến) is committed, with its audit event and its
reading job, in one transaction. A file whose bytes were registered before is reported as a
duplicate of that entry and not registered twice.
"""

from __future__ import annotations

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
from registry.audit import append
from registry.documents import URGENCY_RANK, IncomingDocument, IncomingStatus, Urgency
from registry.errors import NumberingError
from registry.filestore import record_blob
from registry.jobs import enqueue
from registry.numbering import Book, BookKind, add_book, take_number

MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
               "tiff": "image/tiff"}
READ_JOB = "intake.read"
VERIFY_JOB = "intake.verify"


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
    """Check, store, number and queue one file; a refused file leaves nothing behind."""
    try:
        media_type = check_upload(upload, services.settings.upload_max_bytes)
        known = {name: convert(name, value) for name, value in upload.known.items()}
    except IntakeError as exc:
        return Receipt(upload.filename, None, None, "refused", error=str(exc), code=exc.code)

    ref = services.blobs.put(upload.data)  # durable before any row names it
    for _ in range(2):  # on PostgreSQL a concurrent upload of the same bytes may win once
        try:
            return _register(services, upload, ref, media_type, known, actor, actor_id)
        except IntegrityError:
            continue
    raise IntakeError(f"could not register {upload.filename}: concurrent conflict")


def _register(services, upload, ref, media_type, known, actor, actor_id) -> Receipt:  # noqa: ANN001
    with services.transaction() as session:
        existing = session.scalar(
            select(IncomingDocument).where(IncomingDocument.blob_sha256 == ref.sha256)
        )
        if existing is not None:
            return Receipt(upload.filename, existing.id, existing.arrival_number, "duplicate",
                           duplicate_of=existing.id, arrival_year=existing.arrival_year,
                           arrival_at=existing.arrival_at)
        record_blob(session, ref, media_type)
        book = incoming_book(session)
        year, number = take_number(session, book, services.clock)
        doc = IncomingDocument(
            book_id=book.id,
            arrival_year=year,
            arrival_number=number,
            arrival_at=services.clock(),
            channel=upload.channel,
            blob_sha256=ref.sha256,
            original_filename=upload.filename[:255],
            media_type=media_type,
            status=IncomingStatus.RECEIVED.value,
            received_by=actor_id,
            field_confidence={
                name: {"value": to_json(value), "confidence": 1.0, "source": "clerk"}
                for name, (_, value) in known.items()
            },
            **dict(known.values()),
        )
        update_index(doc)
        session.add(doc)
        session.flush()
        urgency = Urgency(doc.urgency or Urgency.NORMAL.value)
        priority = URGENCY_RANK[urgency]  # Hỏa tốc, Thượng khẩn, Khẩn are read first
        enqueue(session, READ_JOB, doc.id, priority=priority, clock=services.clock)
        if media_type == "application/pdf":
            enqueue(session, VERIFY_JOB, doc.id, priority=priority, clock=services.clock)
        append(session, actor, "incoming.received", "incoming", doc.id,
               {"arrival_number": number, "year": year, "sha256": ref.sha256,
                "file": upload.filename, "channel": upload.channel},
               clock=services.clock)
        return Receipt(upload.filename, doc.id, number, "registered", arrival_year=year,
                       arrival_at=doc.arrival_at)
