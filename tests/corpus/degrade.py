"""Turn a clean page image into a scan: seal and signature, receipt stamp, blur, noise, JPEG
artefacts, skew and turned pages, at the resolution of the chosen level."""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from tests.corpus.layout import Page
from tests.corpus.render import font_path


@dataclass(frozen=True)
class Level:
    name: str
    dpi: int
    blur: float
    noise: float
    jpeg: int
    max_skew: float
    turn_share: float  # share of pages turned 90/180/270°
    stamps: bool
    hand_share: float  # share of documents whose number is handwritten


LEVELS = {
    "clean300": Level("clean300", 300, 0.0, 2.0, 92, 0.0, 0.0, False, 0.0),
    "scan300": Level("scan300", 300, 0.6, 7.0, 75, 1.5, 0.05, True, 0.15),
    "scan200": Level("scan200", 200, 0.5, 7.0, 75, 1.5, 0.05, True, 0.15),
    "hard150": Level("hard150", 150, 0.8, 12.0, 55, 5.0, 0.2, True, 0.3),
}

RED = (205, 35, 45)
BLUE = (25, 45, 170)


def _multiply(img: Image.Image, layer: Image.Image) -> Image.Image:
    return ImageChops.multiply(img, layer)


def add_seal(img: Image.Image, box: tuple[float, float, float, float], dpi: int,
             rng: random.Random) -> Image.Image:
    """A red seal over the left third of the signature, and a blue signature under it."""
    s = dpi / 72
    x0, y0, x1, y1 = (v * s for v in box)
    layer = Image.new("RGB", img.size, "white")
    d = ImageDraw.Draw(layer)
    # signature: a few strokes in ballpoint blue
    pts = []
    cy = (y0 + y1) / 2
    for i in range(40):
        t = i / 39
        pts.append((x0 + (x1 - x0) * (0.25 + 0.6 * t) + rng.uniform(-5, 5) * s,
                    cy + math.sin(t * 9 + rng.random()) * (y1 - y0) * 0.25))
    d.line(pts, fill=BLUE, width=max(2, round(1.2 * s)))
    # seal: two rings, a star and the organization's name in red
    r = 17 * 72 / 25.4 * s
    sx, sy = x0 + (x1 - x0) * 0.3, cy
    for rr, w in ((r, 2.2), (r * 0.78, 1.2)):
        d.ellipse([sx - rr, sy - rr, sx + rr, sy + rr], outline=RED, width=max(2, round(w * s)))
    star = [(sx + r * 0.3 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             sy - r * 0.3 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    d.polygon(star, fill=RED)
    font = ImageFont.truetype(str(font_path("LiberationSerif-Bold.ttf")), max(8, round(7 * s)))
    text = "ỦY BAN NHÂN DÂN TỈNH * "
    for k, ch in enumerate(text * 2):
        a = math.pi + k * 2 * math.pi / (2 * len(text))
        d.text((sx + r * 0.88 * math.cos(a), sy + r * 0.88 * math.sin(a)), ch, fill=RED,
               font=font, anchor="mm")
    return _multiply(img, layer)


def add_receipt_stamp(img: Image.Image, dpi: int, rng: random.Random) -> Image.Image:
    """The clerk's "ĐẾN" stamp, in purple-red, over the body text on the right of page 1."""
    s = dpi / 72
    w, h = 48 * 72 / 25.4 * s, 22 * 72 / 25.4 * s
    x = img.width * rng.uniform(0.55, 0.62)
    y = img.height * rng.uniform(0.28, 0.4)
    layer = Image.new("RGB", img.size, "white")
    d = ImageDraw.Draw(layer)
    ink = (175, 40, 95)
    d.rectangle([x, y, x + w, y + h], outline=ink, width=max(2, round(1.3 * s)))
    font = ImageFont.truetype(str(font_path("LiberationSerif-Bold.ttf")), round(10 * s))
    small = ImageFont.truetype(str(font_path("LiberationSerif-Regular.ttf")), round(8 * s))
    d.text((x + w / 2, y + 4 * s), "ĐẾN", fill=ink, font=font, anchor="mt")
    d.text((x + 6 * s, y + 20 * s), f"Số: {rng.randint(1, 9999)}", fill=ink, font=small)
    d.text((x + 6 * s, y + 32 * s), f"Ngày: {rng.randint(1, 28)}/{rng.randint(1, 12)}/2026",
           fill=ink, font=small)
    return _multiply(img, layer)


def degrade(img: Image.Image, level: Level, rng: random.Random, *, page: Page,
            first: bool, allow_turn: bool = True) -> tuple[Image.Image, int, float]:
    """The scanned page, the quarter turn applied and the skew applied (degrees)."""
    if level.stamps and "signature" in page.anchors:
        img = add_seal(img, page.anchors["signature"], level.dpi, rng)
    if level.stamps and first:
        img = add_receipt_stamp(img, level.dpi, rng)
    if level.blur:
        img = img.filter(ImageFilter.GaussianBlur(level.blur * level.dpi / 300))
    skew = rng.uniform(-level.max_skew, level.max_skew) if level.max_skew else 0.0
    if skew:
        img = img.rotate(skew, resample=Image.BICUBIC, fillcolor=(255, 255, 255))
    turn = 0
    if allow_turn and rng.random() < level.turn_share:
        turn = rng.choice([90, 180, 270])
        img = img.rotate(turn, expand=True)
    if level.noise:
        a = np.asarray(img, dtype=np.int16)
        noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, level.noise, a.shape[:2])
        a = np.clip(a + noise[..., None].astype(np.int16), 0, 255).astype(np.uint8)
        img = Image.fromarray(a)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=level.jpeg, dpi=(level.dpi, level.dpi))
    return Image.open(io.BytesIO(buf.getvalue())), turn, skew


def jpeg_bytes(img: Image.Image, dpi: int, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()
