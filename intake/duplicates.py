"""Duplicate warnings before the clerk confirms an entry (Decree 30, Phụ lục VI I.III):
the same number, symbol and issuing organization as an earlier entry, or a near-identical text
(a re-scan of a document registered before). Identical bytes never get this far: ``receive``
reports them as duplicates without registering them again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, insert, or_, select

from intake.textfold import BANDS, MINHASH_SIZE, band_keys, fold, similarity
from registry.documents import IncomingDocument, IncomingStatus, IncomingText
from registry.textbands import IncomingTextBand

RESCAN_SIMILARITY = 0.8
RESCAN_WINDOW = timedelta(days=120)
RESCAN_CANDIDATES = 500  # near-identical warnings listed at most, the newest
# Signatures agreeing on RESCAN_SIMILARITY of their 64 values differ in at most 12, which spoil at
# most 12 of the 16 bands: such an entry shares at least 4 band keys. So the lookup below of
# entries sharing MIN_BANDS keys misses none of them (it is exact, not probabilistic).
_AGREE = next(k for k in range(MINHASH_SIZE + 1) if k / MINHASH_SIZE >= RESCAN_SIMILARITY)
MIN_BANDS = BANDS - (MINHASH_SIZE - _AGREE)


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
    keys = band_keys(signature)
    if keys:
        near = [IncomingDocument.arrival_at >= doc.arrival_at - RESCAN_WINDOW]
        if doc.organ_name:
            near.append(IncomingDocument.organ_name == doc.organ_name)
        seen = {w.document_id for w in found}
        found += _rescans(session, doc, keys, signature, others & or_(*near), seen)
    return sorted(found, key=lambda w: (w.reason != "same_identity", w.document_id))


def _rescans(session, doc, keys, signature, where, seen) -> list[DuplicateWarning]:  # noqa: ANN001
    """Entries whose signature agrees with ``signature`` on RESCAN_SIMILARITY of its values.

    Only entries sharing at least MIN_BANDS band keys can (see MIN_BANDS), and an index lookup of
    the keys finds them: the work follows the number of look-alikes, not the register's size."""
    shared = func.count().label("shared")
    matched = (
        select(IncomingTextBand.doc_id, shared)
        .where(IncomingTextBand.key.in_(keys), IncomingTextBand.doc_id != doc.id)
        .group_by(IncomingTextBand.doc_id)
        .having(func.count() >= MIN_BANDS)
        .subquery()
    )
    cond = [where]
    if seen and doc.code_number and doc.code_notation and doc.organ_name:
        # Entries already warned about as the same identity are not listed twice (exact issuer
        # here, folded ones below): in a register of look-alikes they would all be read.
        cond.append(or_(
            IncomingDocument.code_number.is_(None), IncomingDocument.code_notation.is_(None),
            IncomingDocument.organ_name.is_(None),
            IncomingDocument.code_number != doc.code_number,
            func.upper(IncomingDocument.code_notation) != doc.code_notation.upper(),
            IncomingDocument.organ_name != doc.organ_name))
    rows = [r for r in session.execute(
        select(IncomingDocument.id, IncomingDocument.arrival_number,
               IncomingDocument.arrival_year, matched.c.shared)
        .join(matched, matched.c.doc_id == IncomingDocument.id)
        .where(*cond)
        .order_by(IncomingDocument.id.desc())
        .limit(RESCAN_CANDIDATES)
    ).all() if r.id not in seen]
    # Every band agrees: the same signature, similarity 1. The others' signatures are read.
    partial = [r.id for r in rows if r.shared < BANDS]
    stored = dict(session.execute(
        select(IncomingText.doc_id, IncomingText.minhash).where(IncomingText.doc_id.in_(partial))
    ).all()) if partial else {}
    out = []
    for r in rows:
        score = 1.0 if r.shared >= BANDS else similarity(signature, stored.get(r.id) or [])
        if score >= RESCAN_SIMILARITY:
            out.append(DuplicateWarning(r.id, r.arrival_number, r.arrival_year,
                                        "near_identical_text", score))
    return out


def store_band_keys(session, doc: IncomingDocument) -> None:  # noqa: ANN001
    """Index the entry's band keys (after its signature changed: a new reading)."""
    keys = band_keys(doc.body.minhash if doc.body else [])
    table = IncomingTextBand.__table__
    stored = session.scalars(
        select(table.c.key).where(table.c.doc_id == doc.id).order_by(table.c.band)).all()
    if list(stored) == keys:
        return
    if stored:
        session.execute(delete(table).where(table.c.doc_id == doc.id))
    if keys:
        session.execute(insert(table), [{"doc_id": doc.id, "band": b, "key": k}
                                        for b, k in enumerate(keys)])


def flag_duplicates(session, doc: IncomingDocument) -> list[DuplicateWarning]:  # noqa: ANN001
    """Record the strongest warning on the entry (the clerk sees all of them), and index its
    band keys for the entries read after it."""
    store_band_keys(session, doc)
    warnings = find_duplicates(session, doc)
    if warnings:
        doc.duplicate_of = warnings[0].document_id
        doc.duplicate_reason = warnings[0].describe()[:200]
    else:
        doc.duplicate_of = doc.duplicate_reason = None
    return warnings
