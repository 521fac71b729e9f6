"""Background jobs: most urgent first, retried with a delay, then failed with the reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from registry.clock import fixed_clock
from registry.jobs import JobStatus, claim, enqueue, fail, finish, requeue_running

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def test_urgent_jobs_are_claimed_first_then_oldest(services):
    with services.transaction() as s:
        enqueue(s, "read", 1, priority=3, clock=fixed_clock(T0))
        enqueue(s, "read", 2, priority=0, clock=fixed_clock(T0 + timedelta(seconds=5)))
        enqueue(s, "read", 3, priority=3, clock=fixed_clock(T0 + timedelta(seconds=1)))
    order = []
    for _ in range(3):
        with services.transaction() as s:
            job = claim(s, "w1", clock=fixed_clock(T0 + timedelta(minutes=1)))
            order.append(job.subject_id)
            finish(s, job)
    assert order == ["2", "1", "3"]
    with services.transaction() as s:
        assert claim(s, "w1", clock=fixed_clock(T0 + timedelta(minutes=1))) is None


def test_a_failing_job_is_retried_later_then_marked_failed_with_its_reason(services):
    with services.transaction() as s:
        enqueue(s, "verify", 7, max_attempts=2, clock=fixed_clock(T0))
    with services.transaction() as s:
        job = claim(s, "w1", clock=fixed_clock(T0))
        fail(s, job, "tesseract crashed", clock=fixed_clock(T0))
        assert job.status == JobStatus.QUEUED
    with services.transaction() as s:  # not due yet
        assert claim(s, "w1", clock=fixed_clock(T0 + timedelta(seconds=10))) is None
    with services.transaction() as s:
        job = claim(s, "w1", clock=fixed_clock(T0 + timedelta(seconds=31)))
        assert job.attempts == 2
        fail(s, job, "tesseract crashed again", clock=fixed_clock(T0))
        assert job.status == JobStatus.FAILED and job.last_error == "tesseract crashed again"


def test_jobs_of_a_crashed_worker_come_back(services):
    with services.transaction() as s:
        enqueue(s, "read", 1, clock=fixed_clock(T0))
    with services.transaction() as s:
        claim(s, "w1", clock=fixed_clock(T0))
    with services.transaction() as s:  # another worker sees nothing while the lease holds
        assert claim(s, "w2", clock=fixed_clock(T0 + timedelta(seconds=60))) is None
    with services.transaction() as s:  # the lease ran out: taken back
        job = claim(s, "w2", clock=fixed_clock(T0 + timedelta(seconds=301)))
        assert job is not None and job.locked_by == "w2"
    with services.transaction() as s:
        assert requeue_running(s, "w2") == 1


def test_concurrent_workers_never_claim_the_same_job(services):
    import threading

    from registry.jobs import claim_next

    with services.transaction() as s:
        for i in range(60):
            enqueue(s, "read", i, clock=fixed_clock(T0))
    taken: list[str] = []

    def worker(name: str) -> None:
        while True:
            with services.transaction() as s:
                job = claim_next(s, name, clock=fixed_clock(T0 + timedelta(seconds=1)))
            if job is None:
                return
            taken.append(job.subject_id)

    threads = [threading.Thread(target=worker, args=(f"w{k}",)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken, key=int) == [str(i) for i in range(60)]  # each exactly once
