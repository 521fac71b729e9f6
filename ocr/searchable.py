"""The archival copy: OCR'd pages become their page image with an invisible text layer (for
search and copy-paste); text-layer pages are copied as they are. The original is never touched:
the copy is a new file, kept apart from it."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from ocr.errors import ReadError
from ocr.model import Reading


def searchable_copy(original: bytes, reading: Reading) -> bytes:
    """A new PDF for ``reading`` (from ``ocr.read(original, searchable=True)``)."""
    writer = PdfWriter()
    source: PdfReader | None = None
    for page in reading.pages:
        if page.source == "ocr":
            if page.searchable_pdf is None:
                raise ReadError(f"page {page.number} has no OCR layer: read with "
                                "searchable=True", "bad_argument")
            writer.add_page(PdfReader(io.BytesIO(page.searchable_pdf)).pages[0])
            continue
        if source is None:
            try:
                source = PdfReader(io.BytesIO(original))
            except PyPdfError as exc:
                raise ReadError(f"the original PDF cannot be copied: {exc}", "bad_pdf") from exc
        writer.add_page(source.pages[page.number - 1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
