"""Search of the incoming register: full text and filters, paginated.

Full text is diacritic-insensitive by default ("quyet dinh" finds "Quyết định") with an exact mode
that respects diacritics. SQLite uses its FTS5 index, PostgreSQL GIN indexes over
``to_tsvector('simple', …)``; both index the two columns filled by ``index_text``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import false, func, literal_column, select, text

from intake.errors import InvalidField
from intake.fieldmap import convert
from intake.textfold import fold, minhash, words
from registry.clock import VN_TZ
from registry.documents import (
    URGENCY_RANK,
    Assignment,
    IncomingDocument,
    IncomingStatus,
    IncomingText,
)
from registry.text import nfc

MAX_PER_PAGE = 200
# Fields searched by substring, ignoring case and diacritics; the others must match exactly.
TEXT_FILTERS = {"issuing_org", "parent_org", "abstract", "signer_name", "signer_title", "place",
                "notes", "symbol"}


def update_index(doc: IncomingDocument, text: str | None = None) -> None:
    """Refresh the search columns from the register fields (and the text, when given)."""
    body = doc.body or IncomingText()
    doc.body = body
    if text is not None:
        body.text = text
        body.minhash = minhash(text)
    parts = [
        doc.organ_name, doc.parent_organ_name, doc.code_number, doc.code_notation, doc.doc_type,
        doc.subject, doc.signer_name, doc.signer_position, doc.place, doc.description,
        doc.original_filename, " ".join(doc.recipients or []), body.text,
    ]
    body.search_exact = nfc(" ".join(p for p in parts if p)).lower()
    body.search_folded = fold(body.search_exact)


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
    if session.bind.dialect.name == "postgresql":
        _plan_settings(session)
    conditions, hits, period = _conditions(session, query)
    matched = [] if hits is None else [IncomingDocument.id.in_(_apart(session, hits))]
    total, candidates, listed = _count(session, query, conditions, hits, period)
    if hits is not None and _walk_pays(session, query, total, candidates, listed, period):
        matched = [IncomingDocument.id.in_(hits)]
        if candidates is not None:
            # Walking a type's entries, the planner merged them with every text row walked
            # backwards, checking the words of all (836 rows for 118 of the type, 2.7 ms); a
            # nested loop checks the type's only (0.8 ms). Merge joins stay allowed elsewhere:
            # a listed page merges the sorted matches with the newest entries.
            session.execute(select(func.set_config("enable_mergejoin", "off", True)))
    # Newest first. Ids are given in order of registration, so ordering by id is arrival order,
    # and walking the id index backwards stops after one page instead of sorting every hit.
    page = select(IncomingDocument.id).where(*conditions, *matched)
    order = IncomingDocument.id.desc()
    if hits is not None and session.bind.dialect.name == "sqlite":
        # FTS5 lists its matches newest first itself: joined to the register rows, the page
        # stops after its entries. As "id IN (matches)", SQLite listed every match and looked
        # up each one's row: 40 ms for a word in 74% of the entries, 0.5 ms joined.
        found = hits.subquery()
        page = (select(IncomingDocument.id)
                .join_from(found, IncomingDocument, IncomingDocument.id == found.c.doc_id)
                .where(*conditions))
        order = found.c.doc_id.desc()
    page_ids = session.scalars(
        page.order_by(order).offset((query.page - 1) * query.per_page).limit(query.per_page)
    ).all()
    rows = {d.id: d for d in session.scalars(
        select(IncomingDocument).where(IncomingDocument.id.in_(page_ids)))}
    return SearchPage(total or 0, query.page, query.per_page, [rows[i] for i in page_ids])


# Planner settings for a search's transaction (set_config(..., true) is SET LOCAL), in one
# round trip:
# - psycopg prepares a statement run five times on a connection, and PostgreSQL then plans it
#   once for any words: that plan guessed "status != $2" keeps one row and computed to_tsvector
#   on every entry — 20 s instead of 0.3 s (bench/search.py). Each search is planned for its own
#   words.
# - The word vectors are stored out of line (migration 0005): checking one row's costs a read
#   the planner does not count, and a sequential scan checks every row's (0.6-0.85 s over
#   100,000 entries, where the GIN index answers in 10-30 ms). No sequential scans.
# - A register's rows and indexes are read from memory, where a row fetched by id costs about
#   what a row read in order does. At the default (4x), a word in 4% of the entries with a type
#   filter read every register row to join them (72 ms) rather than looking up each match
#   (36 ms; bench/search.py, EXPLAIN ANALYZE).
PLAN_SETTINGS = {"plan_cache_mode": "force_custom_plan", "enable_seqscan": "off",
                 "random_page_cost": "1.1"}


def _plan_settings(session) -> None:  # noqa: ANN001
    session.execute(select(*(func.set_config(name, value, True)
                             for name, value in PLAN_SETTINGS.items())))


def _count(session, query: SearchQuery, conditions: list, hits,  # noqa: ANN001
           ids: tuple[int, int] | None) -> tuple[int, int | None, int | None]:
    """How many entries the search finds; on PostgreSQL with words and other conditions, also
    how many entries pass the other conditions (the candidates whose words a walk checks) and
    about how many entries of the register have the words (what a listing reads).

    Words alone (the commonest search) are counted from the full-text index: the matches, less
    the recalled ones among them. Counting them as register rows read a row per match to check
    it was not recalled — for a word in most entries, most of the register (bench/search.py)."""
    narrowed = (query.filters or query.statuses or query.arrived_from or query.arrived_to
                or query.unit_id is not None)
    if hits is not None and narrowed and session.bind.dialect.name == "postgresql":
        listed = _estimated_matches(session, hits)
        if ids is not None:
            # A period's candidates are few next to a common word's matches (1,200 entries of
            # a type over two months, 84,000 matches): each candidate's words are checked
            # (3-9 us each, idle to loaded) rather than every match listed and hashed (42 ms).
            # The period's range of ids bounds them; other conditions are counted within it.
            candidates = ids[1] - ids[0] + 1
            if candidates * CHECK_VS_SORT >= listed and (
                    query.filters or query.statuses or query.unit_id is not None):
                candidates = session.scalar(
                    select(func.count(IncomingDocument.id)).where(*conditions)) or 0
            if candidates * CHECK_VS_SORT < listed:  # flattened: the planner checks each one
                total = session.scalar(select(func.count(IncomingDocument.id)).where(
                    *conditions, IncomingDocument.id.in_(hits))) or 0
                return total, candidates, listed
        # The candidates joined to the matches (one text row per entry), not "id IN (matches)":
        # the planner hashes the smaller side — a type's or a period's entries — and streams
        # the matches past it, where the semi join hashed every match (90,000 for 'thuc').
        # Left joined, the same pass counts the candidates too, for _walk_pays.
        found = _apart(session, hits).subquery()
        candidates, total = session.execute(
            select(func.count(), func.count(found.c.doc_id)).select_from(IncomingDocument)
            .outerjoin(found, found.c.doc_id == IncomingDocument.id).where(*conditions)).one()
        return total, candidates, listed
    if hits is None or narrowed:
        matched = [] if hits is None else [IncomingDocument.id.in_(hits)]
        return session.scalar(
            select(func.count(IncomingDocument.id)).where(*conditions, *matched)) or 0, None, None
    total = session.scalar(select(func.count()).select_from(_apart(session, hits).subquery()))
    if not query.include_recalled:  # few entries are recalled: each is looked up in the matches
        # SQLite: the status written out, not bound, and "id + 0", so that it reads the partial
        # index of recalled entries rather than each match's row (74,000 of them: 90 ms).
        recalled = literal_column(f"'{IncomingStatus.RECALLED.value}'")
        doc_id = IncomingDocument.id
        if session.bind.dialect.name == "sqlite":
            doc_id = doc_id + 0
        total -= session.scalar(select(func.count(IncomingDocument.id)).where(
            IncomingDocument.status == recalled, doc_id.in_(hits)))
    return total, None, None


def _estimated_matches(session, hits) -> int:  # noqa: ANN001
    """The planner's estimate of how many entries have the words (from the word statistics of
    the stored vectors: 90,013 for 'thuc', which 89,970 have), without reading them."""
    sql = hits.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True})
    plan = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def _conditions(session, query: SearchQuery) -> tuple[list, Any, tuple[int, int] | None]:  # noqa: ANN001
    """The conditions on register rows; apart, the full-text matches (a select of ids) and the
    period's range of ids."""
    conditions, hits = [], None
    tokens = words(nfc(query.text).lower() if query.exact else fold(query.text))
    # A substring filter's words must be in the index too: the index narrows the rows first,
    # so the per-row diacritic-folding comparison runs on a few rows, not on the register.
    tokens += [w for name, value in query.filters.items() if name in TEXT_FILTERS
               for w in words(fold(str(value))) if not query.exact]
    ids = _arrival_ids(session, query)
    if ids == _NONE:
        conditions.append(false())
    elif ids is not None:
        conditions.append(IncomingDocument.id.between(*ids))
    if tokens and ids != _NONE:
        hits = _full_text(session, tokens, query.exact, ids)
    for name, value in query.filters.items():
        column_name, converted = convert(name, value)
        column = getattr(IncomingDocument, column_name)
        if name == "recipients":
            raise InvalidField("search recipients with the full-text query")
        if name in TEXT_FILTERS and isinstance(converted, str):
            pattern = f"%{_escape(fold(converted))}%"
            conditions.append(func.vn_fold(column).like(pattern, escape="\\"))
        else:
            conditions.append(column == converted)
    if query.statuses:
        conditions.append(IncomingDocument.status.in_(query.statuses))
    elif not query.include_recalled:
        conditions.append(IncomingDocument.status != IncomingStatus.RECALLED.value)
    if query.arrived_from:
        conditions.append(IncomingDocument.arrival_at >= _start_of(query.arrived_from))
    if query.arrived_to:
        conditions.append(IncomingDocument.arrival_at < _start_of(query.arrived_to, 1))
    if query.unit_id is not None:
        conditions.append(
            IncomingDocument.id.in_(
                select(Assignment.document_id).where(Assignment.unit_id == query.unit_id)
            )
        )
    return conditions, hits, ids


_NONE = (0, -1)  # an empty range of ids: no document arrived in the period


def _arrival_ids(session, query: SearchQuery) -> tuple[int, int] | None:  # noqa: ANN001
    """The smallest and largest id of the documents that arrived in the queried period.

    A period is a range of the arrival-time index; the documents in it lie between these ids
    whatever their order. The full-text match is then asked only for that range of ids: a very
    common word ("quyết định" is in most documents) with a two-month period read every match
    of the word in the register, then threw away all but the period's (bench/search.py)."""
    period = []
    if query.arrived_from:
        period.append(IncomingDocument.arrival_at >= _start_of(query.arrived_from))
    if query.arrived_to:
        period.append(IncomingDocument.arrival_at < _start_of(query.arrived_to, 1))
    if not period:
        return None
    # The period's rows apart (OFFSET 0), then their ids: given min(id) directly, PostgreSQL
    # walked the id index from one end checking arrival times, 35,000 rows for a period in
    # the middle of the register (45 ms; the arrival-time index reads the period's own rows).
    in_period = select(IncomingDocument.id).where(*period).offset(0).subquery()
    low, high = session.execute(select(func.min(in_period.c.id), func.max(in_period.c.id))).one()
    return _NONE if low is None else (low, high)


def _full_text(session, tokens: list[str], exact: bool,  # noqa: ANN001, ANN202
               ids: tuple[int, int] | None):
    """The ids of the entries whose text has every word (a select)."""
    column = "search_exact" if exact else "search_folded"
    if session.bind.dialect.name == "sqlite":
        # Folded words need no column filter: a word of the exact column is, folded, a word of
        # the folded column, and a folded query word is its own fold — so matching either
        # column is matching the folded one. Without the filter FTS5 reads only the lists of
        # ids, not the positions in them: 5x faster for a word in every document.
        match = " ".join(f'{column}:"{t}"' if exact else f'"{t}"' for t in tokens)
        hits = select(literal_column("rowid").label("doc_id")).select_from(
            text("incoming_fts")).where(text("incoming_fts MATCH :match").bindparams(match=match))
        if ids is not None:  # FTS5 seeks its lists of matches to the range (rowid = doc id)
            hits = hits.where(text("rowid BETWEEN :low_id AND :high_id").bindparams(
                low_id=ids[0], high_id=ids[1]))
    else:
        # The stored vectors (migration 0005) split words at punctuation and "_", as FTS5 does.
        terms = [t for w in tokens for t in w.split("_") if t]
        hits = select(IncomingText.doc_id).where(
            text(f"incoming_texts.{column}_tsv @@ to_tsquery('simple', :tsq)").bindparams(
                tsq=" & ".join(terms)) if terms else false()
        )
    return hits


# What it costs PostgreSQL to check one entry's stored vector (read out of line), in units of
# sorting one match by id: ~10 us against ~0.5 us (EXPLAIN ANALYZE, 100,000 entries).
CHECK_VS_SORT = 20


def _walk_pays(session, query: SearchQuery, total: int, candidates: int | None,  # noqa: ANN001
               listed: int | None, ids: tuple[int, int] | None) -> bool:
    """Whether PostgreSQL should find the page by walking the newest entries, checking each
    one's words, rather than listing every match from the index and sorting them.

    A word in most entries lists and sorts 70,000-100,000 matches for a page of 50 (20-65 ms);
    walking, 50 in 70 entries have it (under 1 ms). A rare word walks the register (120 ms for a
    word in 0.5% of the entries). The count, known by now, says which: the walk checks about
    (entries before the page's end) x (candidates / matches) entries, the listing sorts every
    match of the words. The candidates are the entries that pass the other conditions (a type:
    counted with the matches, its index skips the other entries), else those of the period's
    range of ids, else the register."""
    if session.bind.dialect.name != "postgresql" or not total:
        return False
    if candidates is not None:
        walked = candidates
    elif ids is not None:  # a period with a common word: 50 ms to list the register's matches
        walked = ids[1] - ids[0] + 1
    else:
        walked = session.scalar(select(func.max(IncomingDocument.id))) or 0
    checked = query.page * query.per_page * walked / total
    # A listing reads every entry with the words, of any type or period; at least the total.
    return checked * CHECK_VS_SORT < max(total, listed or 0)


def _apart(session, hits):  # noqa: ANN001, ANN202
    """On PostgreSQL, the matches as a subquery of their own (OFFSET 0), answered from the GIN
    index. Flattened into the page's query, the planner walked the ids backwards checking each
    row's stored vector, a read it does not count: 120 ms for a word in 0.5% of the entries,
    where the index lists them in 3 ms (bench/search.py). No id range there either: given one,
    it walked the range row by row."""
    return hits.offset(0) if session.bind.dialect.name == "postgresql" else hits


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _start_of(day: date, plus_days: int = 0) -> datetime:
    """Midnight in Vietnam of that day (plus some days), for arrival-date ranges."""
    return datetime.combine(day + timedelta(days=plus_days), time(0), tzinfo=VN_TZ)


def urgent_first(documents: list[IncomingDocument]) -> list[IncomingDocument]:
    return sorted(documents, key=lambda d: (URGENCY_RANK.get(d.urgency, 3), -d.id))

