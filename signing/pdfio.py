"""Opening a PDF for an incremental update, and writing the result atomically.

- :func:`open_for_update` refuses encrypted and unreadable files with a clear
  :class:`~signing.errors.DocumentError` before anything is written.
- :func:`atomic_output` yields a temporary file next to the destination; it is fsync'd and
  renamed over the destination only when the block succeeds, and removed otherwise. It refuses a
  destination that is the input itself: signing never overwrites its input.
- :func:`find_field` locates a form field, its widget and its page in a writer.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError

from signing.errors import DocumentError, EncryptedDocumentError, SigningError

__all__ = ["atomic_output", "clone_into", "find_field", "open_for_update", "page_count"]


def open_for_update(src: Path, handle: IO[bytes]) -> IncrementalPdfFileWriter:
    """An incremental writer over ``handle`` (opened from ``src``), or a clear error."""
    try:
        writer = IncrementalPdfFileWriter(handle, strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as e:
        raise DocumentError(f"{src.name} is not a readable PDF: {e}") from None
    if writer.prev.encrypted:
        raise EncryptedDocumentError(
            f"{src.name} is encrypted; decrypt it before signing (an encrypted PDF cannot be "
            "signed for all recipients)"
        )
    try:
        writer.root["/Pages"]
    except (PdfError, KeyError, TypeError) as e:
        raise DocumentError(f"{src.name} has no page tree: {e}") from None
    return writer


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_output(dst: Path, *inputs: Path) -> Iterator[IO[bytes]]:
    """Write ``dst`` through a temporary file; nothing appears at ``dst`` unless all went well."""
    dst = Path(dst)
    for src in inputs:
        if Path(src).resolve() == dst.resolve() or _same_file(Path(src), dst):
            raise SigningError(f"refusing to overwrite the input {Path(src).name}")
    if not dst.parent.is_dir():
        raise SigningError(f"output directory does not exist: {dst.parent.name}")
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".part", dir=dst.parent)
    ok = False
    try:
        with os.fdopen(fd, "w+b") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dst)
        ok = True
        with contextlib.suppress(OSError):
            dfd = os.open(dst.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def clone_into(src: IO[bytes], dst: IO[bytes]) -> None:
    """Copy ``src`` to ``dst`` in the kernel (copy_file_range/sendfile) when it can.

    Signing then appends its incremental update to the copy in place: pyHanko's own copy goes
    through Python 4 KiB at a time, about 1 s for a 200 MB file.
    """
    src.seek(0)
    dst.seek(0)
    dst.truncate()
    size = os.fstat(src.fileno()).st_size
    done = 0
    try:
        while done < size:
            n = os.copy_file_range(src.fileno(), dst.fileno(), size - done, done, done)
            if n == 0:
                break
            done += n
    except (AttributeError, OSError):
        done = 0
    if done != size:  # no copy_file_range here (or a short copy): plain buffered copy
        import shutil

        src.seek(0)
        dst.seek(0)
        dst.truncate()
        shutil.copyfileobj(src, dst, 1 << 20)
    dst.flush()
    dst.seek(0)


def page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def _iter_fields(
    fields: generic.ArrayObject, prefix: str = ""
) -> Iterator[tuple[str, generic.DictionaryObject]]:
    for ref in fields:
        f = ref.get_object()
        name = f.get("/T")
        full = f"{prefix}.{name}" if prefix and name is not None else (name or prefix)
        if name is not None:
            yield str(full), f
        kids = f.get("/Kids")
        if kids is not None:
            yield from _iter_fields(kids, str(full))


def find_field(
    writer: IncrementalPdfFileWriter, name: str, with_page: bool = True
) -> tuple[generic.DictionaryObject, generic.DictionaryObject, int | None] | None:
    """``(field, widget, page_index)`` of the field called ``name``, or None.

    ``page_index`` is None when the widget is on no page or ``with_page`` is False (finding the
    page walks the page tree once).
    """
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return None
    for full, f in _iter_fields(fields):
        if full != name:
            continue
        widget = f
        if "/Rect" not in f and "/Kids" in f:
            widget = f["/Kids"][0].get_object()
        return f, widget, _page_of(writer, widget) if with_page else None
    return None


def page_refs(writer: IncrementalPdfFileWriter) -> list[int]:
    """Object numbers of the pages in order, from one walk of the page tree."""
    out: list[int] = []
    seen: set[int] = set()

    def walk(node_ref) -> None:
        node = node_ref.get_object()
        if isinstance(node_ref, generic.IndirectObject):
            if node_ref.idnum in seen:  # a cyclic page tree: stop rather than loop
                return
            seen.add(node_ref.idnum)
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for kid in node["/Kids"]:
                walk(kid)
        elif isinstance(node_ref, generic.IndirectObject):
            out.append(node_ref.idnum)

    walk(writer.root.raw_get("/Pages"))
    return out


def _page_of(writer: IncrementalPdfFileWriter, widget: generic.DictionaryObject) -> int | None:
    target = getattr(widget, "container_ref", None)
    p = widget.raw_get("/P") if "/P" in widget else None
    refs = page_refs(writer)
    if isinstance(p, generic.IndirectObject) and p.idnum in refs:
        return refs.index(p.idnum)
    if target is None:
        return None
    for i, idnum in enumerate(refs):
        annots = generic.IndirectObject(idnum, 0, writer).get_object().get("/Annots")
        if annots is None:
            continue
        for a in annots.get_object():
            if isinstance(a, generic.IndirectObject) and a.idnum == target.idnum:
                return i
    return None
