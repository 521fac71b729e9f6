"""Numbering books: one sequence per book and per calendar year (Vietnam time), starting at 1.

Taking a number is one upsert that increments the (book, year) counter and returns it.
It runs in the caller's transaction, and the counter row stays locked until that transaction ends:
if the document that uses the number is rolled back, so is the number: the sequence has no gap.
Concurrent takers wait for the lock (PostgreSQL row lock; SQLite's writer lock, taken at BEGIN).
"""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.clock import Clock, utc_now, vn_year
from registry.errors import NotFound, NumberingError
from registry.orm import Base


class BookKind(enum.StrEnum):
    INCOMING = "incoming"  # số đến: one sequence for paper and electronic documents
    OUTGOING = "outgoing"  # administrative documents; the scope says which types share it
    COPIES = "copies"  # SY, TrS, SL share one sequence
    LEGAL = "legal"  # one book per type of legal document
    ADVISORY = "advisory"  # councils, boards, teams issuing under the organization's seal


class Book(Base):
    __tablename__ = "numbering_books"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # Document-type abbreviations (QĐ, CV, TB, …) numbered in this book; empty: every type of
    # its kind not claimed by a more specific book.
    doc_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BookCounter(Base):
    __tablename__ = "numbering_counters"

    book_id: Mapped[int] = mapped_column(ForeignKey("numbering_books.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


def add_book(
    session: Session, code: str, name: str, kind: BookKind | str, doc_types: list[str] = ()
) -> Book:
    kind = BookKind(kind)
    if session.scalar(select(Book).where(Book.code == code)) is not None:
        raise NumberingError(f"a numbering book with code {code!r} exists already")
    book = Book(code=code, name=name, kind=kind.value, doc_types=sorted(set(doc_types)))
    session.add(book)
    session.flush()
    return book


def book_by_code(session: Session, code: str) -> Book:
    book = session.scalar(select(Book).where(Book.code == code))
    if book is None:
        raise NotFound(f"no numbering book {code!r}")
    return book


def book_for(session: Session, kind: BookKind | str, doc_type: str | None = None) -> Book:
    """The active book of that kind whose scope names the type, else the one with an open scope."""
    books = session.scalars(
        select(Book).where(Book.kind == BookKind(kind).value, Book.active.is_(True))
    ).all()
    named = [b for b in books if doc_type and doc_type in b.doc_types]
    open_scope = [b for b in books if not b.doc_types]
    chosen = named or open_scope
    if len(chosen) != 1:
        what = f"{kind} documents" + (f" of type {doc_type}" if doc_type else "")
        if not chosen:
            raise NumberingError(f"no active numbering book for {what}")
        raise NumberingError(
            f"several numbering books claim {what}: {', '.join(b.code for b in chosen)}"
        )
    return chosen[0]


_TAKE = text(
    "INSERT INTO numbering_counters (book_id, year, last_number) VALUES (:book, :year, :n) "
    "ON CONFLICT (book_id, year) DO UPDATE "
    "SET last_number = numbering_counters.last_number + :n "
    "RETURNING last_number"
)


def take_number(session: Session, book: Book, clock: Clock = utc_now) -> tuple[int, int]:
    """Next (year, number) of the book, in the caller's transaction. Commit it with its document."""
    return take_numbers(session, book, 1, clock)


def take_numbers(
    session: Session, book: Book, count: int, clock: Clock = utc_now
) -> tuple[int, int]:
    """Take the next ``count`` numbers of the book at once (a batch of documents registered in
    one transaction); returns (year, last): the numbers are last - count + 1 … last."""
    if not book.active:
        raise NumberingError(f"numbering book {book.code!r} is closed")
    if count < 1:
        raise NumberingError(f"cannot take {count} numbers")
    year = vn_year(clock())
    number = session.execute(_TAKE, {"book": book.id, "year": year, "n": count}).scalar_one()
    return year, number


def last_number(session: Session, book: Book, year: int) -> int:
    value = session.scalar(
        select(BookCounter.last_number).where(
            BookCounter.book_id == book.id, BookCounter.year == year
        )
    )
    return value or 0
