"""An office with units, users and API tokens, and the app on top of it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from registry.org import ApiToken, Role, add_unit, add_user
from tests.servers import serve_in_thread
from vanthu.app import create_app
from vanthu.auth import new_token


@dataclass
class Office:
    tokens: dict[str, str]  # username -> API token
    units: dict[str, int]  # code -> id

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


PEOPLE = [
    ("clerk", [Role.CLERK], "VP"),
    ("leader", [Role.LEADER], None),
    ("kt", [Role.SPECIALIST], "KT"),
    ("nc", [Role.SPECIALIST], "NC"),
]


@pytest.fixture
def office(services) -> Office:
    tokens, units = {}, {}
    with services.transaction() as s:
        for code, name in [("VP", "Văn phòng"), ("KT", "Phòng Kinh tế"), ("NC", "Phòng Nội chính")]:
            units[code] = add_unit(s, code, name)
        for username, roles, unit in PEOPLE:
            user = add_user(s, username, username.title(), [r.value for r in roles],
                            unit=units.get(unit))
            token, digest = new_token()
            s.add(ApiToken(user_id=user.id, name="test", token_sha256=digest))
            tokens[username] = token
        ids = {code: unit.id for code, unit in units.items()}
    return Office(tokens, ids)


@pytest.fixture
def api(services, office):
    services.settings.workers = 0  # tests run the jobs themselves, when they choose
    with TestClient(create_app(services=services)) as client:
        yield client


@pytest.fixture
def live_server(services, office):
    """The app under a real uvicorn on loopback, for tests with concurrent clients."""
    services.settings.workers = 0
    with serve_in_thread(create_app(services=services)) as base:
        yield base
