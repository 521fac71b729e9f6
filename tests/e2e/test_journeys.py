"""The main journeys in a real browser: the clerk receives, checks and confirms; the leader
assigns; a specialist of another unit is kept out; an anonymous verifier sees both signatures."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

from registry.documents import Assignment, IncomingDocument
from tests.corpus.build import make_scan
from tests.web.conftest import Office


def field(page, label: str):  # noqa: ANN001, ANN201
    """A field of the document page by its label, which carries a badge ("88%") when the field
    was read with low confidence."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \d+%)?$"))


def test_clerk_receives_confirms_leader_assigns_other_unit_kept_out(
        person, sqlite_services, office, tmp_path, shots):
    # A paper invitation, scanned at 300 dpi: no text layer, so the service reads it with OCR.
    sample = make_scan(3, "scan300")
    truth = sample.truth
    scan = tmp_path / "giay-moi-quet.pdf"
    scan.write_bytes(sample.data)

    clerk = person("clerk")
    clerk.get_by_role("link", name="Tiếp nhận").click()
    clerk.get_by_label("Kéo thả các tệp vào đây, hoặc chọn tệp").set_input_files(str(scan))
    expect(clerk.locator("#chosen")).to_contain_text("1 tệp")
    clerk.get_by_label("Giấy (bản quét)").check()
    clerk.get_by_role("button", name="Tiếp nhận").click()
    expect(clerk.locator("#receipts")).to_contain_text("Đã tiếp nhận 1 văn bản")
    shots(clerk, "1-received")

    clerk.locator("#receipts a").first.click()
    for _ in range(120):  # the service's background worker reads it (OCR)
        if clerk.locator("#reading").count() == 0:
            break
        clerk.wait_for_timeout(500)
        clerk.reload()
    expect(clerk.locator("h1")).to_contain_text("Văn bản đến số 1/")
    expect(clerk.locator("object.pdf")).to_have_attribute("data", re.compile(r"/original$"))
    # Read from the scan's pixels; the number was read with low confidence, and says so.
    number = field(clerk, "Số")
    expect(number).to_have_value(truth["number"])
    expect(clerk.locator('.field.low[data-field="number"] .badge')).to_have_text(re.compile("%"))
    expect(clerk.locator("#low-note")).to_contain_text("Độ tin cậy thấp")
    expect(field(clerk, "Ký hiệu")).to_have_value(truth["symbol"])
    expect(field(clerk, "Trích yếu")).to_have_value(truth["abstract"])
    expect(clerk.locator("#f_confidentiality option:checked")).to_have_text("Mật")
    clerk.get_by_label("Ghi chú").fill("Bản giấy, nhận trực tiếp")  # the clerk completes it
    shots(clerk, "2-checking")
    clerk.get_by_role("button", name="Xác nhận vào sổ").click()
    expect(clerk.locator("#confirmed")).to_be_visible()
    expect(clerk.get_by_label("Ghi chú")).to_have_value("Bản giấy, nhận trực tiếp")
    expect(clerk.locator('#history li[data-action="incoming.confirmed"]')).to_contain_text(
        "Xác nhận vào sổ")
    with sqlite_services.sessions() as s:
        doc = s.query(IncomingDocument).one()
        assert doc.code_number == truth["number"] and doc.confirmed_at is not None
        assert doc.channel == "paper" and doc.code_notation == truth["symbol"]
        doc_id = doc.id

    leader = person("leader")
    leader.goto(f"/incoming/{doc_id}")
    leader.get_by_label("Đơn vị chủ trì").select_option("KT")
    leader.get_by_label("Ý kiến chỉ đạo").fill("Phòng Kinh tế tham mưu trả lời")
    leader.get_by_role("button", name="Giao xử lý").click()
    expect(leader.locator("#assignments")).to_contain_text("KT")
    expect(leader.locator("#assignments")).to_contain_text("Phòng Kinh tế tham mưu trả lời")
    shots(leader, "3-assigned")
    with sqlite_services.sessions() as s:
        assert [a.unit_id for a in s.query(Assignment)] == [office.units["KT"]]

    kt = person("kt", width=390, height=800)  # a phone-sized screen
    kt.get_by_role("link", name="Việc của đơn vị").click()
    kt.get_by_role("link", name=re.compile("KT")).first.click()
    kt.locator(f"main a[href=\"/incoming/{doc_id}\"]").click()
    expect(kt.locator("h1")).to_contain_text("Văn bản đến số 1/")
    width = kt.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width}px)"
    shots(kt, "4-specialist-phone")

    nc = person("nc")
    answer = nc.goto(f"/incoming/{doc_id}")
    assert answer.status == 403
    expect(nc.get_by_role("alert")).to_contain_text("không thuộc đơn vị của bạn")
    assert nc.request.get(f"/api/incoming/{doc_id}/original").status == 403
    shots(nc, "5-other-unit-refused")


def test_keyboard_and_english(person, shots):
    page = person(None)
    page.goto("/login")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_focused()  # the form is ready for the keyboard
    page.keyboard.type("clerk")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("clearly wrong")
    page.keyboard.press("Enter")
    expect(page.locator("#signin-error")).to_contain_text("Wrong username or password")
    shots(page, "english-signin-error")
    page.get_by_label("Password").fill(Office.password("clerk"))
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.keyboard.press("Tab")  # the first stop of a signed-in page skips the menu
    expect(page.locator("a.skip")).to_be_focused()


@pytest.fixture
def signed_directive(tmp_path, sample_pki) -> Path:
    """A directive signed by the official, then by the organization's seal (signing.pades)."""
    from signing.fields import SignatureFieldRequest, add_fields, plan_signature_block
    from signing.keys import load_pkcs12
    from signing.pades import Level, SignOptions, sign_pdf
    from signing.stamp import OfficialStamp, SealStamp
    from tests.signing.docgen import NAME, TITLE, make_directive

    src, fields = tmp_path / "directive.pdf", tmp_path / "fields.pdf"
    make_directive(src)
    chairman, seal = sample_pki.identity("chairman"), sample_pki.identity("seal")
    official, seal_place = plan_signature_block(
        src, OfficialStamp(image=chairman.signature_image, title=TITLE, name=NAME),
        SealStamp(image=seal.seal_image, diameter_mm=seal.seal_size_mm))
    add_fields(src, fields, [
        SignatureFieldRequest("ChuKyLanhDao", official.page.index, official.box),
        SignatureFieldRequest("ChuKyCoQuan", seal_place.page.index, seal_place.box)])
    one, both = tmp_path / "one.pdf", tmp_path / "quyet-dinh-45.pdf"

    def sign_both() -> None:
        sign_pdf(fields, one, load_pkcs12(chairman.p12, chairman.password),
                 SignOptions(field_name="ChuKyLanhDao", level=Level.B_B),
                 stamp=OfficialStamp(image=chairman.signature_image))
        sign_pdf(one, both, load_pkcs12(seal.p12, seal.password),
                 SignOptions(field_name="ChuKyCoQuan", level=Level.B_B),
                 stamp=SealStamp(image=seal.seal_image))

    # sign_pdf runs its own event loop; Playwright's sync API holds this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(sign_both).result()
    return both


def test_anonymous_verifier_sees_both_signatures(person, signed_directive, shots):
    page = person(None)
    page.goto("/login")
    page.get_by_role("link", name="Kiểm tra chữ ký số").last.click()
    page.get_by_label(re.compile("Tệp PDF đã ký")).set_input_files(str(signed_directive))
    page.get_by_role("button", name=re.compile("Kiểm tra")).click()
    body = page.locator("main")
    expect(body).to_contain_text("Có đủ chữ ký")
    text = body.inner_text()
    assert text.count("TOTAL-PASSED") >= 2, text[:2000]
    shots(page, "verified")
