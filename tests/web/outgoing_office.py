"""The demo office (units, signers with their sample-PKI keys, the seal, the books) with known
passwords, and the app on top of it signing at B-B without a TSA: for the outgoing pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from registry.org import Role, User, add_user, unit_by_code
from signing.pades import Level
from signing.workflow.config import WorkflowSettings
from tests.web.conftest import Office
from vanthu.app import create_app
from vanthu.demo import init_demo

SIGNERS = {"chutich": "chairman", "phochutich": "vice-chairman"}


@pytest.fixture
def demo(sqlite_services, sample_pki, monkeypatch):  # noqa: ANN001, ANN201
    """The demo office; every user's password is ``Office.password(username)``; plus ``nc``, a
    specialist of another unit. Returns {signer username: their key's password}."""
    from argon2 import PasswordHasher

    import registry.org

    # Production argon2 costs ~0.7 s a hash here; these tests are not about it.
    monkeypatch.setattr(registry.org, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    init_demo(sqlite_services)
    with sqlite_services.transaction() as s:
        add_user(s, "nc", "Chuyên viên Nội chính", [Role.SPECIALIST.value],
                 unit=unit_by_code(s, "NC"))
        for user in s.scalars(select(User)):
            user.password_hash = registry.org.hash_password(Office.password(user.username))
    return {u: sample_pki.identity(label).password for u, label in SIGNERS.items()}


@pytest.fixture
def outgoing_app(sqlite_services, demo):  # noqa: ANN001, ANN201
    sqlite_services.settings.workers = 0
    app = create_app(services=sqlite_services)
    # No trust anchors: the signer's certificate is not checked for revocation (no OCSP here).
    app.state.workflow_settings = WorkflowSettings(level=Level.B_B, trust_dir=None,
                                                   public_url="http://vanthu.test")
    return app


def browser(app) -> TestClient:  # noqa: ANN001
    return TestClient(app)


