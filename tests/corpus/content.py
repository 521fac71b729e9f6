"""Invent a plausible Decree-30 document and keep its truth (the register fields)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

PROVINCES = ["An Giang", "Cần Thơ", "Đồng Tháp", "Vĩnh Long", "Cà Mau", "Khánh Hòa",
             "Lâm Đồng", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Thanh Hóa", "Nghệ An",
             "Hà Tĩnh", "Quảng Trị", "Huế", "Đà Nẵng", "Tây Ninh", "Đồng Nai", "Lào Cai",
             "Tuyên Quang", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình",
             "Hải Phòng", "Quảng Ninh", "Sơn La", "Điện Biên", "Lai Châu", "Lạng Sơn", "Cao Bằng"]

# (issuing organization lines, symbol suffix, place is the province)
DEPARTMENTS = [
    (["SỞ NỘI VỤ"], "SNV"),
    (["SỞ TÀI CHÍNH"], "STC"),
    (["SỞ GIÁO DỤC", "VÀ ĐÀO TẠO"], "SGDĐT"),
    (["SỞ Y TẾ"], "SYT"),
    (["SỞ XÂY DỰNG"], "SXD"),
    (["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"], "SNNMT"),
    (["SỞ TƯ PHÁP"], "STP"),
    (["SỞ CÔNG THƯƠNG"], "SCT"),
    (["SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"], "SKHCN"),
    (["VĂN PHÒNG"], "VP"),
    (["BAN QUẢN LÝ CÁC", "KHU KINH TẾ"], "BQLKKT"),
]

# (type name, abbreviation); None for công văn
TYPES = [
    ("Quyết định", "QĐ"), ("Công văn", None), ("Kế hoạch", "KH"), ("Thông báo", "TB"),
    ("Báo cáo", "BC"), ("Tờ trình", "TTr"), ("Chỉ thị", "CT"), ("Giấy mời", "GM"),
    ("Hướng dẫn", "HD"), ("Nghị quyết", "NQ"), ("Chương trình", "CTr"), ("Công điện", "CĐ"),
]

UNIT_CODES = ["VP", "KT", "VX", "NC", "TH", "KGVX", "XDCB", "TCCB"]

TOPICS = [
    "công tác phòng, chống thiên tai và tìm kiếm cứu nạn năm {y}",
    "triển khai thực hiện chương trình chuyển đổi số trên địa bàn tỉnh",
    "tăng cường quản lý đất đai, tài nguyên và môi trường",
    "tổ chức kỳ thi tốt nghiệp trung học phổ thông năm {y}",
    "kiện toàn Ban Chỉ đạo cải cách hành chính của tỉnh",
    "phê duyệt kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030",
    "đẩy mạnh giải ngân vốn đầu tư công năm {y}",
    "công tác bảo đảm trật tự, an toàn giao thông dịp Tết Nguyên đán",
    "phòng, chống dịch bệnh trên gia súc, gia cầm",
    "nâng bậc lương thường xuyên đối với cán bộ, công chức",
    "tổ chức Hội nghị tổng kết công tác văn thư, lưu trữ năm {y}",
    "thực hiện chế độ báo cáo thống kê định kỳ",
    "ban hành Quy chế phối hợp giải quyết thủ tục hành chính",
    "bố trí kinh phí sửa chữa trụ sở làm việc",
    "điều chỉnh chủ trương đầu tư dự án hồ chứa nước",
    "hỗ trợ người dân bị ảnh hưởng bởi mưa lũ",
    "thành lập Tổ công tác rà soát hộ nghèo, hộ cận nghèo",
    "góp ý dự thảo Nghị quyết của Hội đồng nhân dân tỉnh",
]
TAILS = [" trên địa bàn tỉnh", " của các sở, ban, ngành và địa phương",
         " theo Nghị định số 30/2020/NĐ-CP của Chính phủ", " đợt 2 năm {y}",
         " giai đoạn 2026 - 2030", ""]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "Phan", "Trương"]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thanh", "Hữu", "Ngọc", "Đức", "Hoài", "Thành"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Lâm", "Lợi", "Mai", "Nam",
         "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Tuấn", "Việt", "Xuân", "Yến", "Trung"]

BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, các cơ quan, đơn vị khẩn trương triển khai "
    "các nội dung sau đây và báo cáo kết quả thực hiện đúng thời hạn quy định.",
    "Các sở, ban, ngành tỉnh theo chức năng, nhiệm vụ được giao chủ động phối hợp với Ủy ban "
    "nhân dân các xã, phường tổ chức thực hiện có hiệu quả, tránh hình thức, lãng phí.",
    "Giao Sở Tài chính chủ trì, phối hợp với các đơn vị liên quan tham mưu bố trí kinh phí "
    "thực hiện theo quy định hiện hành của pháp luật về ngân sách nhà nước.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời phản ánh về "
    "Văn phòng Ủy ban nhân dân tỉnh để tổng hợp, báo cáo Chủ tịch Ủy ban nhân dân tỉnh xem xét, "
    "giải quyết.",
    "Kết quả rà soát cho thấy tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,5%, tăng 2,3% so với cùng "
    "kỳ năm trước; số hồ sơ trực tuyến toàn trình chiếm 67% tổng số hồ sơ tiếp nhận.",
    "Đề nghị Thủ trưởng các cơ quan, đơn vị quan tâm chỉ đạo, tổ chức thực hiện nghiêm túc "
    "nội dung văn bản này.",
]

RECIPIENTS = ["Thường trực Tỉnh ủy", "Thường trực HĐND tỉnh", "CT, các PCT UBND tỉnh",
              "Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Báo và Đài PT-TH tỉnh",
              "Cổng Thông tin điện tử tỉnh", "Trung tâm Phục vụ hành chính công tỉnh",
              "Bộ Nội vụ", "Văn phòng Chính phủ"]


@dataclass
class Document:
    """A document's content and the truth of its register fields."""

    parent_org: str | None
    issuing_org_lines: list[str]
    number: str
    symbol: str
    place: str
    date: tuple[int, int, int]  # year, month, day
    doc_type: str
    abstract: str
    urgency: str | None
    confidentiality: str | None
    signer_authority: str | None
    signer_title: str
    signer_name: str
    recipients: list[str]
    body: list[str]
    kinh_gui: list[str] = field(default_factory=list)

    @property
    def issuing_org(self) -> str:
        return " ".join(self.issuing_org_lines)

    @property
    def date_iso(self) -> str:
        y, m, d = self.date
        return f"{y:04d}-{m:02d}-{d:02d}"

    @property
    def date_line(self) -> str:
        y, m, d = self.date
        mm = f"{m:02d}" if m < 3 else str(m)
        return f"{self.place}, ngày {d:02d} tháng {mm} năm {y}"

    def truth(self) -> dict[str, object]:
        return {
            "parent_org": self.parent_org, "issuing_org": self.issuing_org,
            "number": self.number, "symbol": self.symbol, "place": self.place,
            "date": self.date_iso, "doc_type": self.doc_type, "abstract": self.abstract,
            "urgency": self.urgency, "confidentiality": self.confidentiality,
            "signer_authority": self.signer_authority, "signer_title": self.signer_title,
            "signer_name": self.signer_name, "recipients": self.recipients,
        }


def _name(rng: random.Random) -> str:
    parts = [rng.choice(SURNAMES), rng.choice(MIDDLE)]
    if rng.random() < 0.3:
        parts.append(rng.choice(MIDDLE))
    parts.append(rng.choice(GIVEN))
    return " ".join(parts)


def make_document(rng: random.Random, *, pages: int = 1) -> Document:
    """A random document; ``pages`` is a hint for how much body text to write."""
    province = rng.choice(PROVINCES)
    type_name, abbr = rng.choice(TYPES)
    year = rng.choice([2024, 2025, 2026])
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    if rng.random() < 0.45:
        parent = None
        org_lines = ["ỦY BAN NHÂN DÂN", f"TỈNH {province.upper()}"]
        org_code = "UBND"
        authority = rng.choice(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", None])
        title = {"TM. ỦY BAN NHÂN DÂN": "CHỦ TỊCH", "KT. CHỦ TỊCH": "PHÓ CHỦ TỊCH"}.get(
            authority or "", "CHỦ TỊCH")
    else:
        parent = rng.choice([f"UBND TỈNH {province.upper()}",
                             f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}"])
        org_lines, org_code = rng.choice(DEPARTMENTS)
        org_lines = list(org_lines)
        authority = rng.choice(["KT. GIÁM ĐỐC", "TL. CHỦ TỊCH", None])
        title = {"KT. GIÁM ĐỐC": "PHÓ GIÁM ĐỐC", "TL. CHỦ TỊCH": "CHÁNH VĂN PHÒNG"}.get(
            authority or "", "GIÁM ĐỐC")
        if org_code == "VP":
            title = "CHÁNH VĂN PHÒNG" if authority is None else title
    number = f"{rng.randint(1, 2999):02d}"
    if abbr is None:
        symbol = f"{org_code}-{rng.choice(UNIT_CODES)}"
    else:
        symbol = f"{abbr}-{org_code}"
    topic = rng.choice(TOPICS) + (rng.choice(TAILS) if rng.random() < 0.5 else "")
    topic = topic.replace("{y}", str(year))
    if type_name == "Quyết định" and rng.random() < 0.5:
        topic = "Về việc " + topic
    else:
        topic = "Về " + topic if type_name != "Công văn" else topic
    abstract = topic[0].upper() + topic[1:] if type_name != "Công văn" else "V/v " + topic
    urgency = rng.choices([None, "Khẩn", "Thượng khẩn", "Hỏa tốc"], [0.7, 0.15, 0.1, 0.05])[0]
    secret = rng.choices([None, "Mật"], [0.95, 0.05])[0]
    recipients = rng.sample(RECIPIENTS, rng.randint(2, 5))
    recipients.append(f"Lưu: VT, {rng.choice(UNIT_CODES)}")
    if type_name == "Công văn":
        recipients.insert(0, "Như trên")
    n_par = 4 + 8 * (pages - 1) + rng.randint(0, 2)
    body = [rng.choice(BODY) for _ in range(n_par)]
    kinh_gui = rng.sample(RECIPIENTS[3:], 2) if type_name == "Công văn" else []
    return Document(parent, org_lines, number, symbol, province, (year, month, day), type_name,
                    abstract, urgency, secret, authority, title, _name(rng), recipients, body,
                    kinh_gui)
