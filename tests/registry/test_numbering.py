"""Numbering books: gap-free, duplicate-free, per calendar year in Vietnam."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from registry import NumberingError
from registry.clock import fixed_clock
from registry.documents import OutgoingDocument
from registry.numbering import BookKind, add_book, book_by_code, book_for, last_number, take_number


@pytest.fixture
def book(services):
    with services.transaction() as s:
        return add_book(s, "den", "Sổ văn bản đến", BookKind.INCOMING)


def test_twenty_threads_take_one_thousand_numbers_without_gap_or_duplicate(services, book):
    taken: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(50):
                with services.transaction() as s:
                    _, n = take_number(s, s.get(type(book), book.id))
                with lock:
                    taken.append(n)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(taken) == list(range(1, 1001))


def test_a_new_year_in_vietnam_starts_again_at_one(services, book):
    # 31 Dec 2026 16:59 UTC is 23:59 in Hanoi; one minute later it is 1 January 2027 there.
    late = fixed_clock(datetime(2026, 12, 31, 16, 59, tzinfo=UTC))
    new_year = fixed_clock(datetime(2026, 12, 31, 17, 0, tzinfo=UTC))
    with services.transaction() as s:
        assert take_number(s, book, late) == (2026, 1)
        assert take_number(s, book, late) == (2026, 2)
        assert take_number(s, book, new_year) == (2027, 1)
        assert take_number(s, book, late) == (2026, 3)
    with services.sessions() as s:
        assert last_number(s, book, 2026) == 3
        assert last_number(s, book, 2027) == 1


def test_a_number_taken_by_a_transaction_that_fails_is_given_again(services, book):
    with pytest.raises(RuntimeError), services.transaction() as s:
        take_number(s, book)
        raise RuntimeError("signing failed")
    with services.transaction() as s:
        assert take_number(s, book)[1] == 1


def test_number_and_symbol_cannot_repeat_within_a_year(services):
    from sqlalchemy.exc import IntegrityError

    with services.transaction() as s:
        s.add(OutgoingDocument(number_year=2026, code_number="05", code_notation="QĐ-UBND"))
    with pytest.raises(IntegrityError), services.transaction() as s:
        s.add(OutgoingDocument(number_year=2026, code_number="05", code_notation="QĐ-UBND"))
    with services.sessions() as s:
        assert len(s.scalars(select(OutgoingDocument)).all()) == 1


def test_book_scope_picks_the_book_that_names_the_type(services):
    with services.transaction() as s:
        add_book(s, "di-hc", "Văn bản hành chính", BookKind.OUTGOING)
        add_book(s, "di-qd", "Quyết định cá biệt", BookKind.OUTGOING, ["QĐ"])
    with services.sessions() as s:
        assert book_for(s, BookKind.OUTGOING, "QĐ").code == "di-qd"
        assert book_for(s, BookKind.OUTGOING, "TB").code == "di-hc"
        with pytest.raises(NumberingError, match="no active numbering book"):
            book_for(s, BookKind.COPIES, "SY")


def test_two_open_books_of_one_kind_are_refused_as_ambiguous(services):
    with services.transaction() as s:
        add_book(s, "a", "A", BookKind.OUTGOING)
        add_book(s, "b", "B", BookKind.OUTGOING)
    with services.sessions() as s, pytest.raises(NumberingError, match="several"):
        book_for(s, BookKind.OUTGOING, "CV")


def test_a_closed_book_gives_no_number(services, book):
    with services.transaction() as s:
        closed = book_by_code(s, "den")
        closed.active = False
    with services.transaction() as s, pytest.raises(NumberingError, match="closed"):
        take_number(s, book_by_code(s, "den"))
