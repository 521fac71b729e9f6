"""Run tesseract (``vie``) on one page image through pytesseract and turn its TSV into words."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import pytesseract
from PIL import Image

from ocr.errors import ReadError
from ocr.model import Box, Word


@dataclass
class OcrOutput:
    words: list[Word]
    pdf: bytes | None  # a one-page PDF with the image and an invisible text layer


def ocr_image(img: Image.Image, dpi: int, *, lang: str = "vie", psm: int = 3,
              want_pdf: bool = False, timeout: float = 0, extra: str = "") -> OcrOutput:
    """Words with page-relative boxes and confidences in 0..1."""
    # pytesseract would re-encode a PIL image as PNG without its dpi; an uncompressed PNM with
    # ``--dpi`` is faster to write and keeps the resolution.
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        path = os.path.join(tmp, "page.pnm")
        img.save(path)
        base = os.path.join(tmp, "out")
        config = f"--psm {psm} --dpi {dpi} -c tessedit_create_tsv=1 {extra}".strip()
        try:
            pytesseract.pytesseract.run_tesseract(
                path, base, "tsv pdf" if want_pdf else "tsv", lang, config, 0, timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise ReadError("tesseract is not installed", "no_ocr_engine") from exc
        except RuntimeError as exc:  # pytesseract's timeout
            raise ReadError(f"OCR took too long: {exc}", "timeout") from exc
        except pytesseract.TesseractError as exc:
            raise ReadError(f"tesseract failed: {exc.message}", "ocr_failed") from exc
        with open(base + ".tsv", encoding="utf-8", errors="replace") as fh:
            tsv = fh.read()
        pdf = None
        if want_pdf:
            with open(base + ".pdf", "rb") as fh:
                pdf = fh.read()
    return OcrOutput(parse_tsv(tsv, img.width, img.height), pdf)


def parse_tsv(tsv: str, width: int, height: int) -> list[Word]:
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        left, top, w, h = (int(c) for c in cols[6:10])
        conf = max(0.0, min(1.0, float(cols[10]) / 100))
        box = Box(left / width, top / height, (left + w) / width, (top + h) / height)
        words.append(Word(text, box, conf))
    return words
