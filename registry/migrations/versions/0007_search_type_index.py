"""incoming_documents: an index of the document type with the id, status and arrival time
(PostgreSQL), for searches that combine a type with words

A search with a type filter counts the entries of that type that have the words. With no index
on the type, PostgreSQL read every register row to find that type's (100,000 rows, 4,300 pages:
25-50 ms on an idle machine, 80-180 ms on a loaded one; bench/search.py). This index hands it
the type's ids in order, with the status and arrival time beside them, so the count, a period's
part of it and the newest page are read from the index alone (index-only scans: ~75 pages for a
type in one entry of seven).

SQLite is left as it is: its page joins FTS5's matches newest first, and its count visits each
match's row either way.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 20:30:00
"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index("ix_incoming_documents_type", "incoming_documents", ["doc_type", "id"],
                    postgresql_include=["status", "arrival_at"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_incoming_documents_type", "incoming_documents")
