"""A document's history as a reader sees it: each audit event with the person's full name where
the actor is a known user. The action is put in words by the template ``_history.html`` from the
``event.<action>`` entries of ``vanthu.web.i18n`` (one mapping for incoming and outgoing pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from registry.audit import AuditEvent
from registry.org import User

SYSTEM = "system"  # the actor of what the workers do (reading, verifying)


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    action: str
    actor: str  # the username (or ``system``), kept for the title attribute
    name: str | None  # the full name; None for an actor who is not a user


def history(session, subject_type: str, subject_id: int) -> list[HistoryLine]:  # noqa: ANN001
    events = list(session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == subject_type, AuditEvent.subject_id == str(subject_id))
        .order_by(AuditEvent.seq)))
    actors = {e.actor for e in events}
    # One query for every name: a long history is not a query per line.
    names = dict(session.execute(select(User.username, User.full_name)
                                 .where(User.username.in_(actors))).all()) if actors else {}
    return [HistoryLine(e.at, e.action, e.actor, names.get(e.actor)) for e in events]
