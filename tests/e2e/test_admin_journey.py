"""Administration in a real browser: a copied session cookie dies with sign-out; an admin
disables a signed-in user, whose next click lands on the sign-in page; the admin pages work on a
phone and from the keyboard."""

from __future__ import annotations

from playwright.sync_api import expect

from vanthu.web.session_cookie import SESSION_COOKIE


def test_a_copied_cookie_stops_working_after_sign_out(person, browser, live, shots):
    leader = person("leader")
    [cookie] = [c for c in leader.context.cookies() if c["name"] == SESSION_COOKIE]
    leader.get_by_role("button", name="Đăng xuất").click()
    expect(leader.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    thief = browser.new_context(base_url=live)
    try:
        thief.add_cookies([cookie])
        page = thief.new_page()
        page.goto("/incoming")
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        assert "/login?next=" in page.url
        shots(page, "copied-cookie-refused")
    finally:
        thief.close()


def test_admin_disables_a_signed_in_user_on_a_phone(person, shots):
    kt = person("kt")
    expect(kt.get_by_role("heading", name="Tổng quan")).to_be_visible()

    admin = person("admin", width=390, height=800)
    admin.get_by_role("link", name="Quản trị").click()
    row = admin.locator("#user-kt")
    expect(row).to_contain_text("1")  # one open session
    row.get_by_role("button", name="Khóa kt").focus()
    admin.keyboard.press("Enter")  # from the keyboard
    expect(admin.locator("#done")).to_contain_text("mọi phiên của người đó đã kết thúc")
    expect(admin.locator("#user-kt")).to_contain_text("Ngừng dùng")
    shots(admin, "users")

    kt.get_by_role("link", name="Sổ văn bản đến").click()
    expect(kt.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    shots(kt, "disabled-user-signed-out")

    for heading, shot in [("Đơn vị", "units"), ("Sổ đăng ký, cấp số", "books"),
                          ("Chứng thư gốc tin cậy", "trust"), ("Khóa ký số", "keys")]:
        admin.locator("nav.subnav").get_by_role("link", name=heading).click()
        expect(admin.get_by_role("heading", level=1)).to_have_text(heading)
        width = admin.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"{heading}: the page scrolls sideways on a phone ({width}px)"
        shots(admin, shot)

