"""The workers' speed-ups give exactly what the originals give."""

from __future__ import annotations

import io
import random

import pytest
from pyhanko.pdf_utils.misc import PdfStreamError

from signing.verification import speedups


def _both(raw: bytes):
    results = []
    for reader in (speedups._original, speedups.read_hex_string):
        stream = io.BytesIO(raw)
        try:
            value = reader(stream)
            results.append((bytes(value.original_bytes if hasattr(value, "original_bytes")
                                  else value), stream.tell()))
        except PdfStreamError:
            results.append(("error", None))
    return results


@pytest.mark.parametrize("seed", range(25))
def test_same_value_and_position_as_pyhanko(seed):
    rng = random.Random(seed)
    digits = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(rng.randrange(0, 300)))
    spaced = "".join(c + (rng.choice([" ", "\n", "\r\n", "\t", ""]) if rng.random() < 0.1 else "")
                     for c in digits)
    raw = b"<" + spaced.encode() + b"> /Next 1"
    ours, theirs = _both(raw)
    assert ours == theirs


@pytest.mark.parametrize("raw", [b"<12 3g>", b"<abc", b"<>", b"<1>", b"<" + b"0" * 70000 + b">"])
def test_edge_cases_match(raw):
    ours, theirs = _both(raw)
    assert ours == theirs


def test_remembered_name_preparation_equals_asn1crypto():
    from asn1crypto import x509

    name = x509.Name.build({"common_name": "  ỦY BAN   NHÂN DÂN ", "organization_name": "Bộ X",
                            "country_name": "VN"})
    before = [ntv.prepped_value for rdn in name.chosen for ntv in rdn]
    speedups.install()
    try:
        twice = [[ntv.prepped_value for rdn in name.chosen for ntv in rdn] for _ in range(2)]
    finally:
        speedups.uninstall()
    assert twice == [before, before]
