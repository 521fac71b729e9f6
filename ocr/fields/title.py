"""Rules for the type name and the abstract (box 5a), or the "V/v …" line of a công văn (5b)."""

from __future__ import annotations

import re

from ocr.doctypes import ALL_TYPES, BY_ABBREVIATION
from ocr.fields.base import empty, folded, is_upper, line_text, make_field, median_height
from ocr.fields.text import edit_distance, fold
from ocr.model import Field, Line

_TYPE_KEYS = {fold(t): t for t in ALL_TYPES}
_VV = re.compile(r"^\W{0,2}V\s*/\s*V\b")
_MARK_WORDS = {"HOA TOC", "THUONG KHAN", "KHAN", "TUYET MAT", "TOI MAT", "MAT"}
_STOP = ("CAN CU", "KINH GUI", "THUC HIEN", "THEO DE NGHI", "XET DE NGHI", "QUYET DINH:")


def title_line(lines: list[Line], after_y: float) -> tuple[Line, str, float] | None:
    """The centred type name under the header: (line, type, rule confidence)."""
    for line in lines:
        if line.box.y0 < after_y or line.box.y0 > 0.6 or not is_upper(line, 0.7):
            continue
        key = re.sub(r"[^A-Z ]", "", folded(line)).strip()
        key = re.sub(r"\s+", " ", key)
        if not key or len(key) > 24:
            continue
        if key in _TYPE_KEYS:
            return line, _TYPE_KEYS[key], 1.0
        best = min(_TYPE_KEYS, key=lambda k: edit_distance(k, key))
        if len(key) >= 6 and edit_distance(best, key) == 1:
            return line, _TYPE_KEYS[best], 0.85
    return None


def doc_type_and_abstract(lines: list[Line], page: int, after_y: float,
                          symbol: str | None) -> tuple[Field, Field]:
    found = title_line(lines, after_y)
    from_symbol = _type_from_symbol(symbol)
    if found:
        line, name, rule = found
        if from_symbol and from_symbol != name:
            rule *= 0.7  # title and symbol disagree: one of them was misread
        elif from_symbol == name:
            rule = min(1.0, rule * 1.1)
        doc_type = make_field("doc_type", name, line.words, page, rule)
        if from_symbol == name and doc_type.confidence < 0.95:
            doc_type.confidence = round(max(doc_type.confidence, 0.95), 3)
        return doc_type, _abstract_below(lines, line, page)
    vv = _vv_line(lines, after_y)
    if vv is not None:
        abstract = _abstract_vv(lines, vv, page)
        rule = 0.98 if symbol and from_symbol is None else 0.8
        return make_field("doc_type", "Công văn", vv.words[:2], page, rule), abstract
    if from_symbol:
        return Field("doc_type", from_symbol, 0.6, page), empty("abstract")
    return empty("doc_type"), empty("abstract")


def _type_from_symbol(symbol: str | None) -> str | None:
    if not symbol:
        return None
    part = symbol.split("/")[-1].split("-")[0]
    return BY_ABBREVIATION.get(part)


def _abstract_below(lines: list[Line], title: Line, page: int) -> Field:
    idx = lines.index(title)
    h = median_height(lines)
    picked: list[Line] = []
    prev = title
    first_gap = None
    for line in lines[idx + 1:]:
        gap = line.box.y0 - prev.box.y1
        if gap > 2.2 * h or (first_gap is not None and gap > 1.6 * first_gap + 0.2 * h):
            break  # the space (and rule) between the abstract and the body
        # Centred, narrower than the body: justified body lines reach the right margin.
        if abs(line.box.cx - title.box.cx) > 0.03 or line.box.width > 0.68:
            break
        if folded(line).startswith(_STOP):
            break
        if title.words[0].weight >= 600 and 0 < line.words[0].weight < 600:
            break  # text layer: the abstract is bold like the title, the body is not
        picked.append(line)
        first_gap = gap if first_gap is None else first_gap
        prev = line
    if not picked:
        return empty("abstract", 0.0, page)
    text = " ".join(line_text(ln) for ln in picked)
    return make_field("abstract", text, [w for ln in picked for w in ln.words], page)


def _vv_line(lines: list[Line], after_y: float) -> Line | None:
    for line in lines:
        if line.box.y0 >= after_y - 0.01 and line.box.y0 < 0.5 and line.box.cx < 0.5 \
                and _VV.match(folded(line)):
            return line
    return None


def _abstract_vv(lines: list[Line], vv: Line, page: int) -> Field:
    h = median_height(lines)
    picked = [vv]
    prev = vv
    for line in lines[lines.index(vv) + 1:]:
        if line.box.cx > 0.5 or line.box.x0 > 0.45:
            continue  # the right column on the same rows
        if line.box.y0 - prev.box.y1 > 1.8 * h or folded(line).startswith(_STOP):
            break
        if re.sub(r"[^A-Z ]", "", folded(line)).strip() in _MARK_WORDS:
            break  # the urgency or confidentiality stamp under the abstract
        if abs(line.box.cx - vv.box.cx) > 0.08:
            break
        picked.append(line)
        prev = line
    text = " ".join(line_text(ln) for ln in picked)
    text = re.sub(r"^\W{0,2}[Vv]\s*/\s*[Vv]\s*", "V/v ", text)
    return make_field("abstract", text, [w for ln in picked for w in ln.words], page)
