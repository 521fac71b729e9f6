"""Byte ranges: does a signature cover one whole revision, minus exactly its own value?

The first of the change rules, and the only one that needs no parser: it runs on the raw
bytes before any cryptography, so that a byte range which lies about what it covers (not
starting at 0, running past the end of the file, leaving out more than ``/Contents``, or
stopping short of a revision's end — bytes appended inside the signed revision that no
signature covers) is caught even in a file pyHanko cannot open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEX_CONTENTS = re.compile(rb"<[0-9A-Fa-f\s]*>")


@dataclass
class ByteRangeCheck:
    coverage: str  # entire_file | entire_revision | partial | invalid
    end: int | None = None  # offset just past the signed bytes
    problems: list[str] = field(default_factory=list)


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
