"""PDFium is one library per server process: ocr's text-layer reading (intake threads) and
signing's stamp placement (request threads) must never run in it at the same time."""

from __future__ import annotations

import threading

from ocr.pages import PDFIUM_LOCK as OCR_LOCK
from signing.placement import find_text

from .docgen import make_directive


def test_placement_waits_while_ocr_holds_pdfium(tmp_path):
    pdf = tmp_path / "draft.pdf"
    make_directive(pdf)
    done = threading.Event()
    found: list = []

    def place() -> None:
        found.append(find_text(pdf, "Số"))
        done.set()

    with OCR_LOCK:  # ocr is inside PDFium in another thread
        placer = threading.Thread(target=place)
        placer.start()
        assert not done.wait(0.3), "signing entered PDFium while ocr was in it"
    assert done.wait(10)
    placer.join()
    assert found and found[0], "the placement still finds the text once ocr is done"
