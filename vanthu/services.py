"""The running service's shared parts, built once from the settings and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from registry import db
from registry.clock import Clock, utc_now
from registry.filestore import LocalBlobStore
from vanthu.settings import Settings


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: LocalBlobStore
    clock: Clock = field(default=utc_now)

    def transaction(self):  # noqa: ANN201
        return db.transaction(self.sessions)

    def close(self) -> None:
        self.engine.dispose()


def build_services(settings: Settings, *, migrate: bool = True) -> Services:
    """Open the database (applying migrations unless told not to) and the file store."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(settings.database_url)
    if migrate:
        db.upgrade(engine)
    return Services(
        settings=settings,
        engine=engine,
        sessions=db.session_factory(engine),
        blobs=LocalBlobStore(settings.blob_dir),
    )
