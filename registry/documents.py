"""The register's documents: incoming (văn bản đến), outgoing (văn bản đi), and assignments.

Column names follow Decree 30's register columns and the system fields of Phụ lục VI
(vn-clerical.md §4.5–4.6, §5.3–5.4); lengths are the decree's where it gives one.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.clock import utc_now
from registry.orm import Base, UTCDateTime


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    KHAN = "khan"  # Khẩn
    THUONG_KHAN = "thuong_khan"  # Thượng khẩn
    HOA_TOC = "hoa_toc"  # Hỏa tốc


class Confidentiality(enum.StrEnum):
    NONE = "none"
    MAT = "mat"  # Mật
    TOI_MAT = "toi_mat"  # Tối mật
    TUYET_MAT = "tuyet_mat"  # Tuyệt mật


# Phụ lục VI keeps urgency and confidentiality in one number (Priority); the decree does not
# define the codes, so this order (most urgent first) is ours and used for sorting queues.
URGENCY_RANK = {Urgency.HOA_TOC: 0, Urgency.THUONG_KHAN: 1, Urgency.KHAN: 2, Urgency.NORMAL: 3}


class IncomingStatus(enum.StrEnum):
    RECEIVED = "received"  # stored, numbered; reading in progress
    READ = "read"  # fields extracted, awaiting the clerk's confirmation
    CONFIRMED = "confirmed"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    RETURNED = "returned"  # sent back to the sender (failed signature check, wrong recipient)
    RECALLED = "recalled"  # the issuer recalled it: frozen, out of the working lists


class OutgoingStatus(enum.StrEnum):
    DRAFT = "draft"
    PREPARED = "prepared"  # signature fields and number/date blanks found
    SIGNED = "signed"  # the competent person has signed
    ISSUED = "issued"  # numbered, sealed, registered
    RECALLED = "recalled"


class DocumentFields:
    """Decree-30 fields shared by incoming and outgoing documents (Phụ lục VI, fields 3–11)."""

    doc_type: Mapped[str | None] = mapped_column(String(100))  # TypeName
    code_number: Mapped[str | None] = mapped_column(String(11))  # CodeNumber (số)
    code_notation: Mapped[str | None] = mapped_column(String(30))  # CodeNotation (ký hiệu)
    issued_date: Mapped[date | None] = mapped_column(Date)  # IssuedDate (ngày văn bản)
    organ_name: Mapped[str | None] = mapped_column(String(200))  # OrganName (tác giả)
    parent_organ_name: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str | None] = mapped_column(String(500))  # Subject (trích yếu)
    language: Mapped[str] = mapped_column(String(30), default="vi")
    page_amount: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(String(500))  # notes (ghi chú)
    signer_position: Mapped[str | None] = mapped_column(String(100))
    signer_name: Mapped[str | None] = mapped_column(String(50))
    signer_authority: Mapped[str | None] = mapped_column(String(10))  # TM. / KT. / TL. / TUQ. / Q.
    urgency: Mapped[str] = mapped_column(String(20), default=Urgency.NORMAL.value)
    confidentiality: Mapped[str] = mapped_column(String(20), default=Confidentiality.NONE.value)
    due_date: Mapped[date | None] = mapped_column(Date)  # DueDate


class IncomingDocument(DocumentFields, Base):
    __tablename__ = "incoming_documents"
    __table_args__ = (
        UniqueConstraint("arrival_year", "arrival_number"),
        Index("ix_incoming_identity", "code_number", "code_notation", "organ_name"),
        Index("ix_incoming_arrival_at", "arrival_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("numbering_books.id"))
    arrival_year: Mapped[int] = mapped_column(Integer)
    arrival_number: Mapped[int] = mapped_column(Integer)  # ArrivalNumber (số đến)
    arrival_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)  # ArrivalDate
    channel: Mapped[str] = mapped_column(String(20), default="electronic")  # paper | electronic
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), unique=True)
    searchable_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    original_filename: Mapped[str | None] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    to_places: Mapped[str | None] = mapped_column(String(1000))  # ToPlaces (nơi nhận)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)  # Nơi nhận as read
    status: Mapped[str] = mapped_column(String(20), default=IncomingStatus.RECEIVED.value)
    field_confidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reading_error: Mapped[str | None] = mapped_column(Text)
    signature_verdicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signature_indication: Mapped[str | None] = mapped_column(String(30))
    both_signatures_present: Mapped[bool | None] = mapped_column(Boolean)
    return_reason: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("incoming_documents.id"))
    duplicate_reason: Mapped[str | None] = mapped_column(String(200))
    suggested_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    suggestion_confidence: Mapped[float | None] = mapped_column()

    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="document", foreign_keys="Assignment.document_id"
    )
    body: Mapped[IncomingText | None] = relationship(cascade="all, delete-orphan")

    @property
    def text(self) -> str | None:
        return self.body.text if self.body else None


class IncomingText(Base):
    """A document's text and search columns, kept apart so that register rows stay small (a
    search over thousands of hits reads register rows, not pages of text)."""

    __tablename__ = "incoming_texts"

    doc_id: Mapped[int] = mapped_column(ForeignKey("incoming_documents.id"), primary_key=True)
    text: Mapped[str | None] = mapped_column(Text)
    # The register fields and the text, as written (exact) and folded (no diacritics, đ → d).
    search_exact: Mapped[str | None] = mapped_column(Text)
    search_folded: Mapped[str | None] = mapped_column(Text)
    minhash: Mapped[list[int]] = mapped_column(JSON, default=list)  # re-scan detection


class OutgoingDocument(DocumentFields, Base):
    __tablename__ = "outgoing_documents"
    __table_args__ = (
        UniqueConstraint("book_id", "number_year", "number"),
        UniqueConstraint("number_year", "code_number", "code_notation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int | None] = mapped_column(ForeignKey("numbering_books.id"))
    number_year: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)  # taken at issuance
    status: Mapped[str] = mapped_column(String(20), default=OutgoingStatus.DRAFT.value)
    drafting_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    drafted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)  # Nơi nhận
    retained_copy_holder: Mapped[str | None] = mapped_column(String(200))  # bản lưu
    issued_amount: Mapped[int | None] = mapped_column(Integer)  # số lượng bản
    draft_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    # The draft with its signature fields, number/date fields and QR code, before any signature.
    prepared_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    # Which kind of book numbers it (outgoing, legal, advisory, copies); the type picks the book.
    book_kind: Mapped[str] = mapped_column(
        String(20), default="outgoing", server_default="outgoing"
    )
    # Random public code of the verification page the QR code on the document links to.
    verify_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    signed_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    issued_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    appendices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # ngày chuyển
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AssignmentRole(enum.StrEnum):
    LEAD = "lead"  # chủ trì
    COOPERATE = "cooperate"  # phối hợp


class AssignmentStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Assignment(Base):
    """A leader's routing of an incoming document to a unit (or person), with its deadline."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("incoming_documents.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20), default=AssignmentRole.LEAD.value)
    deadline: Mapped[date | None] = mapped_column(Date)
    instruction: Mapped[str | None] = mapped_column(Text)  # ý kiến chỉ đạo
    status: Mapped[str] = mapped_column(String(20), default=AssignmentStatus.ASSIGNED.value)
    reply_notation: Mapped[str | None] = mapped_column(String(42))  # số, ký hiệu văn bản trả lời
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    document: Mapped[IncomingDocument] = relationship(back_populates="assignments")
