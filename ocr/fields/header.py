"""Rules for the header of page 1 (Phụ lục I boxes 1–4, 10): issuing and parent organization,
number and symbol, place and date, urgency and confidentiality marks."""

from __future__ import annotations

import datetime as dt
import re

from ocr.doctypes import BY_ABBREVIATION, COPY_ABBREVIATIONS
from ocr.fields.base import (
    empty,
    folded,
    is_upper,
    line_text,
    make_field,
    words_in_span,
)
from ocr.fields.text import edit_distance, fold, known_place, restore_upper
from ocr.model import Field, Line, Word

_SO = re.compile(r"^\W{0,3}S[O0Ô6E]\s*[:;.,]?\s*")
# "Số:" with nothing readable after it; not "SỞ KHOA HỌC" (SỞ folds to SO as well)
_SO_ALONE = re.compile(r"^\W{0,3}S[O0Ô6E]\s*([:;.,]|[:;.,]?[\s\d\W]*$)")
_NUMBER = re.compile(r"^(?P<num>\S*?)\s*/{1,2}\s*(?P<sym>\S+)")
_SYMBOL_PART = re.compile(r"^[A-Za-zĐđ0-9]+$")
_LEADING_JUNK = re.compile(r"^[^A-Za-zĐđ0-9]+(?=[A-Za-zĐđ0-9]+$)")
_DATE = re.compile(r"NGAY\s*(?P<d>\S{1,3})\s+THANG\s*(?P<m>\S{1,3})\s+NAM\s*(?P<y>\S{3,5})")
_DIGIT_SLIPS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"})
# Look-alikes tesseract emits in the number line: the Icelandic eth for Đ ("QĐÐ-UBND") and
# fraction or division slashes beside the real one ("1445⁄/GM-VP"). One character each, so
# that offsets into the line's text still find its words.
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "⁄": "/", "∕": "/"})

_ORG_HEADS = ("UY BAN", "UBND", "HOI DONG", "HDND", "SO ", "BO ", "BAN ", "VAN PHONG", "CUC ",
              "CHI CUC", "TONG CUC", "PHONG ", "TRUNG TAM", "TRUONG ", "BENH VIEN", "CONG AN",
              "THANH TRA", "KHO BAC", "DANG BO", "DANG UY", "TINH UY", "THANH UY", "VIEN ",
              "DAI HOC", "CONG TY", "TOA AN", "BO CHI HUY", "CHI NHANH", "DAI ", "BAO ",
              "HOI ", "LIEN DOAN", "MAT TRAN", "DOAN ")
_KNOWN = set(BY_ABBREVIATION) | set(COPY_ABBREVIATIONS)
_ABBREVIATIONS = {fold(a): a for a in _KNOWN}
# Abbreviations that fold alike (HD Hướng dẫn / HĐ Hợp đồng, DA / ĐA): never "repaired".
_AMBIGUOUS = {k for k in _ABBREVIATIONS if sum(fold(a) == k for a in _KNOWN) > 1}


def number_line(lines: list[Line]) -> Line | None:
    """The "Số: …/…" line of the header (left column, upper part of page 1): the topmost line
    that starts with "Số" and holds a slash, or "Số:" alone (a number left blank or written
    in by hand). Topmost: a body line may start with "số 30/2020/NĐ-CP" too."""
    for line in lines:
        if line.box.y0 > 0.45 or line.box.cx > 0.55:
            continue
        key = folded(line)
        if _SO.match(key) and "/" in line.text:
            return line
        if _SO_ALONE.match(key):
            return _with_symbol(line, lines)
    return None


def _with_symbol(line: Line, lines: list[Line]) -> Line:
    """A blank number (or one written in by hand) leaves a gap that splits the row: "Số:" and,
    further right on the same row, "/QĐ-UBND". Join them again."""
    for other in lines:
        b, a = other.box, line.box
        if other is line or b.x0 <= a.x1 or b.x0 - a.x1 > 0.25 or b.cx > 0.6:
            continue
        if min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * min(a.height, b.height) \
                and other.text.lstrip().startswith("/"):
            return Line(line.words + other.words, line.page)
    return line


def number_and_symbol(lines: list[Line], page: int) -> tuple[Field, Field]:
    line = number_line(lines)
    if line is None:
        return empty("number"), empty("symbol")
    text = line_text(line).translate(_LOOKALIKES)
    prefix = _SO.match(fold(text))
    rest_at = prefix.end() if prefix else 0
    m = _NUMBER.match(text[rest_at:])
    if not m:
        return empty("number", page=page), _symbol_without_slash(line, text, rest_at, page)
    num_raw, sym_raw = m.group("num"), m.group("sym").rstrip(".,;:")
    num_words = words_in_span(line, rest_at + m.start("num"), rest_at + m.end("num"))
    sym_words = words_in_span(line, rest_at + m.start("sym"), rest_at + m.end("sym"))
    number = _number(num_raw, line, num_words, page)
    symbol = _symbol(sym_raw, sym_words, page)
    return number, symbol


_GLUED = re.compile(r"(?P<sym>[A-Za-zĐđ]+(?:-[A-Za-zĐđ0-9]+)+)[.,;]?$")


def _symbol_without_slash(line: Line, text: str, start: int, page: int) -> Field:
    """A handwritten number often swallows the slash ("72TB-UBND", "2W@-UBND"): the symbol
    is still readable when its type part is a known abbreviation."""
    rest = text[start:].strip()
    m = _GLUED.search(rest)
    if not m:
        return empty("symbol", 0.0, page)
    sym = m.group("sym")
    head = sym.split("-")[0]
    for key in sorted(_KNOWN, key=len, reverse=True):
        if head.endswith(key) and len(head) > len(key):
            sym = sym[len(head) - len(key):]
            break
    else:
        if head not in _KNOWN:
            return empty("symbol", 0.0, page)
    at = start + (len(text[start:]) - len(text[start:].lstrip())) + m.start("sym")
    words = words_in_span(line, at, at + len(m.group("sym")))
    field = _symbol(sym, words, page)
    field.confidence = round(field.confidence * 0.7, 3)
    return field


def _number(raw: str, line: Line, words: list[Word], page: int) -> Field:
    if not raw:
        return empty("number", 0.5, page)  # a blank number: not yet numbered
    if raw.isdigit() and len(raw) <= 5:
        return make_field("number", raw, words or line.words, page)
    fixed = raw.translate(_DIGIT_SLIPS)
    if fixed.isdigit() and len(fixed) <= 5:
        return make_field("number", fixed, words or line.words, page, rule=0.6)
    return empty("number", 0.0, page)  # handwriting or a stamp: better no value than a guess


def _symbol(raw: str, words: list[Word], page: int) -> Field:
    parts = raw.split("/")
    year = ""
    if len(parts) == 2 and parts[0].isdigit() and len(parts[0]) == 4:
        year, raw = parts[0] + "/", parts[1]  # legal documents: 03/2023/NQ-HĐND
    elif len(parts) != 1:
        return empty("symbol", 0.0, page)
    rule = 1.0
    if "--" in raw:  # a doubled hyphen: a speck of the handwriting left beside it
        raw, rule = re.sub(r"-{2,}", "-", raw), 0.8
    groups = [g for g in raw.split("-")]
    junk = _LEADING_JUNK.match(groups[0])
    if junk and len(groups) > 1:  # "¿HD-BQLKKT": a speck left of the type part
        groups[0], rule = groups[0][junk.end():], 0.8
    if not all(_SYMBOL_PART.match(g) for g in groups[1:]):
        return empty("symbol", 0.0, page)
    if not _SYMBOL_PART.match(groups[0]):
        if year or len(groups) < 2:
            return empty("symbol", 0.0, page)
        # The type part broken by the handwriting over it ("NÑ(@)-UBND", "TT:-UBND"): kept
        # as "-UBND" for fields._symbol_from_title to complete from the title, or drop.
        return make_field("symbol", "-" + "-".join(g.upper() for g in groups[1:]), words,
                          page, 0.6)
    head = groups[0]
    canon = _ABBREVIATIONS.get(fold(head))
    if head in _KNOWN:
        pass
    elif canon and canon != head and fold(head) not in _AMBIGUOUS:
        groups[0], rule = canon, 0.9  # "QD" read for "QĐ", "QYĐ" for "QyĐ"
    elif undoubled := _undoubled(head):
        groups[0], rule = undoubled, 0.85  # "QĐĐ": one letter read twice
    elif len(groups) == 1:
        # A lost hyphen: "QĐUBND" → "QĐ-UBND" when it starts with a known type abbreviation.
        for key in sorted(_ABBREVIATIONS, key=len, reverse=True):
            if fold(head).startswith(key) and len(head) > len(key) + 1:
                groups = [_ABBREVIATIONS[key], head[len(key):].upper()]
                rule = 0.75
                break
    groups = [groups[0]] + [g.upper() for g in groups[1:]]
    return make_field("symbol", year + "-".join(groups), words, page, rule)


def _undoubled(head: str) -> str | None:
    """The known abbreviation ``head`` becomes with a letter read two or three times read
    once ("QĐĐ", "QĐĐĐ" for "QĐ"; "TTr" keeps its two Ts)."""
    for i in range(1, len(head)):
        for run in (2, 3):
            if head[i - 1:i - 1 + run] == head[i - 1] * run:
                cand = head[:i] + head[i - 1 + run:]
                if cand in _KNOWN:
                    return cand
    return None


def place_and_date(lines: list[Line], page: int) -> tuple[Field, Field]:
    for line in lines:
        if line.box.y0 > 0.45:
            continue
        text = line_text(line)
        f = fold(text)
        m = _DATE.search(f)
        if not m:
            continue
        date = _date(line, m, page)
        place = _place(line, text[: m.start()], page)
        return place, date
    return empty("place"), empty("date")


def _int_token(raw: str) -> tuple[int | None, float]:
    if raw.isdigit():
        return int(raw), 1.0
    fixed = raw.translate(_DIGIT_SLIPS)
    if fixed.isdigit():
        return int(fixed), 0.6
    return None, 0.0


def _date(line: Line, m: re.Match[str], page: int) -> Field:
    d, rd = _int_token(m.group("d"))
    mo, rm = _int_token(m.group("m"))
    y, ry = _int_token(m.group("y").rstrip(".,;"))
    words = words_in_span(line, m.start("d"), m.end("d")) + words_in_span(
        line, m.start("m"), m.end("m")) + words_in_span(line, m.start("y"), m.end("y"))
    if d is None or mo is None or y is None:
        return empty("date", 0.0, page)
    try:
        value = dt.date(y, mo, d)
    except ValueError:
        return empty("date", 0.0, page)
    if not 1945 <= y <= dt.date.today().year + 1:
        return empty("date", 0.0, page)
    return make_field("date", value.isoformat(), words, page, min(rd, rm, ry))


def _place(line: Line, before: str, page: int) -> Field:
    raw = before.strip().rstrip(",.;: ").strip()
    if not raw:
        return empty("place", 0.0, page)
    words = words_in_span(line, 0, len(before.rstrip()))
    canon = known_place(raw)
    if canon:
        return make_field("place", canon, words, page)
    return make_field("place", raw, words, page, rule=0.85)


def organizations(lines: list[Line], page: int) -> tuple[Field, Field]:
    """Parent body and issuing organization from the left header column, above "Số"."""
    anchor = number_line(lines)
    limit = anchor.box.y0 if anchor else 0.22
    col = [ln for ln in lines if ln.box.y1 <= limit + 0.002 and ln.box.cx < 0.5
           and ln.box.y0 < 0.25 and is_upper(ln, 0.7)]
    col = [ln for ln in col if "CONG HOA" not in folded(ln) and "DOC LAP" not in folded(ln)]
    if not col:
        return empty("parent_org"), empty("issuing_org")
    split = 0
    for i, ln in enumerate(col):
        if i > 0 and folded(ln).startswith(_ORG_HEADS):
            split = i
    parent, issuing = col[:split], col[split:]
    issuing_field = _org("issuing_org", issuing, page)
    if not parent:
        # No parent line: sure only when the issuing organization was read well.
        return empty("parent_org", issuing_field.confidence * 0.8, page), issuing_field
    return _org("parent_org", parent, page), issuing_field


def _org(name: str, lines: list[Line], page: int) -> Field:
    text = " ".join(line_text(ln) for ln in lines)
    fixed, known = restore_upper(text)
    rule = 1.0 if known >= 0.99 else 0.9 if known >= 0.75 else 0.7
    if name == "issuing_org" and fold(fixed).startswith("UBND "):
        rule *= 0.6  # "UBND TỈNH …" is how a parent body is abbreviated: a line may be lost
    return make_field(name, fixed, [w for ln in lines for w in ln.words], page, rule)


_MARKS = {
    "urgency": [("HOA TOC", "Hỏa tốc"), ("THUONG KHAN", "Thượng khẩn"), ("KHAN", "Khẩn")],
    "confidentiality": [("TUYET MAT", "Tuyệt mật"), ("TOI MAT", "Tối mật"), ("MAT", "Mật")],
}


def marks(lines: list[Line], page: int, absent_conf: float) -> tuple[Field, Field]:
    """Urgency (box 10b) and confidentiality (box 10a) stamps: short upper-case lines in the
    left half of the header area."""
    found: dict[str, Field] = {}
    for line in lines:
        if line.box.y0 > 0.45 or line.box.cx > 0.6:
            continue
        key = re.sub(r"[^A-Z ]", "", folded(line)).strip()
        key = re.sub(r"\s+", " ", key)
        key = key.replace(" ", "")
        for name, options in _MARKS.items():
            if name in found:
                continue
            for pattern, value in options:
                target = pattern.replace(" ", "")
                if abs(len(key) - len(target)) > 1:  # more than one slip apart: skip the DP
                    continue
                d = edit_distance(key, target)
                # One slip is forgiven in the longer marks ("THUONGKHAN" read "THUGKHAN" is 2).
                if d == 0 or (d == 1 and len(pattern) >= 7):
                    found[name] = make_field(name, value, line.words, page, 1.0 - 0.15 * d)
                    break
    out = []
    for name in ("urgency", "confidentiality"):
        out.append(found.get(name) or empty(name, absent_conf, page))
    return out[0], out[1]
