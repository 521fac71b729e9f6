"""The organization's red round seal, drawn at real size (diameter in mm at a given dpi)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, PngImagePlugin

from .errors import SamplePKIError
from .files import atomic_write
from .fonts import load_font

SEAL_RED = (206, 17, 38)
MM_PER_INCH = 25.4
SUPERSAMPLE = 2  # draw at twice the size, then downscale: smooth edges


@dataclass(frozen=True)
class SealSpec:
    org_name: str = "ỦY BAN NHÂN DÂN TỈNH AN GIANG"
    diameter_mm: float = 36.0
    dpi: int = 600
    mark_top: str = "SAMPLE"
    mark_bottom: str = "MẪU"

    @property
    def size_px(self) -> int:
        return round(self.diameter_mm / MM_PER_INCH * self.dpi)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r_out: float) -> None:
    r_in = r_out * 0.382  # the inner radius of a regular five-pointed star
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(pts, fill=255)


def _glyph_tile(ch: str, font, angle_deg: float, tile: int) -> Image.Image:
    img = Image.new("L", (tile, tile), 0)
    # anchor "ms": the glyph's baseline middle sits on the tile centre, so rotating the
    # tile turns the letter about the point that lies on the text circle
    ImageDraw.Draw(img).text((tile / 2, tile / 2), ch, font=font, fill=255, anchor="ms")
    return img.rotate(-angle_deg, resample=Image.Resampling.BICUBIC)


def _paste_max(mask: Image.Image, tile: Image.Image, cx: float, cy: float) -> None:
    x0 = round(cx - tile.width / 2)
    y0 = round(cy - tile.height / 2)
    box = (x0, y0, x0 + tile.width, y0 + tile.height)
    mask.paste(ImageChops.lighter(mask.crop(box), tile), box)


def _ring_text(mask: Image.Image, text: str, font, cx: float, cy: float,
               r_base: float, span_deg: float) -> None:
    """Write text clockwise along the top of a circle, centred on 12 o'clock."""
    advances = [font.getlength(ch) for ch in text]
    natural = sum(advances)
    target = math.radians(span_deg) * r_base
    if natural > target:
        raise SamplePKIError(
            f"seal text {text!r} does not fit on the ring; shorten it or enlarge the seal"
        )
    gap = (target - natural) / max(len(text) - 1, 1)
    tile = int(font.size * 2.6)
    pos = -target / 2
    for ch, adv in zip(text, advances, strict=True):
        mid = pos + adv / 2
        theta = mid / r_base  # radians clockwise from the top
        if not ch.isspace():
            x = cx + r_base * math.sin(theta)
            y = cy - r_base * math.cos(theta)
            _paste_max(mask, _glyph_tile(ch, font, math.degrees(theta), tile), x, y)
        pos += adv + gap


def draw_seal(spec: SealSpec) -> Image.Image:
    """Return the seal as an RGBA image of spec.size_px square, transparent outside the ink."""
    if spec.diameter_mm <= 10 or spec.dpi < 72:
        raise SamplePKIError("seal must be at least 10 mm across and 72 dpi")
    px_per_mm = spec.dpi / MM_PER_INCH * SUPERSAMPLE
    size = spec.size_px * SUPERSAMPLE
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    outer_w = 1.0 * px_per_mm
    inner_w = 0.45 * px_per_mm
    r_outer = c - 0.15 * px_per_mm  # keep the stroke inside the square
    r_inner = r_outer * 0.64
    draw.ellipse((c - r_outer, c - r_outer, c + r_outer, c + r_outer),
                 outline=255, width=round(outer_w))
    draw.ellipse((c - r_inner, c - r_inner, c + r_inner, c + r_inner),
                 outline=255, width=round(inner_w))

    ring_gap = (r_outer - outer_w) - r_inner
    font_px = round(ring_gap * 0.52)
    ring_font = load_font("sans-bold", font_px)
    r_base = r_inner + ring_gap * 0.24
    _ring_text(mask, spec.org_name, ring_font, c, c, r_base, span_deg=290)
    # a small star closes the ring at the bottom, as on real seals
    _star(draw, c, c + r_base + font_px * 0.35, font_px * 0.42)

    _star(draw, c, c - r_inner * 0.05, r_inner * 0.36)
    top_font = load_font("sans-bold", round(r_inner * 0.2))
    draw.text((c, c - r_inner * 0.5), spec.mark_top, font=top_font, fill=255, anchor="mm")
    bottom_font = load_font("sans-bold", round(r_inner * 0.3))
    draw.text((c, c + r_inner * 0.56), spec.mark_bottom, font=bottom_font, fill=255,
              anchor="mm")

    alpha = mask.resize((spec.size_px, spec.size_px), Image.Resampling.LANCZOS)
    seal = Image.new("RGBA", alpha.size, SEAL_RED + (0,))
    seal.putalpha(alpha)
    return seal


def save_seal(spec: SealSpec, path: Path) -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", "SAMPLE seal - MẪU - not valid for any real use")
    info.add_text("vanthu:diameter_mm", f"{spec.diameter_mm:g}")
    info.add_text("vanthu:organization", spec.org_name)
    buf = io.BytesIO()
    draw_seal(spec).save(buf, format="PNG", dpi=(spec.dpi, spec.dpi), pnginfo=info)
    return atomic_write(path, buf.getvalue())
