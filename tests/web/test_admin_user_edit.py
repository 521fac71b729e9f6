"""An admin changes an existing user's roles (each for a unit or the whole organization) and
resets their password: in force at the user's next click, audited, and the password never kept
anywhere in clear."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from registry.audit import AuditEvent
from registry.org import User
from tests.web.conftest import Office, sign_in, sign_in_status


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch):  # noqa: ANN001, ANN202
    """Production argon2 costs most of a second a hash; these tests are not about its cost."""
    from argon2 import PasswordHasher

    import registry.org

    monkeypatch.setattr(registry.org, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def _events(services, action: str) -> list[AuditEvent]:  # noqa: ANN001
    with services.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.seq)))


def _grants(services, user_id: int) -> set[tuple[str, int | None]]:  # noqa: ANN001
    with services.sessions() as s:
        return {(r.role, r.unit_id) for r in s.get(User, user_id).roles}


def test_a_unit_role_granted_opens_that_units_queue_at_the_next_click(app, client, office,
                                                                      sqlite_services):
    nc_id, kt_unit = office.users["nc"], office.units["KT"]
    with TestClient(app) as nc:
        sign_in(nc, "nc")
        assert nc.get("/queues/KT").status_code == 403
        csrf = sign_in(client, "admin")
        users = client.get("/admin/users").text
        assert f'href="/admin/users/{nc_id}"' in users
        page = client.get(f"/admin/users/{nc_id}").text
        kept = re.findall(r'name="grant" value="([^"]+)" checked', page)
        assert kept == [f"specialist:{office.units['NC']}"]
        answer = client.post(f"/admin/users/{nc_id}/roles", data={
            "csrf_token": csrf, "grant": kept, "add_role": "leader", "add_unit": str(kt_unit)},
            follow_redirects=True)
        assert answer.status_code == 200 and "có hiệu lực ngay" in answer.text
        assert "Lãnh đạo — KT · Phòng Kinh tế" in answer.text
        # No new sign-in: the role is in force at once, and only for the unit it names.
        assert nc.get("/queues/KT").status_code == 200
        assert nc.get("/queues/VP").status_code == 403
    event = _events(sqlite_services, "user.roles_changed")[-1]
    assert event.actor == "admin" and event.subject_id == str(nc_id)
    assert event.payload["before"] == ["specialist@NC"]
    assert event.payload["after"] == ["leader@KT", "specialist@NC"]


def test_a_role_taken_away_closes_its_pages_and_a_clerk_is_always_organization_wide(
        app, client, office, sqlite_services):
    kt_id = office.users["kt"]
    with TestClient(app) as kt:
        sign_in(kt, "kt")
        assert kt.get("/upload").status_code == 403
        csrf = sign_in(client, "admin")
        # Made a clerk "for KT": a clerk acts for the whole organization, so that is what is kept.
        client.post(f"/admin/users/{kt_id}/roles", data={
            "csrf_token": csrf, "add_role": "clerk", "add_unit": str(office.units["KT"])})
        assert _grants(sqlite_services, kt_id) == {("clerk", None)}
        assert kt.get("/upload").status_code == 200
        assert kt.get("/registers").status_code == 200  # a clerk sees the whole register
        client.post(f"/admin/users/{kt_id}/roles", data={
            "csrf_token": csrf, "grant": ["clerk:org"], "add_role": "specialist",
            "add_unit": str(office.units["KT"])})
        client.post(f"/admin/users/{kt_id}/roles", data={
            "csrf_token": csrf, "grant": [f"specialist:{office.units['KT']}"]})
        assert _grants(sqlite_services, kt_id) == {("specialist", office.units["KT"])}
        assert kt.get("/upload").status_code == 403


def test_no_role_left_or_an_unknown_one_is_refused_and_nothing_changes(client, office,
                                                                       sqlite_services):
    kt_id = office.users["kt"]
    before = _grants(sqlite_services, kt_id)
    csrf = sign_in(client, "admin")
    empty = client.post(f"/admin/users/{kt_id}/roles", data={"csrf_token": csrf})
    assert empty.status_code == 400 and "ít nhất một vai trò" in empty.text
    for bad in ({"grant": ["overlord:org"]}, {"add_role": "leader", "add_unit": "999999"},
                {"grant": ["leader:KT"]}):
        answer = client.post(f"/admin/users/{kt_id}/roles", data={"csrf_token": csrf, **bad})
        assert answer.status_code == 400 and 'id="page-error"' in answer.text, bad
    assert client.post("/admin/users/999999/roles", data={
        "csrf_token": csrf, "grant": ["clerk:org"]}).status_code == 404
    assert _grants(sqlite_services, kt_id) == before
    assert _events(sqlite_services, "user.roles_changed") == []


def test_an_admin_cannot_take_away_their_own_admin_role(client, office, sqlite_services):
    csrf = sign_in(client, "admin")
    answer = client.post(f"/admin/users/{office.users['admin']}/roles",
                         data={"csrf_token": csrf, "add_role": "clerk"})
    assert answer.status_code == 409 and "Không thể tự bỏ vai trò quản trị" in answer.text
    assert _grants(sqlite_services, office.users["admin"]) == {("admin", None)}
    assert client.get("/admin/users").status_code == 200


def _secret_is_nowhere(services, secret: str, captured: str) -> None:  # noqa: ANN001
    """Not in the database files (and their journals), not in the logs."""
    data_dir = Path(services.settings.data_dir)
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in captured


def test_a_password_made_up_by_the_system_is_shown_once_and_ends_every_session(
        app, client, office, sqlite_services, capfd):
    leader_id = office.users["leader"]
    with TestClient(app) as phone:
        sign_in(phone, "leader")
        csrf = sign_in(client, "admin")
        answer = client.post(f"/admin/users/{leader_id}/password", data={"csrf_token": csrf})
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-store"
        shown = re.search(r'<code class="secret">([^<]+)</code>', answer.text)
        assert shown, "the new password is on the page"
        password = shown.group(1)
        assert len(password) >= 16
        assert phone.get("/api/incoming").status_code == 401  # the old session is over
    # Shown once: the user's page does not show it again.
    assert password not in client.get(f"/admin/users/{leader_id}").text
    assert sign_in_status(app, "leader", Office.password("leader")) == 401
    assert sign_in_status(app, "leader", password) == 303
    event = _events(sqlite_services, "user.password_reset")[-1]
    assert event.actor == "admin" and event.payload["generated"] is True
    assert event.payload["sessions_ended"] == 1
    out, err = capfd.readouterr()
    _secret_is_nowhere(sqlite_services, password, out + err)


def test_a_password_set_by_the_admin_unlocks_the_account(app, client, office, sqlite_services,
                                                          capfd):
    kt_id = office.users["kt"]
    for _ in range(10):  # locked out by wrong passwords
        sign_in_status(app, "kt", "wrong-password-1")
    assert sign_in_status(app, "kt", Office.password("kt")) == 401
    csrf = sign_in(client, "admin")
    new = "mật-khẩu-mới-của-kt-2026"
    differ = client.post(f"/admin/users/{kt_id}/password", data={
        "csrf_token": csrf, "password": new, "password_again": new + "x"})
    assert differ.status_code == 400 and "không khớp" in differ.text
    short = client.post(f"/admin/users/{kt_id}/password", data={
        "csrf_token": csrf, "password": "ngắn-quá", "password_again": "ngắn-quá"})
    assert short.status_code == 400 and "10 characters" in short.text
    assert "ngắn-quá" not in short.text  # the page does not echo a password back
    assert _events(sqlite_services, "user.password_reset") == []
    done = client.post(f"/admin/users/{kt_id}/password", data={
        "csrf_token": csrf, "password": new, "password_again": new}, follow_redirects=True)
    assert done.status_code == 200 and "Đã đặt mật khẩu mới" in done.text
    assert new not in done.text
    assert sign_in_status(app, "kt", new) == 303
    assert _events(sqlite_services, "user.password_reset")[-1].payload["generated"] is False
    out, err = capfd.readouterr()
    _secret_is_nowhere(sqlite_services, new, out + err)


def test_the_user_page_reads_in_english(client, office):
    sign_in(client, "admin")
    client.cookies.set("vanthu_lang", "en")
    page = client.get(f"/admin/users/{office.users['kt']}").text
    assert "Reset the password" in page and "Save the roles" in page
    assert "admin." not in re.sub(r"<[^>]+>", "", page)  # no key shown instead of words
