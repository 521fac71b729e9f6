"""Band keys of the MinHash signatures, indexed: the candidates for a re-scan come from an index
lookup, not from reading the signatures of the recent entries (intake/duplicates.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from registry.orm import Base


class IncomingTextBand(Base):
    __tablename__ = "incoming_text_bands"
    __table_args__ = (
        # (key, doc_id): the lookup by key reads the matching entries from the index alone.
        Index("ix_incoming_text_bands_key", "key", "doc_id"),
    )

    doc_id: Mapped[int] = mapped_column(
        ForeignKey("incoming_documents.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger)

