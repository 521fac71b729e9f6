"""Administration pages: users (add, disable, sign out everywhere), units, numbering books,
trust anchors and signing keys — each change visible on the page, in force at once, and in the
audit chain."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from registry.audit import AuditEvent
from registry.credentials import SigningCredential
from registry.org import Unit
from tests.signing.docgen import make_directive
from tests.web.conftest import csrf_of, sign_in


def _actions(services) -> list[str]:  # noqa: ANN001
    with services.sessions() as s:
        return [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_disabling_a_user_ends_their_open_session_for_good(app, client, office,
                                                            sqlite_services):
    with TestClient(app) as kt:
        sign_in(kt, "kt")
        assert kt.get("/api/incoming").status_code == 200
        csrf = sign_in(client, "admin")
        page = client.get("/admin/users").text
        assert 'id="user-kt"' in page
        answer = client.post(f"/admin/users/{office.users['kt']}/disable",
                             data={"csrf_token": csrf}, follow_redirects=True)
        assert answer.status_code == 200 and "mọi phiên của người đó đã kết thúc" in answer.text
        assert kt.get("/api/incoming").status_code == 401
        client.post(f"/admin/users/{office.users['kt']}/enable", data={"csrf_token": csrf})
        # Enabled again, the account signs in afresh; the session it had stays ended.
        assert kt.get("/api/incoming").status_code == 401
        with TestClient(app) as again:
            sign_in(again, "kt")
            assert again.get("/api/incoming").status_code == 200
    assert {"user.disabled", "user.enabled"} <= set(_actions(sqlite_services))


def test_sign_out_everywhere_ends_every_session_of_the_user(app, client, office):
    phones = [TestClient(app), TestClient(app)]
    for phone in phones:
        phone.__enter__()
        sign_in(phone, "leader")
    csrf = sign_in(client, "admin")
    page = client.get("/admin/users").text
    assert f'action="/admin/users/{office.users["leader"]}/sessions/end"' in page
    client.post(f"/admin/users/{office.users['leader']}/sessions/end", data={"csrf_token": csrf})
    for phone in phones:
        assert phone.get("/api/incoming").status_code == 401
        phone.__exit__(None, None, None)
    assert client.get("/api/incoming").status_code == 200  # the admin's own session lives on


def test_an_admin_cannot_disable_their_own_account(client, office):
    csrf = sign_in(client, "admin")
    answer = client.post(f"/admin/users/{office.users['admin']}/disable",
                         data={"csrf_token": csrf})
    assert answer.status_code == 409 and 'id="page-error"' in answer.text
    assert client.get("/api/incoming").status_code == 200


def test_add_a_user_who_then_signs_in(app, client, office, sqlite_services):
    csrf = sign_in(client, "admin")
    bad = client.post("/admin/users", data={"csrf_token": csrf, "username": "lan",
                                            "full_name": "Nguyễn Thị Lan", "roles": ["clerk"],
                                            "unit": "VP", "password": "short"})
    assert bad.status_code == 400 and "10 characters" in bad.text
    assert 'value="Nguyễn Thị Lan"' in bad.text  # what was typed is kept
    good = client.post("/admin/users", data={
        "csrf_token": csrf, "username": "lan", "full_name": "Nguyễn Thị Lan", "title": "Văn thư",
        "roles": ["clerk"], "unit": "VP", "password": "mật-khẩu-của-lan-2026"},
        follow_redirects=True)
    assert good.status_code == 200 and 'id="user-lan"' in good.text
    with TestClient(app) as lan:
        token = csrf_of(lan.get("/login").text)
        answer = lan.post("/login", data={"username": "lan", "password": "mật-khẩu-của-lan-2026",
                                          "csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 303
        assert lan.get("/upload").status_code == 200  # a clerk's page
    assert "user.added" in _actions(sqlite_services)


def test_units_added_and_closed(client, office, sqlite_services):
    csrf = sign_in(client, "admin")
    added = client.post("/admin/units", data={"csrf_token": csrf, "code": "tc",
                                              "name": "Phòng Tài chính", "parent": "VP"},
                        follow_redirects=True)
    assert 'id="unit-TC"' in added.text and "Phòng Tài chính" in added.text
    again = client.post("/admin/units", data={"csrf_token": csrf, "code": "TC", "name": "x"})
    assert again.status_code == 400 and "exists already" in again.text
    client.post("/admin/units/TC/active", data={"csrf_token": csrf, "active": "false"})
    with sqlite_services.sessions() as s:
        unit = s.scalar(select(Unit).where(Unit.code == "TC"))
        assert unit.active is False and unit.parent_id == office.units["VP"]
    assert "TC —" not in client.get("/queues").text  # a closed unit has no queue any more
    assert {"unit.added", "unit.closed"} <= set(_actions(sqlite_services))


def test_numbering_books_added_listed_and_closed(client, office, sqlite_services):
    from registry.numbering import book_for

    csrf = sign_in(client, "admin")
    answer = client.post("/admin/books", data={"csrf_token": csrf, "code": "di-ct",
                                               "name": "Sổ chỉ thị", "kind": "outgoing",
                                               "doc_types": "CT, QĐ"}, follow_redirects=True)
    assert 'id="book-di-ct"' in answer.text and "CT, QĐ" in answer.text
    with sqlite_services.sessions() as s:
        assert book_for(s, "outgoing", "CT").code == "di-ct"
    client.post("/admin/books/di-ct/active", data={"csrf_token": csrf, "active": "false"})
    page = client.get("/admin/books").text
    row = page[page.index('id="book-di-ct"'):].split("</tr>")[0]
    assert "Ngừng dùng" in row and "Dùng lại" in row
    assert {"book.added", "book.closed"} <= set(_actions(sqlite_services))


def test_trust_anchors_added_checked_and_removed(client, office, sqlite_services, sample_pki):
    csrf = sign_in(client, "admin")
    junk = client.post("/admin/trust", data={"csrf_token": csrf},
                       files={"file": ("notes.pem", b"not a certificate", "text/plain")})
    assert junk.status_code == 422 and 'id="page-error"' in junk.text
    root = sample_pki.root.read_bytes()
    added = client.post("/admin/trust", data={"csrf_token": csrf},
                        files={"file": ("goc mau.pem", root, "application/x-pem-file")},
                        follow_redirects=True)
    assert "goc-mau.pem" in added.text and "SAMPLE" in added.text
    trust_dir = sqlite_services.settings.trust_dir
    assert (trust_dir / "goc-mau.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    outside = client.post("/admin/trust/..%2Fsecrets%2Fsession-key/remove",
                          data={"csrf_token": csrf})
    assert outside.status_code == 404
    client.post("/admin/trust/goc-mau.pem/remove", data={"csrf_token": csrf})
    assert not (trust_dir / "goc-mau.pem").exists()
    assert "goc-mau.pem" not in client.get("/admin/trust").text
    assert {"trust.added", "trust.removed"} <= set(_actions(sqlite_services))


def test_keys_show_where_a_key_is_never_its_secret(outgoing_app, demo, sqlite_services):
    with TestClient(outgoing_app) as admin:
        csrf = sign_in(admin, "admin")
        page = admin.get("/admin/keys").text
        with sqlite_services.sessions() as s:
            creds = list(s.scalars(select(SigningCredential)))
        for cred in creds:
            assert f'id="key-{cred.label}"' in page and cred.location in page
            if cred.secret_file:
                assert cred.secret_file not in page
        for password in demo.values():
            assert password not in page
        chairman = next(c for c in creds if c.label == "chairman")
        admin.post(f"/admin/keys/{chairman.id}/active", data={"csrf_token": csrf,
                                                              "active": "false"})
    with TestClient(outgoing_app) as official:
        sign_in(official, "chutich")
        assert 'id="no-key"' in official.get("/tray").text  # a disabled key signs nothing
    with TestClient(outgoing_app) as specialist:
        csrf = sign_in(specialist, "chuyenvien")
        refused = specialist.post("/outgoing/new", data={
            "csrf_token": csrf, "doc_type": "QĐ", "subject": "Về việc thử", "signer": "chutich"},
            files=[("file", ("du-thao.pdf", make_directive(), "application/pdf"))])
        assert refused.status_code == 409 and "Chưa có khóa ký" in refused.text
    assert "credential.deactivated" in _actions(sqlite_services)


def test_admin_pages_are_for_admins_only(client, office):
    sign_in(client, "clerk")
    for path in ("/admin/users", "/admin/units", "/admin/books", "/admin/trust", "/admin/keys"):
        assert client.get(path).status_code == 403, path


def test_register_a_signing_key_by_where_it_is_and_its_certificate(client, office,
                                                                   sqlite_services, sample_pki):
    from registry.credentials import credentials_of
    from signing.workflow.keys import open_credential

    chairman = sample_pki.identity("chairman")
    csrf = sign_in(client, "admin")
    form = {"csrf_token": csrf, "label": "chu-tich-2026", "purpose": "official",
            "owner": "signer", "source": "pkcs12", "location": str(chairman.p12)}
    files = {"certificate": ("chu-tich.pem", chairman.cert.read_bytes(), "application/x-pem"),
             "image": ("chu-ky.png", chairman.signature_image.read_bytes(), "image/png")}
    nowhere = client.post("/admin/keys", data=form | {"location": "/no/such/key.p12"},
                          files=files)
    assert nowhere.status_code == 400 and "/no/such/key.p12" in nowhere.text
    not_a_signer = client.post("/admin/keys", data=form | {"owner": "kt"}, files=files)
    assert not_a_signer.status_code == 400 and "signer role" in not_a_signer.text
    seal = client.post("/admin/keys", data=form | {"purpose": "seal", "owner": ""}, files=files)
    assert seal.status_code == 400 and "password or PIN" in seal.text
    done = client.post("/admin/keys", data=form, files=files, follow_redirects=True)
    assert done.status_code == 200 and 'id="key-chu-tich-2026"' in done.text
    with sqlite_services.sessions() as s:
        [cred] = credentials_of(s, office.users["signer"], "official")
    assert cred.image_sha256 and sqlite_services.blobs.exists(cred.image_sha256)
    # The key at that place opens with the official's password and holds that certificate.
    with open_credential(cred, chairman.password) as loaded:
        assert loaded.certificate.subject.human_friendly
    assert "credential.added" in _actions(sqlite_services)
