"""The demo office (units, signers, seal, books, sample root) with API tokens, and drafts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from registry.org import ApiToken, User, user_by_name
from signing.pades import Level
from signing.workflow.config import WorkflowSettings
from signing.workflow.routes import router
from tests.signing.docgen import make_directive
from vanthu.app import create_app
from vanthu.auth import new_token
from vanthu.demo import init_demo

# The demo's signers (sample-PKI identities) and the users who act in these tests.
SIGNERS = {"chutich": "chairman", "phochutich": "vice-chairman"}
PEOPLE = ("vanthu", "chutich", "phochutich", "chuyenvien", "lanhdao")


@dataclass
class Office:
    tokens: dict[str, str]
    passwords: dict[str, str]  # signer username -> the password of their PKCS#12 key

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


@pytest.fixture
def office(services, sample_pki, monkeypatch) -> Office:
    # The demo hashes six random passwords; production-strength argon2 takes ~0.7 s each on
    # this machine. These tests never log in with a password, so a cheap argon2 will do.
    from argon2 import PasswordHasher

    import registry.org

    monkeypatch.setattr(registry.org, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    init_demo(services)
    tokens = {}
    with services.transaction() as s:
        for username in PEOPLE:
            user = user_by_name(s, username)
            token, digest = new_token()
            s.add(ApiToken(user_id=user.id, name="test", token_sha256=digest))
            tokens[username] = token
    passwords = {u: sample_pki.identity(label).password for u, label in SIGNERS.items()}
    return Office(tokens, passwords)


def user(services, username: str) -> User:
    with services.sessions() as s:
        return user_by_name(s, username)


@pytest.fixture
def fast_cfg(services, office) -> WorkflowSettings:
    """B-B, no TSA, no revocation check: for tests about the workflow, not about PAdES."""
    return WorkflowSettings(level=Level.B_B, trust_dir=None, public_url="http://vanthu.test")


@pytest.fixture
def full_cfg(services, office, pki_services) -> WorkflowSettings:
    """The demo's choice: the seal at B-LT with the loopback TSA, OCSP and CRLs."""
    return WorkflowSettings(level=Level.B_LT, tsa_url=pki_services.tsa,
                            trust_dir=services.settings.trust_dir,
                            public_url="http://vanthu.test")


@pytest.fixture(scope="session")
def directive_bytes() -> bytes:
    return make_directive()


@pytest.fixture(scope="session")
def appendix_bytes() -> bytes:
    return make_directive(number_blank=False, title="PHỤ LỤC", name="Danh sách kèm theo")


def app_with(services, cfg: WorkflowSettings):  # noqa: ANN201
    services.settings.workers = 0
    app = create_app(services=services)
    # Mounted first, as vanthu.app should: intake's /api/registers/{kind} would take
    # /api/registers/outgoing otherwise.
    before = list(app.router.routes)
    app.include_router(router)
    app.router.routes[:] = app.router.routes[len(before):] + before
    app.state.workflow_settings = cfg
    from intake import register_files

    app.state.register_writers = register_files
    return app


@pytest.fixture
def api(services, fast_cfg):
    with TestClient(app_with(services, fast_cfg)) as client:
        yield client


def with_level(cfg: WorkflowSettings, level: Level) -> WorkflowSettings:
    return replace(cfg, level=level)


def write(tmp: Path, name: str, data: bytes) -> Path:
    p = tmp / name
    p.write_bytes(data)
    return p


def submit_as(services, cfg: WorkflowSettings, pdf: bytes, drafter: str = "chuyenvien",
              **fields):  # noqa: ANN003, ANN201
    from signing.workflow.submit import Draft, submit

    values = {"doc_type": "QĐ", "subject": "Về việc thử nghiệm quy trình", "signer": "chutich",
              "recipients": ["Sở Tài chính"], **fields}
    return submit(services, cfg, user(services, drafter), Draft(pdf=pdf, **values))


def signed_copies(services, cfg: WorkflowSettings, office: Office, pdf: bytes, n: int
                  ) -> list[int]:
    """``n`` signed directives waiting for issuance. One is submitted and signed for real; the
    others are register entries for the same signed bytes (what is tested is their issuance)."""
    import secrets

    from registry.documents import OutgoingDocument
    from signing.workflow.approve import sign_documents

    first = submit_as(services, cfg, pdf)
    [outcome] = sign_documents(services, cfg, user(services, "chutich"), [first.id],
                               office.passwords["chutich"])
    assert outcome.ok, outcome
    ids = [first.id]
    with services.transaction() as s:
        src = s.get(OutgoingDocument, first.id)
        columns = [c.key for c in OutgoingDocument.__table__.columns
                   if c.key not in ("id", "verify_code")]
        for _ in range(n - 1):
            copy = OutgoingDocument(**{k: getattr(src, k) for k in columns},
                                    verify_code=secrets.token_urlsafe(12))
            s.add(copy)
            s.flush()
            ids.append(copy.id)
    return ids


@pytest.fixture
def live_api(services, fast_cfg):  # noqa: ANN201
    """The app (with the outgoing routes) under a real uvicorn on loopback."""
    from tests.servers import serve_in_thread

    with serve_in_thread(app_with(services, fast_cfg)) as base:
        yield base


def add_clerks(services, n: int) -> list[str]:
    """``n`` more clerks, each with an API token; returns the tokens."""
    from registry.org import Role, add_user, unit_by_code

    tokens = []
    with services.transaction() as s:
        unit = unit_by_code(s, "HCTC")
        for i in range(n):
            clerk = add_user(s, f"vanthu{i}", f"Văn thư {i}", [Role.CLERK.value], unit=unit)
            token, digest = new_token()
            s.add(ApiToken(user_id=clerk.id, name="test", token_sha256=digest))
            tokens.append(token)
    return tokens
