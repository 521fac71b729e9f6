"""The register entry as JSON: one shape for the API and ``vanthu incoming show --json``."""

from __future__ import annotations

from typing import Any

from intake.duplicates import find_duplicates
from intake.fieldmap import READ_FIELDS, field_values
from registry.documents import IncomingDocument
from registry.org import Unit


def document_json(session, doc: IncomingDocument, with_text: bool = False) -> dict[str, Any]:  # noqa: ANN001
    values = field_values(doc)
    confidence = doc.field_confidence or {}
    fields = {
        name: {
            "value": values[name],
            "confidence": confidence.get(name, {}).get("confidence"),
            "source": confidence.get(name, {}).get("source"),
        }
        for name in values
    }
    units = {u.id: u.code for u in session.query(Unit).all()}
    out: dict[str, Any] = {
        "id": doc.id,
        "arrival_number": doc.arrival_number,
        "arrival_year": doc.arrival_year,
        "arrival_at": doc.arrival_at.isoformat(),
        "channel": doc.channel,
        "status": doc.status,
        "file": doc.original_filename,
        "media_type": doc.media_type,
        "sha256": doc.blob_sha256,
        "searchable_copy": doc.searchable_sha256,
        "pages": doc.page_amount,
        "fields": fields,
        "low_confidence": sorted(
            n for n in READ_FIELDS
            if fields[n]["confidence"] is not None and fields[n]["confidence"] < 0.9
        ),
        "reading_error": doc.reading_error,
        "suggested_unit": (
            {"unit": units.get(doc.suggested_unit_id), "confidence": doc.suggestion_confidence}
            if doc.suggested_unit_id else None
        ),
        "read": doc.read_at is not None,
        "signatures": {
            "indication": doc.signature_indication,
            "both_present": doc.both_signatures_present,
            "verdicts": doc.signature_verdicts or [],
            "return_reason": doc.return_reason,
        },
        "duplicates": [
            {"id": w.document_id, "arrival_number": w.arrival_number, "reason": w.reason,
             "detail": w.describe()}
            for w in find_duplicates(session, doc)
        ],
        "assignments": [
            {"id": a.id, "unit": units.get(a.unit_id), "role": a.role,
             "deadline": a.deadline.isoformat() if a.deadline else None,
             "instruction": a.instruction, "status": a.status, "reply": a.reply_notation}
            for a in doc.assignments
        ],
        "confirmed_at": doc.confirmed_at.isoformat() if doc.confirmed_at else None,
        "recalled_at": doc.recalled_at.isoformat() if doc.recalled_at else None,
    }
    if with_text:
        out["text"] = doc.text
    return out


def summary_json(doc: IncomingDocument) -> dict[str, Any]:
    """A search hit: enough for a register row."""
    return {
        "id": doc.id,
        "arrival_number": doc.arrival_number,
        "arrival_year": doc.arrival_year,
        "arrival_at": doc.arrival_at.isoformat(),
        "status": doc.status,
        "urgency": doc.urgency,
        "issuing_org": doc.organ_name,
        "number": doc.code_number,
        "symbol": doc.code_notation,
        "date": doc.issued_date.isoformat() if doc.issued_date else None,
        "doc_type": doc.doc_type,
        "abstract": doc.subject,
        "due_date": doc.due_date.isoformat() if doc.due_date else None,
    }
