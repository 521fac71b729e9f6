"""The clerk's check: correct fields, see duplicate warnings, confirm the entry.

Every change is audited with the old and new value; corrections also feed the unit classifier
(the corrected entries are its training data). A recalled entry is frozen.
"""

from __future__ import annotations

from typing import Any

from intake.duplicates import DuplicateWarning, flag_duplicates
from intake.errors import FrozenDocument, IntakeError
from intake.fieldmap import convert, field_values, to_json
from intake.search import update_index
from registry.audit import append
from registry.documents import IncomingDocument, IncomingStatus
from registry.errors import NotFound


def get_document(session, doc_id: int) -> IncomingDocument:  # noqa: ANN001
    doc = session.get(IncomingDocument, doc_id)
    if doc is None:
        raise NotFound(f"no incoming document {doc_id}")
    return doc


def ensure_editable(doc: IncomingDocument) -> None:
    if doc.status == IncomingStatus.RECALLED.value:
        raise FrozenDocument(
            f"arrival {doc.arrival_number}/{doc.arrival_year} was recalled by its issuer; "
            "its entry is frozen"
        )


def correct_fields(
    session, doc: IncomingDocument, changes: dict[str, Any], actor: str, clock  # noqa: ANN001
) -> list[DuplicateWarning]:
    """Apply the clerk's values (all or nothing) and return the duplicate warnings after them."""
    ensure_editable(doc)
    converted = {name: convert(name, value) for name, value in changes.items()}
    before = field_values(doc)
    confidence = dict(doc.field_confidence or {})
    changed: dict[str, dict[str, Any]] = {}
    for name, (column, value) in converted.items():
        if before[name] != to_json(value):
            changed[name] = {"old": before[name], "new": to_json(value)}
        setattr(doc, column, value)
        confidence[name] = {"value": to_json(value), "confidence": 1.0, "source": "clerk"}
    doc.field_confidence = confidence
    update_index(doc)
    warnings = flag_duplicates(session, doc)
    if changed:
        append(session, actor, "incoming.corrected", "incoming", doc.id, changed, clock=clock)
    return warnings


def confirm(
    session, doc: IncomingDocument, actor: str, actor_id: int | None, clock,  # noqa: ANN001
    changes: dict[str, Any] | None = None, accept_duplicate: bool = False,
) -> list[DuplicateWarning]:
    """Confirm the entry (with last corrections). A duplicate must be accepted knowingly."""
    warnings = correct_fields(session, doc, changes or {}, actor, clock)
    if warnings and not accept_duplicate:
        raise IntakeError(
            "possible duplicate: " + "; ".join(w.describe() for w in warnings)
            + " — confirm again with accept_duplicate to register it anyway"
        )
    if doc.status not in (IncomingStatus.RECEIVED.value, IncomingStatus.READ.value):
        raise IntakeError(f"the entry is already {doc.status}")
    confidence = dict(doc.field_confidence or {})
    for entry in confidence.values():  # what the clerk confirmed is certain from now on
        entry["source"], entry["confidence"] = "clerk", 1.0
    doc.field_confidence = confidence
    doc.status = IncomingStatus.CONFIRMED.value
    doc.confirmed_at = clock()
    doc.confirmed_by = actor_id
    append(session, actor, "incoming.confirmed", "incoming", doc.id,
           {"fields": field_values(doc), "duplicates_accepted": [w.document_id for w in warnings]},
           clock=clock)
    return warnings


def recall(session, doc: IncomingDocument, actor: str, reason: str, clock) -> None:  # noqa: ANN001
    """The issuer recalled the document: out of every working list, metadata frozen, logged."""
    ensure_editable(doc)
    previous = doc.status
    doc.status = IncomingStatus.RECALLED.value
    doc.recalled_at = clock()
    append(session, actor, "incoming.recalled", "incoming", doc.id,
           {"reason": reason, "previous_status": previous}, clock=clock)
