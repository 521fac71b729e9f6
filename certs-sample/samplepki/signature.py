"""Blue, handwritten-looking signatures: smooth Bézier pen strokes of varying width.

Not text: a chain of cubic Bézier segments (a cursive run of loops plus an underline
flourish) swept by a round pen whose width follows a smooth "pressure" curve. The shape
comes from a seed derived from the identity label, so the same label gives the same
picture on every run.
"""

from __future__ import annotations

import io
import math
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, PngImagePlugin

from .files import atomic_write
from .fonts import load_font

INK_BLUE = (22, 46, 160)
MM_PER_INCH = 25.4
SUPERSAMPLE = 3

Point = tuple[float, float]


@dataclass(frozen=True)
class SignatureSpec:
    seed_text: str
    width_mm: float = 50.0
    height_mm: float = 20.0
    dpi: int = 600
    mark: str = "MẪU · SAMPLE"

    @property
    def size_px(self) -> tuple[int, int]:
        k = self.dpi / MM_PER_INCH
        return round(self.width_mm * k), round(self.height_mm * k)


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, n: int) -> list[Point]:
    pts = []
    for i in range(n):
        t = i / n
        u = 1 - t
        pts.append((
            u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
            u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
        ))
    return pts


def _smooth_path(knots: list[Point], tension: float, steps: int) -> list[Point]:
    """Cubic Bézier segments through the knots with shared tangents (C1: no corners)."""
    path: list[Point] = []
    ext = [knots[0], *knots, knots[-1]]
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1], ext[i], ext[i + 1], ext[i + 2]
        c1 = (p1[0] + (p2[0] - p0[0]) * tension, p1[1] + (p2[1] - p0[1]) * tension)
        c2 = (p2[0] - (p3[0] - p1[0]) * tension, p2[1] - (p3[1] - p1[1]) * tension)
        path.extend(_bezier(p1, c1, c2, p2, steps))
    path.append(knots[-1])
    return path


def _cursive_knots(rng: random.Random) -> list[Point]:
    """Knots in a unit box (x right, y down): a tall initial, then a run of loops."""
    knots: list[Point] = [(0.04, 0.62), (0.10, 0.05 + rng.uniform(0, 0.08)),
                          (0.13, 0.70), (0.07, 0.55)]
    x = 0.16
    while x < 0.80:
        h = rng.uniform(0.22, 0.55)  # letter height
        w = rng.uniform(0.035, 0.07)
        knots.append((x, 0.62 - h))  # up-stroke
        knots.append((x - w * rng.uniform(0.3, 0.9), 0.62 - h * 0.55))  # loop back
        knots.append((x + w, 0.66 + rng.uniform(-0.03, 0.05)))  # down to the baseline
        x += w * rng.uniform(1.4, 2.2)
    return knots


def _flourish(rng: random.Random, start: Point) -> list[Point]:
    """An underline sweeping back left under the name, then out to the right."""
    p0 = start
    p1 = (start[0] + 0.08, start[1] + 0.25)
    p2 = (0.30, 0.98)
    p3 = (0.12 + rng.uniform(0, 0.06), 0.84)
    back = _bezier(p0, p1, p2, p3, 120)
    q1 = (0.35, 0.72 + rng.uniform(-0.04, 0.04))
    q2 = (0.75, 0.80)
    q3 = (0.95, 0.70 + rng.uniform(-0.06, 0.02))
    return back + _bezier(p3, q1, q2, q3, 140) + [q3]


def _pressure(rng: random.Random, n: int) -> list[float]:
    """Smooth pressure 0..1 from a few random sines, tapered at pen-down and pen-up."""
    waves = [(rng.uniform(2, 9), rng.uniform(0, 2 * math.pi), rng.uniform(0.3, 1))
             for _ in range(3)]
    total = sum(a for _, _, a in waves)
    out = []
    for i in range(n):
        t = i / max(n - 1, 1)
        p = 0.5 + 0.5 * sum(a * math.sin(f * 2 * math.pi * t + ph) for f, ph, a in waves) / total
        taper = min(1.0, t / 0.04, (1 - t) / 0.08)
        out.append(max(0.05, p) * max(0.15, taper))
    return out


def _sweep(draw: ImageDraw.ImageDraw, path: list[Point], widths: list[float]) -> None:
    # stamp round nibs closely enough that consecutive dots overlap into a stroke
    for (x0, y0), (x1, y1), w in zip(path, path[1:], widths, strict=False):
        steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / max(w * 0.3, 0.5)))
        for k in range(steps):
            x = x0 + (x1 - x0) * k / steps
            y = y0 + (y1 - y0) * k / steps
            draw.ellipse((x - w, y - w, x + w, y + w), fill=255)


def draw_signature(spec: SignatureSpec) -> Image.Image:
    rng = random.Random(zlib.crc32(spec.seed_text.encode("utf-8")))
    out_w, out_h = spec.size_px
    w, h = out_w * SUPERSAMPLE, out_h * SUPERSAMPLE
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    margin_x, margin_y = 0.05 * w, 0.08 * h

    slant = rng.uniform(0.12, 0.25)  # handwriting leans right: shear tops to the right

    def to_px(p: Point) -> Point:
        x = p[0] + (0.7 - p[1]) * slant * 0.4
        return margin_x + x * (w - 2 * margin_x), margin_y + p[1] * (h - 2 * margin_y)

    knots = _cursive_knots(rng)
    stroke = [to_px(p) for p in _smooth_path(knots, tension=0.2, steps=40)]
    stroke += [to_px(p) for p in _flourish(rng, knots[-1])]
    pen_mm = 0.42
    base = pen_mm / MM_PER_INCH * spec.dpi * SUPERSAMPLE / 2
    widths = [base * (0.45 + 0.75 * p) for p in _pressure(rng, len(stroke))]
    _sweep(draw, stroke, widths)

    mark_font = load_font("sans", round(2.0 / MM_PER_INCH * spec.dpi * SUPERSAMPLE))
    draw.text((w - margin_x * 0.4, h - margin_y * 0.3), spec.mark, font=mark_font,
              fill=150, anchor="rd")

    alpha = mask.resize((out_w, out_h), Image.Resampling.LANCZOS)
    img = Image.new("RGBA", (out_w, out_h), INK_BLUE + (0,))
    img.putalpha(alpha)
    return img


def save_signature(spec: SignatureSpec, path: Path) -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", "SAMPLE handwritten signature - MẪU - not valid for any real use")
    buf = io.BytesIO()
    draw_signature(spec).save(buf, format="PNG", dpi=(spec.dpi, spec.dpi), pnginfo=info)
    return atomic_write(path, buf.getvalue())
