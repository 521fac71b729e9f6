"""The words of the user's own account page (merged into ``vanthu.web.i18n.STRINGS``)."""

from __future__ import annotations

ACCOUNT_STRINGS: dict[str, tuple[str, str]] = {
    "nav.account": ("Tài khoản của tôi", "My account"),
    "account.title": ("Tài khoản của tôi", "My account"),
    "account.change_password": ("Đổi mật khẩu", "Change the password"),
    "account.change_explain": ("Các phiên đăng nhập khác của bạn sẽ kết thúc; phiên này vẫn giữ.",
                               "Your other sessions end; this one stays."),
    "account.current_password": ("Mật khẩu hiện tại", "Current password"),
    "account.new_password": ("Mật khẩu mới (ít nhất {n} ký tự)",
                             "New password ({n} characters or more)"),
    "account.changed": ("Đã đổi mật khẩu; các phiên khác của bạn đã kết thúc.",
                        "The password is changed; your other sessions have ended."),
    "account.must_change": ("Mật khẩu của bạn do quản trị đặt. Hãy đổi mật khẩu trước khi "
                            "tiếp tục.", "An admin set your password. Choose your own before "
                            "going on."),
    "account.wrong_current": ("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
    "account.passwords_differ": ("Hai lần nhập mật khẩu mới không khớp.",
                                 "The two new passwords differ."),
    "account.same_password": ("Mật khẩu mới phải khác mật khẩu hiện tại.",
                              "The new password must differ from the current one."),
    "account.too_short": ("Mật khẩu mới cần ít nhất {n} ký tự.",
                          "The new password needs {n} characters or more."),
}
