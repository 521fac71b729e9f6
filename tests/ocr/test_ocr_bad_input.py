"""Bad input is refused with ocr.ReadError and a reason, quickly and without unbounded memory."""

from __future__ import annotations

import io
import resource
import struct
import zlib

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfWriter

import ocr

# 10 s for each refusal, timed on the test itself: the worker pool starts once, beforehand.
pytestmark = pytest.mark.timeout(10, func_only=True)


@pytest.fixture(autouse=True, scope="module")
def _workers_started() -> None:
    ocr.read(_pdf(1))


def _png(width: int, height: int) -> bytes:
    """A real 1-bit PNG of the given size: all white rows, compressed."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def _pdf(pages: int = 1) -> bytes:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842).close()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _bomb_pdf() -> bytes:
    """A page whose content stream inflates to 1 GiB of spaces (about 1 MB compressed). A
    fully flushed deflate block is self-contained, so one compressed MiB is repeated."""
    comp = zlib.compressobj(9)
    first = comp.compress(b" " * (1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(b" " * (1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    stream = first + block * 1023 + comp.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return bytes(out)


def _refused(data: bytes, code: str) -> ocr.ReadError:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ocr.ReadError) as info:
        ocr.read(data)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert info.value.code == code, info.value.reason
    assert info.value.reason  # a human reason, not just a code
    assert grown_mb < 200, f"the caller's memory grew by {grown_mb:.0f} MB"
    return info.value


def test_not_a_document() -> None:
    err = _refused(b"PK\x03\x04 this is a zip archive, not a scan" * 10, "not_a_document")
    assert "PDF" in err.reason


def test_empty_file() -> None:
    _refused(b"", "empty")


def test_truncated_pdf() -> None:
    data = _pdf(3)
    _refused(data[: len(data) // 2], "truncated")


def test_truncated_image() -> None:
    buf = io.BytesIO()
    Image.new("L", (400, 300), 255).save(buf, "PNG")
    data = buf.getvalue()
    _refused(data[: len(data) - 30], "bad_image")


def test_encrypted_pdf() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(_pdf(1)))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    _refused(buf.getvalue(), "encrypted")


def test_decompression_bomb() -> None:
    err = _refused(_bomb_pdf(), "bomb")
    assert "decompression bomb" in err.reason


def test_ten_thousand_pages() -> None:
    err = _refused(_pdf(10_000), "too_many_pages")
    assert "10000" in err.reason


def test_huge_image() -> None:
    err = _refused(_png(30_000, 30_000), "too_large")
    assert "30000 × 30000" in err.reason


def test_missing_file_and_bad_argument(tmp_path) -> None:
    with pytest.raises(ocr.ReadError) as info:
        ocr.read(tmp_path / "khong-co.pdf")
    assert info.value.code == "not_found"
    with pytest.raises(ocr.ReadError) as info:
        ocr.read(_pdf(1), dpi=10)
    assert info.value.code == "bad_argument"
