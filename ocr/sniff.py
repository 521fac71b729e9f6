"""Recognize the input's format from its first bytes and check it against the limits before any
decoder sees it: truncated files, encryption, decompression bombs and oversized images are refused
here with a reason."""

from __future__ import annotations

import re
import zlib

from ocr.errors import ReadError
from ocr.limits import Limits

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
]


def sniff(head: bytes) -> str:
    """The format ("pdf", "png", "jpeg", "tiff") of a file starting with ``head``."""
    if not head:
        raise ReadError("the file is empty (0 bytes)", "empty")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    raise ReadError("not a document: expected PDF, PNG, JPEG or TIFF", "not_a_document")


_STREAM = re.compile(rb"stream\r?\n")
_INT = {key: re.compile(rb"/" + key + rb"\s+(\d+)(?!\s+\d+\s+R)")
        for key in (b"Width", b"Height", b"Length")}


def check_pdf(data: bytes, limits: Limits) -> None:
    """Refuse truncated PDFs, oversized images and streams that inflate past the limit."""
    if b"%%EOF" not in data[-2048:]:
        raise ReadError("the PDF is truncated (no end-of-file marker)", "truncated")
    for m in _STREAM.finditer(data):
        start = m.end()
        head = data[max(0, m.start() - 2048):m.start()]
        obj = head.rfind(b" obj")
        if obj < 0:
            continue
        d = head[obj:]
        w, h = _int(d, b"Width"), _int(d, b"Height")
        if w and h and w * h > limits.max_image_pixels:
            raise ReadError(f"an embedded image of {w} × {h} pixels exceeds the limit of "
                            f"{limits.max_image_pixels} pixels", "too_large")
        length = _int(d, b"Length")
        # Deflate inflates at most ~1032:1, so only long streams can be bombs.
        if b"FlateDecode" in d and length and length * 1032 > limits.max_inflated_stream:
            _check_inflate(data[start:start + length], limits.max_inflated_stream)


def _int(d: bytes, key: bytes) -> int | None:
    found = _INT[key].findall(d)
    return int(found[-1]) if found else None


def _check_inflate(raw: bytes, cap: int) -> None:
    inflater = zlib.decompressobj()
    total = 0
    chunk = 1 << 20
    buf = raw
    try:
        while buf:
            out = inflater.decompress(buf, chunk)
            total += len(out)
            if total > cap:
                raise ReadError(f"a compressed stream inflates past {cap // 2**20} MiB "
                                "(decompression bomb)", "bomb")
            buf = inflater.unconsumed_tail
            if not out and not buf:
                break
    except zlib.error:
        return  # encrypted or damaged: pdfium decides


def check_image_size(width: int, height: int, limits: Limits) -> None:
    if width <= 0 or height <= 0:
        raise ReadError("the image has no pixels", "bad_image")
    if width * height > limits.max_image_pixels:
        raise ReadError(f"an image of {width} × {height} pixels exceeds the limit of "
                        f"{limits.max_image_pixels} pixels", "too_large")
