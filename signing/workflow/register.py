"""The outgoing register (Sổ đăng ký văn bản đi, Phụ lục IV.I: 10 columns) for a period, as rows.

The numbers of one book and year run without gaps; a recalled document keeps its line (and its
number) with a note. ``intake.register_files`` writes any register as CSV, XLSX or PDF.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import VN_TZ
from registry.documents import OutgoingDocument, OutgoingStatus, Urgency
from registry.numbering import book_by_code
from registry.org import Unit, User
from registry.registers import Register

COLUMNS = [
    "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
    "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
    "Ngày chuyển", "Ký nhận", "Ghi chú",
]

# Decree 30 type names (Phụ lục III) for the abbreviations used in symbols.
TYPE_NAMES = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình",
    "KH": "Kế hoạch", "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo",
    "BB": "Biên bản", "TTr": "Tờ trình", "HĐ": "Hợp đồng", "CV": "Công văn", "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền", "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép", "PG": "Phiếu gửi", "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
}
URGENCY_VI = {Urgency.KHAN: "Khẩn", Urgency.THUONG_KHAN: "Thượng khẩn", Urgency.HOA_TOC: "Hỏa tốc"}


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def symbol_of(doc: OutgoingDocument) -> str:
    if doc.code_number is None:
        return ""
    return f"{doc.code_number}/{doc.code_notation}" if doc.code_notation else doc.code_number


def outgoing_register(session: Session, start: date, end: date, book: str | None = None
                      ) -> Register:
    """Issued (and recalled) documents whose date falls in the period, in number order."""
    query = select(OutgoingDocument).where(
        OutgoingDocument.status.in_([OutgoingStatus.ISSUED.value, OutgoingStatus.RECALLED.value]),
        OutgoingDocument.issued_date >= start, OutgoingDocument.issued_date <= end,
    )
    if book is not None:
        query = query.where(OutgoingDocument.book_id == book_by_code(session, book).id)
    docs = list(session.scalars(query.order_by(
        OutgoingDocument.book_id, OutgoingDocument.number_year, OutgoingDocument.number)))
    users = {u.id: u for u in session.scalars(select(User))}
    units = {u.id: u for u in session.scalars(select(Unit))}
    rows = []
    for doc in docs:
        signer = users.get(doc.signer_id)
        type_name = TYPE_NAMES.get(doc.doc_type or "", doc.doc_type or "")
        retained = doc.retained_copy_holder or (
            units[doc.drafting_unit_id].name if doc.drafting_unit_id in units else "")
        notes = []
        if doc.urgency != Urgency.NORMAL.value:
            notes.append(URGENCY_VI.get(Urgency(doc.urgency), doc.urgency))
        if doc.status == OutgoingStatus.RECALLED.value:
            notes.append("Đã thu hồi")
        if doc.appendices:
            notes.append(f"{len(doc.appendices)} phụ lục")
        if doc.description:
            notes.append(doc.description)
        sent = doc.sent_at or doc.issued_at
        rows.append([
            symbol_of(doc), _d(doc.issued_date), f"{type_name} {doc.subject or ''}".strip(),
            doc.signer_name or (signer.full_name if signer else ""), "; ".join(doc.recipients),
            retained, str(doc.issued_amount or len(doc.recipients) or ""),
            _d(sent.astimezone(VN_TZ).date()) if sent else "", "", "; ".join(notes),
        ])
    numbers = [d.number for d in docs if d.number is not None]
    return Register("SỔ ĐĂNG KÝ VĂN BẢN ĐI", COLUMNS, rows, start, end,
                            min(numbers, default=None), max(numbers, default=None), start.year)
