"""Search (diacritic-insensitive by default, exact on request, filters, pages) and the registers."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime

from openpyxl import load_workbook

from intake.worker import drain
from registry.clock import VN_TZ
from tests.intake.docs import Letter, letter_pdf

LETTERS = [
    Letter(number="10", symbol="QĐ-UBND", org="ỦY BAN NHÂN DÂN TỈNH AN GIANG",
           abstract="V/v phê duyệt quyết định đầu tư Đường tỉnh 943"),
    Letter(number="11", symbol="STC-NS", abstract="V/v hướng dẫn lập dự toán ngân sách"),
    Letter(number="12", symbol="SNV-TCBC", org="SỞ NỘI VỤ TỈNH AN GIANG",
           abstract="V/v tuyển dụng công chức năm 2026"),
]


def _register_all(api, office, services) -> list[int]:
    files = [("files", (f"{lt.number}.pdf", letter_pdf(lt), "application/pdf")) for lt in LETTERS]
    receipts = api.post("/api/incoming", headers=office.headers("clerk"), files=files).json()
    drain(services)
    return [r["id"] for r in receipts["receipts"]]


def _ids(api, office, **params) -> list[int]:
    answer = api.get("/api/incoming", headers=office.headers("clerk"), params=params)
    assert answer.status_code == 200, answer.text
    return sorted(i["id"] for i in answer.json()["items"])


def test_full_text_ignores_diacritics_unless_asked_to_be_exact(api, office, services):
    ids = _register_all(api, office, services)
    assert _ids(api, office, q="duong tinh 943") == [ids[0]]
    assert _ids(api, office, q="Đường tỉnh") == [ids[0]]
    assert _ids(api, office, q="tuyen dung") == [ids[2]]
    assert _ids(api, office, q="tuyển dụng", exact="true") == [ids[2]]
    assert _ids(api, office, q="tuyen dung", exact="true") == []
    assert _ids(api, office, q="khong co tu nay") == []


def test_filters_on_register_fields_and_pages(api, office, services):
    ids = _register_all(api, office, services)
    assert _ids(api, office, symbol="STC") == [ids[1]]
    assert _ids(api, office, issuing_org="sở nội vụ") == [ids[2]]
    assert _ids(api, office, number="10") == [ids[0]]
    today = datetime.now(VN_TZ).date().isoformat()  # arrival dates are Vietnam's
    assert _ids(api, office, arrived_from=today, arrived_to=today) == ids
    page = api.get("/api/incoming", headers=office.headers("clerk"),
                   params={"per_page": 2, "page": 2}).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    bad = api.get("/api/incoming", headers=office.headers("clerk"), params={"colour": "red"})
    assert bad.status_code == 422 and "unknown field 'colour'" in bad.json()["message"]["en"]


def test_the_incoming_register_in_three_formats(api, office, services):
    ids = _register_all(api, office, services)
    api.post(f"/api/incoming/{ids[0]}/assign", headers=office.headers("leader"),
             json={"lead": "KT", "deadline": "2099-01-31"})
    h = office.headers("clerk")
    today = datetime.now(VN_TZ).date().isoformat()  # arrival dates are Vietnam's
    csv_answer = api.get("/api/registers/incoming", headers=h,
                         params={"from": today, "to": today, "format": "csv"})
    csv_text = csv_answer.content.decode("utf-8-sig")
    header, *rows = csv_text.strip().splitlines()
    assert header.split(",")[:3] == ["Ngày đến", "Số đến", "Tác giả"]
    assert len(rows) == 3 and "10/QĐ-UBND" in rows[0] and "Phòng Kinh tế" in rows[0]

    xlsx = api.get("/api/registers/incoming", headers=h,
                   params={"from": today, "to": today, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert sheet.max_row == 4 + 3

    pdf = api.get("/api/registers/incoming", headers=h,
                  params={"from": today, "to": today, "format": "pdf"})
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content,
                          capture_output=True, check=True).stdout.decode()
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "Từ số 1 đến số 3" in text
    assert "10/QĐ-UBND" in text and "Số đến" in text

    tracking = api.get("/api/registers/tracking", headers=h,
                       params={"from": today, "to": today, "format": "csv"})
    lines = tracking.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "31/01/2099" in lines[1] and "Đã chuyển" in lines[1]
