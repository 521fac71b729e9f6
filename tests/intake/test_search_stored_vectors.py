"""Full text on PostgreSQL reads the stored word vectors of migration 0005: the words are the ones
SQLite's FTS5 sees (split at punctuation), and no plan computes to_tsvector row by row."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert, text

from intake.search import SearchQuery, search, update_index
from registry.documents import IncomingDocument, IncomingText
from registry.filestore import Blob
from registry.numbering import BookKind, add_book

START = datetime(2026, 1, 1, tzinfo=UTC)


def add_documents(services, bodies: list[str]) -> list[int]:  # noqa: ANN001
    """Register entries with these texts, straight into the tables (as an import would)."""
    with services.transaction() as s:
        book_id = add_book(s, "den", "Sổ đến", BookKind.INCOMING).id
    docs, texts = [], []
    for i, body in enumerate(bodies, start=1):
        doc = IncomingDocument(doc_type="Công văn", subject="V/v công việc")
        doc.body = IncomingText(text=body)
        update_index(doc)
        docs.append({"id": i, "book_id": book_id, "arrival_year": 2026, "arrival_number": i,
                     "arrival_at": START + timedelta(minutes=i), "blob_sha256": f"{i:064x}",
                     "status": "read", "doc_type": doc.doc_type, "subject": doc.subject,
                     "channel": "electronic", "media_type": "application/pdf", "language": "vi",
                     "urgency": "normal", "confidentiality": "none", "recipients": [],
                     "field_confidence": {}, "signature_verdicts": []})
        texts.append({"doc_id": i, "text": body, "search_exact": doc.body.search_exact,
                      "search_folded": doc.body.search_folded, "minhash": []})
    with services.transaction() as s:
        s.execute(insert(Blob), [{"sha256": d["blob_sha256"], "size": 1} for d in docs])
        s.execute(insert(IncomingDocument), docs)
        s.execute(insert(IncomingText), texts)
    return [d["id"] for d in docs]


def found(services, words: str, exact: bool = False) -> list[int]:  # noqa: ANN001
    with services.sessions() as s:
        return sorted(d.id for d in search(s, SearchQuery(words, exact=exact)).items)


def test_words_joined_by_punctuation_are_found_one_by_one(services):
    """PostgreSQL's own parser keeps "46/qđ-ubnd" or "03/12/2026" as one word: a clerk searching
    for "2026" or the number "46" found the letter on SQLite and not on PostgreSQL."""
    letter, other = add_documents(services, [
        "Số: 46/QĐ-UBND ngày 03/12/2026 về đường_tỉnh 943, vốn 1.5 tỷ (xem www.angiang.gov.vn)",
        "Số: 47/TB-STC ngày 04/12/2025 về ngân sách",
    ])
    assert found(services, "46") == [letter]
    assert found(services, "2026") == [letter]
    assert found(services, "qd ubnd") == [letter]
    assert found(services, "QĐ", exact=True) == [letter]
    assert found(services, "qd", exact=True) == []
    assert found(services, "tinh 943") == [letter]
    assert found(services, "duong_tinh") == [letter]
    assert found(services, "angiang gov") == [letter]
    assert found(services, "12") == [letter, other]


def search_plans(services, query: SearchQuery) -> list[str]:  # noqa: ANN001
    """The plans PostgreSQL chose for the full-text statements of one search, in its session."""
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if "to_tsquery" in statement and not statement.startswith("EXPLAIN"):
            statements.append((statement, parameters))

    event.listen(services.engine, "before_cursor_execute", keep)
    try:
        with services.sessions() as s:
            search(s, query)
            conn = s.connection()
            return [
                json.dumps(conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", params).scalar())
                for sql, params in statements
            ]
    finally:
        event.remove(services.engine, "before_cursor_execute", keep)


@pytest.mark.postgres
def test_full_text_is_answered_from_the_stored_vectors_index(services):
    """Before the stored vectors, PostgreSQL priced to_tsvector() of a page of text like any
    function call and chose plans that computed it on every entry: seconds a query over 100,000
    entries (bench/search.py). The plans must read the GIN index of the stored vectors."""
    if services.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plans")
    # 3,000 entries sharing common words; a rare word in six of them.
    common = "quyết định ủy ban nhân dân tỉnh về việc phê duyệt kế hoạch ngân sách năm"
    add_documents(services, [f"{common} {'hiếm' if i % 500 == 0 else 'thường'} mục {i % 97}"
                             for i in range(1, 3001)])
    with services.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    assert len(found(services, "hiem")) == 6
    for query, index in [(SearchQuery("hiem"), "ix_incoming_texts_search_folded_tsv"),
                         (SearchQuery("hiếm", exact=True), "ix_incoming_texts_search_exact_tsv"),
                         (SearchQuery("hiem ngan sach", filters={"doc_type": "Công văn"}),
                          "ix_incoming_texts_search_folded_tsv")]:
        # The count (then, for words alone, the recalled entries among the matches), the page.
        count, *_, page = search_plans(services, query)
        assert index in count and index in page, (count, page)
    # A word in every entry: whatever the plan, it reads the stored vectors, never the text.
    for plan in search_plans(services, SearchQuery("quyet dinh")):
        assert "to_tsvector" not in plan and "search_folded_tsv" in plan, plan


@pytest.mark.postgres
def test_a_type_with_words_is_counted_from_the_type_index(services):
    """A type with a common word counted every register row to find the type's (a full read of
    the register: 25-50 ms idle over 100,000 entries, 80-180 ms loaded; bench/search.py).
    Migration 0007's index hands over the type's entries alone, with their status."""
    if services.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plans")
    common = "quyết định ủy ban nhân dân tỉnh về việc phê duyệt kế hoạch ngân sách năm"
    add_documents(services, [f"{common} mục {i % 97}" for i in range(1, 3001)])
    with services.engine.begin() as conn:
        conn.execute(text("UPDATE incoming_documents SET doc_type = 'Báo cáo' WHERE id % 7 = 0"))
        conn.execute(text("ANALYZE"))
    query = SearchQuery("quyet dinh", filters={"doc_type": "Báo cáo"}, per_page=5)
    with services.sessions() as s:
        page = search(s, query)
    assert page.total == 3000 // 7
    assert [d.id for d in page.items] == [2996, 2989, 2982, 2975, 2968]
    count, *_ = search_plans(services, query)
    assert "ix_incoming_documents_type" in count, count
