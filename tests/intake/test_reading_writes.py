"""Reading in the background writes little: a text-layer PDF's reading is one transaction, a
slow reading shows page 1's fields first and the full reading still wins."""

from __future__ import annotations

from sqlalchemy import event, select

from intake import pipeline
from intake.receive import READ_JOB, VERIFY_JOB, Upload, receive
from intake.worker import run_one
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
