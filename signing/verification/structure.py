"""Byte-level checks that need no PDF parser: revisions, byte ranges, coverage.

These run on the raw bytes first, so that a file pyHanko cannot open still gets an exact reason,
and so that a byte range which lies about what it covers is caught before any cryptography.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_EOF = re.compile(rb"%%EOF[ \t]*(\r\n|\r|\n)?")
_HEX_CONTENTS = re.compile(rb"<[0-9A-Fa-f\s]*>")
# Signature dictionaries as they appear in the bytes, signed or not, referenced or not.
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*([-+0-9.\s]*?)\s*\]")


@dataclass
class ByteRangeCheck:
    coverage: str  # entire_file | entire_revision | partial | invalid
    end: int | None = None  # offset just past the signed bytes
    problems: list[str] = field(default_factory=list)


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


def check_byte_range(data: bytes, byte_range: list[int], eofs: list[int]) -> ByteRangeCheck:
    """Does this byte range cover one whole revision, minus exactly its /Contents hole?"""
    size = len(data)
    if len(byte_range) != 4 or not all(isinstance(v, int) for v in byte_range):
        return ByteRangeCheck("invalid", problems=["the /ByteRange is not four integers"])
    start1, len1, start2, len2 = byte_range
    if start1 != 0:
        return ByteRangeCheck(
            "invalid", problems=["the /ByteRange does not start at the beginning of the file"]
        )
    if min(len1, start2, len2) < 0 or start2 < len1:
        return ByteRangeCheck(
            "invalid", problems=["the /ByteRange has overlapping or negative parts"]
        )
    end = start2 + len2
    if end > size:
        return ByteRangeCheck(
            "invalid",
            end=end,
            problems=[f"the /ByteRange runs {end - size} bytes past the end of the file"],
        )
    hole = data[len1:start2]
    if not _HEX_CONTENTS.fullmatch(hole):
        return ByteRangeCheck(
            "invalid",
            end=end,
            problems=["the bytes left out of the /ByteRange are not just the signature value"],
        )
    if end == size:
        return ByteRangeCheck("entire_file", end=end)
    if end in eofs:
        return ByteRangeCheck("entire_revision", end=end)
    return ByteRangeCheck(
        "partial",
        end=end,
        problems=[f"the signature stops at byte {end}, which is not the end of a revision"],
    )
