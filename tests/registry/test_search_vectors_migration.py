"""Migration 0005 (stored word vectors for full text on PostgreSQL): entries registered before it
are found after it, and it undoes and applies again (a no-op on SQLite, which has FTS5)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from intake.search import SearchQuery, search, update_index
from registry import db
from registry.documents import IncomingDocument
from registry.filestore import Blob
from registry.numbering import BookKind, add_book


def _register_one(engine) -> None:  # noqa: ANN001
    """One entry, written with its text and search columns as before 0005 (the ORM knows no
    stored vectors: PostgreSQL computes them)."""
    with db.transaction(db.session_factory(engine)) as s:
        book_id = add_book(s, "den", "Sổ đến", BookKind.INCOMING).id
        s.add(Blob(sha256="a" * 64, size=1))
        s.flush()  # the blob row first: nothing tells the ORM the entry depends on it
        doc = IncomingDocument(id=1, book_id=book_id, arrival_year=2026, arrival_number=1,
                               blob_sha256="a" * 64, status="read", subject="V/v dự toán")
        update_index(doc, "Số: 46/QĐ-UBND về Đường tỉnh 943")
        s.add(doc)


def _found(engine, words: str, exact: bool = False) -> list[int]:  # noqa: ANN001
    factory = db.session_factory(engine)
    with factory() as s:
        return [d.id for d in search(s, SearchQuery(words, exact=exact)).items]


def _vector_columns(engine) -> set[str]:  # noqa: ANN001
    return {c["name"] for c in inspect(engine).get_columns("incoming_texts")} & {
        "search_exact_tsv", "search_folded_tsv"}


def test_entries_registered_before_0005_are_found_after_it(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0004")
    _register_one(engine)
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    postgres = engine.dialect.name == "postgresql"
    assert _vector_columns(engine) == ({"search_exact_tsv", "search_folded_tsv"} if postgres
                                       else set())
    assert _found(engine, "duong tinh 46") == [1]
    assert _found(engine, "Đường", exact=True) == [1]
    assert _found(engine, "duong", exact=True) == []

    command.downgrade(db._alembic_config(engine), "0004")
    assert db.current_revision(engine) == "0004"
    assert _vector_columns(engine) == set()
    db.upgrade(engine)
    assert _found(engine, "ubnd 943") == [1]
    engine.dispose()
