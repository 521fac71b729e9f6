"""The outgoing journey in a real browser: a specialist submits a directive, the official signs
it in his tray with his own key, the clerk issues it (number, date, seal), and an anonymous
verifier checks the issued file and sees both signatures — the official's and the seal's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registry.documents import OutgoingDocument
from tests.signing.docgen import make_directive

SUBJECT = "Về việc giao chỉ tiêu thu ngân sách nhà nước năm 2027"
SLOW = 60_000  # signing at B-LT with a TSA and revocation checks, on a busy machine


@pytest.mark.signing
def test_official_signs_clerk_issues_verifier_sees_both_signatures(
        person, signing_office, sqlite_services, tmp_path, shots):
    draft = tmp_path / "du-thao-quyet-dinh.pdf"
    draft.write_bytes(make_directive())

    kt = person("kt")
    kt.get_by_role("link", name="Văn bản đi").click()
    kt.get_by_role("link", name="Trình dự thảo mới").click()
    kt.get_by_label("Tệp dự thảo (PDF)").set_input_files(str(draft))
    kt.get_by_label("Loại văn bản").select_option("QĐ")
    kt.get_by_label("Trích yếu").fill(SUBJECT)
    kt.get_by_label("Người ký").select_option("signer")
    kt.get_by_label("Nơi nhận").fill("Sở Tài chính\nKho bạc Nhà nước tỉnh\nLưu: VT, KT.")
    shots(kt, "1-draft")
    kt.get_by_role("button", name="Trình ký").click()
    expect(kt.locator("#done")).to_contain_text("Đã trình ký", timeout=SLOW)
    expect(kt.locator("#doc-status")).to_have_text("Chờ ký")
    with sqlite_services.sessions() as s:
        doc = s.query(OutgoingDocument).one()
        doc_id, code = doc.id, doc.verify_code

    official = person("signer", width=390, height=800)  # he signs from his phone
    expect(official.locator("#count-to-sign")).to_have_text("1")  # the dashboard says so
    official.get_by_role("link", name="Trình ký").click()
    expect(official.locator("#tray-form")).to_contain_text(SUBJECT)
    expect(official.get_by_label(SUBJECT)).to_be_checked()
    width = official.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the tray scrolls sideways on a phone ({width}px)"
    official.get_by_label("Mật khẩu khóa ký hoặc mã PIN").fill("not the password")
    official.get_by_label("Mật khẩu khóa ký hoặc mã PIN").press("Enter")  # keyboard only
    expect(official.locator("#page-error")).to_be_visible(timeout=SLOW)
    official.get_by_label("Mật khẩu khóa ký hoặc mã PIN").fill(signing_office)
    shots(official, "2-tray")
    official.get_by_role("button", name="Ký các văn bản đã chọn").click()
    expect(official.locator("#outcomes")).to_contain_text("Đã ký 1 văn bản", timeout=SLOW)
    expect(official.locator("#tray-empty")).to_be_visible()
    shots(official, "3-signed")

    clerk = person("clerk")
    expect(clerk.locator("#count-to-issue")).to_have_text("1")
    clerk.get_by_role("link", name="Phát hành", exact=True).click()
    expect(clerk.locator("#issue-form")).to_contain_text(SUBJECT)
    clerk.get_by_role("button", name="Phát hành các văn bản đã chọn").click()
    expect(clerk.locator("#issued")).to_contain_text("01/QĐ-UBND", timeout=SLOW)
    shots(clerk, "4-issued")
    clerk.locator("#issued a", has_text="01/QĐ-UBND").click()
    expect(clerk.locator("#number")).to_have_text("01/QĐ-UBND")
    expect(clerk.locator("object.pdf")).to_have_attribute(
        "data", f"/api/outgoing/{doc_id}/file/issued")
    expect(clerk.locator('#history li[data-action="outgoing.issued"]')).to_contain_text(
        "phát hành")
    issued = tmp_path / "quyet-dinh-01.pdf"
    answer = clerk.request.get(f"/api/outgoing/{doc_id}/file/issued")
    assert answer.ok
    issued.write_bytes(answer.body())

    verifier = person(None)
    verifier.goto("/verify")
    verifier.get_by_label(re.compile("Tệp PDF đã ký")).set_input_files(str(issued))
    verifier.get_by_role("button", name=re.compile("Kiểm tra")).click()
    report = verifier.locator("main")
    expect(report.locator("#verdict")).to_contain_text("TOTAL-PASSED", timeout=SLOW)
    signatures = report.locator(".card.signature")
    expect(signatures).to_have_count(2)
    for i in range(2):
        expect(signatures.nth(i).locator(".verdict")).to_contain_text("TOTAL-PASSED")
    text = report.inner_text()
    assert "người có thẩm quyền" in text and "cơ quan, tổ chức" in text, text[:2000]
    shots(verifier, "5-verified")

    # The QR code on the document leads anyone to the same verdicts, without signing in.
    verifier.goto(f"/outgoing/verify/{code}")
    expect(verifier.locator("h1")).to_contain_text("01/QĐ-UBND")
    assert verifier.locator("li", has_text="TOTAL-PASSED").count() == 2
    shots(verifier, "6-qr-page")
