"""Exceptions of the verification package.

Verification itself never raises on a hostile document (it reports instead); these are for bad
configuration and bad arguments, which are the caller's mistake.
"""

from __future__ import annotations


class VerificationError(Exception):
    """Base class of the verification package's errors."""


class TrustStoreError(VerificationError):
    """A trust folder, anchor file or trust option cannot be used."""


class InputTooLarge(VerificationError):
    """The document is larger than the caller allows."""
