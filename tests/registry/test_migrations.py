"""Migrations apply on an empty database, undo cleanly, and apply again (both backends)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from registry.db import _alembic_config, current_revision, head_revision, make_engine, upgrade


def test_upgrade_downgrade_upgrade(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"incoming_documents", "incoming_texts", "numbering_counters", "audit_events",
            "blobs", "jobs", "users", "units", "api_tokens"} <= tables
    command.downgrade(_alembic_config(engine), "base")
    assert current_revision(engine) is None
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert current_revision(engine) == head_revision()
    engine.dispose()
