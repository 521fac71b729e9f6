"""Scans are OCR'd (tesseract vie) page by page: signed scans, multi-page G4 TIFF with turned and
skewed pages, plain PNG and JPEG images. Kept to a few pages: OCR costs ~1.5 s a page."""

from __future__ import annotations

import hashlib
import io
import random

import pypdfium2 as pdfium
import pytest
from PIL import Image

import ocr
from tests.corpus.build import Sample, make_scan
from tests.corpus.content import make_document
from tests.corpus.layout import Style, lay_out
from tests.corpus.metrics import cer
from tests.corpus.render import render_page

HEADER_FIELDS = ("issuing_org", "number", "symbol", "place", "date", "doc_type")


@pytest.fixture(scope="module")
def signed_reading(signed_scan, tmp_path_factory):
    sample, signed = signed_scan
    path = tmp_path_factory.mktemp("signed") / "incoming.pdf"
    path.write_bytes(signed)
    digest = hashlib.sha256(signed).hexdigest()
    reading = ocr.read(path, searchable=True)
    return sample, signed, path, digest, reading


def test_signed_scan_is_ocrd_despite_its_stamp_text(signed_reading) -> None:
    sample, signed, path, digest, reading = signed_reading
    assert reading.ocr_pages == [1]  # the stamps' text does not make it "born-digital"
    for name in HEADER_FIELDS:
        assert reading.fields[name].value == sample.truth[name], name
    assert reading.fields["urgency"].value == sample.truth["urgency"] == "Khẩn"
    edits, n = cer(str(reading.fields["abstract"].value), str(sample.truth["abstract"]))
    assert edits / n <= 0.02
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # original untouched


def test_searchable_copy_has_an_invisible_text_layer(signed_reading) -> None:
    sample, signed, path, digest, reading = signed_reading
    copy = ocr.searchable_copy(signed, reading)
    assert copy != signed
    pdf = pdfium.PdfDocument(copy)
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert sample.truth["symbol"] in text
    assert "Kính gửi" in text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def _g4_tiff(pages: list[Image.Image], dpi: int) -> bytes:
    bw = [p.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1") for p in pages]
    buf = io.BytesIO()
    bw[0].save(buf, "TIFF", compression="group4", save_all=True, append_images=bw[1:],
               dpi=(dpi, dpi))
    return buf.getvalue()


def test_multipage_g4_tiff_with_turned_and_skewed_pages() -> None:
    rng = random.Random(21)
    doc = make_document(rng, pages=2)
    laid = lay_out(doc, Style(), rng)
    assert len(laid) == 2
    first = render_page(laid[0], 200, rng).rotate(3.0, resample=Image.BICUBIC,
                                                    fillcolor=(255, 255, 255))
    second = render_page(laid[1], 200, rng).rotate(90, expand=True)
    seen: list[dict] = []
    reading = ocr.read(_g4_tiff([first, second], 200), on_first_page=seen.append)
    assert reading.kind == "tiff"
    assert reading.ocr_pages == [1, 2]
    assert abs(reading.pages[0].skew + 3.0) < 0.5
    assert reading.pages[1].rotation == 90  # scanned turned 90° ccw, turned back clockwise
    assert len(seen) == 1 and seen[0]["number"].value == doc.number
    for name in HEADER_FIELDS:
        assert reading.fields[name].value == doc.truth()[name], name
    assert reading.fields["signer_name"].value == doc.signer_name
    assert reading.fields["signer_name"].page == 2


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_image_files(fmt: str, tmp_path) -> None:
    """The top half of a page as a PNG or JPEG file."""
    sample: Sample = make_scan(8, "clean300", pages=1)
    page = pdfium.PdfDocument(sample.data)[0].render(scale=300 / 72).to_pil()
    header = page.crop((0, 0, page.width, page.height // 2))
    path = tmp_path / f"header.{fmt.lower()}"
    header.save(path, fmt, dpi=(300, 300))
    reading = ocr.read(path)
    assert reading.kind == fmt.lower()
    for name in ("number", "symbol", "date", "place"):
        assert reading.fields[name].value == sample.truth[name], name


def test_handwritten_number_is_read_from_the_blue_ink() -> None:
    """The number written in ballpoint blue into the blank after "Số:" (running on into the
    symbol) is read, with a moderate confidence; the symbol beside it still reads."""
    sample = make_scan(1019, "scan300", pages=1)
    assert sample.handwritten
    reading = ocr.read(sample.data)
    number, symbol = reading.fields["number"], reading.fields["symbol"]
    assert number.value == sample.truth["number"]
    assert 0.5 <= number.confidence < 0.9
    assert symbol.value == sample.truth["symbol"]
    assert sample.truth["number"] in reading.pages[0].text
