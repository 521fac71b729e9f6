"""Place a document on A4 pages following Decree 30 (Phụ lục I): header columns, number and date
on one line, centred type and abstract, justified body, signature block and Nơi nhận."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

from tests.corpus.content import Document

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, 15 * MM, 20 * MM, 22 * MM
TEXT_W = PAGE_W - LEFT - RIGHT

FAMILIES = {
    "liberation": {"r": "LiberationSerif-Regular.ttf", "b": "LiberationSerif-Bold.ttf",
                   "i": "LiberationSerif-Italic.ttf", "bi": "LiberationSerif-BoldItalic.ttf"},
    "noto": {"r": "NotoSerif-Regular.ttf", "b": "NotoSerif-Bold.ttf",
             "i": "NotoSerif-Italic.ttf", "bi": "NotoSerif-BoldItalic.ttf"},
}
HAND_FONT = "NotoSans-Italic.ttf"


_VIETNAMESE = "ẫệỮđƠư"


@lru_cache(maxsize=32)
def font_path(name: str) -> Path:
    """The installed font file ``name`` that can draw Vietnamese, from the XDG font folders
    (Debian's fonts-liberation 1.x lacks the glyphs; fonts-liberation2 has them)."""
    data_dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    roots = [Path(d) / "fonts" for d in data_dirs.split(":") if d]
    roots.append(Path.home() / ".local" / "share" / "fonts")
    for root in roots:
        for candidate in sorted(root.rglob(name)) if root.is_dir() else []:
            with TTFont(candidate, lazy=True) as font:
                cmap = font.getBestCmap() or {}
            if all(ord(c) in cmap for c in _VIETNAMESE):
                return candidate
    raise FileNotFoundError(f"no font {name} with Vietnamese glyphs (Debian: "
                            "fonts-liberation2, fonts-noto-core)")


@lru_cache(maxsize=32)
def _measure_font(name: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(name)), 100)


def text_width(text: str, font: str, size: float) -> float:
    return _measure_font(font).getlength(text) * size / 100


@dataclass
class Text:
    x: float  # left edge, points from the page's left
    y: float  # baseline, points from the page's top
    text: str
    font: str
    size: float
    color: tuple[int, int, int] = (0, 0, 0)
    hand: bool = False  # drawn like a handwritten entry (wobbly, blue)


@dataclass
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    color: tuple[int, int, int] = (0, 0, 0)
    width: float = 0.8
    box: bool = False


@dataclass
class Page:
    items: list[Text | Rule] = field(default_factory=list)
    anchors: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


@dataclass
class Style:
    family: str = "liberation"
    body_size: float = 14
    header_size: float = 13
    handwritten_number: bool = False


class _Writer:
    def __init__(self, style: Style) -> None:
        self.style = style
        self.fonts = FAMILIES[style.family]
        self.pages: list[Page] = [Page()]
        self.y = TOP

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page())
        n = str(len(self.pages))
        w = text_width(n, self.fonts["r"], 13)
        self.page.items.append(Text((PAGE_W - w) / 2, 12 * MM, n, self.fonts["r"], 13))
        self.y = TOP

    def ensure(self, height: float) -> None:
        if self.y + height > PAGE_H - BOTTOM:
            self.new_page()

    def centred(self, text: str, cx: float, y: float, style: str, size: float,
                color: tuple[int, int, int] = (0, 0, 0)) -> tuple[float, float]:
        font = self.fonts[style]
        w = text_width(text, font, size)
        self.page.items.append(Text(cx - w / 2, y, text, font, size, color))
        return cx - w / 2, cx + w / 2


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split():
        cand = f"{cur} {word}".strip()
        if cur and text_width(cand, font, size) > width:
            lines.append(cur)
            cur = word
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def _header(w: _Writer, doc: Document) -> None:
    st = w.style
    hs = st.header_size
    # Left column ~0–70 mm, the national name from ~72 mm: the columns never touch.
    lcx = LEFT + 35 * MM
    rcx = LEFT + TEXT_W - 47 * MM
    lh = hs * 1.2
    y = TOP + hs
    if doc.parent_org:
        if text_width(doc.parent_org, w.fonts["r"], hs) > 68 * MM:
            doc.parent_org = doc.parent_org.replace("ỦY BAN NHÂN DÂN", "UBND")
        w.centred(doc.parent_org, lcx, y, "r", hs)
        y += lh
    x0 = x1 = lcx
    for line in doc.issuing_org_lines:
        x0, x1 = w.centred(line, lcx, y, "b", hs)
        y += lh
    w.page.items.append(Rule(lcx - (x1 - x0) / 4, y - lh + 4, lcx + (x1 - x0) / 4, y - lh + 4))
    ry = TOP + hs
    w.centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", rcx, ry, "b", 12)
    a, b = w.centred("Độc lập - Tự do - Hạnh phúc", rcx, ry + lh, "b", hs)
    w.page.items.append(Rule(a, ry + lh + 4, b, ry + lh + 4))
    y = max(y, ry + 2 * lh) + 8
    font = w.fonts["r"]
    if st.handwritten_number:
        # The number is written by hand into a blank after signing.
        pre, blank, post = "Số: ", "        ", f"/{doc.symbol}"
        full = pre + blank + post
        x = lcx - text_width(full, font, hs) / 2
        w.page.items.append(Text(x, y, pre, font, hs))
        nx = x + text_width(pre, font, hs) + 4
        w.page.items.append(Text(nx, y, doc.number, HAND_FONT, hs + 3, (20, 40, 160), True))
        w.page.items.append(Text(x + text_width(pre + blank, font, hs), y, post, font, hs))
        w.page.anchors["number"] = (x, y - hs, x + text_width(full, font, hs), y + 3)
    else:
        x0, x1 = w.centred(f"Số: {doc.number}/{doc.symbol}", lcx, y, "r", hs)
        w.page.anchors["number"] = (x0, y - hs, x1, y + 3)
    x0, x1 = w.centred(doc.date_line, rcx, y, "i", hs)
    w.page.anchors["date"] = (x0, y - hs, x1, y + 3)
    y += lh
    if doc.doc_type == "Công văn":
        for line in wrap(doc.abstract, font, 12, 75 * MM):
            w.centred(line, lcx, y + 3, "r", 12)
            y += 12 * 1.2
    marks = [m.upper() for m in (doc.confidentiality, doc.urgency) if m]
    for mark in marks:
        y += 10
        x0, x1 = w.centred(mark, lcx, y + 10, "b", 13, (200, 20, 20))
        w.page.items.append(Rule(x0 - 6, y - 4, x1 + 6, y + 14, (200, 20, 20), 1.2, box=True))
        y += 22
    w.y = y + 14


def _title(w: _Writer, doc: Document) -> None:
    size = w.style.body_size
    cx = LEFT + TEXT_W / 2
    if doc.doc_type != "Công văn":
        w.y += size
        w.centred(doc.doc_type.upper(), cx, w.y, "b", size)
        w.y += size * 1.25
        lines = wrap(doc.abstract, w.fonts["b"], size, 125 * MM)
        widest = 0.0
        for line in lines:
            a, b = w.centred(line, cx, w.y, "b", size)
            widest = max(widest, b - a)
            w.y += size * 1.25
        w.page.items.append(Rule(cx - widest / 4, w.y - size + 4, cx + widest / 4,
                                 w.y - size + 4))
        w.y += size * 0.6
    else:
        w.y += size
        for i, r in enumerate(doc.kinh_gui):
            lead = "Kính gửi: " if i == 0 else ""
            end = ";" if i < len(doc.kinh_gui) - 1 else "."
            x = LEFT + 45 * MM - (text_width(lead, w.fonts["r"], size) if i == 0 else 0)
            w.page.items.append(Text(x, w.y, f"{lead}- {r}{end}", w.fonts["r"], size))
            w.y += size * 1.3
        w.y += size * 0.5


def _body(w: _Writer, doc: Document) -> None:
    size = w.style.body_size
    font = w.fonts["r"]
    lh = size * 1.3
    for para in doc.body:
        lines = wrap(para, font, size, TEXT_W - 10 * MM)
        for i, line in enumerate(lines):
            w.ensure(lh)
            x = LEFT + (10 * MM if i == 0 else 0)
            width = TEXT_W - (10 * MM if i == 0 else 0)
            if i < len(lines) - 1:  # justified: spread the words
                words = line.split()
                gaps = len(words) - 1
                natural = sum(text_width(t, font, size) for t in words)
                gap = (width - natural) / gaps if gaps else 0
                if gap > size * 0.9:
                    gap = size * 0.3
                for word in words:
                    w.page.items.append(Text(x, w.y, word, font, size))
                    x += text_width(word, font, size) + gap
            else:
                w.page.items.append(Text(x, w.y, line, font, size))
            w.y += lh
        w.y += 6


def _signature(w: _Writer, doc: Document, rng: random.Random) -> None:
    hs = w.style.header_size
    need = 60 * MM
    w.ensure(need)
    w.y += 10
    top = w.y
    rcx = LEFT + TEXT_W - 40 * MM
    y = top + hs
    if doc.signer_authority:
        w.centred(doc.signer_authority, rcx, y, "b", hs)
        y += hs * 1.2
    w.centred(doc.signer_title, rcx, y, "b", hs)
    sig_top = y + 6
    y += 28 * MM
    x0, x1 = w.centred(doc.signer_name, rcx, y, "b", hs)
    w.page.anchors["signature"] = (rcx - 30 * MM, sig_top, rcx + 30 * MM, y - hs - 2)
    w.page.anchors["signer"] = (rcx - 35 * MM, top, rcx + 35 * MM, y + 4)
    ly = top + 12
    w.page.items.append(Text(LEFT, ly, "Nơi nhận:", w.fonts["bi"], 12))
    ly += 14
    for i, r in enumerate(doc.recipients):
        end = "." if i == len(doc.recipients) - 1 else ";"
        for j, line in enumerate(wrap(f"- {r}{end}", w.fonts["r"], 11, 62 * MM)):
            w.page.items.append(Text(LEFT + (6 if j else 0), ly, line, w.fonts["r"], 11))
            ly += 13
    w.y = max(y, ly) + 10


def lay_out(doc: Document, style: Style, rng: random.Random) -> list[Page]:
    w = _Writer(style)
    _header(w, doc)
    _title(w, doc)
    _body(w, doc)
    _signature(w, doc, rng)
    return w.pages
