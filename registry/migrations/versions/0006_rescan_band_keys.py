"""incoming_text_bands: the MinHash signatures' band keys, indexed, for re-scan warnings

The near-identical-text warning compared each reading's signature with those of up to 500 recent
entries, in Python (a third of a reading's CPU with a few hundred entries), and never saw an entry
older than the 500th. With each signature cut into 16 bands of 4 values and every band's key
indexed, the candidates are the entries that share enough keys (intake/duplicates.py).

The entries read before this revision get their keys here, from their stored signatures. The key
function is copied, not imported, so that this revision does what it did when it was written.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 20:20:00
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BANDS, ROWS = 16, 4


def band_keys(signature: list[int]) -> list[int]:
    if len(signature) != BANDS * ROWS:
        return []
    return [
        int.from_bytes(hashlib.blake2b(
            b"".join(v.to_bytes(8, "big") for v in signature[b * ROWS:(b + 1) * ROWS]),
            digest_size=8, person=b"band%d" % b).digest(), "big", signed=True)
        for b in range(BANDS)
    ]


def upgrade() -> None:
    bands = op.create_table(
        'incoming_text_bands',
        sa.Column('doc_id', sa.Integer(), nullable=False),
        sa.Column('band', sa.SmallInteger(), nullable=False),
        sa.Column('key', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['doc_id'], ['incoming_documents.id'],
                                name=op.f('fk_incoming_text_bands_doc_id_incoming_documents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('doc_id', 'band', name=op.f('pk_incoming_text_bands')),
    )
    conn = op.get_bind()
    texts = sa.table('incoming_texts', sa.column('doc_id', sa.Integer()),
                     sa.column('minhash', sa.Text()))
    last = 0
    while True:  # in pages of ids: a register of years does not sit in memory at once
        rows = conn.execute(sa.select(texts.c.doc_id, texts.c.minhash)
                            .where(texts.c.doc_id > last).order_by(texts.c.doc_id)
                            .limit(2000)).all()
        if not rows:
            break
        last = rows[-1].doc_id
        values = [{"doc_id": r.doc_id, "band": b, "key": k}
                  for r in rows
                  for b, k in enumerate(band_keys(_signature(r.minhash)))]
        if values:
            op.bulk_insert(bands, values)
    # After the rows: one index build, not one insert per key.
    op.create_index('ix_incoming_text_bands_key', 'incoming_text_bands', ['key', 'doc_id'])


def _signature(stored) -> list[int]:  # noqa: ANN001
    # JSON column read as text here (PostgreSQL's driver may already hand back a list).
    if not stored:
        return []
    return stored if isinstance(stored, list) else json.loads(stored)


def downgrade() -> None:
    op.drop_index('ix_incoming_text_bands_key', table_name='incoming_text_bands')
    op.drop_table('incoming_text_bands')
