"""Sign-in with argon2 passwords, lock-out, CSRF on forms and on cookie-borne API calls,
sign-out, and API tokens alongside."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.audit import AuditEvent
from registry.clock import utc_now
from registry.org import User, hash_password
from tests.web.conftest import Office, csrf_of, sign_in
from vanthu.web import session_cookie as sc
from vanthu.web.signin import MAX_FAILURES


@pytest.fixture
def clock(sqlite_services):  # noqa: ANN001
    """A clock the test moves by hand."""
    now = [utc_now()]
    sqlite_services.clock = lambda: now[0]
    return now


def _attempt(client, username: str, password: str, next_: str = "/"):  # noqa: ANN001, ANN202
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": next_},
                       follow_redirects=False)


def test_sign_in_gives_a_session_the_api_accepts(client, office):
    assert client.get("/api/incoming").status_code == 401
    answer = _attempt(client, "clerk", Office.password("clerk"))
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.cookies.get(sc.SESSION_COOKIE)
    assert cookie and Office.password("clerk") not in cookie
    assert client.get("/api/incoming").status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(client, office, sqlite_services):
    wrong = _attempt(client, "clerk", "not the password")
    unknown = _attempt(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
    assert "Sai tên đăng nhập hoặc mật khẩu" in unknown.text
    assert sc.SESSION_COOKIE not in wrong.cookies
    with sqlite_services.sessions() as s:
        assert s.scalar(select(User).where(User.username == "clerk")).failed_logins == 1


def test_lock_out_after_repeated_failures_then_open_again(client, office, clock, sqlite_services):
    for _ in range(MAX_FAILURES):
        answer = _attempt(client, "kt", "guess-guess-guess")
    assert "tạm khóa" in answer.text
    # The right password is refused while the lock holds: guessing cannot go on.
    locked = _attempt(client, "kt", Office.password("kt"))
    assert locked.status_code == 401 and "tạm khóa" in locked.text
    with sqlite_services.sessions() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions.count("user.signin_failed") == MAX_FAILURES
    assert "user.signin_refused" in actions
    clock[0] += timedelta(minutes=16)
    assert _attempt(client, "kt", Office.password("kt")).status_code == 303


def test_a_locked_account_loses_its_open_session(client, office, clock, sqlite_services):
    sign_in(client, "kt")
    assert client.get("/api/incoming").status_code == 200
    with sqlite_services.transaction() as s:
        s.scalar(select(User).where(User.username == "kt")).locked_until = (
            clock[0] + timedelta(minutes=5))
    assert client.get("/api/incoming").status_code == 401


def test_forms_need_the_csrf_token(client, office):
    refused = client.post("/login", data={"username": "clerk",
                                          "password": Office.password("clerk")},
                          follow_redirects=False)
    assert refused.status_code == 403
    forged = client.post("/login", data={"username": "clerk", "csrf_token": "x" * 43,
                                         "password": Office.password("clerk")},
                         follow_redirects=False)
    assert forged.status_code == 403
    token = sign_in(client, "clerk")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/api/incoming").status_code == 200  # still signed in
    assert client.post("/logout", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303


def test_cookie_borne_api_calls_that_change_things_need_the_header(client, office):
    token = sign_in(client, "clerk")
    body = {"files": ("a.pdf", b"%PDF-1.4 nothing", "application/pdf")}
    assert client.post("/api/incoming", files=body).status_code == 403
    answered = client.post("/api/incoming", files=body, headers={"X-CSRF-Token": token})
    assert answered.status_code not in (401, 403)


def test_api_tokens_need_no_csrf_and_open_no_pages(client, office):
    body = {"files": ("a.pdf", b"%PDF-1.4 nothing", "application/pdf")}
    answered = client.post("/api/incoming", files=body, headers=office.headers("clerk"))
    assert answered.status_code not in (401, 403)
    assert client.post("/logout", headers=office.headers("clerk"),
                       follow_redirects=False).status_code == 403


def test_sign_out_ends_the_session_and_every_copy_of_its_cookie(client, app, office,
                                                                 sqlite_services):
    from fastapi.testclient import TestClient

    token = sign_in(client, "leader")
    cookie = client.cookies.get(sc.SESSION_COOKIE)
    answer = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert client.get("/api/incoming").status_code == 401
    with TestClient(app) as thief:  # a copy of the cookie, taken before the sign-out
        thief.cookies.set(sc.SESSION_COOKIE, cookie)
        assert thief.get("/api/incoming").status_code == 401
        assert thief.get("/", follow_redirects=False).headers["location"].startswith("/login")
    with sqlite_services.sessions() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent))]
    assert "user.signed_out" in actions


def test_the_cookie_is_a_random_name_not_the_session_itself(client, office, sqlite_services):
    from registry.sessions import WebSession

    sign_in(client, "leader")
    cookie = client.cookies.get(sc.SESSION_COOKIE)
    assert str(office.users["leader"]) not in cookie.split(".")
    with sqlite_services.sessions() as s:
        rows = list(s.scalars(select(WebSession)))
    assert [r.user_id for r in rows] == [office.users["leader"]]
    assert cookie not in {r.token_sha256 for r in rows}  # only its digest is stored


def test_idle_and_changed_password_end_a_session(client, office, clock, sqlite_services):
    sign_in(client, "leader")
    clock[0] += sc.IDLE + timedelta(seconds=1)
    assert client.get("/api/incoming").status_code == 401
    sign_in(client, "leader")
    with sqlite_services.transaction() as s:
        s.scalar(select(User).where(User.username == "leader")).password_hash = hash_password(
            "a-brand-new-password")
    assert client.get("/api/incoming").status_code == 401


def test_activity_keeps_a_session_alive(client, office, clock):
    sign_in(client, "leader")
    for _ in range(4):  # 4 × 20 min: longer than IDLE, but never idle that long
        clock[0] += timedelta(minutes=20)
        assert client.get("/api/incoming").status_code == 200


def test_a_forged_cookie_is_refused_and_dropped(client, office):
    client.get("/login")
    client.cookies.set(sc.SESSION_COOKIE, f"{office.users['admin']}.x.1.1.forged")
    answer = client.get("/api/incoming")
    assert answer.status_code == 401
    assert 'vanthu_session=""' in answer.headers.get("set-cookie", "")


def test_sign_in_never_redirects_to_another_site(client, office):
    answer = _attempt(client, "clerk", Office.password("clerk"), next_="https://evil.example/")
    assert answer.headers["location"] == "/"
    answer = _attempt(client, "clerk", Office.password("clerk"), next_="//evil.example/x")
    assert answer.headers["location"] == "/"


def test_an_admin_sees_the_lock_and_unlocks_the_account(client, app, office, sqlite_services):
    from fastapi.testclient import TestClient

    for _ in range(MAX_FAILURES):
        _attempt(client, "kt", "guess-guess-guess")
    assert _attempt(client, "kt", Office.password("kt")).status_code == 401
    with TestClient(app) as admin:
        token = sign_in(admin, "admin")
        page = admin.get("/admin/users")
        assert page.status_code == 200 and "Tạm khóa đến" in page.text
        unlock = f"/admin/users/{office.users['kt']}/unlock"
        assert f'action="{unlock}"' in page.text
        assert admin.post(unlock, data={"csrf_token": token},
                          follow_redirects=False).status_code == 303
        assert "Tạm khóa đến" not in admin.get("/admin/users").text
    assert _attempt(client, "kt", Office.password("kt")).status_code == 303
    with sqlite_services.sessions() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent))]
    assert "user.unlocked" in actions


def test_sessions_long_over_are_forgotten_at_the_next_sign_in(client, office, clock,
                                                              sqlite_services):
    from registry.sessions import WebSession

    token = sign_in(client, "leader")
    client.post("/logout", data={"csrf_token": token})
    clock[0] += timedelta(days=91)
    sign_in(client, "clerk")
    with sqlite_services.sessions() as s:
        rows = list(s.scalars(select(WebSession)))
    assert [r.user_id for r in rows] == [office.users["clerk"]]
