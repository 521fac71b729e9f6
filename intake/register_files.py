"""A register written as CSV, XLSX, or a printable PDF laid out like the paper book: a cover
with the decree's fields (Năm, Từ ngày … đến ngày, Từ số … đến số, Quyển số), then the table
with its numbered columns on landscape A4 pages.

The writers take a ``registry.registers.Register``: the incoming and tracking registers of
``intake.registers`` and the outgoing register of ``signing.workflow``."""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from registry.registers import Register

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
     "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"),
]


def to_csv(register: Register) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(register.columns)
    writer.writerows(register.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def to_xlsx(register: Register) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sổ"
    sheet.append([register.title])
    period = f"{register.period_from:%d/%m/%Y} đến ngày {register.period_to:%d/%m/%Y}"
    sheet.append([f"Từ ngày {period}"])
    sheet.append(register.columns)
    sheet.append([f"({i})" for i in range(1, len(register.columns) + 1)])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet["A1"].font = Font(bold=True, size=14)
    for row in register.rows:
        sheet.append(row)
    for i, name in enumerate(register.columns):
        wide = "trích yếu" in name or "Tên loại, số" in name
        sheet.column_dimensions[chr(ord("A") + i)].width = 48 if wide else 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@cache
def _font_files() -> tuple[str, str]:
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    raise RuntimeError(
        "no font with Vietnamese glyphs: install fonts-liberation2 or fonts-noto-core"
    )


def to_pdf(register: Register, organization: str, parent: str = "", volume: int = 1) -> bytes:
    regular, bold = _font_files()
    pdf = FPDF(orientation="L", format="A4", unit="mm")
    pdf.add_font("serif", "", regular)
    pdf.add_font("serif", "B", bold)
    pdf.set_auto_page_break(True, margin=15)
    _cover(pdf, register, organization, parent, volume)
    pdf.add_page()
    widths = _widths(register, pdf.epw)
    pdf.set_font("serif", "", 9)
    with pdf.table(col_widths=widths, line_height=5, text_align="LEFT",
                   headings_style=_heading_style()) as table:
        table.row(register.columns)
        table.row([f"({i})" for i in range(1, len(register.columns) + 1)])
        for row in register.rows:
            table.row(row)
    return bytes(pdf.output())


def _heading_style():  # noqa: ANN202
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD")


def _widths(register: Register, total: float) -> tuple[float, ...]:
    # The type-and-summary column gets the room; the signature column stays blank for ink.
    weights = [3] * len(register.columns)
    for i, name in enumerate(register.columns):
        if "trích yếu" in name or "Tên loại, số" in name:
            weights[i] = 9
        elif name in ("Số đến", "Ký nhận"):
            weights[i] = 2
    scale = total / sum(weights)
    return tuple(w * scale for w in weights)


def _cover(pdf: FPDF, register: Register, organization: str, parent: str, volume: int) -> None:
    pdf.add_page()
    pdf.set_font("serif", "", 13)
    if parent:
        pdf.cell(0, 8, parent.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "B", 13)
    pdf.cell(0, 8, organization.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(35)
    pdf.set_font("serif", "B", 24)
    pdf.cell(0, 14, register.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("serif", "", 14)
    first = register.first_number if register.first_number is not None else "…"
    last = register.last_number if register.last_number is not None else "…"
    for line in (
        f"Năm: {register.year}",
        f"Từ ngày {register.period_from:%d/%m/%Y} đến ngày {register.period_to:%d/%m/%Y}",
        f"Từ số {first} đến số {last}",
        f"Quyển số: {volume:02d}",
    ):
        pdf.cell(0, 9, line, align="C", new_x="LMARGIN", new_y="NEXT")
