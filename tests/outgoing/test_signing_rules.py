"""Who signs what: only the designated official, only with their own key; batches; urgent
documents issued at once; drafts that cannot be issued are refused before anyone signs."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from registry.credentials import SigningCredential
from registry.documents import OutgoingDocument
from tests.outgoing.conftest import submit_as


def _submit(api, office, pdf: bytes, **fields):  # noqa: ANN001, ANN201
    body = {"type": "QĐ", "subject": "Về việc thử nghiệm", "signer": "chutich", **fields}
    return api.post("/api/outgoing", headers=office.headers("chuyenvien"),
                    files=[("file", ("d.pdf", pdf, "application/pdf"))],
                    data={"fields": json.dumps(body)})


def _status(api, office, doc_id: int) -> str:
    return api.get(f"/api/outgoing/{doc_id}", headers=office.headers("vanthu")).json()["status"]


def test_nobody_signs_with_another_persons_key(api, office, services, directive_bytes):
    doc = _submit(api, office, directive_bytes).json()
    sign = "/api/outgoing/sign"
    # The vice-chairman, with his own key or with the chairman's password, cannot sign it.
    for secret in (office.passwords["phochutich"], office.passwords["chutich"]):
        r = api.post(sign, headers=office.headers("phochutich"),
                     json={"ids": [doc["id"]], "secret": secret})
        assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    # The chairman cannot pick the vice-chairman's credential either.
    r = api.post(sign, headers=office.headers("chutich"), json={
        "ids": [doc["id"]], "secret": office.passwords["phochutich"],
        "credential": "vice-chairman"})
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    # A clerk is no signer at all.
    r = api.post(sign, headers=office.headers("vanthu"),
                 json={"ids": [doc["id"]], "secret": office.passwords["chutich"]})
    assert r.status_code == 403
    # A wrong password is refused without echoing it.
    r = api.post(sign, headers=office.headers("chutich"),
                 json={"ids": [doc["id"]], "secret": "doan-sai-mat-khau"})
    assert r.status_code == 403 and r.json()["code"] == "wrong_secret"
    assert "doan-sai-mat-khau" not in r.text
    assert _status(api, office, doc["id"]) == "prepared"


def test_a_swapped_key_file_is_refused(api, office, services, directive_bytes):
    """The chairman's credential row now points at the vice-chairman's key file: even with
    that file's right password, the certificate is not the chairman's, so nothing is signed."""
    doc = _submit(api, office, directive_bytes).json()
    with services.transaction() as s:
        creds = {c.label: c for c in s.scalars(select(SigningCredential))}
        creds["chairman"].location = creds["vice-chairman"].location
    r = api.post("/api/outgoing/sign", headers=office.headers("chutich"),
                 json={"ids": [doc["id"]], "secret": office.passwords["phochutich"]})
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    assert "certificate" in r.json()["message"]["en"]
    assert _status(api, office, doc["id"]) == "prepared"


def test_official_signs_a_batch_in_one_request(api, office, services, directive_bytes):
    ids = [_submit(api, office, directive_bytes, subject=f"Văn bản thứ {i}").json()["id"]
           for i in range(3)]
    r = api.post("/api/outgoing/sign", headers=office.headers("chutich"),
                 json={"ids": ids, "secret": office.passwords["chutich"]})
    assert r.status_code == 200
    assert [x["ok"] for x in r.json()["results"]] == [True, True, True]
    assert [_status(api, office, i) for i in ids] == ["signed"] * 3
    waiting = api.get("/api/outgoing?waiting=me", headers=office.headers("chutich")).json()
    assert waiting["items"] == []
    # Signing again reports each document's state; nothing is signed twice.
    again = api.post("/api/outgoing/sign", headers=office.headers("chutich"),
                     json={"ids": ids[:1], "secret": office.passwords["chutich"]}).json()
    assert again["results"][0]["ok"] is False and again["results"][0]["code"] == "wrong_state"


def test_urgent_document_is_issued_as_soon_as_it_is_signed(
    api, office, services, directive_bytes
):
    doc = _submit(api, office, directive_bytes, urgency="hoa_toc").json()
    r = api.post("/api/outgoing/sign", headers=office.headers("chutich"),
                 json={"ids": [doc["id"]], "secret": office.passwords["chutich"]}).json()
    assert r["results"][0]["issued"] is True
    assert r["results"][0]["number"] == "01/QĐ-UBND"
    shown = api.get(f"/api/outgoing/{doc['id']}", headers=office.headers("vanthu")).json()
    assert shown["status"] == "issued" and shown["number"] == 1


def test_only_a_clerk_issues(api, office, services, directive_bytes):
    doc = _submit(api, office, directive_bytes).json()
    api.post("/api/outgoing/sign", headers=office.headers("chutich"),
             json={"ids": [doc["id"]], "secret": office.passwords["chutich"]})
    for who in ("chutich", "chuyenvien"):
        r = api.post(f"/api/outgoing/{doc['id']}/issue", headers=office.headers(who))
        assert r.status_code == 403
    assert api.post(f"/api/outgoing/{doc['id']}/issue",
                    headers=office.headers("vanthu")).status_code == 200


def test_draft_without_blanks_or_block_is_refused_before_anyone_signs(
    api, office, services, directive_bytes
):
    from tests.signing.docgen import make_directive

    no_blanks = make_directive(number_blank=False)
    r = _submit(api, office, no_blanks)
    assert r.status_code == 422 and r.json()["code"] == "draft_not_prepared"
    assert "Số:" in r.json()["message"]["en"]
    r = _submit(api, office, make_directive(name="Người Khác"))
    assert r.status_code == 422 and "Lâm Quốc Thịnh" in r.json()["message"]["en"]
    r = _submit(api, office, directive_bytes, type="TB")  # the draft prints /QĐ-UBND
    assert r.status_code == 422 and "QĐ-UBND" in r.json()["message"]["en"]
    r = _submit(api, office, directive_bytes, recipients="Sở Tài chính")  # not a list
    assert r.status_code == 400 and "recipients" in r.json()["message"]["en"]
    r = _submit(api, office, b"not a pdf")
    assert r.status_code == 422
    r = _submit(api, office, directive_bytes, signer="vanthu")  # a clerk is no signer
    assert r.status_code == 403
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutgoingDocument)) == 0


def test_documents_are_numbered_in_the_book_of_their_kind_and_type(
    services, office, fast_cfg, directive_bytes
):
    """A normative decision takes the legal book of QĐ (with the year in its symbol); an
    administrative one takes the shared administrative book."""
    from registry.clock import vn_year
    from signing.workflow.approve import sign_documents
    from signing.workflow.issue import issue
    from tests.outgoing.conftest import user

    legal = submit_as(services, fast_cfg, directive_bytes, book_kind="legal")
    admin = submit_as(services, fast_cfg, directive_bytes)
    sign_documents(services, fast_cfg, user(services, "chutich"), [legal.id, admin.id],
                   office.passwords["chutich"])
    year = vn_year(services.clock())
    r1 = issue(services, fast_cfg, "vanthu", legal.id)
    r2 = issue(services, fast_cfg, "vanthu", admin.id)
    assert (r1.book, r1.number, r1.number_symbol) == ("qppl-qd", 1, f"01/{year}/QĐ-UBND")
    assert (r2.book, r2.number, r2.number_symbol) == ("di-hc", 1, "01/QĐ-UBND")


def test_number_and_date_are_written_in_the_drafts_own_font_and_size(
    services, office, fast_cfg
):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from signing.workflow.approve import sign_documents
    from signing.workflow.fontmatch import installed_font
    from signing.workflow.issue import issue
    from tests.outgoing.conftest import user
    from tests.outgoing.drafts import directive_in

    noto = installed_font("NotoSerif-Regular")  # not the default font, which is Liberation
    assert noto is not None, "install the Debian package fonts-noto-core"
    doc = submit_as(services, fast_cfg, directive_in(str(noto), 14), doc_type="TB")
    sign_documents(services, fast_cfg, user(services, "chutich"), [doc.id],
                   office.passwords["chutich"])
    result = issue(services, fast_cfg, "vanthu", doc.id)
    assert result.number_symbol == "01/TB-UBND"
    reader = PdfFileReader(io.BytesIO(services.blobs.get(result.issued_sha256)))
    fields = {str(f.get_object()["/T"]): f.get_object()
              for f in reader.root["/AcroForm"]["/Fields"]}
    for name in ("So", "Ngay", "Thang"):
        field = fields[name]
        assert "/DA" in field and " 14 Tf" in str(field["/DA"])
        ap = field["/AP"]["/N"]
        [font] = ap["/Resources"]["/Font"].values()
        assert "NotoSerif" in str(font.get_object()["/BaseFont"])
