"""The audit chain: append-only events, each holding the hash of the one before it.

An event's hash covers its sequence number, time, actor, action, subject, payload and the previous
hash, so that editing, deleting or reordering any event breaks every link after it. The head row
(one per database) holds the last sequence number and hash: taking it with an UPDATE serializes
appenders and lets ``verify_chain`` notice events cut off the end.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.clock import Clock, as_utc, utc_now
from registry.orm import Base, UTCDateTime

GENESIS = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


def _canonical(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def event_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    body = {
        "seq": seq,
        "at": as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor,
        "action": action,
        "subject": [subject_type, subject_id],
        "payload": payload,
        "prev": prev_hash,
    }
    encoded = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


_TAKE_HEAD = text("UPDATE audit_head SET seq = seq + :n WHERE id = 1 RETURNING seq, hash")


@dataclass(frozen=True)
class Event:
    actor: str
    action: str
    subject_type: str
    subject_id: str | int
    payload: dict[str, Any] | None = None


def append(
    session: Session,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int,
    payload: dict[str, Any] | None = None,
    clock: Clock = utc_now,
) -> str:
    """Append an event in the caller's transaction; it commits, or not, with its change.

    Returns the event's hash."""
    return append_many(session, [Event(actor, action, subject_type, subject_id, payload)], clock)


def append_many(session: Session, events: list[Event], clock: Clock = utc_now) -> str:
    """Append events in order, in the caller's transaction; returns the last one's hash.

    Plain statements, not the ORM, and one round of them for any number of events: every audited
    change runs this while it holds the database's write lock, so it is kept short."""
    if not events:
        raise ValueError("no events to append")
    n = len(events)
    row = session.execute(_TAKE_HEAD, {"n": n}).one_or_none()
    if row is None:  # first event of this database
        session.execute(insert(AuditHead).values(id=1, seq=0, hash=GENESIS))
        row = session.execute(_TAKE_HEAD, {"n": n}).one()
    last_seq, prev = row
    at = as_utc(clock())  # both databases keep microseconds, so the row recomputes its hash
    rows = []
    for seq, ev in enumerate(events, start=last_seq - n + 1):
        payload = _canonical(dict(ev.payload or {}))
        subject_id = str(ev.subject_id)
        digest = event_hash(seq, at, ev.actor, ev.action, ev.subject_type, subject_id, payload,
                            prev)
        rows.append({"seq": seq, "at": at, "actor": ev.actor, "action": ev.action,
                     "subject_type": ev.subject_type, "subject_id": subject_id,
                     "payload": payload, "prev_hash": prev, "hash": digest})
        prev = digest
    session.execute(insert(AuditEvent), rows)
    session.execute(_SET_HEAD, {"h": prev})
    return prev


_SET_HEAD = text("UPDATE audit_head SET hash = :h WHERE id = 1")


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None  # sequence number of the first event that does not hold
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute every link, in order, and name the first that does not hold."""
    expected_seq, prev, count = 1, GENESIS, 0
    last_seq = 0
    while True:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.seq > last_seq)
            .order_by(AuditEvent.seq)
            .limit(batch)
        ).all()
        if not events:
            break
        for ev in events:
            if ev.seq != expected_seq:
                return ChainReport(count, expected_seq, f"event {expected_seq} is missing")
            if ev.prev_hash != prev:
                return ChainReport(count, ev.seq, "its link to the previous event does not match")
            recomputed = event_hash(
                ev.seq, ev.at, ev.actor, ev.action, ev.subject_type, ev.subject_id,
                ev.payload, ev.prev_hash,
            )
            if recomputed != ev.hash:
                return ChainReport(count, ev.seq, "its content does not match its hash")
            prev, expected_seq, count, last_seq = ev.hash, ev.seq + 1, count + 1, ev.seq
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != count or head.hash != prev):
        return ChainReport(
            count, count + 1, f"the chain head names event {head.seq}, but the log ends at {count}"
        )
    return ChainReport(count, None, "intact")
