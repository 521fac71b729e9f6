"""Numbers written by hand into the blank after "Số:" (the number is given after signing, in
ballpoint blue, while the print is black). The blue ink is taken from the colour page on its
own, so that the digits read apart from the symbol they often run into, and so that the page's
OCR sees the print alone.

Two readers. Tesseract's ``eng`` model restricted to digits (``vie`` reads slanted digits
worse: 47% against 70% of whole numbers on the corpus) reads five renderings of the same ink
(ink strength, size, de-slant) in one call; they vote, and connected components give the count
of digits, which picks among lengths. Our own digit classifier (``ocr.digits``: a small
perceptron trained on synthetic digits drawn from the installed fonts — never the corpus's hand
font, Noto Sans Italic, nor its drawing code) reads the ink cut into that many digits
(``ocr.digitseg``). The candidate with the most votes wins, the classifier's mean log-odds per
digit breaking near ties; a reading needs at least two votes.

Measured on 188 numbers cut from corpus scans at 200 and 300 dpi (seeds 5000–5099, not the
evaluation's): the votes alone (a majority needed) 132 right; votes and classifier 142 right,
38 wrong, 8 empty. The classifier alone is weak (~87% of digits, 1/7 and digits cut by the
print they cross), but its agreement carries the odds: the chosen reading and the
classifier's agreed 82 times and were right 78 (95%); a unanimous vote it disagreed with was
right 37 times in 47 (79%); any other reading 27 in 51 (53%). The word carries those odds as
its confidence (field ~0.85, ~0.75, ~0.5). Without the fonts to train the classifier the
votes decide alone.

``bench/ocr_eval.py --docs 100`` (seeds 1000–1099): scan300 10/13 handwritten numbers right
(0.85: 5/5, 0.75: 3/3, 0.5: 2/3, empty 2), scan200 11/12 (0.85: 6/7, 0.75: 5/5). On 30
hand-only scans at 300 dpi (``--hand-only --seed 7000``) the votes alone missed 10 numbers,
votes and classifier 9. Remaining misses: 1 read as 7 and the last digit cut by the print of
the symbol it runs into; the classifier adds ~4 ms of CPU per number.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from PIL import Image
from scipy import ndimage

from ocr import digitseg
from ocr.digits import DigitModel
from ocr.digits import load as load_digits
from ocr.digitsynth import features, font_files
from ocr.model import Box, Word
from ocr.tesseract import ocr_image

_BLUE = 40  # b - max(r, g) of ballpoint ink, after blur and JPEG; print and paper stay near 0
# (gamma on the ink strength, target digit height in px, shear): each a reading of the ink
_VARIANTS = ((0.7, 50, -0.1), (0.5, 60, -0.1), (1.0, 50, 0.0), (0.7, 40, 0.0), (0.5, 50, 0.0))
_WHITELIST = "-c tessedit_char_whitelist=0123456789"
# Word confidences carrying the odds measured on 188 corpus numbers (see the docstring); the
# field confidence is (word - 0.5) / 0.47 (fields.calibrate): ~0.85, ~0.75, ~0.5.
_CONF_AGREE, _CONF_UNANIMOUS, _CONF_SPLIT = 0.902, 0.853, 0.735


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
    value, conf = _recognize(region[ys.min():ys.max() + 1, xs.min():xs.max() + 1], dpi)
    if not value:
        return words
    bx0, bx1 = float(max(0, x0) + xs.min()) / w, float(max(0, x0) + xs.max() + 1) / w
    # The number's word sits on the line's row (the digits rise above it), between "Số:" and
    # the symbol; stray OCR specks of the blank go.
    box = Box(min(bx0, so.box.x1 + 0.5 * lh * h / w), so.box.y0, bx1, so.box.y1)
    kept = [wd for wd in words if not (wd is not so and box.x0 <= wd.box.cx <= box.x1
                                       and so.box.y0 <= wd.box.cy <= so.box.y1
                                       and "/" not in wd.text)]
    return [*kept, Word(value, box, conf)]


def _recognize(crop: np.ndarray, dpi: int) -> tuple[str | None, float]:
    """The digits of the ink crop and the word confidence that carries their measured odds;
    None when the readings split."""
    count = _digit_count(crop > _BLUE, dpi)
    votes = tesseract_votes(crop, dpi)
    pool = Counter({k: v for k, v in votes.items() if len(k) == count}) or votes
    if not pool:
        return None, 0.0
    shapes = _digit_shapes(crop, dpi, {len(k) for k in pool})
    # The readings' votes, and where two are near, the classifier's mean log-odds per digit.
    value, n = max(pool.items(), key=lambda kv: (kv[1] + _log_odds(kv[0], shapes), kv[1]))
    if n < 2:
        return None, 0.0
    agree = value == shapes.get(len(value), ("", None))[0]
    if agree:
        return value, _CONF_AGREE
    if n == len(_VARIANTS) and len(value) == count:
        return value, _CONF_UNANIMOUS
    return value, _CONF_SPLIT


def _digit_shapes(crop: np.ndarray, dpi: int,
                  lengths: set[int]) -> dict[int, tuple[str, np.ndarray]]:
    """For each number of digits, the classifier's reading of the ink cut into that many
    digits and its probabilities (digit × 0–9); empty without a classifier."""
    model = _classifier()
    if model is None:
        return {}
    strong = crop[crop > _BLUE]
    scale = float(np.percentile(strong, 75)) if strong.size > 10 else 80.0
    ink = np.clip(np.where(crop > _BLUE / 2, crop, 0) / scale, 0, 1)
    parts, height = digitseg.blobs(crop > _BLUE, dpi)
    out = {}
    for k in sorted(lengths):
        pieces = digitseg.split_into(parts, height, k)
        if len(pieces) == k:
            probs = model.proba(np.stack([features(digitseg.image(p, ink)) for p in pieces]))
            out[k] = ("".join(str(int(i)) for i in probs.argmax(axis=1)), probs)
    return out


def _log_odds(value: str, shapes: dict[int, tuple[str, np.ndarray]]) -> float:
    if not shapes:
        return 0.0  # no classifier: the votes alone
    if len(value) not in shapes:
        return -10.0  # fewer digits than blobs of ink
    probs = shapes[len(value)][1]
    p = probs[np.arange(len(value)), [int(c) for c in value]]
    return float(np.log(np.maximum(p, 1e-6)).mean())


def _classifier() -> DigitModel | None:
    """The digit classifier, trained on first use (a few seconds) and cached; None when this
    machine lacks the fonts to train it (the tesseract votes then decide alone)."""
    global _MODEL
    if _MODEL is False:
        if len(font_files()) < 6:
            _MODEL = None
        else:
            _MODEL = load_digits()
    return _MODEL


_MODEL: DigitModel | None | bool = False


def tesseract_votes(crop: np.ndarray, dpi: int) -> Counter[str]:
    """How many of the renderings of the ink tesseract read as each string of digits."""
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
    return votes


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
