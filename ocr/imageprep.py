"""Turn a page image upright and straight before OCR: quarter turns from projection profiles,
upside-down from where the diacritics sit, skew up to ±5° from the sharpest row profile."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

_WORK_DPI = 75  # analysis resolution: enough for line structure, cheap to process


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


def _upside_down(ink: np.ndarray) -> bool | None:
    """True when the text lines carry more ink below their core than above it: Vietnamese marks
    and Latin ascenders sit above the x-height band, so upright text is top-heavy."""
    rows = ink.sum(axis=1).astype(np.float64)
    above = below = 0.0
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
            c0, c1 = core[0], core[-1]
            above += band[:c0].sum()
            below += band[c1 + 1:].sum()
        i = j
    if above + below < 50:
        return None
    ratio = above / max(below, 1.0)
    if ratio < 0.67:
        return True
    if ratio > 1.5:
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
