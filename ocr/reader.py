"""``read``: bytes or a path in, a Reading out. Text layers are read here; pages to OCR go to
worker processes, page 1 first so that its fields are ready while the rest of a long document is
still being OCR'd."""

from __future__ import annotations

import copy
import mmap
import os
import re
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from ocr import pages as page_work
from ocr import pool
from ocr.errors import ReadError
from ocr.fields import extract_fields
from ocr.limits import Limits
from ocr.model import Field, PageReading, Reading
from ocr.sniff import check_pdf, sniff

_CHUNK = 64  # text-layer pages per worker task
_INLINE = 64  # a document of up to this many pages has its text layers read in this process

Source = bytes | bytearray | memoryview | str | os.PathLike[str]


def read(source: Source, *, dpi: int = 300, workers: int | None = None,
         limits: Limits | None = None, searchable: bool = False,
         on_first_page: Callable[[dict[str, Field]], None] | None = None) -> Reading:
    """Read a PDF, PNG, JPEG or TIFF document: text layer where it holds the page's text, OCR
    (tesseract ``vie``) elsewhere, then the Decree-30 fields.

    ``dpi`` is the rendering resolution of PDF pages; images are read at their own.
    ``on_first_page`` is called with the fields read from page 1 as soon as page 1 is done.
    ``searchable`` keeps, for OCR'd pages, a one-page PDF with an invisible text layer (see
    ``ocr.searchable_copy``). The input is never modified. Raises ReadError with a reason.

    Text layers are read in the calling process (under a lock: PDFium is not thread-safe), so
    a born-digital PDF costs a few milliseconds and starts no process. Pages to OCR, and the
    tail of a long PDF, go to a shared pool of worker processes (started on first use, with
    the forkserver method): a script that calls ``read`` on scans needs the usual
    ``if __name__ == "__main__":`` guard.
    """
    limits = limits or Limits()
    if not 50 <= dpi <= 1200:
        raise ReadError(f"dpi must be between 50 and 1200, not {dpi}", "bad_argument")
    with _materialize(source, limits) as path:
        kind = _check(path, limits)
        return _read_path(path, kind, dpi, workers, limits, searchable, on_first_page)


class _materialize:
    """A path to the input: the caller's file as is, or a private temporary copy of bytes."""

    def __init__(self, source: Source, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.tmp: str | None = None

    def __enter__(self) -> str:
        src = self.source
        if isinstance(src, bytes | bytearray | memoryview):
            data = bytes(src)
            if len(data) > self.limits.max_bytes:
                raise ReadError(_too_big(len(data), self.limits), "too_large")
            fd, self.tmp = tempfile.mkstemp(prefix="ocr-input-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            return self.tmp
        if not isinstance(src, str | os.PathLike):
            raise ReadError(f"cannot read a {type(src).__name__}: give bytes or a path",
                            "bad_argument")
        path = Path(src)
        if not path.is_file():
            raise ReadError(f"no such file: {path}", "not_found")
        size = path.stat().st_size
        if size > self.limits.max_bytes:
            raise ReadError(_too_big(size, self.limits), "too_large")
        return str(path.resolve())

    def __exit__(self, *exc: object) -> None:
        if self.tmp:
            os.unlink(self.tmp)


def _too_big(size: int, limits: Limits) -> str:
    return f"the file has {size} bytes, more than the limit of {limits.max_bytes}"


def _check(path: str, limits: Limits) -> str:
    with open(path, "rb") as fh:
        kind = sniff(fh.read(1024))
        if kind == "pdf":
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                check_pdf(data, limits)  # type: ignore[arg-type]
    return kind


def _read_path(path: str, kind: str, dpi: int, workers: int | None, limits: Limits,
               searchable: bool,
               on_first_page: Callable[[dict[str, Field]], None] | None) -> Reading:
    results: dict[int, PageReading] = {}
    pending: dict[int, float] = {}  # page index → text coverage, for pages to OCR
    if on_first_page is not None:
        on_first_page = _FirstPage(on_first_page)
    page1_ocr: Future[PageReading] | None = None
    ex: ProcessPoolExecutor | None = None
    if kind == "pdf":
        page1_ocr, ex, n = _read_text_layers(path, dpi, workers, limits, searchable,
                                             on_first_page, results, pending)
    else:
        ex = pool.get_pool(limits, workers)
        n = pool.result(ex.submit(page_work.count_pages, path, kind, limits),
                        limits.page_timeout)
        page1_ocr = _submit_ocr(ex, path, kind, 0, dpi, limits, searchable, 0.0)
        pending = {i: 0.0 for i in range(1, n)}
    if page1_ocr is not None:
        # Page 1 alone first: two tesseract processes on two cores barely beat one, so a page
        # beside it would nearly double the wait for the header fields.
        results[0] = pool.result(page1_ocr, limits.page_timeout)
        if on_first_page:
            on_first_page(extract_fields([results[0]]), results[0])
    if pending:
        ex = ex or pool.get_pool(limits, workers)
        futures = {i: _submit_ocr(ex, path, kind, i, dpi, limits, searchable, cov)
                   for i, cov in sorted(pending.items())}
        deadline = time.monotonic() + limits.page_timeout * (1 + len(futures))
        for index, fut in futures.items():
            results[index] = pool.result(fut, max(1.0, deadline - time.monotonic()))
    pages = [results[i] for i in range(n)]
    if kind == "pdf":
        _signature_page_lines(path, pages)
    if isinstance(on_first_page, _FirstPage) and on_first_page.covers(pages):
        return Reading(pages, on_first_page.fields, kind)
    return Reading(pages, extract_fields(pages), kind)


class _FirstPage:
    """``on_first_page``, keeping page 1's fields: for a one-page document they are the
    document's fields, and extracting them again was a third of a text-layer reading."""

    def __init__(self, callback: Callable[[dict[str, Field]], None]) -> None:
        self.callback = callback
        self.page: PageReading | None = None
        self.fields: dict[str, Field] = {}

    def __call__(self, fields: dict[str, Field], page: PageReading) -> None:
        self.page, self.fields = page, fields
        self.callback({name: copy.copy(f) for name, f in fields.items()})  # the caller's own

    def covers(self, pages: list[PageReading]) -> bool:
        return len(pages) == 1 and pages[0] is self.page


def _read_text_layers(path: str, dpi: int, workers: int | None, limits: Limits,
                      searchable: bool,
                      on_first_page: _FirstPage | None,
                      results: dict[int, PageReading], pending: dict[int, float],
                      ) -> tuple[Future[PageReading] | None, ProcessPoolExecutor | None, int]:
    """Text layers of every page, read in this process (a few ms a page: a round trip to the
    workers costs more than that); only a long document shares its tail with the workers.
    Fills ``results`` (text pages) and ``pending`` (pages to OCR); page 1's OCR, when it needs
    one, is queued at once. The worker pool is not touched unless some page needs it."""
    ex: ProcessPoolExecutor | None = None
    page1_ocr: Future[PageReading] | None = None
    remote: list[Future[list[PageReading]]] = []
    with page_work.local_pdf(path) as pdf:
        n = page_work.check_count(len(pdf), limits)
        # Word boxes on page 1 (header) and the last pages (signature block); plain text
        # elsewhere until a signature block turns up earlier (see _signature_page_lines).
        with_lines = frozenset({0, n - 1, n - 2, n - 3})
        first = page_work.pdf_pages(pdf, [0])[0]
        if first.source == "pending":
            ex = pool.get_pool(limits, workers)
            page1_ocr = _submit_ocr(ex, path, "pdf", 0, dpi, limits, searchable,
                                    first.text_coverage)
        else:
            results[0] = first
        local_end = n
        if n > _INLINE:
            # This process takes one share, each worker the others, in chunks small enough to
            # keep every worker busy and large enough to amortize the calls.
            ex = ex or pool.get_pool(limits, workers)
            shares = pool.worker_count(ex) + 1
            local_end = max(_INLINE, n // shares)
            chunk = max(4, min(_CHUNK, -(-(n - local_end) // (2 * (shares - 1)))))
            remote = [ex.submit(page_work.read_pdf_pages, path,
                                list(range(s, min(n, s + chunk))), with_lines)
                      for s in range(local_end, n, chunk)]
    if 0 in results and on_first_page:
        on_first_page(extract_fields([results[0]]), results[0])
    got: list[PageReading] = []
    if local_end > 1:
        with page_work.local_pdf(path) as pdf:
            got = page_work.pdf_pages(pdf, range(1, local_end), with_lines)
    for fut in remote:
        got.extend(pool.result(fut, limits.page_timeout))
    for page in got:
        if page.source == "pending":
            pending[page.number - 1] = page.text_coverage
        else:
            results[page.number - 1] = page
    return page1_ocr, ex, n


def _submit_ocr(ex: ProcessPoolExecutor, path: str, kind: str, index: int, dpi: int,
                limits: Limits, searchable: bool, coverage: float) -> Future[PageReading]:
    return ex.submit(page_work.ocr_page, path, kind, index, dpi, limits, searchable, coverage)


_SIGNATURE_HINT = re.compile(r"N[ơo]i\s*nh[ậa]n|^\s*(TM|KT|TL|TUQ)\.\s", re.MULTILINE)


def _signature_page_lines(path: str, pages: list[PageReading]) -> None:
    """Fetch the word boxes of the last page that looks like a signature page, when it was
    read as plain text (a signature block before appendices or attachments)."""
    for page in reversed(pages):
        if _SIGNATURE_HINT.search(page.text):
            if page.source == "text" and not page.lines:
                with page_work.local_pdf(path) as pdf:
                    pages[page.number - 1] = page_work.pdf_pages(pdf, [page.number - 1])[0]
            return
