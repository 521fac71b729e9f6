"""Coloured ink on 200 dpi scans: the clerk's purple receipt stamp, the red seal and the blue
signature are not read as text, and a sparse signature page keeps its orientation."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest

import ocr
from tests.corpus.build import make_scan
from tests.corpus.metrics import cer
from tests.corpus.render import scan_pdf


@pytest.mark.parametrize("seed", [1027, 1028])
def test_stamp_and_seal_remains_are_not_read_as_words(seed: int) -> None:
    """Pages that used to gain words from the receipt stamp's small print ("Mzèy: N -
    22/3/2026") and from the seal beside Nơi nhận ("Bà Š nh", "ị le"): 2–3 % CER, now ≤ 1 %."""
    sample = make_scan(seed, "scan200", pages=1)
    text = ocr.read(sample.data).pages[0].text
    edits, n = cer(text, sample.page_texts[0])
    assert edits / n <= 0.01, text


def test_sparse_signature_page_keeps_its_orientation() -> None:
    """Page 2 holds only Nơi nhận, the signer's block, the seal and the signature: read upright
    it stays upright, scanned upside down it is turned back, and its text reads both ways."""
    sample = make_scan(1004, "scan200", pages=2)
    assert sample.turns == [0, 0]
    upright = ocr.read(sample.data).pages[1]
    image = pdfium.PdfDocument(sample.data)[1].render(scale=200 / 72).to_pil().convert("RGB")
    buf = io.BytesIO()
    image.rotate(180).save(buf, "JPEG", quality=95, dpi=(200, 200))
    flipped = ocr.read(scan_pdf([buf.getvalue()])).pages[0]
    assert upright.rotation == 0
    assert flipped.rotation == 180
    for got in (upright, flipped):
        edits, n = cer(got.text, sample.page_texts[1])
        assert edits / n <= 0.03, got.text
