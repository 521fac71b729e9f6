"""The HTTP interfaces as a client uses them: the API, the page, the PDF report."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from signing.routes import router as api_router
from vanthu.web.verify_page import router as page_router

from . import docs
from .pki import root_pem


@dataclass
class FakeSettings:
    """The five fields the verification routes read from ``vanthu.settings.Settings``."""

    trust_dir: Path
    verify_max_bytes: int = 5 * 1024 * 1024
    verify_time_budget_s: float = 30.0
    verify_rate_limit_per_minute: int = 30
    verify_offline: bool = True


def _client(settings) -> TestClient:
    app = FastAPI()
    app.include_router(api_router)
    app.include_router(page_router)
    app.state.settings = settings
    return TestClient(app)


@pytest.fixture()
def trust_dir(tmp_path, pki) -> Path:
    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "root.pem").write_bytes(root_pem(pki.root))
    return folder


@pytest.fixture()
def client(trust_dir) -> TestClient:
    return _client(FakeSettings(trust_dir=trust_dir))


def _post(client, data: bytes, url="/api/verify", **form):
    return client.post(url, files={"file": ("quyet-dinh.pdf", data, "application/pdf")}, data=form)


def test_api_reports_a_valid_signature(client, signed):
    res = _post(client, signed)
    assert res.status_code == 200
    body = res.json()
    assert body["file"] == "quyet-dinh.pdf"
    assert body["indication"] == "TOTAL-PASSED"
    assert body["signatures"][0]["signer"] == "Nguyễn Văn A"
    assert body["signatures"][0]["chain"][-1]["common_name"] == "Test Root CA vanthu"
    assert body["summary_vi"] and body["summary_en"]


def test_api_reports_tampering(client, signed):
    body = _post(client, docs.flip_signed_byte(signed)).json()
    assert (body["indication"], body["subindication"]) == ("TOTAL-FAILED", "HASH_FAILURE")


def test_api_without_anchor_is_indeterminate_and_extra_anchor_fixes_it(tmp_path, signed, pki):
    empty = tmp_path / "none"
    empty.mkdir()
    client = _client(FakeSettings(trust_dir=empty))
    body = _post(client, signed).json()
    assert (body["indication"], body["subindication"]) == (
        "INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    res = client.post(
        "/api/verify",
        files=[("file", ("a.pdf", signed, "application/pdf")),
               ("trust", ("root.pem", root_pem(pki.root), "application/x-pem-file"))],
    )
    assert res.json()["indication"] == "TOTAL-PASSED"


def test_api_rejects_a_bad_anchor_with_a_reason(client, signed):
    res = client.post(
        "/api/verify",
        files=[("file", ("a.pdf", signed, "application/pdf")),
               ("trust", ("root.pem", b"not a certificate", "text/plain"))],
    )
    assert res.status_code == 400
    assert res.json()["code"] == "bad_request"
    assert "root.pem" in res.json()["message"]["en"]


def test_api_size_limit(trust_dir, signed):
    client = _client(FakeSettings(trust_dir=trust_dir, verify_max_bytes=1000))
    res = _post(client, signed)
    assert res.status_code == 413
    assert res.json()["code"] == "too_large"
    assert res.json()["message"]["vi"].startswith("Tệp quá lớn")


def test_api_rate_limit_per_client(trust_dir, plain):
    client = _client(FakeSettings(trust_dir=trust_dir, verify_rate_limit_per_minute=3))
    codes = [_post(client, plain).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert _post(client, plain).json()["code"] == "rate_limited"


def test_api_bad_validation_time(client, signed):
    res = _post(client, signed, at="yesterday")
    assert res.status_code == 400


def test_page_upload_report_and_pdf(client, two_fields, pki):
    both = docs.sign(docs.sign(two_fields, pki, "person", "NguoiKy"), pki, "org", "CoQuan")
    form = client.get("/verify")
    assert form.status_code == 200 and 'type="file"' in form.text
    res = _post(client, both, url="/verify")
    assert res.status_code == 200
    html = res.text
    assert "TOTAL-PASSED" in html and "Nguyễn Văn A" in html
    assert "Có đủ chữ ký" in html
    assert "@media print" in html
    link = html.split('href="/verify/report/')[1].split('"')[0]
    pdf = client.get(f"/verify/report/{link}")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    doc = pdfium.PdfDocument(io.BytesIO(pdf.content))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "BÁO CÁO KIỂM TRA CHỮ KÝ SỐ" in text
    assert "Nguyễn Văn A" in text and "TOTAL-PASSED" in text
    again = client.get(f"/verify/report/{link.removesuffix('.pdf')}")
    assert again.status_code == 200 and "Nguyễn Văn A" in again.text


def test_page_shows_failure_and_unknown_report_is_404(client, signed):
    res = _post(client, docs.overlay_content(signed), url="/verify")
    assert "TOTAL-FAILED" in res.text
    assert "Nội dung mới được vẽ chồng lên trang 1" in res.text
    assert client.get("/verify/report/nope.pdf").status_code == 404


def test_routes_work_with_the_real_settings(tmp_path, signed, pki, monkeypatch):
    from vanthu.settings import Settings

    monkeypatch.delenv("VANTHU_CONFIG", raising=False)
    settings = Settings(data_dir=tmp_path / "data", verify_offline=True)
    settings.trust_dir.mkdir(parents=True)
    (settings.trust_dir / "sample-root.pem").write_bytes(root_pem(pki.root))
    body = _post(_client(settings), signed).json()
    assert body["indication"] == "TOTAL-PASSED"


def test_a_broken_file_in_the_trust_folder_does_not_hide_the_others(trust_dir, signed):
    (trust_dir / "broken.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n")
    client = _client(FakeSettings(trust_dir=trust_dir))
    assert _post(client, signed).json()["indication"] == "TOTAL-PASSED"
