"""Text-layer PDFs are read without OCR; the per-page decision follows coverage, not counts."""

from __future__ import annotations

import ctypes
import hashlib
import io
import json
import random
import subprocess
import sys

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

import ocr
from ocr.textlayer import read_text_layer
from tests.corpus.build import Sample
from tests.corpus.content import make_document
from tests.corpus.degrade import jpeg_bytes
from tests.corpus.layout import PAGE_H, Style, Text, font_path, lay_out
from tests.corpus.metrics import field_equal
from tests.corpus.render import render_page, scan_pdf


def test_born_digital_fields_without_ocr(digital: Sample, tmp_path) -> None:
    path = tmp_path / "digital.pdf"
    path.write_bytes(digital.data)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    reading = ocr.read(path)
    assert reading.ocr_pages == []
    assert len(reading.pages) == 2
    for name in ocr.FIELD_NAMES:
        f = reading.fields[name]
        assert field_equal(name, f.value, digital.truth[name]), (name, f.value)
        if f.value is not None:
            assert f.confidence >= 0.9, (name, f.confidence)
            assert f.page in (1, 2) and f.box is not None
    # the signature block is on page 2, the header on page 1
    assert reading.fields["signer_name"].page == 2
    assert reading.fields["number"].page == 1
    assert digital.doc.abstract.split()[1] in reading.text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_bytes_and_path_read_alike(digital: Sample, tmp_path) -> None:
    path = tmp_path / "d.pdf"
    path.write_bytes(digital.data)
    a, b = ocr.read(digital.data), ocr.read(str(path))
    assert a.text == b.text
    assert {k: f.value for k, f in a.fields.items()} == {k: f.value for k, f in b.fields.items()}


def _scan_page(stamp_text: str | None) -> pdfium.PdfPage:
    rng = random.Random(2)
    doc = make_document(rng)
    page = lay_out(doc, Style(), rng)[0]
    data = scan_pdf([jpeg_bytes(render_page(page, 100, rng), 100)], stamp_text)
    return pdfium.PdfDocument(data)[0]


def test_scan_with_only_a_signature_stamp_needs_ocr() -> None:
    stamp = "Ký bởi: Sở Tài chính tỉnh An Giang\nEmail: stc@angiang.gov.vn\n" \
            "Thời gian ký: 15.03.2026 09:30:15 +07:00\n" + "Cơ quan: UBND tỉnh An Giang " * 3
    page = _scan_page(stamp)
    layer = read_text_layer(page, 1)
    assert sum(len(ln.text) for ln in layer.lines) > 100  # plenty of characters…
    assert layer.needs_ocr  # …but only in one corner of a scanned page
    assert layer.coverage < 0.3


def test_scan_with_an_invisible_text_layer_is_not_ocrd() -> None:
    """A scan that already carries its text (an earlier OCR pass) keeps its text layer."""
    rng = random.Random(4)
    doc = make_document(rng)
    laid = lay_out(doc, Style(), rng)[0]
    pdf = pdfium.PdfDocument(scan_pdf([jpeg_bytes(render_page(laid, 100, rng), 100)]))
    page = pdf[0]
    data = font_path("LiberationSerif-Regular.ttf").read_bytes()
    buf = ctypes.create_string_buffer(data, len(data))
    font = pdfium_c.FPDFText_LoadFont(pdf.raw, ctypes.cast(buf, ctypes.POINTER(ctypes.c_uint8)),
                                      len(data), pdfium_c.FPDF_FONT_TRUETYPE, 1)
    for item in laid.items:
        if isinstance(item, Text):
            obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, ctypes.c_float(item.size))
            wide = ctypes.create_string_buffer(item.text.encode("utf-16-le") + b"\0\0")
            pdfium_c.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(ctypes.c_ushort)))
            pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, item.x, PAGE_H - item.y)
            pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    reading = ocr.read(out.getvalue())
    assert reading.ocr_pages == []
    assert reading.pages[0].text_coverage > 0.75
    assert reading.fields["number"].value == doc.number
    assert reading.fields["symbol"].value == doc.symbol


_NO_WORKERS = """
import json, multiprocessing, sys
import ocr
reading = ocr.read(sys.argv[1])
print(json.dumps({"ocr_pages": reading.ocr_pages, "symbol": reading.fields["symbol"].value,
                  "processes": len(multiprocessing.active_children())}))
"""


def test_text_layer_pdf_is_read_without_worker_processes(digital: Sample, tmp_path) -> None:
    """A born-digital PDF is read in the caller's process: no worker is started for it (a round
    trip to the page workers cost ~100 ms per small document)."""
    path = tmp_path / "digital.pdf"
    path.write_bytes(digital.data)
    out = subprocess.run([sys.executable, "-c", _NO_WORKERS, str(path)], capture_output=True,
                         text=True, timeout=60, check=True)
    result = json.loads(out.stdout)
    assert result == {"ocr_pages": [], "symbol": digital.truth["symbol"], "processes": 0}
