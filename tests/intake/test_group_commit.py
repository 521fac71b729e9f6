"""Group commit on the receive path: concurrent receives share a transaction, numbers stay 1..N
with ids in the same order, and one document that fails takes nobody else down."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select, text

from intake.receive import Upload, _committer, receive
from registry.audit import AuditEvent, verify_chain
from registry.documents import IncomingDocument
from registry.jobs import Job
from tests.intake.docs import letter_pdf

BASE_PDF = letter_pdf()


def pdf(i: int) -> bytes:
    return BASE_PDF + f"\n% group {i}\n".encode()


@contextmanager
def writers_blocked(services):
    """A real transaction that keeps every registering transaction waiting until it ends (rolled
    back, so that it commits nothing itself)."""
    with services.engine.connect() as conn:
        transaction = conn.begin()  # SQLite: takes the writer lock (BEGIN IMMEDIATE)
        if services.engine.dialect.name == "postgresql":
            conn.execute(text("LOCK TABLE numbering_counters IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            transaction.rollback()


def receive_all(services, uploads: list[Upload], on_commit=None) -> tuple[dict, dict]:
    """Receive each upload in its own thread while the database is blocked: the first upload's
    thread leads a batch of its own and waits; every other upload queues for the next batch."""
    receipts, errors = {}, {}

    def one(upload: Upload) -> None:
        try:
            receipts[upload.filename] = receive(services, upload, "clerk")
        except Exception as exc:  # noqa: BLE001 — the test looks at who failed
            errors[upload.filename] = exc

    def wait_until(condition) -> None:
        deadline = time.monotonic() + 30
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert condition()

    committer = _committer(services.engine)
    receive(services, Upload("first.pdf", pdf(-1)))  # the book and counter exist from now on
    threads = [threading.Thread(target=one, args=(u,)) for u in uploads]
    with writers_blocked(services):
        if on_commit is not None:
            event.listen(services.engine, "commit", on_commit)
        batches = committer.batches
        threads[0].start()
        wait_until(lambda: committer.batches == batches + 1)
        for t in threads[1:]:
            t.start()
        wait_until(lambda: committer.pending() == len(uploads) - 1)
    for t in threads:
        t.join(60)
    return receipts, errors


def test_concurrent_receives_share_one_commit_and_keep_numbers_and_ids_in_order(services):
    commits = []
    uploads = [Upload(f"{i}.pdf", pdf(i)) for i in range(12)]
    uploads.append(Upload("again.pdf", pdf(3)))  # the same bytes as 3.pdf, in the same batch
    receipts, errors = receive_all(services, uploads, lambda conn: commits.append(1))
    assert errors == {}
    # the first leader's batch of one, then everything else in one transaction
    assert len(commits) == 2
    registered = [r for r in receipts.values() if r.status == "registered"]
    assert sorted(r.arrival_number for r in registered) == list(range(2, 14))
    by_number = sorted(registered, key=lambda r: r.arrival_number)
    assert [r.id for r in by_number] == sorted(r.id for r in by_number)  # id order = arrival
    # whichever of the two same files came first in the batch is registered, the other not
    same = sorted([receipts["3.pdf"], receipts["again.pdf"]], key=lambda r: r.status)
    assert [r.status for r in same] == ["duplicate", "registered"]
    assert same[0].duplicate_of == same[1].id
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IncomingDocument)) == 13
        assert s.scalar(select(func.count()).select_from(Job)) == 26  # read + verify each
        actions = s.scalars(select(AuditEvent.subject_id)
                            .where(AuditEvent.action == "incoming.received")).all()
        assert sorted(map(int, actions)) == [1] + sorted(r.id for r in registered)
        assert verify_chain(s).ok


POISON_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER poison BEFORE INSERT ON incoming_documents "
        "WHEN NEW.original_filename = 'poison.pdf' "
        "BEGIN SELECT RAISE(ABORT, 'the database refused poison.pdf'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.original_filename = 'poison.pdf' THEN "
        "RAISE EXCEPTION 'the database refused poison.pdf'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER poison BEFORE INSERT ON incoming_documents "
        "FOR EACH ROW EXECUTE FUNCTION poison()",
    ],
}


@pytest.mark.parametrize("poison_at", [1, 5])
def test_a_document_that_fails_in_a_batch_fails_alone(services, poison_at):
    with services.engine.begin() as conn:
        for statement in POISON_TRIGGER[services.engine.dialect.name]:
            conn.execute(text(statement))
    uploads = [Upload(f"{i}.pdf", pdf(i)) for i in range(8)]
    uploads.insert(poison_at, Upload("poison.pdf", pdf(99)))
    batches = _committer(services.engine).batches
    receipts, errors = receive_all(services, uploads)
    # first.pdf, the lone leader's batch, the batch of eight that failed as a whole, each of the
    # eight alone (and on SQLite, where the refusal is a constraint error, poison.pdf once more)
    assert _committer(services.engine).batches - batches >= 1 + 1 + 1 + 8
    assert list(errors) == ["poison.pdf"] and "refused poison.pdf" in str(errors["poison.pdf"])
    assert sorted(r.arrival_number for r in receipts.values()) == list(range(2, 10))
    with services.sessions() as s:
        docs = s.scalars(select(IncomingDocument).order_by(IncomingDocument.id)).all()
        assert [d.arrival_number for d in docs] == list(range(1, 10))  # no gap, no poison
        assert "poison.pdf" not in {d.original_filename for d in docs}
        assert s.scalar(select(func.count()).select_from(Job)) == 18
        assert verify_chain(s).ok
    # the next document continues the sequence where the batch left it
    assert receive(services, Upload("next.pdf", pdf(100))).arrival_number == 10
