"""Signing and verifying PDFs: PAdES signatures with Decree-30 stamps (``signing.pades``,
``signing.keys``, ``signing.stamp``, ``signing.fields``) and verification reports
(``signing.verification``). This half imports nothing of ours; the outgoing workflow
(``signing.workflow``), which uses the registry, is imported on its own."""

from signing.errors import SigningError
from signing.verification import Report, Trust, verify

__all__ = ["Report", "SigningError", "Trust", "verify"]
