"""Small born-digital Vietnamese administrative documents (text-layer PDFs) for intake tests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/noto")


@dataclass
class Letter:
    org: str = "SỞ TÀI CHÍNH TỈNH AN GIANG"
    parent: str = "UBND TỈNH AN GIANG"
    number: str = "125"
    symbol: str = "STC-NS"
    place: str = "An Giang"
    day: int = 5
    month: int = 3
    year: int = 2026
    abstract: str = "V/v hướng dẫn lập dự toán ngân sách năm 2027"
    body: str = "Thực hiện Luật Ngân sách nhà nước, Sở Tài chính hướng dẫn các cơ quan lập dự toán."
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = "Nguyễn Văn Mẫu"
    urgency: str | None = None


@cache
def _fonts() -> tuple[str, str]:
    regular, bold = FONT_DIR / "NotoSerif-Regular.ttf", FONT_DIR / "NotoSerif-Bold.ttf"
    if not regular.is_file():
        raise RuntimeError("fonts-noto-core is not installed (make test installs it)")
    return str(regular), str(bold)


def letter_pdf(letter: Letter | None = None, pages: int = 1) -> bytes:
    """A công văn laid out as Decree 30 prescribes: header columns, number and date, V/v, body,
    signature block, recipients."""
    lt = letter or Letter()
    regular, bold = _fonts()
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(30, 20, 15)
    pdf.add_font("serif", "", regular)
    pdf.add_font("serif", "B", bold)
    pdf.add_page()
    pdf.set_font("serif", "", 12)
    pdf.set_xy(20, 20)
    pdf.cell(80, 6, lt.parent, align="C")
    pdf.set_xy(100, 20)
    pdf.set_font("serif", "B", 12)
    pdf.cell(95, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_xy(20, 26)
    pdf.cell(80, 6, lt.org, align="C")
    pdf.set_xy(100, 26)
    pdf.cell(95, 6, "Độc lập - Tự do - Hạnh phúc", align="C")
    pdf.set_font("serif", "", 13)
    pdf.set_xy(20, 36)
    pdf.cell(80, 6, f"Số: {lt.number}/{lt.symbol}", align="C")
    pdf.set_xy(100, 36)
    pdf.cell(95, 6, f"{lt.place}, ngày {lt.day:02d} tháng {lt.month} năm {lt.year}", align="C")
    pdf.set_xy(20, 43)
    pdf.set_font("serif", "", 12)
    pdf.cell(80, 6, lt.abstract, align="C")
    if lt.urgency:
        pdf.set_xy(30, 52)
        pdf.set_font("serif", "B", 13)
        pdf.cell(30, 7, lt.urgency, border=1, align="C")
    pdf.set_font("serif", "", 14)
    pdf.set_xy(30, 65)
    for i in range(pages):
        if i:
            pdf.add_page()
        pdf.multi_cell(165, 8, f"Kính gửi: Các sở, ban, ngành tỉnh.\n\n{lt.body}\n" * 3)
    pdf.ln(10)
    y = pdf.get_y()
    pdf.set_font("serif", "B", 12)
    pdf.set_xy(30, y)
    pdf.cell(80, 6, "Nơi nhận:")
    pdf.set_xy(115, y)
    pdf.cell(80, 6, lt.signer_title, align="C")
    pdf.set_font("serif", "", 11)
    pdf.set_xy(30, y + 6)
    pdf.multi_cell(80, 5, "- Như trên;\n- Lưu: VT, NS.")
    pdf.set_font("serif", "B", 12)
    pdf.set_xy(115, y + 30)
    pdf.cell(80, 6, lt.signer_name, align="C")
    return bytes(pdf.output())
