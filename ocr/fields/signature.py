"""Rules for the signature block (boxes 7a–7b) and the Nơi nhận list (9b). The block is found on
the last page that has one: signature pages are not always the last page."""

from __future__ import annotations

import re

from ocr.fields.base import empty, folded, is_upper, line_text, make_field, median_height
from ocr.fields.text import edit_distance, fold, nfc, restore_upper
from ocr.model import Field, Line, PageReading

_AUTHORITY = re.compile(r"^\W{0,2}(TM|KT|TL|TUQ|Q)\s*[.,:]\s*(\S.*)$")
_CANON_PREFIX = {"TM": "TM.", "KT": "KT.", "TL": "TL.", "TUQ": "TUQ.", "Q": "Q."}
_NOI_NHAN = re.compile(r"^\W{0,2}NOI\s*NHAN\b")
_NAME = re.compile(r"^[A-ZÀ-ỸĐ][a-zà-ỹđ]+(?: [A-ZÀ-ỸĐ][a-zà-ỹđ]+){1,5}$")
_BULLET = re.compile(r"^\s*[-–—•+*]\s*")
_LUU = re.compile(r"^L[ưu]u\s*[:;.]?\s*([A-Za-z]{1,4})[,.;]?\s*(.*)$")
_LUU_WORDS = re.compile(r"^(-|LUU\W*|[A-Z]{1,3}[,.;]?)$")
FIELDS = ("signer_authority", "signer_title", "signer_name", "recipients")


def signature_fields(pages: list[PageReading]) -> dict[str, Field]:
    for page in reversed(pages):
        lines = page.lines
        anchor = next((ln for ln in lines if _NOI_NHAN.match(folded(ln))
                       and ln.box.cx < 0.5), None)
        authority = next((ln for ln in lines if ln.box.cx > 0.5 and
                          _AUTHORITY.match(folded(ln))), None)
        if anchor is None and authority is None:
            continue
        out = _signer(lines, anchor, authority, page.number)
        out["recipients"] = _recipients(lines, anchor, page.number) if anchor else empty(
            "recipients", 0.0, page.number)
        return out
    return {name: empty(name) for name in FIELDS}


def _signer(lines: list[Line], anchor: Line | None, authority: Line | None,
            page: int) -> dict[str, Field]:
    h = median_height(lines)
    start_y = (authority or anchor).box.y0 - h  # type: ignore[union-attr]
    right = [ln for ln in lines if ln.box.cx > 0.5 and ln.box.y0 >= start_y]
    out: dict[str, Field] = {}
    idx = 0
    if authority is not None and authority in right:
        m = _AUTHORITY.match(folded(authority))
        assert m is not None
        text = line_text(authority)
        rest = text[len(text) - len(m.group(2)):] if len(m.group(2)) <= len(text) else text
        rest_fixed, known = restore_upper(rest)
        value = f"{_CANON_PREFIX[m.group(1)]} {rest_fixed}"
        out["signer_authority"] = make_field("signer_authority", value, authority.words, page,
                                             1.0 if known > 0.99 else 0.85)
        idx = right.index(authority) + 1
    else:
        out["signer_authority"] = empty("signer_authority", 0.7, page)
    title_lines: list[Line] = []
    for line in right[idx:]:
        if not is_upper(line) or (title_lines and line.box.y0 - title_lines[-1].box.y1 > 0.8 * h):
            break
        if restore_upper(line_text(line))[1] < 0.75:
            break  # seal text or a scribble read as capitals
        title_lines.append(line)
    if title_lines:
        # Specks of the seal read as lower-case bits ("x4 PHÓ CHỦ TỊCH") are dropped.
        kept = [w.text for ln in title_lines for w in ln.words if w.text.isupper()]
        text, known = restore_upper(nfc(" ".join(kept)))
        out["signer_title"] = make_field("signer_title", text,
                                         [w for ln in title_lines for w in ln.words], page,
                                         1.0 if known > 0.99 else 0.85)
        after = title_lines[-1]
    else:
        out["signer_title"] = empty("signer_title", 0.0, page)
        after = authority or anchor  # type: ignore[assignment]
    name = None
    for line in right:
        if line.box.y0 <= after.box.y1 or line.box.y0 - after.box.y1 > 0.22:  # type: ignore
            continue
        text = re.sub(r"(?<=\w)[-–](?=\w)", " ", line_text(line).strip(" .,;"))
        if _NAME.match(text):
            text, rule = _surname(text)
            # Given names cannot be checked against a list: ask a little more of the OCR.
            name = make_field("signer_name", text, line.words, page, rule * 0.95)
    out["signer_name"] = name or empty("signer_name", 0.0, page)
    return out


_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
             "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai", "Trịnh",
             "Đoàn", "Lương", "Cao", "Tạ", "Hà", "Tô", "Châu", "Thái", "Lưu", "Quách", "Vương",
             "La", "Kiều", "Tăng", "Lục", "Nông", "Triệu", "Đàm", "Thạch", "Danh", "Kim"]
_SURNAME_INDEX = {fold(n): n for n in _SURNAMES}


def _surname(name: str) -> tuple[str, float]:
    """The family name restored from the closed list of common ones ("Nguyên" → "Nguyễn")."""
    first, _, rest = name.partition(" ")
    canon = _SURNAME_INDEX.get(fold(first))
    if canon is None:
        return name, 0.85
    return f"{canon} {rest}", 1.0


def _recipients(lines: list[Line], anchor: Line, page: int) -> Field:
    h = median_height(lines)
    items: list[list[Line]] = []
    prev = anchor
    for line in lines[lines.index(anchor) + 1:]:
        if line.box.x0 > 0.45:
            continue  # the signer's column on the same rows
        if line.box.y0 - prev.box.y1 > 2.5 * h:
            break
        text = line_text(line)
        if _BULLET.match(text):
            items.append([line])
        elif items:
            items[-1].append(line)
        else:
            break
        prev = line
    if not items:
        return empty("recipients", 0.0, page)
    values = []
    words = []
    for group in items:
        text = _BULLET.sub("", " ".join(line_text(ln) for ln in group)).rstrip(" ;.,")
        group_words = [w for ln in group for w in ln.words]
        m = _LUU.match(text)
        if m and edit_distance(fold(m.group(1)), "VT") <= 1:
            # "Lưu: VT, <unit>": the archive copy kept by the văn thư (VT) is always named
            # first; OCR drops the comma or reads "VI", "VTF".
            text = f"Lưu: VT, {m.group(2)}".rstrip(" ,")
            # "Lưu" and the VT token are settled by the rule; the unit code still counts.
            skip = 0
            while skip < min(3, len(group_words)) and _LUU_WORDS.match(
                    fold(group_words[skip].text)) and skip < 2 + (group_words[0].text == "-"):
                skip += 1
            group_words = group_words[skip:] or group_words
        values.append(text)
        words.extend(group_words)
    return make_field("recipients", values, words, page)
