"""The incoming register (Sổ đăng ký văn bản đến, Phụ lục IV.VI: 10 columns) and the tracking
register (Sổ theo dõi giải quyết văn bản đến, Phụ lục IV.VIII: 7 columns) for any period, as
rows; ``intake.register_files`` writes them as CSV, XLSX and PDF."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from registry.clock import VN_TZ
from registry.documents import Assignment, AssignmentRole, IncomingDocument
from registry.org import Unit
from registry.registers import Register

INCOMING_COLUMNS = [
    "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu văn bản", "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản", "Đơn vị hoặc người nhận", "Ngày chuyển",
    "Ký nhận", "Ghi chú",
]
TRACKING_COLUMNS = [
    "Số đến", "Tên loại, số, ký hiệu, ngày tháng và tên cơ quan ban hành",
    "Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời", "Ghi chú",
]
PROGRESS_VI = {"assigned": "Đã chuyển", "in_progress": "Đang giải quyết", "done": "Đã giải quyết"}


def _d(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VN_TZ).date()
    return value.strftime("%d/%m/%Y")


def _notation(doc: IncomingDocument) -> str:
    if doc.code_number and doc.code_notation:
        return f"{doc.code_number}/{doc.code_notation}"
    return doc.code_number or doc.code_notation or ""


def _documents(session, start: date, end: date) -> list[IncomingDocument]:  # noqa: ANN001
    lo = datetime.combine(start, time(0), tzinfo=VN_TZ)
    hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=VN_TZ)
    return list(session.scalars(
        select(IncomingDocument)
        .where(IncomingDocument.arrival_at >= lo, IncomingDocument.arrival_at < hi)
        .order_by(IncomingDocument.arrival_year, IncomingDocument.arrival_number)
    ))


def _units(session) -> dict[int, Unit]:  # noqa: ANN001
    return {u.id: u for u in session.scalars(select(Unit))}


def _lead(doc: IncomingDocument) -> Assignment | None:
    leads = [a for a in doc.assignments if a.role == AssignmentRole.LEAD.value]
    return leads[-1] if leads else None


def incoming_register(session, start: date, end: date) -> Register:  # noqa: ANN001
    docs, units = _documents(session, start, end), _units(session)
    rows = []
    for doc in docs:
        lead = _lead(doc)
        receivers = [units[a.unit_id].name for a in doc.assignments if a.unit_id in units]
        notes = []
        if doc.status == "recalled":
            notes.append("Đã thu hồi")
        if doc.return_reason:
            notes.append("Trả lại nơi gửi")
        if doc.description:
            notes.append(doc.description)
        kind_and_subject = " ".join(p for p in (doc.doc_type, doc.subject) if p)
        rows.append([
            _d(doc.arrival_at), str(doc.arrival_number), doc.organ_name or "", _notation(doc),
            _d(doc.issued_date), kind_and_subject, "; ".join(receivers),
            _d(lead.assigned_at) if lead else "", "", "; ".join(notes),
        ])
    return _register("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", INCOMING_COLUMNS, rows, docs, start, end)


def tracking_register(session, start: date, end: date) -> Register:  # noqa: ANN001
    docs, units = _documents(session, start, end), _units(session)
    rows = []
    for doc in docs:
        lead = _lead(doc)
        if lead is None:
            continue
        identity = ", ".join(p for p in (doc.doc_type, _notation(doc), _d(doc.issued_date),
                                         doc.organ_name) if p)
        receivers = [units[a.unit_id].name + (" (chủ trì)" if a is lead else " (phối hợp)")
                     for a in doc.assignments if a.unit_id in units]
        rows.append([
            str(doc.arrival_number), identity, "; ".join(receivers), _d(lead.deadline),
            PROGRESS_VI.get(lead.status, lead.status), lead.reply_notation or "",
            "Quá hạn" if lead.deadline and lead.status != "done"
            and lead.deadline < datetime.now(VN_TZ).date() else "",
        ])
    return _register("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN", TRACKING_COLUMNS, rows, docs, start, end)


def _register(title, columns, rows, docs, start, end) -> Register:  # noqa: ANN001
    numbers = [d.arrival_number for d in docs]
    return Register(title, columns, rows, start, end, min(numbers, default=None),
                    max(numbers, default=None), start.year)
