"""Who an API token speaks for, checked on every request: a revoked token or a disabled user
is turned away, a user whose password an admin set must change it first, and the holder's roles
decide what the token may do."""

from __future__ import annotations

from sqlalchemy import select, update

from registry.org import ApiToken, User
from tests.intake.docs import letter_pdf


def _upload(api, headers):
    return api.post("/api/incoming", headers=headers,
                    files=[("files", ("cv.pdf", letter_pdf(), "application/pdf"))])


def test_a_clerks_token_registers_and_another_role_is_refused(api, office):
    assert _upload(api, office.headers("clerk")).status_code == 200
    refused = _upload(api, office.headers("kt"))  # a specialist
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_unknown_and_revoked_tokens_are_turned_away(api, office, services):
    assert api.get("/api/incoming", headers={"Authorization": "Bearer vt_nope"}).status_code == 401
    with services.transaction() as s:
        clerk = s.scalar(select(User).where(User.username == "clerk"))
        s.execute(update(ApiToken).where(ApiToken.user_id == clerk.id).values(revoked=True))
    r = _upload(api, office.headers("clerk"))
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"


def test_a_disabled_users_token_is_turned_away(api, office, services):
    with services.transaction() as s:
        s.execute(update(User).where(User.username == "clerk").values(active=False))
    assert _upload(api, office.headers("clerk")).status_code == 401


def test_a_password_set_by_an_admin_must_be_changed_first(api, office, services):
    with services.transaction() as s:
        s.execute(update(User).where(User.username == "clerk").values(must_change_password=True))
    r = _upload(api, office.headers("clerk"))
    assert r.status_code == 403 and r.json()["code"] == "password_change_required"
