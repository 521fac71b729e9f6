"""Documents for the ocr tests, made once per session by the corpus generator."""

from __future__ import annotations

import pytest

from tests.corpus.build import Sample, make_born_digital, make_scan
from tests.ocr.signed import sign_with_stamp


@pytest.fixture(scope="session")
def digital() -> Sample:
    """A born-digital two-page document (signature block on page 2)."""
    return make_born_digital(11, pages=2)


@pytest.fixture(scope="session")
def signed_scan() -> tuple[Sample, bytes]:
    """A one-page 300 dpi scan with seal, receipt stamp and noise, signed twice with visible
    stamps (incremental updates): the usual incoming document."""
    sample = make_scan(5, "scan300", pages=1)
    return sample, sign_with_stamp(sample.data)
