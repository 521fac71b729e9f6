"""Scoring a reading against the truth: character error rate and field correctness."""

from __future__ import annotations

import re
import unicodedata

import numpy as np


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\f", " ")
    return re.sub(r"\s+", " ", text).strip()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy row at a time (pages are thousands of characters)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    bv = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    prev = np.arange(len(b) + 1, dtype=np.int32)
    idx = np.arange(len(b) + 1, dtype=np.int32)
    for i, ch in enumerate(a, 1):
        cost = (bv != ord(ch)).astype(np.int32)
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
        # insertions along the row: cur[j] = min_k cur[k] + (j - k)
        cur = np.minimum.accumulate(cur - idx) + idx
        prev = cur
    return int(prev[-1])


def cer(hyp: str, ref: str) -> tuple[int, int]:
    """(edits, reference length) after normalizing whitespace."""
    h, r = normalize(hyp), normalize(ref)
    return edit_distance(h, r), len(r)


def field_equal(name: str, got: object, want: object) -> bool:
    if isinstance(want, list) or isinstance(got, list):
        if not isinstance(got, list) or not isinstance(want, list):
            return False
        return [normalize(x) for x in got] == [normalize(x) for x in want]
    if want is None or got is None:
        return want is None and got is None
    return normalize(str(got)) == normalize(str(want))
