"""An office with a user of every role (passwords and API tokens), and the app on top of it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pytest
from fastapi.testclient import TestClient

from registry.org import ApiToken, Role, add_unit, add_user, hash_password
from vanthu.app import create_app
from vanthu.auth import new_token

PASSWORD = "mật-khẩu-thử-{name}-2026"

# username -> (roles, home unit). Leaders and specialists act within their home unit; a leader
# without a unit acts for the whole organization.
PEOPLE: dict[str, tuple[list[Role], str | None]] = {
    "admin": ([Role.ADMIN], None),
    "clerk": ([Role.CLERK], "VP"),
    "leader": ([Role.LEADER], None),
    "kt": ([Role.SPECIALIST], "KT"),
    "nc": ([Role.SPECIALIST], "NC"),
    "signer": ([Role.SIGNER], "VP"),
}


@dataclass
class Office:
    tokens: dict[str, str]
    units: dict[str, int]
    users: dict[str, int]

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    @staticmethod
    def password(username: str) -> str:
        return PASSWORD.format(name=username)


@cache
def _hash(username: str) -> str:
    """argon2 is slow on purpose: hash each test password once per test run."""
    return hash_password(Office.password(username))


@pytest.fixture
def office(sqlite_services) -> Office:  # noqa: ANN001
    tokens, units, users = {}, {}, {}
    with sqlite_services.transaction() as s:
        for code, name in [("VP", "Văn phòng"), ("KT", "Phòng Kinh tế"), ("NC", "Phòng Nội chính")]:
            units[code] = add_unit(s, code, name)
        for username, (roles, unit) in PEOPLE.items():
            user = add_user(s, username, username.title(), [r.value for r in roles],
                            unit=units.get(unit))
            user.password_hash = _hash(username)
            token, digest = new_token()
            s.add(ApiToken(user_id=user.id, name="test", token_sha256=digest))
            tokens[username], users[username] = token, user.id
        ids = {code: unit.id for code, unit in units.items()}
    return Office(tokens, ids, users)


@pytest.fixture
def app(sqlite_services, office):  # noqa: ANN001
    sqlite_services.settings.workers = 0
    return create_app(services=sqlite_services)


@pytest.fixture
def client(app):  # noqa: ANN001
    with TestClient(app) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, username: str) -> str:
    """Sign in through the form; returns the CSRF token of the signed-in pages."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": username, "csrf_token": token,
                                         "password": Office.password(username), "next": "/"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/login").text)


def sign_in_status(app, username: str, password: str) -> int:  # noqa: ANN001
    """The status a fresh browser gets for this sign-in (303 in, 401 refused)."""
    with TestClient(app) as c:
        token = csrf_of(c.get("/login").text)
        return c.post("/login", data={"username": username, "password": password,
                                      "csrf_token": token, "next": "/"},
                      follow_redirects=False).status_code


# The demo office for the outgoing pages (defined there; it uses the helpers above).
from tests.web.outgoing_office import demo, outgoing_app  # noqa: E402, F401
