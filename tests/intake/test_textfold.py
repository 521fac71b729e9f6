"""Re-scan signatures: the vectorized MinHash gives the numbers of its definition."""

from __future__ import annotations

import hashlib
import random

from intake.textfold import _SEEDS, fold, minhash, similarity, words

MASK = (1 << 61) - 1


def minhash_by_definition(text: str) -> list[int]:
    tokens = words(fold(text))
    if not tokens:
        return []
    shingles = {" ".join(tokens[i:i + 3]) for i in range(max(1, len(tokens) - 2))}
    hashed = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")
              for s in shingles]
    return [min((h ^ seed) & MASK for h in hashed) for seed in _SEEDS]


def test_minhash_is_its_definition():
    rng = random.Random(6)
    vocabulary = "quyết định ủy ban nhân dân tỉnh an giang đường 943 k1 số 125/STC-NS".split()
    for n in (0, 1, 2, 3, 7, 400):
        text = " ".join(rng.choices(vocabulary, k=n))
        got = minhash(text)
        assert got == minhash_by_definition(text)
        assert all(type(v) is int for v in got)  # stored as JSON


def test_two_scans_of_one_page_are_near_identical_and_other_pages_are_not():
    page = " ".join(random.Random(1).choices("a b c d e f g h i j k l".split(), k=300))
    rescan = page.replace(" e ", " c ", 3)
    other = " ".join(random.Random(2).choices("a b c d e f g h i j k l".split(), k=300))
    assert similarity(minhash(page), minhash(rescan)) >= 0.8
    assert similarity(minhash(page), minhash(other)) < 0.5
