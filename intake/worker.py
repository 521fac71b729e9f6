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
import time
import traceback
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.pipeline import HANDLERS, STAGES, Apply, facts_of
from intake.receive import READ_JOB
from registry.audit import append_many
from registry.jobs import (
    Job,
    JobStatus,
    claim_batch,
    fail,
    finish,
    finish_by_id,
    finish_many,
    release,
)

# handler(services, subject id, done): done(session) marks the job done in that transaction.
Handler = Callable[[object, int, Callable[[Session], None]], None]
HOST = socket.gethostname()
BATCH = 8  # jobs a pool worker claims at once when they are due (see run_one)
FLUSH_AFTER_S = 0.5  # past this, a batch's results are written and its unstarted jobs released


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


def run_one(services, worker: str, handlers: dict[str, Handler] | None = None,  # noqa: ANN001
            limit: int = 1) -> int:
    """Claim up to ``limit`` due jobs and run them; how many ran (0: there was none).

    A job of ``pipeline.STAGES`` computes its result and hands back the write: the writes of
    the claimed jobs go in one transaction with the jobs marked done. Per document that was
    four commits (claim + result, for reading and for verification); with a backlog of
    claims of ``BATCH`` it is a fraction of one (bench/intake.py). Any other handler is given
    ``done(session)`` to call in its own last transaction, or has its job marked done after."""
    handlers = handlers or HANDLERS
    stages = STAGES if handlers is HANDLERS else {}
    with services.transaction() as session:
        claimed = claim_batch(session, worker, list(handlers), limit, clock=services.clock)
    if not claimed:
        return 0
    started = time.monotonic()
    try:
        facts = facts_of(services, [int(j.subject_id) for j in claimed
                                    if j.kind in stages and j.subject_id is not None])
    except Exception:  # each stage looks its document up itself, and fails on its own
        facts = {}
    writes: list[tuple[int, Apply | None]] = []
    for i, job in enumerate(claimed):
        if i and time.monotonic() - started > FLUSH_AFTER_S:
            # Slow jobs (scans): write what is done now, and give the unstarted ones back to
            # the queue rather than sit on them (another worker, or our next claim, takes them).
            with services.transaction() as session:
                release(session, [j.id for j in claimed[i:]], worker)
            claimed = claimed[:i]
            break
        subject = int(job.subject_id) if job.subject_id is not None else None
        fact = facts.get(subject)
        if writes and job.kind == READ_JOB and fact is not None and fact.scanned:
            # A scan takes seconds a page: the results before it are not kept waiting for it.
            _write(services, writes)
            writes = []
        try:
            if job.kind in stages:
                writes.append((job.id, stages[job.kind](services, subject, fact)))
            else:
                _run_handler(services, handlers[job.kind], job.id, subject)
        except Exception as exc:  # the job failed; record why and let it be retried
            _failed(services, job.id, exc)
    _write(services, writes)
    return len(claimed)


def _run_handler(services, handler: Handler, job_id: int, subject: int | None) -> None:  # noqa: ANN001
    marked: list[Session] = []

    def done(session: Session) -> None:
        finish_by_id(session, job_id, clock=services.clock)
        marked.append(session)

    handler(services, subject, done)
    if not marked:
        with services.transaction() as session:
            finish(session, session.get(Job, job_id), clock=services.clock)


def _write(services, writes: list[tuple[int, Apply | None]]) -> None:  # noqa: ANN001
    """The results and the jobs' end in one commit; if that fails, each job alone, so that one
    bad result fails its own job only."""
    if not writes:
        return
    try:
        with services.transaction() as session:
            events = [apply(session) for _, apply in writes if apply is not None]
            if events:
                append_many(session, events, clock=services.clock)
            finish_many(session, [job_id for job_id, _ in writes], clock=services.clock)
        return
    except Exception as exc:
        if len(writes) == 1:
            _failed(services, writes[0][0], exc)
            return
    for one in writes:
        _write(services, [one])


def _failed(services, job_id: int, exc: BaseException) -> None:  # noqa: ANN001
    reason = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
    with services.transaction() as session:
        fail(session, session.get(Job, job_id), reason, clock=services.clock)


def drain(services, handlers: dict[str, Handler] | None = None) -> int:  # noqa: ANN001
    """Run due jobs in this thread until none is left (the CLI and tests use it)."""
    worker = f"{HOST}:{os.getpid()}:drain"
    done = 0
    while ran := run_one(services, worker, handlers, BATCH):
        done += ran
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
                busy = run_one(self.services, worker, limit=BATCH)
            except Exception:  # the database went away for a moment: wait and try again
                traceback.print_exc()
                busy = False
            if not busy:
                self._wake.wait(self.poll_s)
                self._wake.clear()
