"""Where stamps go: page geometry (/Rotate, CropBox) and the signature block found from its text.

Coordinates: a :class:`Box` is ``(x1, y1, x2, y2)`` with x1 < x2, y1 < y2. *User space* is the
PDF's own coordinate system (what a field /Rect uses). The *visual frame* is the page as a reader
sees it: origin at the lower-left of the displayed CropBox, after /Rotate, in points. Layout rules
("centred between title and name", "top right corner") are applied in the visual frame and the
result is mapped back to user space, so rotated and cropped pages come out right.

Public API: :func:`page_geometry`, :func:`find_signature_block`, :func:`official_image_box`,
:func:`seal_box`, :func:`top_right_box`, :class:`PageGeometry`, :class:`SignatureBlock`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from signing.errors import BlockNotFoundError, DocumentError, FieldError
from signing.pdfium_lock import holds_pdfium_lock

__all__ = [
    "Box",
    "PageGeometry",
    "SignatureBlock",
    "find_signature_block",
    "find_text",
    "official_image_box",
    "page_geometry",
    "seal_box",
    "top_right_box",
]

Box = tuple[float, float, float, float]
MM = 72 / 25.4


@dataclass(frozen=True)
class PageGeometry:
    """A page's CropBox (user space) and its /Rotate (0, 90, 180, 270, clockwise)."""

    index: int
    crop: Box
    rotate: int

    @property
    def visual_size(self) -> tuple[float, float]:
        w = self.crop[2] - self.crop[0]
        h = self.crop[3] - self.crop[1]
        return (h, w) if self.rotate in (90, 270) else (w, h)

    def to_visual(self, box: Box) -> Box:
        return _norm([self._pt_to_visual(x, y) for x, y in _corners(box)])

    def to_user(self, box: Box) -> Box:
        return _norm([self._pt_to_user(x, y) for x, y in _corners(box)])

    def _pt_to_visual(self, x: float, y: float) -> tuple[float, float]:
        cx0, cy0, cx1, cy1 = self.crop
        r = self.rotate
        if r == 90:
            return y - cy0, cx1 - x
        if r == 180:
            return cx1 - x, cy1 - y
        if r == 270:
            return cy1 - y, x - cx0
        return x - cx0, y - cy0

    def _pt_to_user(self, vx: float, vy: float) -> tuple[float, float]:
        cx0, cy0, cx1, cy1 = self.crop
        r = self.rotate
        if r == 90:
            return cx1 - vy, vx + cy0
        if r == 180:
            return cx1 - vx, cy1 - vy
        if r == 270:
            return vy + cx0, cy1 - vx
        return vx + cx0, vy + cy0

    @property
    def appearance_matrix(self) -> tuple[float, float, float, float]:
        """The /Matrix (a, b, c, d) that keeps an appearance upright for the reader."""
        return {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}[
            self.rotate
        ]


def _corners(b: Box) -> list[tuple[float, float]]:
    return [(b[0], b[1]), (b[2], b[3])]


def _norm(pts: list[tuple[float, float]]) -> Box:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class SignatureBlock:
    """The signer's title line and name line as found on a page (user-space boxes)."""

    page: PageGeometry
    title_box: Box
    name_box: Box


def _open(pdf: str | Path | bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    except pdfium.PdfiumError as e:
        raise DocumentError(f"cannot open the PDF to place the stamp: {e}") from None


@holds_pdfium_lock
def page_geometry(pdf: str | Path | bytes, page: int = -1) -> PageGeometry:
    """Geometry of page ``page`` (0-based; negative counts from the end)."""
    doc = _open(pdf)
    try:
        return _geometry(doc, page)
    finally:
        doc.close()


def _geometry(doc, page: int) -> PageGeometry:
    n = len(doc)
    idx = page if page >= 0 else n + page
    if not 0 <= idx < n:
        raise FieldError(f"page {page + 1 if page >= 0 else page} does not exist ({n} pages)")
    p = doc[idx]
    try:
        return PageGeometry(index=idx, crop=tuple(p.get_cropbox()), rotate=p.get_rotation() % 360)
    finally:
        p.close()


def _occurrences(textpage, needle: str) -> list[Box]:
    boxes = []
    searcher = textpage.search(unicodedata.normalize("NFC", needle), match_case=False)
    try:
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            chars = [textpage.get_charbox(i) for i in range(start, start + count)]
            chars = [c for c in chars if c[2] > c[0] and c[3] > c[1]]
            if chars:
                boxes.append(_norm([(c[0], c[1]) for c in chars] + [(c[2], c[3]) for c in chars]))
    finally:
        searcher.close()
    return boxes


@holds_pdfium_lock
def find_text(pdf: str | Path | bytes, needle: str, page: int = 0) -> list[Box]:
    """User-space boxes of every occurrence of ``needle`` on ``page`` (case-insensitive)."""
    doc = _open(pdf)
    try:
        geo = _geometry(doc, page)
        pg = doc[geo.index]
        tp = pg.get_textpage()
        try:
            return _occurrences(tp, needle)
        finally:
            tp.close()
            pg.close()
    finally:
        doc.close()


@holds_pdfium_lock
def find_signature_block(
    pdf: str | Path | bytes, title: str, name: str, page: int = -1
) -> SignatureBlock:
    """Find the signer's title line and, below it, the name line on ``page`` (default: last).

    When the name occurs several times the lowest occurrence with the title above it wins — the
    signature block closes a Decree-30 document.
    """
    doc = _open(pdf)
    try:
        geo = _geometry(doc, page)
        pg = doc[geo.index]
        tp = pg.get_textpage()
        try:
            titles = [geo.to_visual(b) for b in _occurrences(tp, title)]
            names = [geo.to_visual(b) for b in _occurrences(tp, name)]
        finally:
            tp.close()
            pg.close()
    finally:
        doc.close()
    if not names:
        raise BlockNotFoundError(f"the signer's name '{name}' is not on page {geo.index + 1}")
    if not titles:
        raise BlockNotFoundError(f"the title '{title}' is not on page {geo.index + 1}")
    for nb in sorted(names, key=lambda b: b[1]):
        above = [t for t in titles if t[1] >= nb[3] - 1]
        if above:
            tb = min(above, key=lambda t: (t[1] - nb[3]) + abs(_cx(t) - _cx(nb)))
            return SignatureBlock(page=geo, title_box=geo.to_user(tb), name_box=geo.to_user(nb))
    raise BlockNotFoundError(f"no title '{title}' above the name '{name}' on page {geo.index + 1}")


def _cx(b: Box) -> float:
    return (b[0] + b[2]) / 2


def official_image_box(block: SignatureBlock, aspect: float, max_width: float = 220.0) -> Box:
    """Box (user space) for the signer's image: centred between title and name, aspect kept."""
    geo = block.page
    t = geo.to_visual(block.title_box)
    n = geo.to_visual(block.name_box)
    gap_top, gap_bottom = t[1], n[3]
    margin = 2.0
    height = gap_top - gap_bottom - 2 * margin
    if height < 18:
        raise BlockNotFoundError(
            f"only {gap_top - gap_bottom:.0f} pt between the title and the name; "
            "the signature image needs room"
        )
    width = height * aspect
    if width > max_width:
        width = max_width
        height = width / aspect
    cx = (_cx(t) + _cx(n)) / 2
    cy = (gap_top + gap_bottom) / 2
    return geo.to_user((cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2))


def seal_box(geo: PageGeometry, official_box: Box, diameter_mm: float, cover: float = 1 / 3) -> Box:
    """The seal at its real size, its right edge over ``cover`` of the signer's image, left side."""
    o = geo.to_visual(official_box)
    d = diameter_mm * MM
    right = o[0] + (o[2] - o[0]) * cover
    cy = (o[1] + o[3]) / 2
    return geo.to_user((right - d, cy - d / 2, right, cy + d / 2))


def top_right_box(
    geo: PageGeometry,
    width: float,
    height: float,
    margin_right_mm: float = 15,
    margin_top_mm: float = 8,
) -> Box:
    """A box of the given visual size in the top right corner of the page."""
    vw, vh = geo.visual_size
    x2 = vw - margin_right_mm * MM
    y2 = vh - margin_top_mm * MM
    return geo.to_user((x2 - width, y2 - height, x2, y2))
