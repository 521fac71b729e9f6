"""A document's history in words: ``event.<audit action>`` (merged into
``vanthu.web.i18n.STRINGS``; shown by ``templates/_history.html`` on the incoming and outgoing
pages). An action missing here shows as its code, never as an error."""

from __future__ import annotations

EVENT_STRINGS: dict[str, tuple[str, str]] = {
    "event.actor.system": ("Hệ thống", "The system"),
    "event.incoming.received": ("Tiếp nhận, cấp số đến", "Received and given an arrival number"),
    "event.incoming.read": ("Đọc nội dung văn bản", "Read (text and fields)"),
    "event.incoming.read_failed": ("Không đọc được nội dung", "Could not be read"),
    "event.incoming.verified": ("Kiểm tra chữ ký số", "Signatures checked"),
    "event.incoming.corrected": ("Sửa thông tin văn bản", "Fields corrected"),
    "event.incoming.confirmed": ("Xác nhận vào sổ", "Confirmed in the register"),
    "event.incoming.assigned": ("Giao xử lý", "Assigned"),
    "event.incoming.progress": ("Cập nhật tiến độ xử lý", "Progress updated"),
    "event.incoming.recalled": ("Thu hồi để sửa", "Recalled for correction"),
    "event.outgoing.submitted": ("Trình ký", "Submitted for signature"),
    "event.outgoing.signed": ("Đã ký", "Signed"),
    "event.outgoing.issued": ("Đã cấp số, ký số của cơ quan và phát hành",
                              "Numbered, sealed and issued"),
    "event.outgoing.issue_failed": ("Phát hành không thành, chưa cấp số",
                                    "Issuance failed; no number used"),
}
