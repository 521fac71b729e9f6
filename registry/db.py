"""Database engines, sessions and migrations, for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from registry.text import fold

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_LOCK_TIMEOUT_S = 60
# Execution option of sessions that only read (``session_factory``'s sessions, unless opened by
# ``transaction``): on SQLite they neither queue for the writer lock nor take SQLite's.
READ_ONLY = "vanthu_read_only"


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine with the settings each backend needs for correct concurrent use.

    On PostgreSQL, ``?options=-csearch_path%3DNAME`` in the URL puts the tables in schema NAME.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size * 2, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # pysqlite's own transaction handling is switched off, so that BEGIN is ours to emit.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # a committed row survives a power cut
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()
        dbapi_conn.create_function("vn_fold", 1, _fold_or_none, deterministic=True)

    # SQLite has one writer at a time. Threads of this process queue on a Python lock, woken the
    # moment it is free; left to SQLite's busy handler they would poll with sleeps of up to 100 ms,
    # which cut the receive path's throughput by half (profiled: bench/intake.py).
    # Readers take neither: in WAL mode a reader sees its snapshot while a writer works. Before
    # this, every request's sign-in lookup queued behind the writers and their commit fsyncs.
    writer = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        if conn.get_execution_options().get(READ_ONLY, False):
            conn.exec_driver_sql("BEGIN")  # deferred: one snapshot for the session's reads
            return
        if not writer.acquire(timeout=SQLITE_LOCK_TIMEOUT_S):
            raise TimeoutError(f"the database stayed busy for {SQLITE_LOCK_TIMEOUT_S} s")
        conn.info["vanthu_writer"] = True
        try:
            # Take the write lock at BEGIN: a deferred transaction that reads, then writes, fails
            # with "database is locked" instead of waiting when another writer got there first.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn)
            raise

    def _release(conn) -> None:  # noqa: ANN001
        if conn.info.pop("vanthu_writer", False):
            writer.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)


def _fold_or_none(value: str | None) -> str | None:
    return None if value is None else fold(value)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reading; ``transaction(factory)`` opens the ones that write."""
    return sessionmaker(engine, expire_on_commit=False, execution_options={READ_ONLY: True})


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any exception."""
    with factory() as session, session.begin():
        # Procure the connection now, marked as a writer's (SQLite: BEGIN IMMEDIATE, in turn).
        session.connection(execution_options={READ_ONLY: False})
        yield session


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (idempotent)."""
    command.upgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
