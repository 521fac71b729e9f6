"""incoming_texts: stored tsvector columns with GIN indexes for full-text search (PostgreSQL);
an index of the recalled entries (both)

PostgreSQL prices to_tsvector() of a page of text like any function call, so with indexes on the
expression it often chose to compute it on every row (seconds a query over 100,000 entries;
bench/search.py). Generated columns store the vectors once, when the text is written: no plan can
recompute them, and PostgreSQL keeps them up to date without application code. SQLite searches
its FTS5 table (0001) and gets only the index of recalled entries.

The vectors are built from the text with punctuation turned into spaces: PostgreSQL's parser keeps
"46/qđ-ubnd", "03/12/2026" or "1.5" as single words, where the application (and SQLite's FTS5)
see the words "46", "qđ", "ubnd". Positions are stripped: no search uses them, and the vectors
are half the size.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = {"search_exact": "search_exact_tsv", "search_folded": "search_folded_tsv"}
# Spaces, ASCII punctuation (with "_"), and the Latin-1, general and CJK punctuation blocks:
# listed by code point, so that the words are the same whatever the database's locale (in the
# "C" locale a class like \W would split "quyết" at the "ế").
SEPARATORS = r"[\s!-/:-@\[-`{-~\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u3000-\u303f]+"


def vector_sql(column: str) -> str:
    return (f"strip(to_tsvector('simple', regexp_replace(coalesce({column}, ''), "
            f"'{SEPARATORS}', ' ', 'g')))")


def upgrade() -> None:
    # A search for words alone counts its matches from the full-text index, less the recalled
    # entries among them (intake/search.py): those few are found here, on both databases.
    op.create_index("ix_incoming_documents_recalled", "incoming_documents", ["id"],
                    sqlite_where=sa.text("status = 'recalled'"),
                    postgresql_where=sa.text("status = 'recalled'"))
    if op.get_bind().dialect.name != "postgresql":
        return
    # Rows of this table hold pages of text; a search that lists its matches reads a row per
    # match (the GIN index gives row addresses, not document ids). Kept narrow, with the text,
    # the search columns and the vectors out of line, 100,000 rows fill ~1,000 pages, not
    # 22,000: a word in most entries reads a few MB instead of 170 MB (bench/search.py).
    # PostgreSQL moves values out of a row above 2 kB, until the row is under this target.
    op.execute("ALTER TABLE incoming_texts SET (toast_tuple_target = 128)")
    # Adding stored generated columns rewrites the table (once, in one statement): the rows
    # already there get their vectors, and are stored narrow.
    op.execute("ALTER TABLE incoming_texts " + ", ".join(
        f"ADD COLUMN {stored} tsvector GENERATED ALWAYS AS ({vector_sql(source)}) STORED"
        for source, stored in COLUMNS.items()))
    for source, stored in COLUMNS.items():
        op.execute(f"CREATE INDEX ix_incoming_texts_{stored} ON incoming_texts "
                   f"USING GIN ({stored})")
        op.execute(f"DROP INDEX IF EXISTS ix_incoming_fts_{source}")
    # The planner needs the new columns' word statistics to choose between the index and a walk.
    op.execute("ANALYZE incoming_texts")


def downgrade() -> None:
    op.drop_index("ix_incoming_documents_recalled", "incoming_documents")
    if op.get_bind().dialect.name != "postgresql":
        return
    for source, stored in COLUMNS.items():
        op.execute(f"ALTER TABLE incoming_texts DROP COLUMN {stored}")  # drops its index too
        op.execute(f"CREATE INDEX ix_incoming_fts_{source} ON incoming_texts "
                   f"USING GIN (to_tsvector('simple', coalesce({source}, '')))")
    op.execute("ALTER TABLE incoming_texts RESET (toast_tuple_target)")
