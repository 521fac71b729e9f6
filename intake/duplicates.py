"""Duplicate warnings before the clerk confirms an entry (Decree 30, Phụ lục VI I.III):
the same number, symbol and issuing organization as an earlier entry, or a near-identical text
(a re-scan of a document registered before). Identical bytes never get this far: ``receive``
reports them as duplicates without registering them again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select

from intake.textfold import fold, similarity
from registry.documents import IncomingDocument, IncomingStatus, IncomingText

RESCAN_SIMILARITY = 0.8
RESCAN_WINDOW = timedelta(days=120)
RESCAN_CANDIDATES = 500


@dataclass
class DuplicateWarning:
    document_id: int
    arrival_number: int
    arrival_year: int
    reason: str  # same_identity | near_identical_text
    similarity: float | None = None

    def describe(self) -> str:
        what = ("same number, symbol and issuing organization"
                if self.reason == "same_identity" else
                f"near-identical text ({self.similarity:.0%}), probably a re-scan")
        return f"{what} as arrival {self.arrival_number}/{self.arrival_year}"


def find_duplicates(session, doc: IncomingDocument) -> list[DuplicateWarning]:  # noqa: ANN001
    others = (IncomingDocument.id != doc.id) & (
        IncomingDocument.status != IncomingStatus.RECALLED.value
    )
    found: list[DuplicateWarning] = []
    if doc.code_number and doc.code_notation and doc.organ_name:
        # Four columns, not whole entries: a register where many entries share a number and
        # symbol (a recurring report) loaded them all with their JSON fields for every reading.
        same = session.execute(
            select(IncomingDocument.id, IncomingDocument.arrival_number,
                   IncomingDocument.arrival_year, IncomingDocument.organ_name).where(
                others,
                IncomingDocument.code_number == doc.code_number,
                func.upper(IncomingDocument.code_notation) == doc.code_notation.upper(),
            )
        ).all()
        org = fold(doc.organ_name)
        found += [
            DuplicateWarning(d.id, d.arrival_number, d.arrival_year, "same_identity")
            for d in same
            if d.organ_name and (d.organ_name == doc.organ_name or fold(d.organ_name) == org)
        ]
    signature = doc.body.minhash if doc.body else []
    if signature:
        since = doc.arrival_at - RESCAN_WINDOW
        near = [IncomingDocument.arrival_at >= since]
        if doc.organ_name:
            near.append(IncomingDocument.organ_name == doc.organ_name)
        # Only the signatures are read, never the candidates' text.
        candidates = session.execute(
            select(IncomingDocument.id, IncomingDocument.arrival_number,
                   IncomingDocument.arrival_year, IncomingText.minhash)
            .join(IncomingText, IncomingText.doc_id == IncomingDocument.id)
            .where(others, or_(*near))
            .order_by(IncomingDocument.id.desc())
            .limit(RESCAN_CANDIDATES)
        ).all()
        seen = {w.document_id for w in found}
        for cand_id, number, year, cand_hash in candidates:
            score = similarity(signature, cand_hash or [])
            if score >= RESCAN_SIMILARITY and cand_id not in seen:
                found.append(DuplicateWarning(cand_id, number, year, "near_identical_text", score))
    return sorted(found, key=lambda w: (w.reason != "same_identity", w.document_id))


def flag_duplicates(session, doc: IncomingDocument) -> list[DuplicateWarning]:  # noqa: ANN001
    """Record the strongest warning on the entry (the clerk sees all of them)."""
    warnings = find_duplicates(session, doc)
    if warnings:
        doc.duplicate_of = warnings[0].document_id
        doc.duplicate_reason = warnings[0].describe()[:200]
    else:
        doc.duplicate_of = doc.duplicate_reason = None
    return warnings
