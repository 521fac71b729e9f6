"""A number is never lost or given twice: a failure at any step of issuance issues nothing and
leaves the book where it was; concurrent clerks take consecutive numbers of one book."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import select

from registry.audit import AuditEvent, verify_chain
from registry.clock import vn_year
from registry.documents import OutgoingDocument
from registry.numbering import book_by_code, last_number
from signing.pades import Level
from signing.workflow.errors import IssueFailed, WorkflowError, WrongState
from signing.workflow.issue import STEPS, issue
from signing.workflow.register import outgoing_register
from tests.outgoing.conftest import add_clerks, signed_copies


class Injected(OSError):
    """A failure injected at a step (an I/O error is what a full disk would raise)."""


def _state(services, doc_id: int) -> tuple[str, int | None, int]:
    with services.sessions() as s:
        doc = s.get(OutgoingDocument, doc_id)
        year = vn_year(services.clock())
        return doc.status, doc.number, last_number(s, book_by_code(s, "di-hc"), year)


def _failures(services, doc_id: int) -> list[dict]:
    with services.sessions() as s:
        return [e.payload for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "outgoing.issue_failed",
            AuditEvent.subject_id == str(doc_id)).order_by(AuditEvent.seq))]


def test_failure_at_any_step_issues_nothing_and_keeps_the_number(
    services, office, fast_cfg, directive_bytes
):
    first, second = signed_copies(services, fast_cfg, office, directive_bytes, 2)
    for step in STEPS:

        def fail_at(reached: str, step: str = step) -> None:
            if reached == step:
                raise Injected(f"injected failure after {step}")

        with pytest.raises(IssueFailed) as info:
            issue(services, fast_cfg, "vanthu", first, checkpoint=fail_at)
        assert info.value.step == step
        assert _state(services, first) == ("signed", None, 0)  # no number used, nothing issued
        failure = _failures(services, first)[-1]
        assert failure["step"] == step and "injected" in failure["reason"]
    assert [f["step"] for f in _failures(services, first)] == list(STEPS)

    # The next issuance takes number 1: the book has no gap.
    assert issue(services, fast_cfg, "vanthu", second).number == 1
    assert issue(services, fast_cfg, "vanthu", first).number == 2
    with services.sessions() as s:
        assert verify_chain(s).ok


def test_unreachable_tsa_missing_tsa_or_wrong_seal_secret_keep_the_number(
    services, office, fast_cfg, directive_bytes
):
    [doc] = signed_copies(services, fast_cfg, office, directive_bytes, 1)
    broken = replace(fast_cfg, level=Level.B_T, tsa_url="http://127.0.0.1:9/tsa", tsa_timeout=2)
    with pytest.raises(IssueFailed) as info:
        issue(services, broken, "vanthu", doc)
    assert info.value.step == "seal" and "time-stamping" in info.value.reason
    assert _state(services, doc) == ("signed", None, 0)

    no_tsa = replace(fast_cfg, level=Level.B_LT)  # a level that needs a TSA, and none is set
    with pytest.raises(WorkflowError, match="VANTHU_TSA_URL"):
        issue(services, no_tsa, "vanthu", doc)
    assert _state(services, doc) == ("signed", None, 0)

    secret = services.settings.secrets_dir / "seal.pass"
    secret.write_text("not-the-password\n")
    with pytest.raises(IssueFailed) as info:
        issue(services, fast_cfg, "vanthu", doc)
    assert info.value.step == "prepare" and "password" in info.value.reason
    assert "not-the-password" not in info.value.reason
    assert _state(services, doc) == ("signed", None, 0)


def test_issued_document_cannot_be_issued_again(services, office, fast_cfg, directive_bytes):
    [doc] = signed_copies(services, fast_cfg, office, directive_bytes, 1)
    assert issue(services, fast_cfg, "vanthu", doc).number == 1
    with pytest.raises(WrongState):
        issue(services, fast_cfg, "vanthu", doc)
    assert _state(services, doc) == ("issued", 1, 1)


def test_hundred_directives_by_ten_concurrent_clerks_take_1_to_100(
    services, office, fast_cfg, directive_bytes, live_api
):
    """Ten clerks, each with their own API token, issue through the HTTP API at once."""
    import httpx

    ids = signed_copies(services, fast_cfg, office, directive_bytes, 100)
    tokens = add_clerks(services, 10)
    errors: list[str] = []
    start = threading.Barrier(10)

    def clerk(token: str, mine: list[int]) -> None:
        with httpx.Client(base_url=live_api, timeout=120,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            start.wait()
            for doc_id in mine:
                r = http.post(f"/api/outgoing/{doc_id}/issue")
                if r.status_code != 200:
                    errors.append(f"{doc_id}: {r.status_code} {r.text}")

    threads = [threading.Thread(target=clerk, args=(tokens[i], ids[i::10])) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    with services.sessions() as s:
        docs = list(s.scalars(select(OutgoingDocument).where(OutgoingDocument.id.in_(ids))))
        numbers = sorted(d.number for d in docs)
        assert numbers == list(range(1, 101))
        assert {d.status for d in docs} == {"issued"}
        assert len({d.issued_sha256 for d in docs}) == 100  # each carries its own number
        assert last_number(s, book_by_code(s, "di-hc"), vn_year(services.clock())) == 100
        days = [d.issued_date for d in docs]
        register = outgoing_register(s, min(days), max(days))
        assert [row[0] for row in register.rows] == [f"{n:02d}/QĐ-UBND" for n in range(1, 101)]
        assert verify_chain(s).ok
