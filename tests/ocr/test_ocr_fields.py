"""The field rules on OCR-like lines: slips are repaired or reported as unsure, never as a
confident wrong value."""

from __future__ import annotations

import pytest

from ocr.fields import FIELD_NAMES, extract_fields
from ocr.model import Box, Line, PageReading, Word


def _line(text: str, x0: float, y0: float, x1: float, conf: float = 0.95,
          page: int = 1, h: float = 0.014) -> Line:
    parts = text.split()
    step = (x1 - x0) / max(1, len(text))
    words, x = [], x0
    for p in parts:
        words.append(Word(p, Box(x, y0, x + step * len(p), y0 + h), conf))
        x += step * (len(p) + 1)
    return Line(words, page)


def _page(lines: list[Line], number: int = 1, source: str = "ocr") -> PageReading:
    return PageReading(number, source, "\n".join(ln.text for ln in lines), lines, 0.0)


def _header(number_line: str = "Số: 1961/QĐ-UBND", title: str = "QUYẾT ĐỊNH",
            date_line: str = "An Giang, ngày 05 tháng 3 năm 2026",
            conf: float = 0.95) -> list[Line]:
    return [
        _line("ỦY BAN NHÂN DÂN", 0.22, 0.068, 0.42, conf),
        _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 0.47, 0.068, 0.89, conf),
        _line("TỈNH AN GIANG", 0.25, 0.086, 0.40, conf),
        _line("Độc lập - Tự do - Hạnh phúc", 0.55, 0.088, 0.80, conf),
        _line(number_line, 0.22, 0.115, 0.42, conf),
        _line(date_line, 0.52, 0.115, 0.85, conf),
        _line(title, 0.47, 0.16, 0.60, conf),
        _line("Về việc ban hành Quy chế phối hợp giải quyết", 0.26, 0.18, 0.81, conf),
        _line("thủ tục hành chính", 0.42, 0.20, 0.65, conf),
        _line("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
              0.19, 0.23, 0.93, conf),
    ]


def _fields(lines: list[Line]) -> dict:
    return extract_fields([_page(lines)])


def test_clean_header() -> None:
    f = _fields(_header(conf=0.98))
    assert f["issuing_org"].value == "ỦY BAN NHÂN DÂN TỈNH AN GIANG"
    assert f["parent_org"].value is None
    assert (f["number"].value, f["symbol"].value) == ("1961", "QĐ-UBND")
    assert (f["place"].value, f["date"].value) == ("An Giang", "2026-03-05")
    assert f["doc_type"].value == "Quyết định"
    assert f["abstract"].value == ("Về việc ban hành Quy chế phối hợp giải quyết thủ tục "
                                   "hành chính")
    for name in ("issuing_org", "number", "symbol", "date", "doc_type", "abstract"):
        assert f[name].confidence >= 0.9, name
        assert f[name].page == 1 and f[name].box is not None
    assert set(f) == set(FIELD_NAMES)


def test_stacked_diacritic_slip_in_title() -> None:
    f = _fields(_header(title="QUYÉT ĐỊNH"))
    assert f["doc_type"].value == "Quyết định"


def test_lost_hyphen_in_symbol_is_repaired_with_less_confidence() -> None:
    f = _fields(_header(number_line="Số: 1961/QĐUBND"))
    assert f["symbol"].value == "QĐ-UBND"
    assert f["symbol"].confidence < 0.9


def test_en_dash_and_old_tone_placement() -> None:
    lines = _header(number_line="Số: 45/QĐ–UBND")
    lines[0] = _line("UỶ BAN NHÂN DÂN", 0.22, 0.068, 0.42)
    f = _fields(lines)
    assert f["symbol"].value == "QĐ-UBND"
    assert f["issuing_org"].value.startswith("UỶ BAN NHÂN DÂN")


@pytest.mark.parametrize("number_line", ["Số: 9{ /QĐ-UBND", "Số:    /QĐ-UBND", "Số: 72QĐ-UBND"])
def test_handwritten_or_blank_number_is_not_guessed(number_line: str) -> None:
    f = _fields(_header(number_line=number_line))
    assert f["number"].value is None
    assert f["symbol"].value == "QĐ-UBND"


def test_unsure_number_reports_low_confidence() -> None:
    lines = _header()
    num = lines[4]
    num.words[1] = Word("1961/QĐ-UBND", num.words[1].box, 0.55)  # a smudged, stamped number
    f = _fields(lines)
    assert f["number"].value == "1961"
    assert f["number"].confidence < 0.5


def test_impossible_day_gives_no_date() -> None:
    f = _fields(_header(date_line="An Giang, ngày 80 tháng 3 năm 2024"))
    assert f["date"].value is None
    assert f["place"].value == "An Giang"


def test_legal_document_number_with_year() -> None:
    f = _fields(_header(number_line="Số: 03/2023/NQ-HĐND", title="NGHỊ QUYẾT"))
    assert (f["number"].value, f["symbol"].value) == ("03", "2023/NQ-HĐND")
    assert f["doc_type"].value == "Nghị quyết"


def test_title_and_symbol_that_disagree_lower_the_type_confidence() -> None:
    agree = _fields(_header())["doc_type"].confidence
    disagree = _fields(_header(number_line="Số: 12/KH-UBND"))["doc_type"]
    assert disagree.value == "Quyết định"
    assert disagree.confidence < agree


def test_cong_van_abstract_and_parent_org() -> None:
    lines = [
        _line("UBND TỈNH AN GIANG", 0.21, 0.068, 0.44),
        _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 0.47, 0.068, 0.89),
        _line("SỞ GIÁO DỤC", 0.24, 0.086, 0.40),
        _line("Độc lập - Tự do - Hạnh phúc", 0.55, 0.088, 0.80),
        _line("VÀ ĐÀO TẠO", 0.25, 0.102, 0.39),
        _line("Số: 205/SGDĐT-VP", 0.23, 0.125, 0.41),
        _line("An Giang, ngày 27 tháng 09 năm 2025", 0.52, 0.125, 0.85),
        _line("V/v tổ chức kỳ thi tốt nghiệp trung học", 0.16, 0.145, 0.49),
        _line("phổ thông năm 2026", 0.24, 0.162, 0.41),
        _line("KHẨN", 0.28, 0.19, 0.35),
        _line("Kính gửi: Các trường trung học phổ thông.", 0.30, 0.23, 0.80),
    ]
    f = _fields(lines)
    assert f["parent_org"].value == "UBND TỈNH AN GIANG"
    assert f["issuing_org"].value == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert f["doc_type"].value == "Công văn"
    assert f["abstract"].value == "V/v tổ chức kỳ thi tốt nghiệp trung học phổ thông năm 2026"
    assert f["urgency"].value == "Khẩn"
    assert f["date"].value == "2025-09-27"


def test_signature_block_and_recipients_on_the_last_page() -> None:
    body = _page(_header())
    sig = _page([
        _line("Nơi nhận:", 0.14, 0.60, 0.23),
        _line("KT. CHỦ TỊCH", 0.67, 0.60, 0.81),
        _line("- Văn phòng Chính phủ;", 0.14, 0.62, 0.32),
        _line("PHÓ CHỦ TỊCH", 0.66, 0.62, 0.82),
        _line("- Trung tâm Phục vụ hành chính", 0.14, 0.64, 0.43),
        _line("công tỉnh;", 0.15, 0.655, 0.24),
        _line("- Lưu VI, KGVX.", 0.14, 0.67, 0.29),
        _line("Nguyên Văn An", 0.67, 0.72, 0.80),
    ], number=2)
    f = extract_fields([body, sig])
    assert f["signer_authority"].value == "KT. CHỦ TỊCH"
    assert f["signer_title"].value == "PHÓ CHỦ TỊCH"
    assert f["signer_name"].value == "Nguyễn Văn An"  # the family name from the closed list
    assert f["signer_name"].page == 2
    assert f["recipients"].value == ["Văn phòng Chính phủ",
                                     "Trung tâm Phục vụ hành chính công tỉnh",
                                     "Lưu: VT, KGVX"]


def test_low_ocr_confidence_is_passed_on() -> None:
    f = _fields(_header(conf=0.6))
    for name in ("issuing_org", "number", "symbol", "date", "abstract"):
        assert f[name].value is not None
        assert f[name].confidence < 0.5, name
    # The title and the symbol's type part are two readings that agree: that is evidence.
    assert f["doc_type"].confidence >= 0.9


def test_unsure_unit_code_in_the_archive_line_keeps_recipients_unsure() -> None:
    sig = [_line("Nơi nhận:", 0.14, 0.60, 0.23), _line("GIÁM ĐỐC", 0.67, 0.60, 0.81),
           _line("- Bộ Nội vụ;", 0.14, 0.62, 0.25), _line("- Lưu: VT, VPE.", 0.14, 0.64, 0.29)]
    sig[-1].words[-1] = Word("VPE.", sig[-1].words[-1].box, 0.5)
    f = extract_fields([_page(_header() + sig)])
    assert f["recipients"].value == ["Bộ Nội vụ", "Lưu: VT, VPE"]
    assert f["recipients"].confidence < 0.5


def test_blank_number_after_a_department_header_keeps_its_symbol() -> None:
    """A blank (or handwritten) number splits the row in two: "Số:" and "/TB-SKHCN". The
    department line "SỞ KHOA HỌC" above also folds to "SO …" and must not be taken for it."""
    lines = _header()
    lines[0] = _line("SỞ KHOA HỌC", 0.24, 0.068, 0.40)
    lines[2] = _line("VÀ CÔNG NGHỆ", 0.24, 0.086, 0.40)
    lines[4] = _line("Số:", 0.22, 0.115, 0.25)
    lines.insert(5, _line("/TB-SKHCN", 0.30, 0.115, 0.40))
    f = _fields(lines)
    assert f["number"].value is None
    assert f["symbol"].value == "TB-SKHCN"
    assert f["issuing_org"].value == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"


@pytest.mark.parametrize("symbol", ["QĐÐ-UBND", "QĐĐĐ-UBND"])
def test_eth_read_for_d_with_stroke_and_doubled_gives_the_symbol_unsure(symbol: str) -> None:
    """Tesseract reads "QĐ" on a skewed scan as "QĐÐ" (the second letter the Icelandic eth),
    beside a handwritten number even "QĐĐĐ"."""
    f = _fields(_header(number_line=f"Số: 88/{symbol}"))
    assert (f["number"].value, f["symbol"].value) == ("88", "QĐ-UBND")
    assert f["symbol"].confidence < 0.9


def test_fraction_slash_beside_the_slash_keeps_the_number() -> None:
    lines = _header(number_line="Số: 1445⁄/GM-VP", title="GIẤY MỜI")
    f = _fields(lines)
    assert (f["number"].value, f["symbol"].value) == ("1445", "GM-VP")


def test_handwritten_number_blank_is_not_taken_from_a_body_line_citing_a_decree() -> None:
    """With the number written in by hand, the "Số:" line has no slash of its own; a body line
    that starts "số 30/2020/NĐ-CP" must not be read as the document's number."""
    lines = _header()
    lines[4] = _line("Số:", 0.22, 0.115, 0.25)
    lines.insert(5, _line("/QĐ-UBND", 0.30, 0.115, 0.40))
    lines.append(_line("số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
                       0.14, 0.25, 0.93))
    f = _fields(lines)
    assert f["number"].value is None
    assert f["symbol"].value == "QĐ-UBND"


@pytest.mark.parametrize(("symbol", "title", "want"), [
    ("NÑ(@)-UBND", "NGHỊ QUYẾT", "NQ-UBND"),
    ("TT:-UBND", "TỜ TRÌNH", "TTr-UBND"),
    ("¿HD-BQLKKT", "HƯỚNG DẪN", "HD-BQLKKT"),
])
def test_type_part_broken_by_the_handwriting_is_taken_from_the_title(
        symbol: str, title: str, want: str) -> None:
    """The blue digits written over the symbol's type part leave holes in its print."""
    f = _fields(_header(number_line=f"Số: 1650 /{symbol}", title=title))
    assert f["symbol"].value == want
    assert f["symbol"].confidence < 0.9


def test_broken_type_part_without_a_title_gives_no_symbol() -> None:
    lines = [ln for ln in _header(number_line="Số: 1650 /NÑ(@)-UBND")
             if ln.text != "QUYẾT ĐỊNH"]
    f = _fields(lines)
    assert f["symbol"].value is None


def test_type_part_two_slips_from_a_long_title_abbreviation_is_repaired_unsure() -> None:
    f = _fields(_header(number_line="Số: 123 /FIr-SNV", title="TỜ TRÌNH"))
    assert f["symbol"].value == "TTr-SNV"
    assert f["symbol"].confidence < 0.6


def test_copy_symbol_is_not_taken_for_a_slip() -> None:
    f = _fields(_header(number_line="Số: 12/SY-UBND"))
    assert f["symbol"].value == "SY-UBND"
