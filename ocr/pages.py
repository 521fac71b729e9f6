"""The work done for one page, in a worker process: open the document, read the text layer or
render the page, straighten it and OCR it."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from ocr.errors import ReadError
from ocr.handnumber import blueness, has_blue_header, read_hand_number
from ocr.imageprep import correct, ink_grey
from ocr.limits import Limits
from ocr.lines import group_lines, page_text
from ocr.model import PageReading
from ocr.redmarks import read_red_marks
from ocr.sniff import check_image_size
from ocr.tesseract import ocr_image
from ocr.textlayer import read_text_layer

Image.MAX_IMAGE_PIXELS = None  # we check sizes ourselves, with our own limit and message


# PDFium is not thread-safe, not even across documents: every call made in the caller's process
# (text-layer reading happens there, see ``local_pdf``) holds this lock. Workers are
# single-threaded and need none. It is one library per process, and ``signing`` places stamps
# with it in the same server: the lock is kept on the pypdfium2 module under a name both use
# (signing/pdfium_lock.py), since neither package imports the other.
PDFIUM_LOCK: threading.RLock = vars(pdfium).setdefault("vanthu_process_lock", threading.RLock())


def _load_pdf(path: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ReadError("the PDF is encrypted with a password", "encrypted") from exc
        raise ReadError(f"the PDF cannot be parsed: {msg}", "bad_pdf") from exc


@functools.lru_cache(maxsize=2)
def _open_pdf(path: str, stamp: tuple[int, float]) -> pdfium.PdfDocument:
    return _load_pdf(path)


@contextmanager
def local_pdf(path: str) -> Iterator[pdfium.PdfDocument]:
    """The document opened in this process under PDFIUM_LOCK, closed afterwards (never cached:
    the caller's temporary copies come and go)."""
    with PDFIUM_LOCK:
        pdf = _load_pdf(path)
        try:
            yield pdf
        finally:
            pdf.close()


def open_pdf(path: str) -> pdfium.PdfDocument:
    st = os.stat(path)
    return _open_pdf(path, (st.st_size, st.st_mtime))


def check_count(n: int, limits: Limits) -> int:
    if n == 0:
        raise ReadError("the document has no pages", "no_pages")
    if n > limits.max_pages:
        raise ReadError(f"the document has {n} pages, more than the limit of "
                        f"{limits.max_pages}", "too_many_pages")
    return n


def count_pages(path: str, kind: str, limits: Limits) -> int:
    if kind == "pdf":
        n = len(open_pdf(path))
    else:
        try:
            with Image.open(path) as img:
                check_image_size(img.width, img.height, limits)
                n = getattr(img, "n_frames", 1)
                if kind == "png":
                    img.verify()  # checks every chunk's CRC: finds truncation without decoding
        except (OSError, SyntaxError, ValueError) as exc:
            raise ReadError(f"the {kind.upper()} image cannot be decoded: {exc}",
                            "bad_image") from exc
    return check_count(n, limits)


def read_pdf_pages(path: str, indices: list[int],
                   with_lines: frozenset[int] | None = None) -> list[PageReading]:
    """Text-layer readings; a page whose text layer does not hold its text comes back with
    source "pending" (to be OCR'd) and its measured coverage. Pages not in ``with_lines``
    (all when None) may come back with text but no lines."""
    return pdf_pages(open_pdf(path), indices, with_lines)


def pdf_pages(pdf: pdfium.PdfDocument, indices: list[int] | range,
              with_lines: frozenset[int] | None = None) -> list[PageReading]:
    """``read_pdf_pages`` on an open document."""
    out: list[PageReading] = []
    for i in indices:
        page = pdf[i]
        try:
            layer = read_text_layer(page, i + 1, with_lines is None or i in with_lines)
        finally:
            page.close()
        source = "pending" if layer.needs_ocr else "text"
        text = layer.plain if layer.plain is not None else page_text(layer.lines)
        out.append(PageReading(i + 1, source, text, layer.lines, layer.coverage))
    return out


def _render_pdf_page(path: str, index: int, dpi: int,
                     limits: Limits) -> tuple[np.ndarray, int]:
    page = open_pdf(path)[index]
    try:
        w, h = page.get_size()
        if w <= 0 or h <= 0:
            raise ReadError(f"page {index + 1} has no area", "bad_pdf")
        max_dpi = int(72 * (limits.max_image_pixels / (w * h)) ** 0.5)
        dpi = min(dpi, max_dpi)
        bitmap = page.render(scale=dpi / 72, may_draw_forms=True)
        arr = bitmap.to_numpy()
        if arr.ndim == 3:  # pdfium renders BGR(A)
            arr = arr[..., 2::-1]
        return arr, dpi
    finally:
        page.close()


def _load_image_frame(path: str, index: int, kind: str, limits: Limits,
                      dpi: int) -> tuple[np.ndarray, int]:
    try:
        with Image.open(path) as img:
            img.seek(index)
            check_image_size(img.width, img.height, limits)
            img.load()
            info_dpi = img.info.get("dpi")
            if img.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr"):
                arr = np.asarray(img.convert("RGB"))
            else:
                arr = np.asarray(img.convert("L"))
    except ReadError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ReadError(f"the {kind.upper()} image (page {index + 1}) cannot be decoded: "
                        f"{exc}", "bad_image") from exc
    own = int(round(float(info_dpi[0]))) if info_dpi else 0
    if own < 70 or own > 1200:
        # No usable resolution: assume an A4-width scan.
        own = max(70, int(round(arr.shape[1] / 8.27)))
    return arr, own


def _deskewed(plane: np.ndarray, skew: float) -> np.ndarray:
    """An upright ``plane`` of the page turned by ``skew`` as ``correct`` turned the page
    (rotations about the centre: the order of the quarter turns and the skew does not
    matter)."""
    if not skew:
        return plane
    return np.asarray(Image.fromarray(np.ascontiguousarray(plane)).rotate(
        skew, resample=Image.BILINEAR, fillcolor=0))


def ocr_page(path: str, kind: str, index: int, dpi: int, limits: Limits,
             want_pdf: bool = False, coverage: float = 0.0) -> PageReading:
    if kind == "pdf":
        arr, used_dpi = _render_pdf_page(path, index, dpi, limits)
    else:
        arr, used_dpi = _load_image_frame(path, index, kind, limits, dpi)
    img = Image.fromarray(ink_grey(arr, used_dpi))
    img, fix = correct(img, used_dpi)
    out = ocr_image(img, used_dpi, want_pdf=want_pdf, timeout=limits.page_timeout)
    words = out.words
    if index == 0 and arr.ndim == 3:
        if fix.rotation:
            arr = np.rot90(arr, k=-fix.rotation // 90)  # rot90 turns counter-clockwise
        words = words + read_red_marks(arr, used_dpi, fix.skew)
        if has_blue_header(arr):  # upright now: the header is at the top
            words = read_hand_number(_deskewed(blueness(arr), fix.skew), words, used_dpi)
    lines = group_lines(words, index + 1)
    conf = (sum(w.confidence for w in out.words) / len(out.words)) if out.words else 0.0
    return PageReading(index + 1, "ocr", page_text(lines), lines, coverage, fix.rotation, fix.skew,
                       used_dpi, conf, out.pdf)
