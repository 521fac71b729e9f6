"""Near-identical text warnings (a re-scan of a letter registered before), found from the band
keys' index: the same warnings as comparing every signature, with no limit of recent entries."""

from __future__ import annotations

import random

from alembic import command
from sqlalchemy import select

from intake import duplicates
from intake.duplicates import MIN_BANDS, flag_duplicates
from intake.search import update_index
from intake.textfold import MINHASH_SIZE, band_keys, similarity
from intake.worker import drain
from registry import db
from registry.documents import IncomingDocument
from registry.filestore import Blob
from registry.numbering import BookKind, add_book
from registry.textbands import IncomingTextBand
from tests.intake.docs import Letter, letter_pdf

# The same letter, its number read differently on the second scan (other number, same text).
RESCAN = Letter(number="126")
OTHER = Letter(number="7", symbol="SNV-TCCB", org="SỞ NỘI VỤ TỈNH AN GIANG",
               abstract="V/v cử cán bộ tham gia lớp bồi dưỡng", signer_name="Trần Thị Hoa",
               body="Sở Nội vụ đề nghị các cơ quan cử cán bộ tham dự lớp bồi dưỡng kiến thức "
                    "quản lý nhà nước tháng 4.")


def _receive(api, office, services, pdf: bytes, name: str) -> int:  # noqa: ANN001
    answer = api.post("/api/incoming", headers=office.headers("clerk"),
                      files=[("files", (name, pdf, "application/pdf"))])
    drain(services)
    return answer.json()["receipts"][0]["id"]


def _duplicates(api, office, doc_id: int) -> list[dict]:  # noqa: ANN001
    return api.get(f"/api/incoming/{doc_id}", headers=office.headers("clerk")).json()["duplicates"]


def test_a_rescan_is_flagged_and_a_different_letter_is_not(api, office, services):
    first = _receive(api, office, services, letter_pdf(), "first.pdf")
    other = _receive(api, office, services, letter_pdf(OTHER), "other.pdf")
    again = _receive(api, office, services, letter_pdf(RESCAN), "again.pdf")
    assert _duplicates(api, office, other) == []
    [warning] = _duplicates(api, office, again)
    assert warning["id"] == first and warning["reason"] == "near_identical_text"
    assert "near-identical text (92%), probably a re-scan as arrival" in warning["detail"]
    with services.sessions() as s:
        entry = s.get(IncomingDocument, again)
        assert entry.duplicate_of == first and "re-scan" in entry.duplicate_reason
        assert s.get(IncomingDocument, other).duplicate_of is None


def test_a_rescan_is_flagged_however_many_entries_arrived_since(api, office, services, monkeypatch):
    # Before the band index, only the 500 newest entries were compared: a letter scanned again a
    # week later (some 700 entries in a busy office) went unnoticed. Here with 3 and 4 entries.
    monkeypatch.setattr(duplicates, "RESCAN_CANDIDATES", 3)
    first = _receive(api, office, services, letter_pdf(), "first.pdf")
    for i in range(4):
        _receive(api, office, services,
                 letter_pdf(Letter(**{**OTHER.__dict__, "number": str(10 + i),
                                      "body": f"Nội dung thứ {i}: " + OTHER.body * (i + 1)})),
                 f"other-{i}.pdf")
    again = _receive(api, office, services, letter_pdf(RESCAN), "again.pdf")
    assert [d["id"] for d in _duplicates(api, office, again)] == [first]


def test_a_same_identity_entry_is_listed_once_even_with_the_same_text(api, office, services):
    first = _receive(api, office, services, letter_pdf(), "first.pdf")
    second = _receive(api, office, services, letter_pdf(Letter(day=6)), "second.pdf")
    assert [(d["id"], d["reason"]) for d in _duplicates(api, office, second)] == [
        (first, "same_identity")]


def test_signatures_near_enough_always_share_enough_band_keys():
    """The lookup is exact: an entry at RESCAN_SIMILARITY or more is always a candidate."""
    rng = random.Random(6)
    for _ in range(2000):
        a = [rng.getrandbits(61) for _ in range(MINHASH_SIZE)]
        b = list(a)
        for i in rng.sample(range(MINHASH_SIZE), rng.randint(0, 20)):
            b[i] = rng.getrandbits(61)
        shared = sum(x == y for x, y in zip(band_keys(a), band_keys(b), strict=True))
        if similarity(a, b) >= duplicates.RESCAN_SIMILARITY:
            assert shared >= MIN_BANDS
        assert shared == sum(a[k:k + 4] == b[k:k + 4] for k in range(0, MINHASH_SIZE, 4))


def _read_entry(session, book_id: int, n: int, text: str) -> IncomingDocument:  # noqa: ANN001
    session.add(Blob(sha256=f"{n:064x}", size=1))
    session.flush()
    doc = IncomingDocument(id=n, book_id=book_id, arrival_year=2026, arrival_number=n,
                           blob_sha256=f"{n:064x}", status="read", code_number=str(n),
                           code_notation="STC-NS", organ_name="SỞ TÀI CHÍNH")
    update_index(doc, text)
    session.add(doc)
    session.flush()
    return doc


def test_entries_read_before_0006_are_found_after_it(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0005")
    text = " ".join(f"Điều {i}. Sở Tài chính hướng dẫn các cơ quan lập dự toán năm {2000 + i}."
                    for i in range(20))
    with db.transaction(db.session_factory(engine)) as s:
        book_id = add_book(s, "den", "Sổ đến", BookKind.INCOMING).id
        # Written as before 0006: signatures, no band keys (the ORM's table is not there yet).
        _read_entry(s, book_id, 1, text)
    db.upgrade(engine, "0006")
    with db.transaction(db.session_factory(engine)) as s:
        assert len(s.scalars(select(IncomingTextBand.key)).all()) == 16
        again = _read_entry(s, book_id, 2, text + " Bản chụp lại.")
        assert [(w.document_id, w.reason) for w in flag_duplicates(s, again)] == [
            (1, "near_identical_text")]
    command.downgrade(db._alembic_config(engine), "0005")
    db.upgrade(engine, "0006")
    with db.session_factory(engine)() as s:
        assert len(s.scalars(select(IncomingTextBand.key)).all()) == 32
    engine.dispose()
