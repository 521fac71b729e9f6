"""Find a TrueType font that can draw Vietnamese (Noto from fonts-noto-core)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PIL import ImageFont

from .errors import FontNotFoundError

# Debian's fonts-noto-core; tried first so output does not depend on fontconfig's mood.
_CANDIDATES = {
    "sans-bold": [
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
    ],
    "serif-bold": [
        "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ],
    "sans": [
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
    ],
}
_FC_PATTERNS = {
    "sans-bold": "Noto Sans:bold:lang=vi",
    "serif-bold": "Noto Serif:bold:lang=vi",
    "sans": "Noto Sans:lang=vi",
}
# Letters a font must have for the seal and the marks.
_PROBE = "ỦỶẦẪỄỆỊỌỘỚỜỞỠỢỤỨỪỬỮỰđĐ"


def _covers_vietnamese(path: Path) -> bool:
    try:
        font = ImageFont.truetype(str(path), 40)
    except OSError:
        return False
    # A missing glyph is drawn as .notdef; all of them share one shape, so compare masks.
    notdef = font.getmask("\uffff").getbbox()
    return all(font.getmask(ch).getbbox() != notdef for ch in _PROBE)


def find_font(style: str = "sans-bold") -> Path:
    if style not in _CANDIDATES:
        raise FontNotFoundError(f"unknown font style {style!r}")
    tried: list[str] = []
    candidates = [Path(p) for p in _CANDIDATES[style]]
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", _FC_PATTERNS[style]],
            capture_output=True, text=True, check=False,
        ).stdout.strip()
        if out:
            candidates.append(Path(out))
    for path in candidates:
        tried.append(str(path))
        if path.is_file() and _covers_vietnamese(path):
            return path
    raise FontNotFoundError(
        "no font with Vietnamese glyphs found (tried: " + ", ".join(tried) + "). "
        "Install the Debian package fonts-noto-core."
    )


def load_font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(find_font(style)), size_px)
