"""Browser sessions kept in the database, so that ending one really ends it.

The browser holds a random token; only its SHA-256 is stored. A session ends when its user signs
out, when an administrator locks or disables the user (every session of that user), when the
password changes (the stamp no longer matches), or after ``idle`` without a request or
``absolute`` after sign-in. An ended session stays as a row (who, when, why) until ``purge``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.clock import as_utc
from registry.orm import Base, UTCDateTime


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A digest of the password hash at sign-in: a new password ends older sessions.
    stamp: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(40))
    user_agent: Mapped[str | None] = mapped_column(String(200))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user_id: int, stamp: str, now: datetime,
                 user_agent: str | None = None) -> str:
    """A new session for the user; returns the token to give the browser (shown once)."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_sha256=digest(token), user_id=user_id, stamp=stamp,
                           created_at=now, last_seen_at=now,
                           user_agent=(user_agent or "")[:200] or None))
    session.flush()
    return token


def live_session(session: Session, token: str, now: datetime, idle: timedelta,
                 absolute: timedelta) -> WebSession | None:
    """The session this token names, if it has not ended or expired."""
    row = session.scalar(select(WebSession).where(WebSession.token_sha256 == digest(token)))
    if row is None or row.ended_at is not None:
        return None
    now = as_utc(now)
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        return None
    return row


def touch(session: Session, row_id: int, now: datetime) -> None:
    session.execute(update(WebSession).where(WebSession.id == row_id)
                    .values(last_seen_at=now))


def end_session(session: Session, token: str, now: datetime, reason: str = "signed_out") -> int:
    """End the session of this token; returns its user's id (0 when there was none)."""
    row = session.scalar(select(WebSession).where(WebSession.token_sha256 == digest(token),
                                                  WebSession.ended_at.is_(None)))
    if row is None:
        return 0
    row.ended_at, row.ended_reason = now, reason
    return row.user_id


def end_user_sessions(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """End every open session of a user (locked, disabled, password changed); returns how many."""
    result = session.execute(update(WebSession).where(
        WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason))
    return result.rowcount or 0


def open_sessions(session: Session, now: datetime, idle: timedelta) -> dict[int, int]:
    """user id -> how many sessions are open and not idle."""
    rows = session.scalars(select(WebSession).where(
        WebSession.ended_at.is_(None), WebSession.last_seen_at >= as_utc(now) - idle))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.user_id] = counts.get(row.user_id, 0) + 1
    return counts


def purge(session: Session, before: datetime) -> int:
    """Forget sessions that ended (or were last seen) before ``before``."""
    result = session.execute(delete(WebSession).where(
        (WebSession.ended_at < before) | (WebSession.last_seen_at < before)))
    return result.rowcount or 0
