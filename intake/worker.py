"""The worker pool: threads that take jobs from the database and run the intake stages.

Jobs live in the database, so a restart loses none: on start, jobs that a dead worker of this
machine left running go back to the queue, and a job whose worker vanished elsewhere is taken back
when its lease runs out. A job that raises is retried with a delay, then marked failed with its
reason (registry.jobs).
"""

from __future__ import annotations

import os
import socket
import threading
import traceback
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.pipeline import HANDLERS
from registry.jobs import Job, JobStatus, claim_next, fail, finish, finish_by_id

# handler(services, subject id, done): done(session) marks the job done in that transaction.
Handler = Callable[[object, int, Callable[[Session], None]], None]
HOST = socket.gethostname()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_orphans(services) -> int:  # noqa: ANN001
    """Requeue jobs left running by workers of this machine whose process is gone."""
    count = 0
    with services.transaction() as session:
        running = session.scalars(
            select(Job).where(Job.status == JobStatus.RUNNING.value,
                              Job.locked_by.like(f"{HOST}:%"))
        ).all()
        for job in running:
            pid = int(job.locked_by.split(":")[1])
            if not _pid_alive(pid):
                job.status, job.locked_by = JobStatus.QUEUED.value, None
                job.attempts = max(0, job.attempts - 1)  # the crash was not the job's fault
                count += 1
    return count


def run_one(services, worker: str, handlers: dict[str, Handler] | None = None) -> bool:  # noqa: ANN001
    """Claim and run one due job; False when there was none.

    A handler is given ``done(session)``: called in its last transaction, the job is marked
    done in the same commit as its result — one write per job fewer (bench/intake.py). A handler
    that does not call it has its job marked done afterwards, as before."""
    handlers = handlers or HANDLERS
    with services.transaction() as session:
        job = claim_next(session, worker, kinds=list(handlers), clock=services.clock)
        if job is None:
            return False
        job_id, kind, subject = job.id, job.kind, job.subject_id
    marked: list[Session] = []

    def done(session: Session) -> None:
        finish_by_id(session, job_id, clock=services.clock)
        marked.append(session)

    try:
        handlers[kind](services, int(subject) if subject is not None else None, done)
    except Exception as exc:  # the job failed; record why and let it be retried
        reason = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
        with services.transaction() as session:
            fail(session, session.get(Job, job_id), reason, clock=services.clock)
        return True
    if not marked:
        with services.transaction() as session:
            finish(session, session.get(Job, job_id), clock=services.clock)
    return True


def drain(services, handlers: dict[str, Handler] | None = None) -> int:  # noqa: ANN001
    """Run due jobs in this thread until none is left (the CLI and tests use it)."""
    worker = f"{HOST}:{os.getpid()}:drain"
    done = 0
    while run_one(services, worker, handlers):
        done += 1
    return done


class WorkerPool:
    """``threads`` workers polling the queue; ``stop`` lets the running jobs finish."""

    def __init__(self, services, threads: int = 2, poll_s: float = 0.5) -> None:  # noqa: ANN001
        self.services = services
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, args=(f"{HOST}:{os.getpid()}:{i}",),
                             name=f"vanthu-worker-{i}", daemon=True)
            for i in range(threads)
        ]

    def start(self) -> WorkerPool:
        recover_orphans(self.services)
        for t in self._threads:
            t.start()
        return self

    def wake(self) -> None:
        """New work was queued: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)

    def _loop(self, worker: str) -> None:
        while not self._stop.is_set():
            try:
                busy = run_one(self.services, worker)
            except Exception:  # the database went away for a moment: wait and try again
                traceback.print_exc()
                busy = False
            if not busy:
                self._wake.wait(self.poll_s)
                self._wake.clear()
