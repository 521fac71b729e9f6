"""The closed list of document types: Decree 30 administrative types (Article 7, Phụ lục III)
and the legal (normative) types, with the abbreviations used in symbols."""

from __future__ import annotations

# (name, abbreviation or None). Công văn and Thư công have no abbreviation.
ADMINISTRATIVE: list[tuple[str, str | None]] = [
    ("Nghị quyết", "NQ"), ("Quyết định", "QĐ"), ("Chỉ thị", "CT"), ("Quy chế", "QC"),
    ("Quy định", "QyĐ"), ("Thông cáo", "TC"), ("Thông báo", "TB"), ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"), ("Kế hoạch", "KH"), ("Phương án", "PA"), ("Đề án", "ĐA"),
    ("Dự án", "DA"), ("Báo cáo", "BC"), ("Biên bản", "BB"), ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"), ("Công văn", None), ("Công điện", "CĐ"), ("Bản ghi nhớ", "BGN"),
    ("Bản thỏa thuận", "BTT"), ("Giấy ủy quyền", "GUQ"), ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"), ("Giấy nghỉ phép", "GNP"), ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"), ("Phiếu báo", "PB"), ("Thư công", None),
]

LEGAL: list[tuple[str, str | None]] = [
    ("Hiến pháp", None), ("Bộ luật", None), ("Luật", None), ("Pháp lệnh", None),
    ("Lệnh", None), ("Nghị định", "NĐ"), ("Thông tư", "TT"), ("Thông tư liên tịch", "TTLT"),
    ("Nghị quyết liên tịch", "NQLT"),
]

# Copies share the symbol position but are not a document type of their own.
COPY_ABBREVIATIONS = {"SY": "Bản sao y", "TrS": "Bản trích sao", "SL": "Bản sao lục"}

ALL_TYPES: list[str] = [name for name, _ in ADMINISTRATIVE + LEGAL]
BY_ABBREVIATION: dict[str, str] = {a: n for n, a in ADMINISTRATIVE + LEGAL if a}
ABBREVIATION_OF: dict[str, str] = {n: a for n, a in ADMINISTRATIVE + LEGAL if a}
