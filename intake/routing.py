"""Presenting and routing (Decree 30, Art. 23–24): a leader names the lead unit, cooperating
units, a deadline and a handling instruction; units work through their queues; overdue lists."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from intake.errors import IntakeError
from intake.review import ensure_editable
from intake.suggest import maybe_schedule_training
from registry.audit import append
from registry.clock import VN_TZ
from registry.documents import (
    URGENCY_RANK,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    IncomingDocument,
    IncomingStatus,
)
from registry.org import Unit

DEFAULT_HANDLING_DAYS = 7
ROUTABLE = {IncomingStatus.READ.value, IncomingStatus.CONFIRMED.value,
            IncomingStatus.ASSIGNED.value, IncomingStatus.IN_PROGRESS.value}


def today(clock) -> date:  # noqa: ANN001
    return clock().astimezone(VN_TZ).date()


def assign(
    session, doc: IncomingDocument, lead: Unit, deadline: date | None, actor: str,  # noqa: ANN001
    actor_id: int | None, clock, cooperating: list[Unit] = (), instruction: str = "",  # noqa: ANN001
) -> list[Assignment]:
    ensure_editable(doc)
    if doc.status not in ROUTABLE:
        raise IntakeError(f"arrival {doc.arrival_number} cannot be routed while {doc.status}")
    if deadline is not None and deadline < today(clock):
        raise IntakeError(f"the deadline {deadline.isoformat()} is in the past")
    if lead.id in {u.id for u in cooperating}:
        raise IntakeError("the lead unit cannot also be a cooperating unit")
    for old in list(doc.assignments):  # re-routing replaces the earlier routing
        if old.status != AssignmentStatus.DONE.value:
            doc.assignments.remove(old)
            session.delete(old)
    made = [Assignment(document_id=doc.id, unit_id=lead.id, role=AssignmentRole.LEAD.value,
                       deadline=deadline, instruction=instruction or None, assigned_by=actor_id,
                       assigned_at=clock())]
    made += [Assignment(document_id=doc.id, unit_id=u.id, role=AssignmentRole.COOPERATE.value,
                        deadline=deadline, instruction=instruction or None,
                        assigned_by=actor_id, assigned_at=clock())
             for u in cooperating]
    doc.assignments.extend(made)
    doc.status = IncomingStatus.ASSIGNED.value
    doc.due_date = deadline
    session.flush()
    maybe_schedule_training(session, clock)
    append(session, actor, "incoming.assigned", "incoming", doc.id,
           {"lead": lead.code, "cooperating": [u.code for u in cooperating],
            "deadline": deadline.isoformat() if deadline else None, "instruction": instruction},
           clock=clock)
    return made


def update_progress(
    session, assignment: Assignment, status: AssignmentStatus | str, actor: str, clock,  # noqa: ANN001
    reply_notation: str | None = None,
) -> None:
    status = AssignmentStatus(status)
    doc = assignment.document
    ensure_editable(doc)
    if status is AssignmentStatus.DONE and assignment.role == AssignmentRole.LEAD.value \
            and not reply_notation:
        raise IntakeError("a lead unit closes a document with the number and symbol of its reply")
    assignment.status = status.value
    assignment.reply_notation = reply_notation or assignment.reply_notation
    assignment.completed_at = clock() if status is AssignmentStatus.DONE else None
    if assignment.role == AssignmentRole.LEAD.value:
        doc.status = {AssignmentStatus.ASSIGNED: IncomingStatus.ASSIGNED,
                      AssignmentStatus.IN_PROGRESS: IncomingStatus.IN_PROGRESS,
                      AssignmentStatus.DONE: IncomingStatus.DONE}[status].value
    append(session, actor, "incoming.progress", "incoming", doc.id,
           {"unit_id": assignment.unit_id, "status": status.value, "reply": reply_notation},
           clock=clock)


@dataclass
class QueueItem:
    assignment: Assignment
    document: IncomingDocument
    overdue: bool


def unit_queue(session, unit_id: int, clock) -> list[QueueItem]:  # noqa: ANN001
    """A unit's open work: urgent first, then nearest deadline."""
    rows = session.execute(
        select(Assignment, IncomingDocument)
        .join(IncomingDocument, Assignment.document_id == IncomingDocument.id)
        .where(Assignment.unit_id == unit_id,
               Assignment.status != AssignmentStatus.DONE.value,
               IncomingDocument.status != IncomingStatus.RECALLED.value)
    ).all()
    now = today(clock)
    items = [QueueItem(a, d, bool(a.deadline and a.deadline < now)) for a, d in rows]
    return sorted(items, key=lambda i: (URGENCY_RANK.get(i.document.urgency, 3),
                                        i.assignment.deadline or date.max, i.document.id))


def overdue(session, clock) -> list[QueueItem]:  # noqa: ANN001
    now = today(clock)
    rows = session.execute(
        select(Assignment, IncomingDocument)
        .join(IncomingDocument, Assignment.document_id == IncomingDocument.id)
        .where(Assignment.status != AssignmentStatus.DONE.value,
               Assignment.deadline < now,
               IncomingDocument.status != IncomingStatus.RECALLED.value)
        .order_by(Assignment.deadline, IncomingDocument.id)
    ).all()
    return [QueueItem(a, d, True) for a, d in rows]


def suggested_deadline(session, unit_id: int, clock) -> date:  # noqa: ANN001
    """From the unit's history: the median days its lead assignments took (default 7)."""
    done = session.execute(
        select(Assignment.assigned_at, Assignment.completed_at).where(
            Assignment.unit_id == unit_id,
            Assignment.role == AssignmentRole.LEAD.value,
            Assignment.status == AssignmentStatus.DONE.value,
        ).order_by(Assignment.id.desc()).limit(200)
    ).all()
    days = [max(1, (end - start).days) for start, end in done if start and end]
    median = round(statistics.median(days)) if len(days) >= 3 else DEFAULT_HANDLING_DAYS
    return today(clock) + timedelta(days=median)
