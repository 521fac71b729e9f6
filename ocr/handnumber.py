"""Numbers written by hand into the blank after "Số:" (the number is given after signing, in
ballpoint blue, while the print is black). The blue ink is taken from the colour page on its
own, so that the digits read apart from the symbol they often run into, and so that the page's
OCR sees the print alone.

Recognition is tesseract's ``eng`` model restricted to digits (``vie`` reads slanted digits
worse: 47% against 70% of whole numbers on the corpus), on five renderings of the same ink (ink
strength, size, de-slant) read in one call. They vote; connected components give the count of
digits, which breaks ties. Measured on 160 corpus numbers at 200 and 300 dpi: 115 right, 24
wrong, 21 left empty (split votes); a unanimous vote was right 90 times in 99, a bare majority
25 times in 40. The word carries those odds as its confidence (field ~0.85 and ~0.6).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from PIL import Image
from scipy import ndimage

from ocr.model import Box, Word
from ocr.tesseract import ocr_image

_BLUE = 40  # b - max(r, g) of ballpoint ink, after blur and JPEG; print and paper stay near 0
# (gamma on the ink strength, target digit height in px, shear): each a reading of the ink
_VARIANTS = ((0.7, 50, -0.1), (0.5, 60, -0.1), (1.0, 50, 0.0), (0.7, 40, 0.0), (0.5, 50, 0.0))
_WHITELIST = "-c tessedit_char_whitelist=0123456789"


def blueness(rgb: np.ndarray) -> np.ndarray:
    """How much bluer than red and green each pixel is (uint8): ballpoint ink high, black
    print, red seals and paper near zero."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg = np.maximum(r, g)
    return np.where(b > rg, b - rg, 0).astype(np.uint8)


def has_blue_header(rgb: np.ndarray) -> bool:
    """Whether the upper part of the page carries blue handwriting (sampled every 4th pixel)."""
    top = rgb[: int(rgb.shape[0] * 0.4): 4, :: 4]
    return int((blueness(top) > _BLUE).sum()) > 20


def read_hand_number(blue: np.ndarray, words: list[Word], dpi: int) -> list[Word]:
    """``words`` with the handwritten number of the "Số" blank read in, when there is one.
    ``blue`` is the blueness of the page in the same geometry as the words (upright,
    deskewed)."""
    from ocr.fields.header import number_line
    from ocr.lines import group_lines

    lines = group_lines(words, 1)
    line = number_line(lines)
    if line is None or not line.words:
        return words
    so = line.words[0]
    h, w = blue.shape
    lh = so.box.height
    # The blank and the symbol after it: the digits often run on into the symbol (a blank
    # left in the print splits the line there, so the symbol may be on a "line" of its own).
    y0, y1 = int((so.box.y0 - 0.9 * lh) * h), int((so.box.y1 + 0.5 * lh) * h)
    x0, x1 = int(so.box.x1 * w), int(min(1.0, so.box.x1 + 12 * lh) * w)
    region = blue[max(0, y0):y1, max(0, x0):x1].astype(np.float32)
    ink = region > _BLUE
    if ink.sum() < (dpi / 300) ** 2 * 150:
        return words
    ys, xs = np.nonzero(ink)
    value, agree = _recognize(region[ys.min():ys.max() + 1, xs.min():xs.max() + 1], dpi)
    if not value:
        return words
    bx0, bx1 = float(max(0, x0) + xs.min()) / w, float(max(0, x0) + xs.max() + 1) / w
    # The number's word sits on the line's row (the digits rise above it), between "Số:" and
    # the symbol; stray OCR specks of the blank go.
    box = Box(min(bx0, so.box.x1 + 0.5 * lh * h / w), so.box.y0, bx1, so.box.y1)
    conf = 0.9 if agree else 0.78  # → field confidence ~0.85 / ~0.6, see fields.calibrate
    kept = [wd for wd in words if not (wd is not so and box.x0 <= wd.box.cx <= box.x1
                                       and so.box.y0 <= wd.box.cy <= so.box.y1
                                       and "/" not in wd.text)]
    return [*kept, Word(value, box, conf)]


def _recognize(crop: np.ndarray, dpi: int) -> tuple[str | None, bool]:
    """The digits of the ink crop and whether every reading agreed; None when they split."""
    count = _digit_count(crop > _BLUE, dpi)
    strong = crop[crop > _BLUE]
    scale = float(np.percentile(strong, 75)) if strong.size > 10 else 80.0
    # One tesseract call for all renderings, stacked one above the other (loading the model
    # costs more than reading a number: five calls took 1.6 s of CPU, one takes ~0.35 s).
    images = [_rendering(crop, scale, *v) for v in _VARIANTS]
    gap = 30
    sheet = Image.new("L", (max(im.width for im in images),
                            sum(im.height for im in images) + gap * len(images)), 255)
    spans, y = [], 0
    for im in images:
        sheet.paste(im, (0, y))
        spans.append((y / sheet.height, (y + im.height) / sheet.height))
        y += im.height + gap
    words = ocr_image(sheet, dpi, lang="eng", psm=6, extra=_WHITELIST).words
    votes: Counter[str] = Counter()
    for top, bottom in spans:
        row = sorted((wd for wd in words if top <= wd.box.cy < bottom), key=lambda wd: wd.box.x0)
        text = "".join(wd.text for wd in row)
        if text.isdigit() and len(text) <= 5:
            votes[text] += 1
    if not votes:
        return None, False
    fitting = Counter({k: v for k, v in votes.items() if len(k) == count})
    value, n = (fitting or votes).most_common(1)[0]
    if n * 2 <= len(_VARIANTS):
        return None, False
    return value, n == len(_VARIANTS) and len(value) == count


def _rendering(crop: np.ndarray, scale: float, gamma: float, height: int,
               shear: float) -> Image.Image:
    ink = np.clip(crop / scale, 0, 1) ** gamma
    img = Image.fromarray((255 - 255 * ink).astype(np.uint8))
    f = height / max(1, crop.shape[0])
    img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))),
                     Image.BICUBIC)
    if shear:
        w, h = img.size
        extra = int(abs(shear) * h) + 2
        img = img.transform((w + extra, h), Image.AFFINE, (1, shear, 0, 0, 1, 0),
                            resample=Image.BICUBIC, fillcolor=255)
    return Image.fromarray(np.pad(np.asarray(img), 25, constant_values=255))


def _digit_count(mask: np.ndarray, dpi: int) -> int:
    """How many digits the ink holds: its connected components, pieces of one digit (a stroke
    cut by the print it crosses) merged, touching digits split by their width."""
    mask = ndimage.binary_closing(mask, np.ones((3, 3)))
    labels, n = ndimage.label(mask, np.ones((3, 3)))
    if n == 0:
        return 0
    areas = ndimage.sum(mask, labels, range(1, n + 1))
    boxes = [(sl[1].start, sl[1].stop, sl[0].start, sl[0].stop)
             for sl, a in zip(ndimage.find_objects(labels), areas, strict=True)
             if a >= (dpi / 300) ** 2 * 40]
    if not boxes:
        return 0
    big = max((b[3] - b[2]) * (b[1] - b[0]) for b in boxes)
    height = float(np.median([b[3] - b[2] for b in boxes
                              if (b[3] - b[2]) * (b[1] - b[0]) > 0.3 * big]))
    boxes.sort()
    groups: list[list[int]] = []
    for bx in boxes:
        if groups:
            g = groups[-1]
            overlap = min(g[1], bx[1]) - max(g[0], bx[0])
            narrow = min(g[1] - g[0], bx[1] - bx[0])
            if overlap > 0.5 * narrow and min(g[3] - g[2], bx[3] - bx[2]) < 0.75 * height:
                groups[-1] = [min(g[0], bx[0]), max(g[1], bx[1]), min(g[2], bx[2]),
                              max(g[3], bx[3])]
                continue
        groups.append(list(bx))
    return sum(max(1, round((g[1] - g[0]) / (0.7 * height))) for g in groups
               if g[3] - g[2] >= 0.5 * height)
