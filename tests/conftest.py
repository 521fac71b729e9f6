"""Fixtures every slice's tests share: a clean database per test, on SQLite and on PostgreSQL.

PostgreSQL runs when ``VANTHU_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it); each test then
gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from vanthu.services import Services, build_services
from vanthu.settings import Settings

pytest_plugins = ["tests.pki_fixtures"]

POSTGRES_URL = os.environ.get("VANTHU_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(config, items):  # noqa: ANN001
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="VANTHU_TEST_POSTGRES_URL is not set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """A URL to an empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:  # noqa: ANN001
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def services(settings) -> Iterator[Services]:  # noqa: ANN001
    svc = build_services(settings)
    yield svc
    svc.close()


@pytest.fixture
def sqlite_services(tmp_path) -> Iterator[Services]:  # noqa: ANN001
    """SQLite only, for tests about something other than the database."""
    svc = build_services(Settings(data_dir=tmp_path / "data"))
    yield svc
    svc.close()


@pytest.fixture
def cli_env(settings, monkeypatch) -> dict[str, str]:  # noqa: ANN001
    """Environment under which ``vanthu`` commands use the test's database and data dir."""
    env = {"VANTHU_DATA_DIR": str(settings.data_dir), "VANTHU_DATABASE_URL": settings.database_url}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
