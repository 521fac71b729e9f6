"""Hostile and broken inputs: verification reports, never raises, never hangs, never passes."""

from __future__ import annotations

import random
import re
import time
from dataclasses import replace

import pytest

from signing.verification import InputTooLarge, Trust, verify

from . import docs


@pytest.mark.parametrize(
    "data",
    [b"", b"hello world", b"%PDF-1.7\n", b"%PDF-1.7\n" + bytes(range(256)) * 40,
     b"\x89PNG\r\n\x1a\n" + b"\x00" * 100],
    ids=["empty", "text", "header-only", "binary-junk", "png"],
)
def test_not_a_readable_pdf_is_format_failure(data, trust):
    report = verify(data, trust)
    assert (report.indication, report.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert report.errors


def test_truncated_signed_pdf_is_not_valid(signed, trust):
    report = verify(signed[: len(signed) // 2], trust)
    assert report.indication == "TOTAL-FAILED"
    assert report.subindication == "FORMAT_FAILURE"


def test_truncated_tail_keeps_the_signature_reported(signed, trust):
    # Cut inside the final xref: the reader may recover, the signature must not pass.
    report = verify(signed[:-40], trust)
    assert report.indication != "TOTAL-PASSED"
    assert report.signatures, "a signature that cannot be checked is reported, not skipped"


def test_garbage_signature_contents_is_reported(signed, trust):
    m = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed)
    assert m is not None
    junk = b"3082" + b"ab" * ((len(m.group(1)) - 4) // 2)
    data = signed[: m.start(1)] + junk + signed[m.end(1):]
    report = verify(data, trust)
    assert len(report.signatures) == 1
    sig = report.signatures[0]
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert "cannot be read" in sig.errors[0]


def test_byte_range_past_end_of_file(signed, trust):
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed)
    a, b, c, d = (int(x) for x in m.groups())
    new = (b"/ByteRange [%d %d %d %d]" % (a, b, c, d + 5000)).ljust(m.end() - m.start())
    data = signed[: m.start()] + new + signed[m.end():]
    sig = verify(data, trust).signatures[0]
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert any("past the end of the file" in e for e in sig.errors)


def test_signature_not_covering_whole_revision(signed, trust):
    # Appending bytes without a new revision: the signature no longer ends at an %%EOF... but
    # still covers its revision; appending garbage *inside* the revision is the partial case.
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed)
    a, b, c, d = (int(x) for x in m.groups())
    new = (b"/ByteRange [%d %d %d %d]" % (a, b, c, d - 30)).ljust(m.end() - m.start())
    data = signed[: m.start()] + new + signed[m.end():]
    sig = verify(data, trust).signatures[0]
    assert sig.indication == "TOTAL-FAILED"
    assert sig.coverage == "partial"


def test_page_tree_loop(trust):
    data = docs.plain_pdf(1).replace(b"/Kids [3 0 R]", b"/Kids [2 0 R]")
    report = verify(data, trust)
    assert report.indication in ("NO-SIGNATURE", "TOTAL-FAILED")


def test_deeply_nested_arrays(trust):
    body = b"[" * 50_000 + b"]" * 50_000
    data = docs.plain_pdf(1).replace(b"<< /Type /Catalog", b"<< /Junk " + body + b" /Type /Catalog")
    report = verify(data, trust)
    assert report.indication in ("NO-SIGNATURE", "TOTAL-FAILED", "INDETERMINATE")


def test_decompression_bomb_replacing_page_content(signed, trust):
    data = docs.replace_first_content_with_bomb(signed)
    started = time.monotonic()
    report = verify(data, trust)
    assert time.monotonic() - started < 10
    sig = report.signatures[0]
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert "content_replaced" in [m.kind for m in sig.modifications]


def test_decompression_bomb_in_validation_data(signed, trust):
    data = docs.add_bomb_to_dss(signed)
    started = time.monotonic()
    report = verify(data, trust)
    assert time.monotonic() - started < 10
    assert len(report.signatures) == 1
    # the bomb is not validation data the verifier can use, and it does not crash it
    assert report.signatures[0].revocation.source == "none"


def test_single_byte_mutations_never_pass(signed, trust):
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed)
    _, len1, start2, len2 = (int(x) for x in m.groups())
    rng = random.Random(30)
    positions = [rng.randrange(0, len1) for _ in range(12)]
    positions += [rng.randrange(start2, start2 + len2) for _ in range(6)]
    for pos in positions:
        old = signed[pos]
        new = (old + rng.randrange(1, 255)) % 256
        data = signed[:pos] + bytes([new]) + signed[pos + 1:]
        report = verify(data, trust)
        assert report.indication != "TOTAL-PASSED", f"mutation at {pos} passed"


def test_time_budget_is_enforced(signed, pki):
    # 60 validation-data streams that each inflate to pyHanko's 256 MiB cap: well over ten
    # seconds of decompression, far past a half-second budget.
    data = docs.add_bomb_to_dss(signed, count=60)
    tight = Trust(anchors=(pki.root.cert,), offline=True, time_budget_s=0.5)
    started = time.monotonic()
    report = verify(data, tight)
    elapsed = time.monotonic() - started
    assert elapsed < 5.0  # the budget plus killing the worker, on a loaded machine
    assert report.indication == "INDETERMINATE"
    assert any("time budget" in e for e in report.errors)
    # the pool replaced the killed worker: the next document is verified normally (with an
    # ordinary budget: a fresh worker's first document may take over 0.5 s on a loaded machine)
    assert verify(signed, replace(tight, time_budget_s=30)).indication == "TOTAL-PASSED"


def test_size_limit_is_a_clear_error(signed, trust):
    with pytest.raises(InputTooLarge, match="limit"):
        verify(signed, trust, max_bytes=100)


def test_in_process_mode_gives_the_same_verdicts(signed, trust):
    here = replace(trust, isolate=False)
    assert verify(docs.flip_signed_byte(signed), here).signatures[0].subindication == "HASH_FAILURE"
    assert verify(signed, here).indication == "TOTAL-PASSED"


def _pdfium_pages(n: int) -> bytes:
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(n):
        pdf.new_page(595, 842).close()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _encrypted() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _bomb_pdf() -> bytes:
    """Like the reading tests' bomb: a page content stream that inflates to 256 MiB of spaces."""
    import zlib

    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(comp.compress(chunk) for _ in range(256)) + comp.flush()
    base = docs.plain_pdf(1)
    old = re.search(rb"4 0 obj\n(.*?)\nendobj", base, re.S)
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + (
        b"\nendstream")
    return base[: old.start(1)] + body + base[old.end(1):]  # stale xref: readers must recover


@pytest.mark.parametrize(
    "make",
    [lambda: b"PK\x03\x04 this is a zip archive, not a scan" * 10,
     lambda: _pdfium_pages(3)[: len(_pdfium_pages(3)) // 2],
     _encrypted, _bomb_pdf, lambda: _pdfium_pages(10_000)],
    ids=["zip", "truncated", "encrypted", "bomb", "ten-thousand-pages"],
)
def test_reading_tests_malformed_files(make, trust):
    data = make()
    started = time.monotonic()
    report = verify(data, trust)
    assert time.monotonic() - started < 15
    assert report.indication in ("NO-SIGNATURE", "TOTAL-FAILED", "INDETERMINATE")
    assert report.summary_vi and report.summary_en


def test_signed_then_encrypted_is_not_valid(pki, trust):
    import io

    from pypdf import PdfReader, PdfWriter

    signed = docs.sign(docs.plain_pdf(1), pki)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(signed)))
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    report = verify(buf.getvalue(), trust)
    assert report.indication != "TOTAL-PASSED"


def test_memory_cap_keeps_the_service_alive(signed, pki):
    # 300 MB of validation data to inflate, in a worker capped at 96 MB above its image.
    capped = Trust(anchors=(pki.root.cert,), offline=True, memory_limit_mb=96)
    report = verify(docs.add_bomb_to_dss(signed, count=3), capped)
    assert report.indication in ("TOTAL-PASSED", "INDETERMINATE")
    if report.indication == "INDETERMINATE":
        assert report.errors
    assert verify(signed, capped).indication == "TOTAL-PASSED"
