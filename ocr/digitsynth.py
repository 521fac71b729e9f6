"""Synthetic single digits to train ``ocr.digits`` on: glyphs of the fonts installed on the
machine, each drawn many times with the slant, size, stroke and blur of a pen and a scanner.

The hand font of the test corpus (``tests/corpus/layout.py`` HAND_FONT, Noto Sans Italic) and
the rest of the Noto Sans family are left out on purpose, and none of the corpus's drawing
code is used: the corpus measures how well we read digits we were not trained on.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# Upright, slanted, serif, sans and monospaced shapes of the digits: the ones our Debian
# packages install (fonts-dejavu-core, fonts-liberation2, fonts-noto-core). A missing one is
# skipped; training needs at least a few.
TRAIN_FONTS = (
    "DejaVuSans.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-Bold.ttf",
    "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Oblique.ttf", "DejaVuSerif.ttf",
    "DejaVuSerif-Italic.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Oblique.ttf",
    "LiberationSans-Regular.ttf", "LiberationSans-Italic.ttf", "LiberationSans-Bold.ttf",
    "LiberationSerif-Regular.ttf", "LiberationSerif-Italic.ttf", "LiberationMono-Regular.ttf",
    "LiberationMono-Italic.ttf", "NotoSerif-Regular.ttf", "NotoSerif-Italic.ttf",
    "NotoSansMono-Regular.ttf",
)
EXCLUDED_PREFIX = "NotoSans-"  # the corpus hand font's family: never trained on
_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
              Path.home() / ".local" / "share" / "fonts")
SIDE = 28  # features are SIDE × SIDE
_BOX = 22  # the digit's height inside the square (width scaled alike, capped at the side)


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, ...]:
    """The training fonts found on this machine, in TRAIN_FONTS order."""
    found: dict[str, Path] = {}
    for root in _FONT_DIRS:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.ttf")):
            if path.name in TRAIN_FONTS and not path.name.startswith(EXCLUDED_PREFIX):
                found.setdefault(path.name, path)
    return tuple(found[name] for name in TRAIN_FONTS if name in found)


def features(ink: np.ndarray) -> np.ndarray:
    """A SIDE×SIDE float32 vector of one digit's ink (0 paper … 1 full ink, any size): cropped
    to its ink, scaled to a fixed height (a 1 stays narrow), centred."""
    ys, xs = np.nonzero(ink > 0.3)
    if ys.size == 0:
        return np.zeros(SIDE * SIDE, np.float32)
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    f = _BOX / h
    nw = max(1, min(SIDE - 2, round(w * f)))
    img = Image.fromarray((np.clip(crop, 0, 1) * 255).astype(np.uint8))
    img = img.resize((nw, _BOX), Image.BILINEAR, reducing_gap=2.0)
    out = np.zeros((SIDE, SIDE), np.float32)
    x0, y0 = (SIDE - nw) // 2, (SIDE - _BOX) // 2
    out[y0:y0 + _BOX, x0:x0 + nw] = np.asarray(img, np.float32) / 255
    return out.ravel()


def synthetic_digits(per_font: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(features, labels): ``per_font`` drawings of each digit in each training font."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    xs, ys = [], []
    for path in font_files():
        for digit in range(10):
            glyphs = [_glyph(str(digit), path, pen) for pen in (-1, 0, 1, 2)]
            for _ in range(per_font):
                glyph = glyphs[rng.choices((0, 1, 2, 3), (15, 55, 20, 10))[0]]
                xs.append(features(_draw(glyph, rng, noise)))
                ys.append(digit)
    # Pen-drawn 1s and 7s besides the fonts' (a 1 with a long flag and no foot is the
    # commonest handwritten 1, and the one most often taken for a 7).
    for digit in (1, 7):
        for _ in range(per_font * 4):
            xs.append(features(_draw(_pen_digit(digit, rng), rng, noise)))
            ys.append(digit)
    return np.stack(xs), np.array(ys, np.int64)


def _pen_digit(digit: int, rng: random.Random) -> np.ndarray:
    """A 1 (stem, a flag of any length, sometimes a foot) or a 7 (bar, stem, sometimes a
    crossbar or a tick) drawn with straight pen strokes at _PX."""
    h = _PX * rng.uniform(0.65, 0.8)
    tile = Image.new("L", (_PX * 2, _PX * 2), 0)
    d = ImageDraw.Draw(tile)
    pen = rng.randint(3, 8)
    top, cx = _PX - h / 2, _PX
    if digit == 1:
        lean = rng.uniform(-0.1, 0.1) * h
        d.line([(cx + lean, top), (cx - lean, top + h)], fill=255, width=pen)
        flag = rng.uniform(0.12, 0.45) * h
        a = np.radians(rng.uniform(15, 55))
        d.line([(cx + lean, top), (cx + lean - flag * np.cos(a), top + flag * np.sin(a))],
               fill=255, width=pen)
        if rng.random() < 0.25:
            foot = rng.uniform(0.2, 0.35) * h
            d.line([(cx - lean - foot, top + h), (cx - lean + foot, top + h)], fill=255,
                   width=pen)
    else:
        bar = rng.uniform(0.45, 0.75) * h
        x0, x1 = cx - bar / 2, cx + bar / 2
        y0 = top + rng.uniform(-0.05, 0.08) * h
        d.line([(x0, y0), (x1, top)], fill=255, width=pen)
        foot_x = x0 + bar * rng.uniform(0.0, 0.5)
        d.line([(x1, top), (foot_x, top + h)], fill=255, width=pen)
        if rng.random() < 0.3:
            mx, my = (x1 + foot_x) / 2, top + h / 2
            d.line([(mx - 0.2 * h, my), (mx + 0.2 * h, my)], fill=255, width=pen)
        if rng.random() < 0.3:
            d.line([(x0, y0), (x0 - 0.02 * h, y0 + rng.uniform(0.1, 0.25) * h)], fill=255,
                   width=pen)
    arr = np.asarray(tile, np.float32) / 255
    ys, xs = np.nonzero(arr > 0.2)
    pad = _PX // 4
    return arr[max(0, ys.min() - pad):ys.max() + pad, max(0, xs.min() - pad):xs.max() + pad]


_PX = 64  # glyphs are drawn once at this size, then transformed


def _glyph(ch: str, path: Path, pen: int) -> np.ndarray:
    """The digit's ink (0…1) at _PX, its strokes thinned (pen -1) or thickened (1, 2)."""
    font = ImageFont.truetype(str(path), _PX)
    tile = Image.new("L", (_PX * 2, _PX * 2), 0)
    ImageDraw.Draw(tile).text((_PX, _PX), ch, font=font, fill=255, anchor="mm")
    if pen < 0:
        tile = tile.filter(ImageFilter.MinFilter(3))
    elif pen > 0:
        tile = tile.filter(ImageFilter.MaxFilter(2 * pen + 1))
    arr = np.asarray(tile, np.float32) / 255
    ys, xs = np.nonzero(arr > 0.2)
    pad = _PX // 4
    return arr[max(0, ys.min() - pad):ys.max() + pad, max(0, xs.min() - pad):xs.max() + pad]


def _draw(glyph: np.ndarray, rng: random.Random, noise: np.random.Generator) -> np.ndarray:
    """One digit as a pen and a scan would leave it: ink 0…1, 25–50 px high (the handwritten
    number at 300 dpi, or at 200 dpi read at 300), sometimes with a cut stroke or the edge of
    a neighbour."""
    arr = glyph
    if rng.random() < 0.15:  # a black print stroke crossing the digit erases a band of ink
        arr = _cut(arr, rng)
    if rng.random() < 0.2:  # the edge of a neighbouring digit left by a cut
        arr = _neighbour_edge(arr, rng)
    # One affine map: slant, width, rotation and the scale of the scan.
    scale = rng.uniform(0.5, 0.8) * (rng.uniform(0.55, 0.85) if rng.random() < 0.35 else 1)
    t = np.radians(rng.uniform(-15, 15))
    fwd = scale * np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ np.array(
        [[rng.uniform(0.75, 1.2), rng.uniform(-0.35, 0.25)], [0, 1]])
    inv = np.linalg.inv(fwd)
    h, w = arr.shape
    oh, ow = int(h * scale * 1.4) + 4, int(w * scale * 1.6) + 4
    c_in, c_out = np.array([w / 2, h / 2]), np.array([ow / 2, oh / 2])
    off = c_in - inv @ c_out
    img = Image.fromarray((arr * 255).astype(np.uint8)).transform(
        (ow, oh), Image.AFFINE, (inv[0, 0], inv[0, 1], off[0], inv[1, 0], inv[1, 1], off[1]),
        resample=Image.BILINEAR)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    if rng.random() < 0.6:
        buf = io.BytesIO()
        Image.fromarray(255 - np.asarray(img)).save(buf, "JPEG", quality=rng.randint(50, 90))
        img = Image.fromarray(255 - np.asarray(Image.open(buf).convert("L")))
    out = np.asarray(img, np.float32) / 255 + noise.normal(0, 0.04, (oh, ow)).astype(np.float32)
    strong = out[out > 0.3]
    top = float(np.percentile(strong, 75)) if strong.size > 10 else 1.0
    return np.clip(np.where(out > 0.16, out, 0) / max(top, 0.2), 0, 1)


def _cut(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    h, w = arr.shape
    y = rng.uniform(0.3, 0.7) * h
    slope = rng.uniform(-2.5, 2.5)
    thick = rng.uniform(2, 6)
    yy, xx = np.mgrid[0:h, 0:w]
    band = np.abs((yy - y) - slope * (xx - w / 2)) / np.sqrt(1 + slope * slope) < thick
    return np.where(band, 0, arr)


def _neighbour_edge(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    """A short vertical stroke at the left or right edge of the ink."""
    ys, xs = np.nonzero(arr > 0.3)
    if xs.size == 0:
        return arr
    out = arr.copy()
    h = ys.max() - ys.min()
    y0 = ys.min() + int(rng.uniform(0, 0.5) * h)
    y1 = y0 + max(3, int(rng.uniform(0.2, 0.5) * h))
    gap = rng.randint(1, 4)
    if rng.random() < 0.5:
        x = max(0, xs.min() - gap - 3)
    else:
        x = min(arr.shape[1] - 4, xs.max() + gap)
    out[y0:y1, x:x + 3] = 1.0
    return out
