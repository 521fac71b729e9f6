"""Prepare a page image for OCR: coloured ink out (``ink_grey``), then upright and straight
(``correct``): quarter turns from projection profiles, upside-down from where the diacritics
sit, skew up to ±5° from the sharpest row profile.

What tesseract gets: a scanned PDF page is rendered at 300 dpi whatever its image's own
resolution (a 200 dpi scan is upscaled by pdfium), an image file at its own dpi.

Measured with bench/ocr_eval.py (seeds from 1000; 2 cores under a load of 4–8):
- Before ``ink_grey`` took out what JPEG leaves of coloured ink: page CER scan300 0.40 %,
  scan200 1.26 % (100 documents). On 30 scan200 documents (1.20 %, 471 edits) the edits were
  70 % inserted words — the receipt stamp's small print ("Số: 8798 gây: 15/2/2026") on
  about a third of the pages, and the remains of the seal and the signature read beside
  Nơi nhận ("toc Lạc ai", "ST Ẳ") — 11 % substituted letters, 8 % diacritics or case, 3 %
  punctuation.
- After: 100 documents: scan300 0.26 %, scan200 0.30 %. Other fields (before → after):
  scan200 signer name 76 → 90 %, signer title 90 → 93 %, number+symbol 96 → 97 %,
  confident-wrong 0.07 → 0 %; scan300 number+symbol 94 → 97 %, signer title 98 → 97 % (one
  page: "GIÁM" → "GLÁM"); date, type, issuing org, abstract unchanged. The 30 scan200
  documents: 0.25 % (100 edits): substitutions 35 % ("VT," → "VI" in Lưu), diacritics 31 %
  (ổ → ố, PHÓ → PHO in bold capitals), "," → ";" 11 %, a page number "2" dropped 5 %.
- Cost: ``ink_grey`` ~0.045 s a 300 dpi page, as before; tesseract's CPU on the same pages
  is the same or a little lower (no specks to try as words).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

_WORK_DPI = 75  # analysis resolution: enough for line structure, cheap to process
_CHROMA = 25  # r - g (red, purple) or b - r (blue) above this: coloured ink; black text has ~0
_DARK = 110  # near coloured ink, only pixels darker than this are (black) text


def ink_grey(arr: np.ndarray, dpi: int) -> np.ndarray:
    """Grey for OCR with the coloured ink gone: seals, receipt stamps (red, purple) and
    signatures, handwritten numbers (blue) become paper; black text stays, even where a seal or
    a digit covers it. The handwritten number is read from the blue ink on its own
    (``handnumber``).

    The brighter of the red and blue channels fades red and blue ink while black stays black.
    That alone leaves the thin strokes of a stamp's small print grey: a JPEG scan keeps colour
    at half resolution (4:2:0), so a 1–2 px stroke keeps its darkness but loses most of its
    colour, and tesseract read those remains as words ("Số: 8798 gây: 15/2/2026", "toc Lạc ai"
    beside the seal) — the larger part of the errors on 200 dpi scans. So colour is detected
    on a coarse grid (about the resolution JPEG keeps it at), grown by one cell, and there
    everything lighter than black text becomes paper.
    """
    if arr.ndim == 2:
        return arr
    r, g, b = arr[..., 0], arr[..., 1], arr[..., 2]
    grey = np.maximum(r, b)
    step = max(1, round(dpi / 100))
    rs, gs, bs = (c[::step, ::step].astype(np.int16) for c in (r, g, b))
    coloured = ndimage.binary_dilation((rs - gs > _CHROMA) | (bs - rs > _CHROMA))
    labels, _ = ndimage.label(coloured)
    for cells in ndimage.find_objects(labels):
        ys = slice(cells[0].start * step, cells[0].stop * step)
        xs = slice(cells[1].start * step, cells[1].stop * step)
        box = grey[ys, xs]  # a view: written through
        near = np.repeat(np.repeat(coloured[cells], step, 0), step, 1)[: box.shape[0],
                                                                         : box.shape[1]]
        rr, gg, bb = (c[ys, xs].astype(np.int16) for c in (r, g, b))
        # Ink that is clearly coloured goes however dark it is (a signature's core, blue
        # over red where it crosses the seal); black text over a seal keeps little colour.
        ink = (rr - np.maximum(gg, bb) > 35) | (bb - rr > 45)
        box[near & ((box > _DARK) | ink)] = 255
    return grey


@dataclass(frozen=True)
class Correction:
    rotation: int  # clockwise degrees applied (0, 90, 180, 270)
    skew: float  # degrees (counter-clockwise) the image was turned to straighten its lines


def _ink(img: Image.Image, dpi: int) -> np.ndarray:
    scale = _WORK_DPI / dpi
    small = img.convert("L").resize((max(1, round(img.width * scale)),
                                     max(1, round(img.height * scale))), Image.BILINEAR)
    a = np.asarray(small, dtype=np.uint8)
    thresh = min(160, int(a.mean()) - 30)
    return a < thresh


def _profile_score(ys: np.ndarray, xs: np.ndarray, angle: float, n: int) -> float:
    shifted = ys - xs * np.tan(np.radians(angle))
    hist = np.bincount(np.clip(shifted.astype(np.int64), 0, n - 1), minlength=n)
    return float(np.square(hist.astype(np.float64)).sum())


def _best_angle(ink: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(ink)
    if len(ys) < 200:
        return 0.0, 0.0
    if len(ys) > 60000:  # subsample: the profile shape survives
        idx = np.random.default_rng(0).choice(len(ys), 60000, replace=False)
        ys, xs = ys[idx], xs[idx]
    ys = ys.astype(np.float64) + ink.shape[1] * np.tan(np.radians(6))
    n = int(ink.shape[0] + 2 * ink.shape[1] * np.tan(np.radians(6))) + 2
    angles = np.arange(-5.5, 5.51, 0.5)
    scores = [_profile_score(ys, xs, a, n) for a in angles]
    best = float(angles[int(np.argmax(scores))])
    fine = np.arange(best - 0.45, best + 0.46, 0.1)
    fscores = [_profile_score(ys, xs, a, n) for a in fine]
    i = int(np.argmax(fscores))
    return float(fine[i]), fscores[i]


def _line_weights(ink: np.ndarray, acc: list[float]) -> None:
    """Add to ``acc`` [ink above, ink below, top-heavy lines, bottom-heavy lines] the text
    lines of ``ink``: runs of inked rows, their core being the rows of at least half the peak."""
    rows = ink.sum(axis=1).astype(np.float64)
    i, n = 0, len(rows)
    floor = max(2.0, 0.02 * ink.shape[1])
    while i < n:
        if rows[i] <= floor:
            i += 1
            continue
        j = i
        while j < n and rows[j] > floor:
            j += 1
        band = rows[i:j]
        if 3 <= len(band) <= 40:
            core = np.nonzero(band >= 0.5 * band.max())[0]
            a, b = band[:core[0]].sum(), band[core[-1] + 1:].sum()
            acc[0] += a
            acc[1] += b
            if a > 1.5 * b:
                acc[2] += 1
            elif b > 1.5 * a:
                acc[3] += 1
        i = j


def _upside_down(ink: np.ndarray) -> bool | None:
    """True when the text lines carry more ink below their core than above it: Vietnamese marks
    and Latin ascenders sit above the x-height band, so upright text is top-heavy.

    Each half of the page is read on its own: the header and the signature block are two
    columns whose lines sit at different heights, and across the whole width they merge into
    bands with no core (a sparse signature page was turned over that way). The ink totals
    decide; the lines must agree, so that one odd line cannot turn a page over."""
    acc = [0.0, 0.0, 0.0, 0.0]
    half = ink.shape[1] // 2
    _line_weights(ink[:, :half], acc)
    _line_weights(ink[:, half:], acc)
    above, below, top_heavy, bottom_heavy = acc
    if above + below < 50:
        return None
    ratio = above / max(below, 1.0)
    if ratio < 0.67 and bottom_heavy >= 2 * top_heavy:
        return True
    if ratio > 1.5 and top_heavy >= 2 * bottom_heavy:
        return False
    return None


def correct(img: Image.Image, dpi: int) -> tuple[Image.Image, Correction]:
    """The upright, deskewed image and what was done to it."""
    ink = _ink(img, dpi)
    angle_h, score_h = _best_angle(ink)
    angle_v, score_v = _best_angle(ink.T)
    rotation = 0
    if score_v > 1.3 * score_h:  # lines run vertically: a quarter turn
        rotation = 90
        img = img.rotate(-90, expand=True)
        ink = _ink(img, dpi)
        angle, _ = _best_angle(ink)
    else:
        angle = angle_h
    if abs(angle) >= 0.3:
        img = img.rotate(angle, resample=Image.BILINEAR, expand=False, fillcolor=255
                         if img.mode == "L" else (255, 255, 255))
        ink = _ink(img, dpi)
    else:
        angle = 0.0
    if _upside_down(ink):
        img = img.rotate(180)
        rotation = (rotation + 180) % 360
    return img, Correction(rotation, angle)
