"""Background jobs kept in the database, so that they survive restarts.

A worker claims the most urgent due job (lowest priority value first, then oldest); a claim whose
worker died is taken back after ``lease`` seconds. A failing job is retried with a growing delay,
then marked failed with its reason.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, insert, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.clock import Clock, utc_now
from registry.orm import Base, UTCDateTime


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_due", "status", "priority", "run_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 0 = most urgent
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def enqueue(
    session: Session,
    kind: str,
    subject_id: str | int | None = None,
    payload: dict[str, Any] | None = None,
    priority: int = 3,
    max_attempts: int = 3,
    clock: Clock = utc_now,
) -> None:
    """Queue a job in the caller's transaction (it runs only if that transaction commits)."""
    enqueue_many(session, [(kind, subject_id, priority)], payload, max_attempts, clock)


def enqueue_many(
    session: Session,
    jobs: list[tuple[str, str | int | None, int]],
    payload: dict[str, Any] | None = None,
    max_attempts: int = 3,
    clock: Clock = utc_now,
) -> None:
    """Queue (kind, subject, priority) jobs in one statement, in the caller's transaction."""
    now = clock()
    session.execute(insert(Job), [
        {"kind": kind, "subject_id": None if subject is None else str(subject),
         "payload": payload or {}, "priority": priority, "status": JobStatus.QUEUED.value,
         "attempts": 0, "max_attempts": max_attempts, "run_after": now, "created_at": now}
        for kind, subject, priority in jobs
    ])


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    subject_id: str | None


def claim_next(
    session: Session, worker: str, kinds: list[str] | None = None, lease: float = 300,
    clock: Clock = utc_now,
) -> Claimed | None:
    """Take the next due job for this worker, in the caller's transaction (commit to keep it)."""
    claimed = claim_batch(session, worker, kinds, 1, lease, clock)
    return claimed[0] if claimed else None


def claim_batch(
    session: Session, worker: str, kinds: list[str] | None = None, limit: int = 1,
    lease: float = 300, clock: Clock = utc_now,
) -> list[Claimed]:
    """Take up to ``limit`` due jobs, most urgent first, in the caller's transaction.

    One UPDATE … RETURNING, no row loaded: a claim is a write under the database's write lock,
    so a worker with a backlog claims several jobs at once (bench/intake.py)."""
    now = clock()
    stale = now - timedelta(seconds=lease)
    due = (
        select(Job.id)
        .where(
            or_(
                (Job.status == JobStatus.QUEUED.value) & (Job.run_after <= now),
                (Job.status == JobStatus.RUNNING.value) & (Job.locked_at < stale),
            )
        )
        .order_by(Job.priority, Job.run_after, Job.id)
        .limit(limit)
    )
    if kinds:
        due = due.where(Job.kind.in_(kinds))
    if session.bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    rows = session.execute(
        update(Job)
        .where(Job.id.in_(due.scalar_subquery()))
        .values(status=JobStatus.RUNNING.value, locked_by=worker, locked_at=now,
                attempts=Job.attempts + 1)
        .returning(Job.id, Job.kind, Job.subject_id, Job.priority, Job.run_after)
        .execution_options(synchronize_session=False)
    ).all()
    # RETURNING has no order of its own: the caller runs them most urgent first.
    rows = sorted(rows, key=lambda r: (r.priority, r.run_after, r.id))
    return [Claimed(r.id, r.kind, r.subject_id) for r in rows]


def claim(
    session: Session, worker: str, kinds: list[str] | None = None, lease: float = 300,
    clock: Clock = utc_now,
) -> Job | None:
    """``claim_next``, with the job's row."""
    claimed = claim_next(session, worker, kinds, lease, clock)
    return None if claimed is None else session.get(Job, claimed.id)


def finish(session: Session, job: Job, clock: Clock = utc_now) -> None:
    job.status = JobStatus.DONE.value
    job.finished_at = clock()
    job.locked_by = None
    job.last_error = None
    session.flush()


def finish_by_id(session: Session, job_id: int, clock: Clock = utc_now) -> None:
    """``finish`` as one statement, for a handler's own last transaction (no row loaded)."""
    finish_many(session, [job_id], clock)


def finish_many(session: Session, job_ids: list[int], clock: Clock = utc_now) -> None:
    """``finish`` for several jobs by id, in one statement."""
    session.execute(
        update(Job).where(Job.id.in_(job_ids))
        .values(status=JobStatus.DONE.value, finished_at=clock(), locked_by=None,
                last_error=None)
    )


def release(session: Session, job_ids: list[int], worker: str) -> None:
    """Give back claimed jobs that this worker did not start: queued again, and the claim
    not counted as an attempt."""
    session.execute(
        update(Job)
        .where(Job.id.in_(job_ids), Job.status == JobStatus.RUNNING.value,
               Job.locked_by == worker)
        .values(status=JobStatus.QUEUED.value, locked_by=None, locked_at=None,
                attempts=Job.attempts - 1)
    )


def fail(session: Session, job: Job, reason: str, clock: Clock = utc_now) -> None:
    """Record a failed attempt: retried later (30 s, 2 min, 8 min, …) until attempts run out."""
    job.last_error = reason[:4000]
    job.locked_by = None
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.FAILED.value
        job.finished_at = clock()
    else:
        job.status = JobStatus.QUEUED.value
        job.run_after = clock() + timedelta(seconds=30 * 4 ** (job.attempts - 1))
    session.flush()


def requeue_running(session: Session, worker: str) -> int:
    """At a worker's start: its own jobs left running by a crash go back to the queue."""
    result = session.execute(
        update(Job)
        .where(Job.status == JobStatus.RUNNING.value, Job.locked_by == worker)
        .values(status=JobStatus.QUEUED.value, locked_by=None)
    )
    return result.rowcount or 0
