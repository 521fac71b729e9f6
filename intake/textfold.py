"""Text for search and for re-scan detection: words, and MinHash signatures."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from registry.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)
MINHASH_SIZE = 64
_SEEDS = [int.from_bytes(hashlib.sha256(f"vanthu-{i}".encode()).digest()[:8], "big")
          for i in range(MINHASH_SIZE)]
_MASK = np.uint64((1 << 61) - 1)
_SEED_ARRAY = np.array(_SEEDS, dtype=np.uint64)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def minhash(text: str) -> list[int]:
    """A 64-value MinHash of the folded word 3-shingles: two scans of one page agree on most."""
    tokens = words(fold(text))
    if not tokens:
        return []
    shingles = {" ".join(tokens[i:i + 3]) for i in range(max(1, len(tokens) - 2))}
    hashed = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")
         for s in shingles), dtype=np.uint64, count=len(shingles))
    # min over the shingles of (hash ^ seed) & mask, for every seed at once: the same numbers as
    # the loop in Python, a hundred times faster (it was a tenth of a text PDF's reading job).
    return [int(v) for v in ((hashed[None, :] ^ _SEED_ARRAY[:, None]) & _MASK).min(axis=1)]


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


# Re-scan candidates by LSH: the signature cut into bands, each band hashed to one indexed key.
BANDS = 16
_ROWS = MINHASH_SIZE // BANDS


def band_keys(signature: list[int]) -> list[int]:
    """One signed 64-bit key per band of 4 values (band number included): two signatures share a
    key exactly where they agree on the whole band (but for a 2^-64 hash collision)."""
    if len(signature) != MINHASH_SIZE:
        return []
    return [
        int.from_bytes(hashlib.blake2b(
            b"".join(v.to_bytes(8, "big") for v in signature[b * _ROWS:(b + 1) * _ROWS]),
            digest_size=8, person=b"band%d" % b).digest(), "big", signed=True)
        for b in range(BANDS)
    ]
