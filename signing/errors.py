"""Exception types of the PAdES half of :mod:`signing`.

Every failure a caller can act on is a :class:`SigningError` subclass with a stable ``code``
(machine-readable, used by routes and the CLI) and a message that never contains a secret.
"""

from __future__ import annotations


class SigningError(Exception):
    """Base class: signing could not be done; nothing was written."""

    code = "signing_error"


class KeyLoadError(SigningError):
    """The key or certificate could not be loaded (missing file, unreadable container)."""

    code = "key_load_failed"


class WrongSecretError(KeyLoadError):
    """The password of a PKCS#12 file or the PIN of a token was refused."""

    code = "wrong_secret"


class TokenError(KeyLoadError):
    """A PKCS#11 module, token, key or certificate could not be found or used."""

    code = "token_error"


class CertificateUnusableError(SigningError):
    """The signer's certificate may not sign: expired, not yet valid, revoked, wrong key usage."""

    code = "certificate_unusable"


class CertificateExpiredError(CertificateUnusableError):
    code = "certificate_expired"


class CertificateRevokedError(CertificateUnusableError):
    code = "certificate_revoked"


class KeyUsageError(CertificateUnusableError):
    code = "certificate_key_usage"


class DocumentError(SigningError):
    """The input PDF cannot be signed: unreadable, broken or encrypted."""

    code = "bad_document"


class EncryptedDocumentError(DocumentError):
    code = "encrypted_document"


class FieldError(SigningError):
    """A signature field is missing, already signed, or cannot be placed."""

    code = "field_error"


class BlockNotFoundError(FieldError):
    """The signature block (title and name) was not found on the page."""

    code = "block_not_found"


class StampError(SigningError):
    """A stamp could not be built: missing image or font, bad size."""

    code = "stamp_error"


class TimestampError(SigningError):
    """The time-stamping authority could not be reached or refused the request."""

    code = "tsa_unreachable"


class RevocationError(SigningError):
    """Revocation information for the signer could not be obtained (B-LT, B-LTA)."""

    code = "revocation_unavailable"
