"""Search with a period: the full-text match is asked only for the period's range of ids; words
alone are counted from the index, less the recalled entries. The answers must be the ones a plain
reading of every entry gives, on both databases — including when ids do not follow arrival times
(entries imported out of order)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, text

from intake.search import SearchQuery, search, update_index
from intake.textfold import fold, words
from registry.clock import VN_TZ
from registry.documents import IncomingDocument, IncomingText
from registry.filestore import Blob
from registry.numbering import BookKind, add_book

WORDS = ["quyết", "định", "ngân", "sách", "đường", "tỉnh", "giáo", "dục", "thủy", "lợi",
         "bão", "lũ", "đất", "đai", "tuyển", "dụng"]
TYPES = ["Công văn", "Quyết định", "Báo cáo"]
START = datetime(2026, 1, 1, tzinfo=UTC)
N = 400


@pytest.fixture
def register(services):
    """N entries: every text has "chung" (a very common word), arrival times over 120 days in an
    order that the ids do not follow, a few recalled. Returns the oracle's view of each."""
    rng = random.Random(6)
    with services.transaction() as s:
        book_id = add_book(s, "den", "Sổ đến", BookKind.INCOMING).id
    minutes = [rng.randrange(120 * 24 * 60) for _ in range(N)]
    minutes[: N // 2] = sorted(minutes[: N // 2])  # half in order, half imported out of order
    docs, texts, oracle = [], [], {}
    for i in range(1, N + 1):
        doc = IncomingDocument(doc_type=rng.choice(TYPES), subject="V/v " + rng.choice(WORDS))
        body = " ".join(["chung"] + rng.choices(WORDS, k=rng.randint(3, 12)))
        doc.body = IncomingText(text=body)
        update_index(doc)
        arrival = START + timedelta(minutes=minutes[i - 1])
        status = "recalled" if i % 37 == 0 else "read"
        docs.append({"id": i, "book_id": book_id, "arrival_year": 2026, "arrival_number": i,
                     "arrival_at": arrival, "blob_sha256": f"{i:064x}", "status": status,
                     "doc_type": doc.doc_type, "subject": doc.subject, "channel": "electronic",
                     "media_type": "application/pdf", "language": "vi", "urgency": "normal",
                     "confidentiality": "none", "recipients": [], "field_confidence": {},
                     "signature_verdicts": []})
        texts.append({"doc_id": i, "text": body, "search_exact": doc.body.search_exact,
                      "search_folded": doc.body.search_folded, "minhash": []})
        oracle[i] = (arrival.astimezone(VN_TZ).date(), status, doc.doc_type,
                     set(words(doc.body.search_exact)), set(words(doc.body.search_folded)))
    with services.transaction() as s:
        s.execute(insert(Blob), [{"sha256": d["blob_sha256"], "size": 1} for d in docs])
        s.execute(insert(IncomingDocument), docs)
        s.execute(insert(IncomingText), texts)
    if services.engine.dialect.name == "postgresql":
        # Word statistics, as a live register has them: search() weighs the planner's
        # estimate of a word's matches against the candidates it would check one by one.
        with services.engine.begin() as conn:
            conn.execute(text("ANALYZE incoming_documents"))
            conn.execute(text("ANALYZE incoming_texts"))
    return oracle


def expected(oracle, q: SearchQuery) -> list[int]:
    exact = q.exact
    terms = words(q.text.lower() if exact else fold(q.text))
    hits = [
        i for i, (day, status, doc_type, exact_words, folded_words) in oracle.items()
        if (status in q.statuses if q.statuses else status != "recalled" or q.include_recalled)
        and all(t in (exact_words if exact else folded_words) for t in terms)
        and (q.arrived_from is None or day >= q.arrived_from)
        and (q.arrived_to is None or day <= q.arrived_to)
        and q.filters.get("doc_type", doc_type) == doc_type
    ]
    return sorted(hits, reverse=True)


QUERIES = [
    SearchQuery("chung", arrived_from=date(2026, 2, 1), arrived_to=date(2026, 2, 28)),
    SearchQuery("chung quyet", arrived_from=date(2026, 1, 10), arrived_to=date(2026, 3, 31)),
    SearchQuery("đường", exact=True, arrived_from=date(2026, 3, 1)),
    SearchQuery("bao lu", arrived_to=date(2026, 1, 20)),
    SearchQuery("chung", arrived_from=date(2026, 2, 1), arrived_to=date(2026, 2, 10),
                filters={"doc_type": "Báo cáo"}),
    SearchQuery("", arrived_from=date(2026, 4, 1), arrived_to=date(2026, 4, 15)),
    SearchQuery("chung", arrived_from=date(2027, 1, 1)),  # nobody arrived then
    SearchQuery("chung"),
    SearchQuery("tuyen dung dat"),
    SearchQuery("chung", include_recalled=True),  # words alone: counted from the index
    # A type and a common word: the type's entries counted with their matches in one pass.
    SearchQuery("chung", filters={"doc_type": "Quyết định"}),
    SearchQuery("chung", filters={"doc_type": "Quyết định"}, include_recalled=True),
    # A period, a type or a status, and a common word: the few candidates checked one by one.
    SearchQuery("chung", arrived_from=date(2026, 3, 1), arrived_to=date(2026, 3, 20),
                filters={"doc_type": "Công văn"}, include_recalled=True),
    SearchQuery("chung dat", arrived_from=date(2026, 1, 1), arrived_to=date(2026, 2, 15),
                statuses=["recalled"]),
    SearchQuery("tinh", arrived_from=date(2026, 1, 5), arrived_to=date(2026, 4, 20),
                statuses=["read"], filters={"doc_type": "Báo cáo"}),
]


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: f"{q.text or '-'}|{q.arrived_from}|"
                         f"{q.filters}|{q.statuses}|{q.include_recalled}")
def test_search_gives_what_reading_every_entry_gives(services, register, q):
    want = expected(register, q)
    with services.sessions() as s:
        first = search(s, SearchQuery(**{**q.__dict__, "per_page": 50}))
        second = search(s, SearchQuery(**{**q.__dict__, "per_page": 50, "page": 2}))
    assert first.total == len(want)
    assert [d.id for d in first.items] == want[:50]
    assert [d.id for d in second.items] == want[50:100]


@pytest.mark.postgres
def test_a_repeated_search_is_planned_for_its_own_words_on_postgresql(services, register):
    """psycopg prepares a statement after five runs on a connection; PostgreSQL then switches to
    one generic plan for any words, which for full-text search was a scan computing to_tsvector
    on every entry. Searches must keep custom plans."""
    if services.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    with services.sessions() as s:
        for word in ["chung", "quyet", "dinh", "ngan", "sach", "duong"] * 3:
            search(s, SearchQuery(word))
        generic = s.execute(text(
            "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE '%to_tsquery%'")).scalar()
        prepared = s.execute(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%to_tsquery%'"
        )).scalar()
    assert prepared > 0  # the statements were prepared: the case this test is about
    assert generic == 0


@pytest.mark.parametrize("q", [
    SearchQuery("chung"),
    SearchQuery("chung", filters={"doc_type": "Báo cáo"}),
    SearchQuery("Đường", exact=True),
    SearchQuery("chung", arrived_from=date(2026, 1, 1), arrived_to=date(2026, 2, 28)),
    SearchQuery("chung", arrived_from=date(2026, 1, 1), arrived_to=date(2026, 3, 31),
                filters={"doc_type": "Quyết định"}),
    SearchQuery("dinh chung", filters={"doc_type": "Công văn"}, include_recalled=True),
], ids=lambda q: f"{q.text}|{q.arrived_from}|{q.filters}")
def test_small_pages_of_a_common_word_are_the_right_entries(services, register, q):
    """For a word in most entries and small pages, PostgreSQL finds a page by walking the newest
    entries and checking their words, not by listing every match: the same entries either way."""
    want = expected(register, q)
    with services.sessions() as s:
        pages = [search(s, SearchQuery(**{**q.__dict__, "per_page": 2, "page": n}))
                 for n in (1, 2, 3, (len(want) + 1) // 2)]
    assert all(p.total == len(want) for p in pages)
    last = (len(want) + 1) // 2
    assert [[d.id for d in p.items] for p in pages] == [
        want[0:2], want[2:4], want[4:6], want[(last - 1) * 2:]]
