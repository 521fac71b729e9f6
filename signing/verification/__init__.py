"""Verification of signed PDFs: one report per document, never an exception.

``verify(data, trust) -> Report``. The report follows ETSI EN 319 102-1: an indication and a
sub-indication per signature and timestamp, with signer, chain, times, coverage, changes after
signing, revocation, PAdES level and plain-language summaries in Vietnamese and English.
This package imports nothing of ours; it takes bytes and returns dataclasses.
"""

from __future__ import annotations

from .errors import InputTooLarge, TrustStoreError, VerificationError
from .isolate import verify_isolated
from .model import (
    INDETERMINATE,
    NO_SIGNATURE,
    TOTAL_FAILED,
    TOTAL_PASSED,
    Algorithms,
    CertInfo,
    Modification,
    Report,
    Revocation,
    SignatureReport,
)
from .trust import Trust, parse_at

__all__ = [
    "INDETERMINATE",
    "NO_SIGNATURE",
    "TOTAL_FAILED",
    "TOTAL_PASSED",
    "Algorithms",
    "CertInfo",
    "InputTooLarge",
    "Modification",
    "Report",
    "Revocation",
    "SignatureReport",
    "Trust",
    "TrustStoreError",
    "VerificationError",
    "parse_at",
    "verify",
]


def verify(data: bytes, trust: Trust | None = None, *, max_bytes: int | None = None) -> Report:
    """Verify every signature and document timestamp in ``data`` (a PDF file's bytes).

    Never raises for anything inside the document; raises ``InputTooLarge`` when ``data`` is
    longer than ``max_bytes`` and ``TypeError`` when ``data`` is not bytes.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("verify() takes the document's bytes")
    data = bytes(data)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputTooLarge(f"the document is {len(data)} bytes; the limit is {max_bytes}")
    return verify_isolated(data, trust or Trust())
