"""Draft → the official signs → the clerk issues, through the HTTP API, at the demo's B-LT."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from registry.clock import fixed_clock
from signing.trust import load_certificates
from signing.verification import TOTAL_PASSED, Trust, verify
from signing.workflow.qr import qr_box, qr_matrix
from tests.outgoing.checks import (
    columns_with,
    field_boxes,
    is_blue,
    is_red,
    pdftotext,
    pixel_box,
    render,
)
from tests.outgoing.conftest import app_with


@pytest.fixture
def client(services, full_cfg):
    # 09:00 on 5 March 2026 in Vietnam: the day is padded, March is not (Decree 30).
    services.clock = fixed_clock(datetime(2026, 3, 5, 2, 0, tzinfo=UTC))
    with TestClient(app_with(services, full_cfg)) as c:
        yield c


def submit(client, office, pdf: bytes, appendices=(), **fields):  # noqa: ANN001, ANN201
    body = {"type": "QĐ", "subject": "Về việc giao nhiệm vụ triển khai thực hiện",
            "signer": "chutich", "recipients": ["Sở Tài chính", "Lưu: VT"], **fields}
    files = [("file", ("du-thao.pdf", pdf, "application/pdf"))] + [
        ("appendices", (f"phu-luc-{i}.pdf", a, "application/pdf"))
        for i, a in enumerate(appendices, 1)]
    return client.post("/api/outgoing", headers=office.headers("chuyenvien"), files=files,
                       data={"fields": json.dumps(body)})


def test_draft_signed_then_issued_verifies_with_number_date_seal_and_qr(
    client, office, directive_bytes, appendix_bytes, sample_pki, tmp_path
):
    r = submit(client, office, directive_bytes, [appendix_bytes])
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["status"] == "prepared" and doc["notation"] == "QĐ-UBND"

    waiting = client.get("/api/outgoing?waiting=me", headers=office.headers("chutich")).json()
    assert [d["id"] for d in waiting["items"]] == [doc["id"]]
    r = client.post("/api/outgoing/sign", headers=office.headers("chutich"),
                    json={"ids": [doc["id"]], "secret": office.passwords["chutich"]})
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["ok"] is True

    r = client.post(f"/api/outgoing/{doc['id']}/issue", headers=office.headers("vanthu"))
    assert r.status_code == 200, r.text
    issued = r.json()
    assert issued["number_symbol"] == "01/QĐ-UBND" and issued["book"] == "di-hc"

    pdf = tmp_path / "issued.pdf"
    pdf.write_bytes(client.get(f"/api/outgoing/{doc['id']}/file/issued",
                               headers=office.headers("vanthu")).content)
    anchors = Trust(anchors=load_certificates([sample_pki.root]))
    report = verify(pdf.read_bytes(), anchors)
    assert report.indication == TOTAL_PASSED, report.summary_en
    assert report.decree30_complete
    roles = {s.signer_role: s for s in report.signatures if s.type == "signature"}
    assert roles["person"].indication == roles["organization"].indication == TOTAL_PASSED
    assert roles["organization"].level == "PAdES-B-LT"
    appendix = client.get(f"/api/outgoing/{doc['id']}", headers=office.headers("vanthu")).json()
    [app] = appendix["appendices"]
    app_pdf = tmp_path / "appendix.pdf"
    app_pdf.write_bytes(client.app.state.services.blobs.get(app["issued_sha256"]))
    app_report = verify(app_pdf.read_bytes(), anchors)
    assert app_report.indication == TOTAL_PASSED, app_report.summary_en
    # the appendix's top-right text: organization, number and symbol, signing time (+07:00)
    app_text = " ".join(pdftotext(app_pdf).split())
    assert "01/QĐ-UBND" in app_text and "+07:00" in app_text

    # The signed-in verification API says the same for the document and its appendix.
    files = client.get(f"/api/outgoing/{doc['id']}/verification",
                       headers=office.headers("vanthu")).json()["files"]
    assert [(f["file"], f["indication"]) for f in files] == [
        ("document", TOTAL_PASSED), ("phu-luc-1.pdf", TOTAL_PASSED)]

    text = " ".join(pdftotext(pdf).split())
    assert "Số: 01 /QĐ-UBND" in text
    assert "An Giang, ngày 05 tháng 3 năm 2026" in text

    # The seal (red) lies over the left third of the signature (blue), at the pixel level.
    dpi = 100
    img = render(pdf, tmp_path, 1, dpi)
    boxes = field_boxes(pdf)
    official = pixel_box(img, boxes["ChuKyLanhDao"], dpi)
    blue = columns_with(img, official, is_blue)
    red = columns_with(img, pixel_box(img, boxes["ChuKyCoQuan"], dpi), is_red)
    assert blue and red
    third = official[0] + (official[2] - official[0]) / 3
    assert abs(max(red) - third) <= 4  # the seal's right edge at a third of the image
    assert max(red) > min(blue) + 5  # and it overlaps the drawn signature
    red_over_signature = columns_with(img, official, is_red)
    assert red_over_signature and max(red_over_signature) <= third + 4
    assert not columns_with(img, (round(third) + 6, official[1], official[2], official[3]),
                            is_red)


def test_qr_code_on_page_one_links_to_a_verification_page(
    client, office, directive_bytes, tmp_path
):
    doc = submit(client, office, directive_bytes).json()
    client.post("/api/outgoing/sign", headers=office.headers("chutich"),
                json={"ids": [doc["id"]], "secret": office.passwords["chutich"]})
    client.post(f"/api/outgoing/{doc['id']}/issue", headers=office.headers("vanthu"))
    pdf = tmp_path / "issued.pdf"
    pdf.write_bytes(client.get(f"/api/outgoing/{doc['id']}/file/issued",
                               headers=office.headers("vanthu")).content)
    url = doc["verify_url"]
    # Read the printed code back module by module and compare with the code of the URL.
    dpi = 300
    img = render(pdf, tmp_path, 1, dpi)
    x0, y0, x1, y1 = pixel_box(img, qr_box(pdf, 18.0), dpi)
    matrix = qr_matrix(url)
    n = len(matrix)
    cell = (x1 - x0) / n
    px = img.load()
    read = [[sum(px[round(x0 + (c + 0.5) * cell), round(y0 + (r + 0.5) * cell)]) < 300
             for c in range(n)] for r in range(n)]
    assert read == matrix

    path = url.removeprefix("http://vanthu.test")
    page = client.get(path)  # no sign-in: any recipient may check
    assert page.status_code == 200
    assert "Văn bản số 01/QĐ-UBND" in page.text and "Hợp lệ" in page.text
    assert "TOTAL-PASSED" in page.text and "(+07:00)" in page.text
    assert client.get(path + "/document").content == pdf.read_bytes()
    assert client.get("/outgoing/verify/not-a-code").status_code == 404
