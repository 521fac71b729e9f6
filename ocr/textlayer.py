"""Read a PDF page's text layer, and decide whether it really holds the page's text.

The decision compares where the page has ink with where its text layer has text: a scanned page
whose only text is a signature stamp has ink everywhere and text in one small box, so it is OCR'd;
a born-digital page, or a scan that already carries an invisible OCR layer, is not.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocr.lines import group_lines
from ocr.model import Box, Line, Word

_CHECK_SCALE = 0.5  # 36 dpi is enough to see where the ink is
_CELL = 4  # pixels per analysis cell at that scale (~2.8 mm)
_WORD = re.compile(r"\S+")
UNEXPLAINED_INK = 0.25  # share of inked cells without text above which the page is OCR'd


@dataclass
class TextLayer:
    lines: list[Line]
    coverage: float  # share of the page's inked cells that the text layer explains
    needs_ocr: bool
    plain: str | None = None  # the text, when lines were not asked for


def read_text_layer(page: pdfium.PdfPage, number: int, with_lines: bool = True) -> TextLayer:
    """The page's text layer and the OCR decision. Without ``with_lines`` a page that has no
    images comes back with its plain text only (``plain``), ~4x cheaper: word boxes are needed
    only on the pages whose fields we read."""
    left, bottom, right, top = page.get_cropbox()
    width, height = right - left, top - bottom
    kinds = _object_kinds(page)
    has_images = pdfium_c.FPDF_PAGEOBJ_IMAGE in kinds
    has_paths = pdfium_c.FPDF_PAGEOBJ_PATH in kinds or pdfium_c.FPDF_PAGEOBJ_SHADING in kinds
    textpage = page.get_textpage()
    try:
        if not with_lines and not has_images:
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            if text.strip():
                return TextLayer([], 1.0, False, text)
        words = _words(textpage, left, top, width, height)
    finally:
        textpage.close()
    lines = group_lines(words, number)
    if not words:
        # No text at all: anything drawn (a scan, outlined glyphs) must be OCR'd.
        return TextLayer([], 0.0, has_images or has_paths)
    if not has_images:
        return TextLayer(lines, 1.0, False)
    coverage = _coverage(page, words)
    return TextLayer(lines, coverage, coverage < 1 - UNEXPLAINED_INK)


def _words(textpage: pdfium.PdfTextPage, left: float, top: float, width: float,
           height: float) -> list[Word]:
    """Words with boxes from one text extraction and two char-box calls per word, first and
    last character (bounded text queries cost ~60 µs each, far too slow for long documents)."""
    text = textpage.get_text_range()
    raw_tp = textpage.raw
    l_, r_, b_, t_ = (ctypes.c_double() for _ in range(4))
    refs = (ctypes.byref(l_), ctypes.byref(r_), ctypes.byref(b_), ctypes.byref(t_))
    words: list[Word] = []
    for m in _WORD.finditer(text):
        x0 = y0 = float("inf")
        x1 = y1 = float("-inf")
        for i in (m.start(), m.end() - 1):
            if pdfium_c.FPDFText_GetCharBox(raw_tp, i, *refs):
                x0, x1 = min(x0, l_.value), max(x1, r_.value)
                y0, y1 = min(y0, b_.value), max(y1, t_.value)
        if x1 < x0 or y1 <= y0:
            continue
        # Char boxes are tight around the glyph: pad to a line-like height.
        pad = (y1 - y0) * 0.15
        weight = pdfium_c.FPDFText_GetFontWeight(raw_tp, m.start())
        words.append(Word(m.group(), Box((x0 - left) / width, (top - y1 - pad) / height,
                                         (x1 - left) / width, (top - y0 + pad) / height), 1.0,
                          max(0, int(weight))))
    return words


def _object_kinds(page: pdfium.PdfPage) -> set[int]:
    kinds: set[int] = set()
    stack = [(pdfium_c.FPDFPage_CountObjects(page.raw),
              lambda i: pdfium_c.FPDFPage_GetObject(page.raw, i), 0)]
    while stack:
        count, get, depth = stack.pop()
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            kinds.add(kind)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 3:
                stack.append((pdfium_c.FPDFFormObj_CountObjects(obj),
                              lambda j, o=obj: pdfium_c.FPDFFormObj_GetObject(o, j), depth + 1))
    return kinds


def _coverage(page: pdfium.PdfPage, words: list[Word]) -> float:
    bitmap = page.render(scale=_CHECK_SCALE, grayscale=True, may_draw_forms=False)
    ink = bitmap.to_numpy()
    if ink.ndim == 3:
        ink = ink[..., 0]
    ink = ink < 140
    h, w = ink.shape
    gh, gw = max(1, h // _CELL), max(1, w // _CELL)
    cells = ink[: gh * _CELL, : gw * _CELL].reshape(gh, _CELL, gw, _CELL).any(axis=(1, 3))
    text = np.zeros_like(cells)
    for word in words:
        b = word.box
        r0, r1 = int(b.y0 * gh) - 1, int(np.ceil(b.y1 * gh)) + 1
        c0, c1 = int(b.x0 * gw) - 1, int(np.ceil(b.x1 * gw)) + 1
        text[max(0, r0):max(0, r1), max(0, c0):max(0, c1)] = True
    inked = int(cells.sum())
    if inked == 0:
        return 1.0
    return float((cells & text).sum()) / inked
