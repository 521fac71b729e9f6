"""Byte-level scans that need no PDF parser: the header, the revisions, the byte ranges.

These run on the raw bytes first, so that a file pyHanko cannot open still gets an exact
reason. What a byte range covers is judged in ``changes/byte_ranges.py``.
"""

from __future__ import annotations

import re

_EOF = re.compile(rb"%%EOF[ \t]*(\r\n|\r|\n)?")
# Signature dictionaries as they appear in the bytes, signed or not, referenced or not.
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*([-+0-9.\s]*?)\s*\]")


def revision_ends(data: bytes) -> list[int]:
    """Offsets just past each ``%%EOF`` marker (with its end-of-line), in file order."""
    return [m.end() for m in _EOF.finditer(data)]


def is_pdf(data: bytes) -> bool:
    # Readers accept a header within the first 1024 bytes; so do we.
    return b"%PDF-" in data[:1024]


def raw_byte_ranges(data: bytes) -> list[tuple[int, list[int]]]:
    """Every ``/ByteRange`` array in the file with its offset, parsed leniently."""
    out = []
    for m in _BYTE_RANGE.finditer(data):
        try:
            out.append((m.start(), [int(x) for x in m.group(1).split()]))
        except ValueError:
            out.append((m.start(), []))
    return out
