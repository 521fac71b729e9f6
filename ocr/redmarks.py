"""Find the red urgency and confidentiality stamps (boxes 10a, 10b) that the red-channel
conversion removes along with the seals, and read them on their own."""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

from ocr.fields.text import edit_distance, fold
from ocr.model import Box, Word
from ocr.tesseract import ocr_image

_STEP = 4  # analyse every 4th pixel


def red_mark_boxes(rgb: np.ndarray, dpi: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of stamp-sized red rectangles in the upper left of the page."""
    h, w = rgb.shape[:2]
    region = rgb[: int(h * 0.45): _STEP, : int(w * 0.6): _STEP].astype(np.int16)
    r, g, b = region[..., 0], region[..., 1], region[..., 2]
    mask = (r > 140) & (r - g > 70) & (r - b > 50)
    if mask.sum() < 20:
        return []
    labels, n = ndimage.label(ndimage.binary_dilation(mask, iterations=2))
    mm = dpi / 25.4 / _STEP
    out = []
    for sl in ndimage.find_objects(labels):
        if sl is None:
            continue
        bh, bw = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        if 5 * mm <= bh <= 13 * mm and 12 * mm <= bw <= 50 * mm:
            out.append((sl[1].start * _STEP, sl[0].start * _STEP, sl[1].stop * _STEP,
                        sl[0].stop * _STEP))
    return out


def _stamp_text_image(crop: np.ndarray) -> Image.Image:
    """Dark text on white from the red ink of a stamp, without its frame: the frame is the
    red component that spans (nearly) the whole crop."""
    c = crop.astype(np.int16)
    red = (c[..., 0] - np.maximum(c[..., 1], c[..., 2])) > 40
    labels, _ = ndimage.label(red)
    h, w = red.shape
    for i, sl in enumerate(ndimage.find_objects(labels), 1):
        if sl is None:
            continue
        if sl[0].stop - sl[0].start > 0.8 * h or sl[1].stop - sl[1].start > 0.8 * w:
            red[labels == i] = False
    # Keep the anti-aliased strokes: the green channel (red ink is dark there) near red ink.
    near = ndimage.binary_dilation(red, iterations=2)
    img = np.where(near, crop[..., 1], 255).astype(np.uint8)
    return Image.fromarray(np.pad(img, 12, constant_values=255))


MARK_WORDS = ["HỎA TỐC", "THƯỢNG KHẨN", "KHẨN", "TUYỆT MẬT", "TỐI MẬT", "MẬT"]


def _distance_to_marks(words: list[Word]) -> int:
    key = "".join(c for c in fold(" ".join(w.text for w in words)) if c.isalpha() or c == " ")
    key = " ".join(key.split())
    return min(edit_distance(key, fold(m), cap=6) for m in MARK_WORDS)


def read_red_marks(rgb: np.ndarray, dpi: int, skew: float = 0.0) -> list[Word]:
    """The words of each red stamp, OCR'd from its red ink alone. ``rgb`` is upright but not
    deskewed; each crop is turned by ``skew`` on its own (cheaper than turning the page).
    Two cleanings of the crop are read and the one closer to a known mark wins."""
    words: list[Word] = []
    h, w = rgb.shape[:2]
    inset = max(1, round(0.7 * dpi / 25.4))
    for x0, y0, x1, y1 in red_mark_boxes(rgb, dpi)[:3]:
        crop = rgb[y0:y1, x0:x1]
        if abs(skew) >= 2.5:  # one or two short words survive a small skew
            crop = np.asarray(Image.fromarray(np.ascontiguousarray(crop)).rotate(
                skew, resample=Image.BILINEAR, fillcolor=(255, 255, 255)))
        plain = Image.fromarray(np.ascontiguousarray(crop[inset:-inset, inset:-inset, 1]))
        best: list[Word] = []
        best_d = 99
        for img in (_stamp_text_image(crop), plain):
            found = ocr_image(img, dpi, psm=7).words
            d = _distance_to_marks(found) if found else 99
            if d < best_d:
                best, best_d = found, d
            if d == 0:
                break
        box = Box(x0 / w, y0 / h, x1 / w, y1 / h)  # the stamp's box is what the rules use
        words.extend(Word(word.text, box, word.confidence) for word in best)
    return words
