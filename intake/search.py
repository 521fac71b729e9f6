"""Search of the incoming register: full text and filters, paginated.

Full text is diacritic-insensitive by default ("quyet dinh" finds "Quyết định") with an exact mode
that respects diacritics. SQLite uses its FTS5 index, PostgreSQL GIN indexes over
``to_tsvector('simple', …)``; both index the two columns filled by ``index_text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select, text

from intake.errors import InvalidField
from intake.fieldmap import convert
from intake.textfold import fold, words
from registry.clock import VN_TZ
from registry.documents import URGENCY_RANK, Assignment, IncomingDocument, IncomingStatus
from registry.text import nfc

MAX_PER_PAGE = 200
# Fields searched by substring, ignoring case and diacritics; the others must match exactly.
TEXT_FILTERS = {"issuing_org", "parent_org", "abstract", "signer_name", "signer_title", "place",
                "notes", "doc_type", "symbol"}


def index_text(doc: IncomingDocument) -> tuple[str, str]:
    """(exact, folded) search text: the register fields, then the document's text."""
    parts = [
        doc.organ_name, doc.parent_organ_name, doc.code_number, doc.code_notation, doc.doc_type,
        doc.subject, doc.signer_name, doc.signer_position, doc.place, doc.description,
        doc.original_filename, " ".join(doc.recipients or []), doc.text,
    ]
    exact = nfc(" ".join(p for p in parts if p)).lower()
    return exact, fold(exact)


@dataclass
class SearchQuery:
    text: str = ""
    exact: bool = False
    filters: dict[str, Any] = field(default_factory=dict)  # register field name -> value
    statuses: list[str] = field(default_factory=list)  # default: every working status
    arrived_from: date | None = None
    arrived_to: date | None = None
    unit_id: int | None = None  # documents assigned to this unit
    include_recalled: bool = False
    page: int = 1
    per_page: int = 50


@dataclass
class SearchPage:
    total: int
    page: int
    per_page: int
    items: list[IncomingDocument]


def search(session, query: SearchQuery) -> SearchPage:  # noqa: ANN001
    if query.page < 1 or not 1 <= query.per_page <= MAX_PER_PAGE:
        raise InvalidField(f"page starts at 1 and per_page is 1 to {MAX_PER_PAGE}")
    stmt = _filtered(session, query)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = session.scalars(
        stmt.order_by(IncomingDocument.arrival_at.desc(), IncomingDocument.id.desc())
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    return SearchPage(total or 0, query.page, query.per_page, list(items))


def _filtered(session, query: SearchQuery) -> Select:  # noqa: ANN001
    stmt = select(IncomingDocument)
    tokens = words(nfc(query.text).lower() if query.exact else fold(query.text))
    if tokens:
        stmt = stmt.where(_full_text(session, tokens, query.exact))
    for name, value in query.filters.items():
        column_name, converted = convert(name, value)
        column = getattr(IncomingDocument, column_name)
        if name == "recipients":
            raise InvalidField("search recipients with the full-text query")
        if name in TEXT_FILTERS and isinstance(converted, str):
            pattern = f"%{_escape(fold(converted))}%"
            stmt = stmt.where(func.vn_fold(column).like(pattern, escape="\\"))
        else:
            stmt = stmt.where(column == converted)
    if query.statuses:
        stmt = stmt.where(IncomingDocument.status.in_(query.statuses))
    elif not query.include_recalled:
        stmt = stmt.where(IncomingDocument.status != IncomingStatus.RECALLED.value)
    if query.arrived_from:
        stmt = stmt.where(IncomingDocument.arrival_at >= _start_of(query.arrived_from))
    if query.arrived_to:
        stmt = stmt.where(IncomingDocument.arrival_at < _start_of(query.arrived_to, 1))
    if query.unit_id is not None:
        stmt = stmt.where(
            IncomingDocument.id.in_(
                select(Assignment.document_id).where(Assignment.unit_id == query.unit_id)
            )
        )
    return stmt


def _full_text(session, tokens: list[str], exact: bool):  # noqa: ANN001, ANN202
    column = "search_exact" if exact else "search_folded"
    if session.bind.dialect.name == "sqlite":
        match = " ".join(f'{column}:"{t}"' for t in tokens)
        return IncomingDocument.id.in_(
            select(text("rowid")).select_from(text("incoming_fts")).where(
                text("incoming_fts MATCH :match").bindparams(match=match)
            )
        )
    return text(
        f"to_tsvector('simple', coalesce(incoming_documents.{column}, '')) "
        "@@ to_tsquery('simple', :tsq)"
    ).bindparams(tsq=" & ".join(tokens))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _start_of(day: date, plus_days: int = 0) -> datetime:
    """Midnight in Vietnam of that day (plus some days), for arrival-date ranges."""
    return datetime.combine(day + timedelta(days=plus_days), time(0), tzinfo=VN_TZ)


def urgent_first(documents: list[IncomingDocument]) -> list[IncomingDocument]:
    return sorted(documents, key=lambda d: (URGENCY_RANK.get(d.urgency, 3), -d.id))

