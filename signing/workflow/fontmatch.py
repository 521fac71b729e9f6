"""The font of the draft's own "Số:" line, so that the number and date written into the blanks
look like the text around them (Decree 30 prints them in the same Times-like font and size).

The embedded font is usually a subset (``ABCDEF+LiberationSerif``) that lacks the digits we
need, so the installed font of the same name is used (found with fontconfig's ``fc-match``); when
none is installed, or it lacks Vietnamese letters, the caller falls back to its default.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from signing.fonts import font_covers
from signing.pdfium_lock import holds_pdfium_lock


@dataclass(frozen=True)
class TextFont:
    name: str  # as embedded, without the subset tag: "LiberationSerif", "TimesNewRomanPSMT"
    size: float


@holds_pdfium_lock
def text_font(pdf: Path, needle: str = "Số:", page: int = 0) -> TextFont | None:
    """Font name and size of the first character of ``needle`` on ``page``."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(pdf))
    try:
        pg = doc[page]
        tp = pg.get_textpage()
        try:
            searcher = tp.search(needle, match_case=False)
            hit = searcher.get_next()
            searcher.close()
            if hit is None:
                return None
            buf = ctypes.create_string_buffer(256)
            flags = ctypes.c_int()
            raw.FPDFText_GetFontInfo(tp.raw, hit[0], buf, len(buf), ctypes.byref(flags))
            size = float(raw.FPDFText_GetFontSize(tp.raw, hit[0]))
        finally:
            tp.close()
            pg.close()
    finally:
        doc.close()
    name = buf.value.decode("latin-1").split("+", 1)[-1]
    return TextFont(name, size) if name and size > 0 else None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _family(name: str) -> str:
    # "TimesNewRomanPSMT" / "LiberationSerif-Regular" / "Times New Roman,Bold" -> family part
    base = re.split(r"[-,]", name, maxsplit=1)[0]
    return re.sub(r"(PSMT|PS|MT)$", "", base)


# Metric-compatible clones: same widths, so the number fills its blank as the original would.
METRIC_CLONES = {"timesnewroman": "liberationserif", "times": "liberationserif",
                 "arial": "liberationsans", "helvetica": "liberationsans",
                 "couriernew": "liberationmono"}


@lru_cache(maxsize=64)
def installed_font(name: str) -> Path | None:
    """An installed TrueType file of that family with Vietnamese letters, or None."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    family = _family(name)
    style = "Bold" if "bold" in name.lower() else "Regular"
    # fontconfig wants "Times New Roman" rather than "TimesNewRoman": try both spellings.
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", family)
    for query in dict.fromkeys((f"{spaced}:style={style}", f"{family}:style={style}")):
        out = subprocess.run([fc_match, "-f", "%{family}\t%{file}", query],
                             capture_output=True, text=True, check=False).stdout
        if "\t" not in out:
            continue
        families, file = out.split("\t", 1)
        wanted = {_norm(family), METRIC_CLONES.get(_norm(family), "")} - {""}
        # fc-match always answers with something: accept only the family asked for, or its
        # metric-compatible clone.
        if not any(_norm(f) in wanted for f in families.split(",")):
            continue
        path = Path(file)
        if path.suffix.lower() in (".ttf", ".otf") and path.is_file() and font_covers(str(path)):
            return path
    return None


def matching_font(pdf: Path, needle: str = "Số:") -> Path | None:
    found = text_font(pdf, needle)
    return installed_font(found.name) if found else None
