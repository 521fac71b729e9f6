"""Cutting a handwritten number's ink into digits: connected components, the pieces of one
digit (a stroke cut by the print it crosses) merged, digits that touch split at the thinnest
columns of their ink once the writing's slant is taken out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

_SLANTS = np.linspace(-0.6, 0.3, 19)  # x shift per unit of height above the baseline


@dataclass
class Blob:
    """Ink that holds one or more digits: its pixels' coordinates (slant taken out)."""
    ys: np.ndarray
    xs: np.ndarray  # deslanted x, float
    ox: np.ndarray  # x in the image

    @property
    def width(self) -> float:
        return float(self.xs.max() - self.xs.min() + 1)

    @property
    def height(self) -> float:
        return float(self.ys.max() - self.ys.min() + 1)


def blobs(mask: np.ndarray, dpi: int) -> tuple[list[Blob], float]:
    """The ink's blobs from left to right, and the digits' height in pixels."""
    closed = ndimage.binary_closing(mask, np.ones((3, 3))) | mask
    labels, n = ndimage.label(closed, np.ones((3, 3)))
    if n == 0:
        return [], 0.0
    labels[~mask] = 0  # the closing only joins; the pixels are the ink's own
    areas = ndimage.sum(mask, labels, range(1, n + 1))
    keep = [i + 1 for i in range(n) if areas[i] >= (dpi / 300) ** 2 * 40]
    if not keep:
        return [], 0.0
    ys, xs = np.nonzero(np.isin(labels, keep))
    lab = labels[ys, xs]
    base = ys.max()
    slant = _slant(ys, xs, base)
    dx = xs + slant * (base - ys)  # upright: x moved back by the slant at each height
    parts = []
    for i in keep:
        sel = lab == i
        parts.append(Blob(ys[sel], dx[sel], xs[sel]))
    big = max(p.height * p.width for p in parts)
    height = float(np.median([p.height for p in parts if p.height * p.width > 0.3 * big]))
    parts.sort(key=lambda p: p.xs.min())
    merged: list[Blob] = []
    for p in parts:
        if merged:
            q = merged[-1]
            overlap = min(q.xs.max(), p.xs.max()) - max(q.xs.min(), p.xs.min())
            narrow = min(q.width, p.width)
            if overlap > 0.5 * narrow and min(q.height, p.height) < 0.75 * height:
                merged[-1] = Blob(*(np.concatenate([a, b]) for a, b in zip(
                    (q.ys, q.xs, q.ox), (p.ys, p.xs, p.ox), strict=True)))
                continue
        merged.append(p)
    return [b for b in merged if b.height >= 0.5 * height], height


def _slant(ys: np.ndarray, xs: np.ndarray, base: int) -> float:
    """The shear that makes the strokes most upright: the sharpest column histogram."""
    best, best_score = 0.0, -1.0
    for s in _SLANTS:
        col = np.round(xs + s * (base - ys)).astype(np.int64)
        hist = np.bincount(col - col.min())
        score = float((hist.astype(np.float64) ** 2).sum())
        if score > best_score:
            best, best_score = float(s), score
    return best


def split_into(parts: list[Blob], height: float, k: int) -> list[Blob]:
    """The blobs cut into ``k`` digits in all, the widest (for its count) cut first."""
    counts = [1] * len(parts)
    if k < len(parts):
        return []
    for _ in range(k - len(parts)):
        i = max(range(len(parts)), key=lambda j: parts[j].width / (counts[j] + 1))
        counts[i] += 1
    return [piece for p, c in zip(parts, counts, strict=True) for piece in split(p, c)]


def split(blob: Blob, k: int) -> list[Blob]:
    """``blob`` cut into ``k`` digits at the thinnest columns near even spacing."""
    if k <= 1:
        return [blob]
    x0 = blob.xs.min()
    cols = np.floor(blob.xs - x0).astype(np.int64)
    hist = np.bincount(cols).astype(np.float64)
    hist = np.convolve(hist, np.ones(3) / 3, mode="same")
    step = len(hist) / k
    cuts = []
    for i in range(1, k):
        lo, hi = int(step * (i - 0.35)), int(step * (i + 0.35)) + 1
        window = hist[lo:hi]
        # the emptiest column, the middle one among equals
        at = lo + int(np.argmin(window + 1e-3 * np.abs(np.arange(lo, hi) - step * i)))
        cuts.append(at)
    bounds = [0, *cuts, len(hist) + 1]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        sel = (cols >= a) & (cols < b)
        if sel.any():
            out.append(Blob(blob.ys[sel], blob.xs[sel], blob.ox[sel]))
    return out


def image(blob: Blob, ink: np.ndarray, upright: bool = False) -> np.ndarray:
    """The blob's pixels of ``ink`` (the crop's ink, 0…1) as an image of their own, slanted
    as written or ``upright``."""
    xs = np.round(blob.xs).astype(np.int64) if upright else blob.ox
    y0, x0 = blob.ys.min(), xs.min()
    out = np.zeros((int(blob.ys.max() - y0 + 1), int(xs.max() - x0 + 1)), np.float32)
    out[blob.ys - y0, xs - x0] = ink[blob.ys, blob.ox]
    return out
