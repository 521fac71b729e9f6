"""What the field rules share: the candidate lines of a page and how a field is built from the
words it was read from."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ocr.fields.text import calibrate, fold, nfc
from ocr.model import Box, Field, Line, Word


def make_field(name: str, value: str | list[str] | None, words: Iterable[Word], page: int,
               rule: float = 1.0) -> Field:
    """A field read from ``words``: its confidence is the weakest word's, times how sure the
    rule itself is (1.0 for an exact pattern, less for a repaired or inferred value)."""
    ws = list(words)
    if value is None or not ws:
        return Field(name, None, 0.0)
    low = min(w.confidence for w in ws)
    conf = calibrate(low) * rule
    if low < 1.0:
        # Each OCR'd word is one more chance of a slip that tesseract itself scores well.
        conf *= max(0.5, 1.0 - 0.005 * len(ws))
    box = ws[0].box
    for w in ws[1:]:
        box = box.union(w.box)
    return Field(name, value, round(min(1.0, max(0.0, conf)), 3), page, box)


def empty(name: str, confidence: float = 0.0, page: int | None = None) -> Field:
    """No value. ``confidence`` is how sure we are that the document has none."""
    return Field(name, None, round(confidence, 3), page)


def words_in_span(line: Line, start: int, end: int) -> list[Word]:
    """The words of ``line`` overlapping characters [start, end) of ``line.text``."""
    out: list[Word] = []
    pos = 0
    for w in line.words:
        w_end = pos + len(w.text)
        if w_end > start and pos < end:
            out.append(w)
        pos = w_end + 1
    return out


def line_text(line: Line) -> str:
    return nfc(line.text)


def folded(line: Line) -> str:
    return fold(line_text(line))


_UPPER_RATIO = re.compile(r"[^\W\d_]")


def is_upper(line: Line, min_ratio: float = 0.8) -> bool:
    chars = _UPPER_RATIO.findall(line_text(line))
    if len(chars) < 2:
        return False
    return sum(c.isupper() for c in chars) / len(chars) >= min_ratio


def median_height(lines: list[Line]) -> float:
    hs = sorted(ln.box.height for ln in lines if ln.words)
    return hs[len(hs) // 2] if hs else 0.015


def union_box(lines: list[Line]) -> Box:
    box = lines[0].box
    for ln in lines[1:]:
        box = box.union(ln.box)
    return box


_MOTTO_STARTS = (("CONG", "HOA"), ("DOC", "LAP"), ("DANG", "CONG"))


def split_motto(lines: list[Line]) -> list[Line]:
    """Split header lines where the national name or motto starts mid-line: a long parent body
    name leaves too narrow a gap for the column split ("UBND TỈNH LẠNG SƠN CỘNG HÒA …")."""
    out: list[Line] = []
    for line in lines:
        cut = None
        if line.box.y0 < 0.25 and len(line.words) > 2:
            keys = [fold(w.text) for w in line.words]
            for i in range(1, len(keys) - 1):
                if (keys[i], keys[i + 1]) in _MOTTO_STARTS:
                    cut = i
                    break
        if cut is None:
            out.append(line)
        else:
            out.extend([Line(line.words[:cut], line.page), Line(line.words[cut:], line.page)])
    return out
