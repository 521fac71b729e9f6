"""A font that draws Vietnamese, for stamp text.

pyHanko's default stamp font (Courier, WinAnsi) silently garbles Vietnamese. Decree 30 asks for
Times New Roman 10 pt on appendix and copy stamps: Liberation Serif 2.x is metric-compatible with
it and carries the precomposed Vietnamese letters; Noto Serif is the fallback. An explicit path
always wins. Every candidate is checked for the letters Vietnamese needs before it is used.
"""

from __future__ import annotations

import functools
import io
import os
import unicodedata
from pathlib import Path

from signing.errors import StampError

__all__ = ["VIETNAMESE_SAMPLE", "find_vietnamese_font", "font_covers"]

# Every lowercase and uppercase Vietnamese letter with its tone marks, plus đ/Đ.
_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
VIETNAMESE_SAMPLE = (
    "".join(
        unicodedata.normalize("NFC", v + t)
        for v in _VOWELS + _VOWELS.upper()
        for t in ("", *_TONES)
    )
    + "đĐ"
)

_CANDIDATES = (
    "LiberationSerif-Regular.ttf",
    "NotoSerif-Regular.ttf",
    "DejaVuSerif.ttf",
)
# Standard font directories of Linux distributions (and the user's own).
_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)


@functools.lru_cache(maxsize=16)
def font_covers(path: str, text: str = VIETNAMESE_SAMPLE) -> bool:
    """True when the font at ``path`` maps every character of ``text`` to a glyph."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True) as tt:
            cmap = tt.getBestCmap() or {}
    except (OSError, TTLibError):
        return False
    return all(ord(c) in cmap for c in text if not c.isspace())


@functools.lru_cache(maxsize=4)
def _search(extra_dirs: tuple[str, ...]) -> str | None:
    dirs = [Path(d) for d in extra_dirs] + list(_FONT_DIRS)
    env_dirs = os.environ.get("XDG_DATA_DIRS", "")
    dirs += [Path(d) / "fonts" for d in env_dirs.split(":") if d]
    for name in _CANDIDATES:
        for d in dirs:
            if not d.is_dir():
                continue
            for hit in sorted(d.rglob(name)):
                if font_covers(str(hit)):
                    return str(hit)
    return None


def find_vietnamese_font(
    explicit: str | Path | None = None, search_dirs: tuple[str, ...] = ()
) -> str:
    """Path of a TrueType font with Vietnamese glyphs; a clear :class:`StampError` if none."""
    if explicit is not None:
        p = Path(explicit)
        if not p.is_file():
            raise StampError(f"font not found: {p.name}")
        if not font_covers(str(p)):
            raise StampError(f"font {p.name} lacks Vietnamese letters")
        return str(p)
    found = _search(tuple(search_dirs))
    if found is None:
        raise StampError(
            "no font with Vietnamese glyphs found (install fonts-liberation2 or fonts-noto-core)"
        )
    return found


@functools.lru_cache(maxsize=8)
def _advances(path: str) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as tt:
        cmap = tt.getBestCmap() or {}
        hmtx = tt["hmtx"].metrics
        upem = tt["head"].unitsPerEm
        return {cp: hmtx[g][0] for cp, g in cmap.items() if g in hmtx}, upem


def text_width(path: str, text: str, size: float) -> float:
    """Advance width of NFC ``text`` in points (no kerning; stamps use plain text)."""
    adv, upem = _advances(path)
    fallback = upem // 2
    return sum(adv.get(ord(c), fallback) for c in text) * size / upem


# What stamps write: ASCII, Latin-1, Latin Extended-A/B, Vietnamese, combining tones, quotes
# and dashes. A font cut down to this once per process subsets per signature ~5x faster than
# the full font (fontTools' subsetting dominates the cost of a text stamp).
_REPERTOIRE = (
    set(range(0x20, 0x7F))
    | set(range(0xA0, 0x250))
    | set(range(0x300, 0x324))
    | set(range(0x1EA0, 0x1EFA))
    | {0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2116}
)


@functools.lru_cache(maxsize=4)
def _font_bytes(path: str, reduced: bool) -> bytes:
    data = Path(path).read_bytes()
    if not reduced:
        return data
    from fontTools import subset
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["FFTM", "DSIG"]
    tt = TTFont(io.BytesIO(data))
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(_REPERTOIRE))
    sub.subset(tt)
    buf = io.BytesIO()
    tt.save(buf)
    return buf.getvalue()


def font_engine(writer, path: str, size: float, text: str = ""):
    """A pyHanko glyph accumulator for ``path`` whose widths are right for any unitsPerEm.

    pyHanko 0.38 writes /W widths and TJ adjustments in font units, which is only right for
    fonts with 1000 units per em; Liberation Serif has 2048, so its text came out spaced a
    letter apart. Here HarfBuzz is scaled to 1000 units and the widths are rescaled.
    ``text`` is everything the engine will draw: when it stays within the stamp repertoire a
    pre-reduced copy of the font is used.
    """
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

    class _PerMilleAccumulator(GlyphAccumulator):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._wscale = 1000 / self.units_per_em
            if self.units_per_em != 1000:
                self.hb_font.scale = (1000, 1000)
                self.units_per_em = 1000

        def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
            hit = self._glyphs.get(glyph_id)
            if hit is None:
                cid, width = super()._get_cid_and_width(glyph_id)
                hit = self._glyphs[glyph_id] = (cid, round(width * self._wscale))
            return hit

    obj_stream = writer.prepare_object_stream() if writer.stream_xrefs else None
    reduced = all(ord(c) in _REPERTOIRE for c in text)
    fh = io.BytesIO(_font_bytes(path, reduced))
    engine = _PerMilleAccumulator(
        writer=writer, font_handle=fh, font_size=size, obj_stream=obj_stream
    )
    return engine
