"""The outgoing pages as a browser-less client sees them: a specialist submits a draft, the
official signs a batch in his tray with his own key, the clerk issues them; what each of the
others is refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.audit import AuditEvent
from registry.documents import OutgoingDocument
from registry.org import User
from tests.signing.docgen import make_directive
from tests.web.conftest import sign_in
from tests.web.outgoing_office import browser

SUBJECT = "Về việc giao chỉ tiêu thu ngân sách năm 2027"


@pytest.fixture(scope="module")
def directive() -> bytes:
    return make_directive()


def _submit(client, csrf: str, pdf: bytes, subject: str = SUBJECT, **fields):  # noqa: ANN001, ANN003, ANN202
    data = {"csrf_token": csrf, "doc_type": "QĐ", "subject": subject, "signer": "chutich",
            "recipients": "Sở Tài chính\nLưu: VT, KT.", "urgency": "normal",
            "book_kind": "outgoing", **fields}
    return client.post("/outgoing/new", data=data, follow_redirects=False,
                       files=[("file", ("du-thao.pdf", pdf, "application/pdf"))])


def _export_form(page: str) -> dict[str, str]:
    """What the outgoing export form sends untouched: its inputs' values, each select's first
    option."""
    form = re.search(r'<form[^>]+id="export-outgoing".*?</form>', page, re.S).group(0)
    values = dict(re.findall(r'<input[^>]+name="(\w+)"[^>]+value="([^"]*)"', form))
    for name, first in re.findall(r'<select[^>]+name="(\w+)"[^>]*><option value="([^"]*)"',
                                  form):
        values[name] = first
    return values


def _status(services, doc_id: int) -> str:
    with services.sessions() as s:
        return s.get(OutgoingDocument, doc_id).status


def test_draft_then_batch_signing_then_issuance(outgoing_app, demo, directive,
                                                sqlite_services):
    with browser(outgoing_app) as specialist:
        csrf = sign_in(specialist, "chuyenvien")
        form = specialist.get("/outgoing/new")
        assert form.status_code == 200
        for label in ('for="file"', 'for="doc_type"', 'for="subject"', 'for="signer"',
                      'for="recipients"'):
            assert label in form.text
        ids = []
        for subject in (SUBJECT, "Về việc kiện toàn Ban chỉ đạo"):
            answer = _submit(specialist, csrf, directive, subject)
            assert answer.status_code == 303, answer.text[:500]
            ids.append(int(answer.headers["location"].split("/")[2].split("?")[0]))
        page = specialist.get(f"/outgoing/{ids[0]}?done=submitted")
        assert "Chờ ký" in page.text and SUBJECT in page.text
        assert f'data="/api/outgoing/{ids[0]}/file/prepared"' in page.text
        listing = specialist.get("/outgoing").text
        assert SUBJECT in listing and "Về việc kiện toàn Ban chỉ đạo" in listing

    with browser(outgoing_app) as official:
        csrf = sign_in(official, "chutich")
        assert 'id="count-to-sign">2<' in official.get("/").text
        tray = official.get("/tray")
        assert all(f'name="ids" value="{i}"' in tray.text for i in ids)
        wrong = official.post("/tray/sign", data={"csrf_token": csrf, "ids": ids,
                                                  "secret": "not-the-password"})
        assert wrong.status_code == 403 and 'id="page-error"' in wrong.text
        assert [_status(sqlite_services, i) for i in ids] == ["prepared", "prepared"]
        signed = official.post("/tray/sign", data={"csrf_token": csrf, "ids": ids,
                                                   "secret": demo["chutich"]})
        assert signed.status_code == 200, signed.text[:800]
        assert "Đã ký 2 văn bản" in signed.text
        assert "not-the-password" not in signed.text and demo["chutich"] not in signed.text
        assert 'id="tray-empty"' in signed.text  # nothing left waiting
    assert [_status(sqlite_services, i) for i in ids] == ["signed", "signed"]

    with browser(outgoing_app) as clerk:
        csrf = sign_in(clerk, "vanthu")
        assert 'id="count-to-issue">2<' in clerk.get("/").text
        desk = clerk.get("/issuance")
        assert all(f'name="ids" value="{i}"' in desk.text for i in ids)
        issued = clerk.post("/issuance", data={"csrf_token": csrf, "ids": ids})
        assert issued.status_code == 200, issued.text[:800]
        assert "01/QĐ-UBND" in issued.text and "02/QĐ-UBND" in issued.text
        assert 'id="count-to-issue">0<' in clerk.get("/").text
        page = clerk.get(f"/outgoing/{ids[0]}")
        assert 'id="number">01/QĐ-UBND' in page.text
        assert f'data="/api/outgoing/{ids[0]}/file/issued"' in page.text
        history = re.search(r'<ol class="history".*?</ol>', page.text, re.S).group(0)
        # The history in words, not audit codes.
        assert "Trình ký" in history and "Đã ký" in history
        assert "Đã cấp số, ký số của cơ quan và phát hành" in history
        assert not re.search(r"</strong> outgoing\.", history)
        who = re.findall(r'<strong title="([^"]+)">([^<]+)</strong>', history)
        with sqlite_services.sessions() as s:
            chutich = s.scalar(select(User.full_name).where(User.username == "chutich"))
        assert ("chutich", chutich) in who  # the full name, not the username
        assert all(shown != username for username, shown in who)
        registers = clerk.get("/registers").text
        assert 'action="/api/registers/outgoing"' in registers
        # The export form offers the books, "every book" first; sent as it stands, it exports
        # the register of every book (an empty book was a 404).
        form = _export_form(registers)
        assert form["book"] == "" and 'value="di-hc"' in registers
        export = clerk.get("/api/registers/outgoing", params=form | {"format": "csv"})
        assert export.status_code == 200, export.text
        assert "01/QĐ-UBND" in export.text and "02/QĐ-UBND" in export.text
    assert [_status(sqlite_services, i) for i in ids] == ["issued", "issued"]
    with sqlite_services.sessions() as s:
        secrets_in_audit = [e for e in s.scalars(select(AuditEvent))
                            if demo["chutich"] in str(e.payload)]
    assert not secrets_in_audit


def test_a_refused_draft_says_why_and_keeps_what_was_typed(outgoing_app, demo):
    with browser(outgoing_app) as specialist:
        csrf = sign_in(specialist, "chuyenvien")
        answer = _submit(specialist, csrf, b"this is no PDF", "Về việc thử")
        assert answer.status_code == 422
        assert 'id="page-error"' in answer.text and "PDF" in answer.text
        assert "Về việc thử" in answer.text  # the abstract is not lost


def test_nobody_signs_in_another_persons_place(outgoing_app, demo, directive,
                                               sqlite_services):
    with browser(outgoing_app) as specialist:
        doc_id = int(_submit(specialist, sign_in(specialist, "chuyenvien"), directive)
                     .headers["location"].split("/")[2].split("?")[0])
    with browser(outgoing_app) as other:
        csrf = sign_in(other, "phochutich")
        assert f'value="{doc_id}"' not in other.get("/tray").text
        answer = other.post("/tray/sign", data={"csrf_token": csrf, "ids": [doc_id],
                                                "secret": demo["phochutich"]})
        assert answer.status_code == 403
    assert _status(sqlite_services, doc_id) == "prepared"


def test_who_may_open_an_outgoing_document(outgoing_app, demo, directive):
    with browser(outgoing_app) as specialist:
        doc_id = int(_submit(specialist, sign_in(specialist, "chuyenvien"), directive)
                     .headers["location"].split("/")[2].split("?")[0])
    for username, status in [("nc", 403), ("chutich", 200), ("vanthu", 200), ("lanhdao", 200)]:
        with browser(outgoing_app) as client:
            sign_in(client, username)
            assert client.get(f"/outgoing/{doc_id}").status_code == status, username
            file = client.get(f"/api/outgoing/{doc_id}/file/prepared")
            assert file.status_code == status, username
    with browser(outgoing_app) as nc:
        sign_in(nc, "nc")
        assert not re.search(rf'href="/outgoing/{doc_id}"', nc.get("/outgoing").text)
        assert nc.get("/issuance").status_code == 403 and nc.get("/tray").status_code == 403


def test_a_missing_document_is_a_page_not_json(outgoing_app, demo):
    with browser(outgoing_app) as clerk:
        sign_in(clerk, "vanthu")
        page = clerk.get("/outgoing/9999")
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "Không tìm thấy" in page.text and 'role="alert"' in page.text
        api = clerk.get("/api/outgoing/9999")
        assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_the_outgoing_pages_speak_english_too(outgoing_app, demo):
    with browser(outgoing_app) as official:
        sign_in(official, "chutich")
        official.get("/lang/en")
        assert "Waiting for my signature" in official.get("/tray").text
        assert "Submit a new draft" in official.get("/outgoing/new").text
        assert "Outgoing documents and drafts" in official.get("/outgoing").text


def test_signing_a_document_that_does_not_exist_says_so(outgoing_app, demo):
    with browser(outgoing_app) as official:
        csrf = sign_in(official, "chutich")
        answer = official.post("/tray/sign", data={"csrf_token": csrf, "ids": [9999],
                                                   "secret": demo["chutich"]})
        assert answer.status_code == 404 and "9999" in answer.text
