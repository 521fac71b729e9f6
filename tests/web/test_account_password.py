"""A user changes their own password (other sessions end, this one stays), and a password an
admin set must be replaced at the next sign-in before anything else opens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from registry.audit import AuditEvent
from registry.org import User
from tests.web.conftest import Office, csrf_of, sign_in, sign_in_status

NEW = "mật-khẩu-riêng-của-tôi-2026"


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch):  # noqa: ANN001, ANN202
    """Production argon2 costs most of a second a hash; these tests are not about its cost."""
    from argon2 import PasswordHasher

    import registry.org

    monkeypatch.setattr(registry.org, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def _change(client: TestClient, csrf: str, current: str, new: str, again: str | None = None):  # noqa: ANN202
    return client.post("/account/password", data={
        "csrf_token": csrf, "current_password": current, "new_password": new,
        "new_password_again": new if again is None else again}, follow_redirects=False)


def _events(services, action: str) -> list[AuditEvent]:  # noqa: ANN001
    with services.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_user_changes_their_password_other_sessions_end_this_one_stays(app, office,
                                                                         sqlite_services):
    with TestClient(app) as here, TestClient(app) as elsewhere:
        csrf = sign_in(here, "kt")
        sign_in(elsewhere, "kt")
        page = here.get("/account")
        assert page.status_code == 200 and 'href="/account"' in page.text
        answer = _change(here, csrf, Office.password("kt"), NEW)
        assert answer.status_code == 303
        done = here.get(answer.headers["location"])
        assert done.status_code == 200 and "Đã đổi mật khẩu" in done.text
        assert here.get("/incoming", follow_redirects=False).status_code == 200
        gone = elsewhere.get("/incoming", follow_redirects=False)
        assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    assert sign_in_status(app, "kt", Office.password("kt")) == 401
    assert sign_in_status(app, "kt", NEW) == 303
    event = _events(sqlite_services, "user.password_changed")[-1]
    assert event.actor == "kt" and event.payload["sessions_ended"] == 1
    assert NEW not in str(event.payload) and Office.password("kt") not in str(event.payload)
    with sqlite_services.sessions() as s:
        stored = s.get(User, office.users["kt"]).password_hash
    assert stored.startswith("$argon2") and NEW not in stored


@pytest.mark.parametrize(("current", "new", "again", "says"), [
    ("wrong-password-2026", NEW, None, "Mật khẩu hiện tại không đúng"),
    (None, NEW, NEW + "x", "không khớp"),
    (None, "ngắn-quá", None, "ít nhất 10 ký tự"),
    (None, None, None, "phải khác"),
])
def test_a_refused_change_keeps_the_old_password(app, office, current, new, again, says):
    old = Office.password("kt")
    with TestClient(app) as client:
        csrf = sign_in(client, "kt")
        answer = _change(client, csrf, current or old, new or old, again)
        assert answer.status_code == 400 and says in answer.text
        assert (new or old) not in answer.text and old not in answer.text  # no echo
        assert client.get("/incoming", follow_redirects=False).status_code == 200
    assert sign_in_status(app, "kt", old) == 303


def test_a_password_set_by_the_admin_must_be_changed_before_anything_else(app, office,
                                                                          sqlite_services):
    set_by_admin = "mật-khẩu-quản-trị-đặt-2026"
    with TestClient(app) as admin:
        csrf = sign_in(admin, "admin")
        assert admin.post(f"/admin/users/{office.users['kt']}/password", data={
            "csrf_token": csrf, "password": set_by_admin, "password_again": set_by_admin},
            follow_redirects=False).status_code == 303
    with TestClient(app) as kt:
        token = csrf_of(kt.get("/login").text)
        kt.post("/login", data={"username": "kt", "password": set_by_admin, "csrf_token": token,
                                "next": "/"})
        for page in ("/", "/incoming", "/outgoing", "/queues"):
            answer = kt.get(page, follow_redirects=False)
            assert (answer.status_code, answer.headers.get("location")) == (303, "/account"), page
        form = kt.get("/account")
        assert form.status_code == 200 and 'id="must-change"' in form.text
        api = kt.get("/api/incoming")
        assert api.status_code == 403 and api.json()["code"] == "password_change_required"
        assert api.json()["message"]["en"] and api.json()["message"]["vi"]
        by_token = kt.get("/api/incoming", headers=office.headers("kt"))
        assert by_token.status_code == 403
        assert by_token.json()["code"] == "password_change_required"
        assert _change(kt, csrf_of(form.text), set_by_admin, NEW).status_code == 303
        assert kt.get("/incoming", follow_redirects=False).status_code == 200
        assert 'id="must-change"' not in kt.get("/account").text
        assert kt.get("/api/incoming").status_code == 200
    assert _events(sqlite_services, "user.password_changed")[-1].payload["was_required"] is True


def test_the_account_page_reads_in_english(app, office):
    with TestClient(app) as client:
        sign_in(client, "kt")
        client.cookies.set("vanthu_lang", "en")
        page = client.get("/account").text
        assert "Change the password" in page and "Current password" in page
        assert "account." not in page.replace('action="/account', "")


def test_guessing_the_current_password_locks_the_account_as_at_sign_in(app, office,
                                                                       sqlite_services):
    from vanthu.web.signin import MAX_FAILURES

    with TestClient(app) as client:
        csrf = sign_in(client, "kt")
        for attempt in range(MAX_FAILURES):
            answer = _change(client, csrf, f"guess-number-{attempt}", NEW)
            assert answer.status_code == 400
        locked_out = client.get("/incoming", follow_redirects=False)
        assert locked_out.status_code == 303 and locked_out.headers["location"].startswith("/login")
    assert sign_in_status(app, "kt", Office.password("kt")) == 401  # locked, even the right one
    refused = _events(sqlite_services, "user.password_change_refused")
    assert len(refused) == MAX_FAILURES and "locked_until" in refused[-1].payload
    assert not any("guess-number" in str(e.payload) for e in refused)
