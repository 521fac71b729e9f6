"""Reading in the background writes little: a text-layer PDF's reading is one transaction, a
slow reading shows page 1's fields first and the full reading still wins."""

from __future__ import annotations

from sqlalchemy import event, select

from intake import pipeline
from intake.receive import READ_JOB, VERIFY_JOB, Upload, receive
from intake.worker import run_one
from registry.audit import AuditEvent, verify_chain
from registry.documents import IncomingDocument
from registry.jobs import Job
from tests.intake.docs import Letter, letter_pdf


def _commits(services) -> list[int]:
    commits: list[int] = []
    event.listen(services.engine, "commit", lambda conn: commits.append(1))
    return commits


def test_a_text_layer_pdf_is_read_and_recorded_in_one_write(services):
    doc_id = receive(services, Upload("cv.pdf", letter_pdf())).id
    commits = _commits(services)
    pipeline.read_document(services, doc_id)
    assert len(commits) == 1
    with services.sessions() as s:
        doc = s.get(IncomingDocument, doc_id)
        assert doc.read_at is not None and doc.code_notation == "STC-NS"
        assert doc.signer_name == "Nguyễn Văn Mẫu"


def test_a_slow_reading_shows_page_one_first_then_the_whole_reading(services, monkeypatch):
    monkeypatch.setattr(pipeline, "FIRST_PAGE_AFTER_S", 0.0)  # every reading counts as slow
    letter = Letter(signer_name="Trần Thị Bình")
    doc_id = receive(services, Upload("cv.pdf", letter_pdf(letter))).id
    commits = _commits(services)
    pipeline.read_document(services, doc_id)
    assert len(commits) == 2  # page 1's fields, then the whole reading
    with services.sessions() as s:
        doc = s.get(IncomingDocument, doc_id)
        # the early write of page 1 did not land over the full one
        assert doc.read_at is not None and doc.signer_name == "Trần Thị Bình"
        assert doc.field_confidence["signer_name"]["source"] == "read"


def test_a_job_ends_in_the_same_commit_as_its_result(services):
    receive(services, Upload("cv.pdf", letter_pdf()))  # queues its reading and verification
    commits = _commits(services)
    assert run_one(services, "w1") and run_one(services, "w1")
    assert len(commits) == 4  # per job: the claim, then the result with the job marked done
    with services.sessions() as s:
        jobs = s.scalars(select(Job)).all()
        assert {(j.kind, j.status) for j in jobs} == {(READ_JOB, "done"), (VERIFY_JOB, "done")}
        assert all(j.finished_at is not None and j.locked_by is None for j in jobs)
        doc = s.scalars(select(IncomingDocument)).one()
        assert doc.read_at is not None and doc.signature_indication == "NO-SIGNATURE"


def _letters(services, n: int) -> list[int]:
    return [receive(services, Upload(f"{i}.pdf", letter_pdf(Letter(number=str(100 + i))))).id
            for i in range(n)]


def test_a_backlog_is_claimed_and_recorded_in_one_commit_each(services):
    ids = _letters(services, 3)  # six jobs: reading and verification of each
    commits = _commits(services)
    assert run_one(services, "w1", limit=8) == 6
    assert len(commits) == 2  # one claim, one commit of every result with its job's end
    with services.sessions() as s:
        assert {j.status for j in s.scalars(select(Job))} == {"done"}
        for doc_id in ids:
            doc = s.get(IncomingDocument, doc_id)
            assert doc.read_at is not None and doc.signature_indication == "NO-SIGNATURE"
        # each result has its audit event, in the order the jobs ran, and the chain holds
        events = s.scalars(select(AuditEvent).where(AuditEvent.action.in_(
            ["incoming.read", "incoming.verified"])).order_by(AuditEvent.seq)).all()
        assert [(e.action, e.subject_id) for e in events] == [
            (action, str(doc_id)) for doc_id in ids
            for action in ("incoming.read", "incoming.verified")]
        assert verify_chain(s).ok


def test_a_job_that_fails_in_a_batch_fails_alone(services):
    from registry.jobs import enqueue

    (doc_id,) = _letters(services, 1)
    with services.transaction() as s:
        enqueue(s, READ_JOB, 9999)  # its document is gone
    assert run_one(services, "w1", limit=8) == 3
    with services.sessions() as s:
        jobs = {(j.kind, j.subject_id): j for j in s.scalars(select(Job))}
        lost = jobs[(READ_JOB, "9999")]
        assert lost.status == "queued" and "9999" in lost.last_error  # retried later
        assert jobs[(READ_JOB, str(doc_id))].status == "done"
        assert jobs[(VERIFY_JOB, str(doc_id))].status == "done"
        assert s.get(IncomingDocument, doc_id).read_at is not None


def test_slow_jobs_give_back_the_rest_of_their_batch(services, monkeypatch):
    from intake import worker

    monkeypatch.setattr(worker, "FLUSH_AFTER_S", 0.0)  # every job counts as slow
    first, second = _letters(services, 2)
    assert run_one(services, "w1", limit=8) == 1
    with services.sessions() as s:
        jobs = s.scalars(select(Job).order_by(Job.id)).all()
        assert [j.status for j in jobs] == ["done", "queued", "queued", "queued"]
        # given back unstarted: free for any worker, and not counted as an attempt
        assert all(j.locked_by is None and j.attempts == 0 for j in jobs[1:])
        assert s.get(IncomingDocument, first).read_at is not None
        assert s.get(IncomingDocument, second).read_at is None


def test_results_before_a_scan_are_not_kept_waiting_for_its_reading(services):
    letter = receive(services, Upload("cv.pdf", letter_pdf(Letter(number="7")))).id
    scan = receive(services, Upload("scan.pdf", letter_pdf(Letter(number="8")),
                                    channel="paper")).id
    commits = _commits(services)
    assert run_one(services, "w1", limit=8) == 4
    # the claim; the letter's results, written before the scan is read; the scan's results
    assert len(commits) == 3
    with services.sessions() as s:
        assert s.get(IncomingDocument, letter).read_at is not None
        assert s.get(IncomingDocument, scan).read_at is not None
