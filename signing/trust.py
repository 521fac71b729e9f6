"""Trust anchors and revocation sources used while signing.

A :class:`TrustSettings` says which roots the signer's chain must reach and where revocation
information comes from (fetching from the certificate's OCSP/CRL URLs, or CRLs and OCSP responses
given up front). It is needed for B-LT and B-LTA (the validation data is embedded) and, when
``check_revocation`` is on, lets every level refuse a revoked or untrusted signer before anything
is written.

Public API: :class:`TrustSettings`, :func:`load_certificates`, :func:`make_validation_context`,
:func:`check_signer_status`.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from asn1crypto import crl, ocsp, pem, x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from signing.errors import (
    CertificateExpiredError,
    CertificateRevokedError,
    CertificateUnusableError,
    KeyLoadError,
    RevocationError,
)

__all__ = [
    "TrustSettings",
    "check_signer_status",
    "http_session",
    "load_certificates",
    "make_validation_context",
]


@dataclass(frozen=True)
class TrustSettings:
    """Trust roots and revocation sources.

    ``allow_fetching`` lets the signer fetch OCSP responses and CRLs named in certificates (AIA,
    CRL distribution points); ``crls`` and ``ocsps`` are used in addition. With
    ``check_revocation`` a signer whose status cannot be established is refused.
    """

    trust_roots: tuple[x509.Certificate, ...]
    other_certs: tuple[x509.Certificate, ...] = ()
    crls: tuple[crl.CertificateList, ...] = ()
    ocsps: tuple[ocsp.OCSPResponse, ...] = ()
    allow_fetching: bool = True
    check_revocation: bool = True


def load_certificates(paths: Iterable[str | Path]) -> tuple[x509.Certificate, ...]:
    """Certificates from PEM or DER files (a PEM file may hold several)."""
    out: list[x509.Certificate] = []
    for p in paths:
        try:
            data = Path(p).read_bytes()
        except OSError as e:
            raise KeyLoadError(
                f"cannot read certificate file {Path(p).name}: {e.strerror}"
            ) from None
        try:
            if pem.detect(data):
                out.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, True))
            else:
                out.append(x509.Certificate.load(data))
        except ValueError as e:
            raise KeyLoadError(f"{Path(p).name} is not a certificate: {e}") from None
    return tuple(out)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # pyhanko-certvalidator builds this (loading the whole CA bundle, ~90 ms of CPU) for every
    # session it opens on its own; one per process is enough.
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def http_session() -> aiohttp.ClientSession:
    """An HTTP session for TSA and revocation requests (call inside the running event loop)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=_tls_context()))


def make_validation_context(
    trust: TrustSettings, session: aiohttp.ClientSession | None = None
) -> ValidationContext:
    """A pyHanko validation context; one per signing call or batch, so fetches are shared.

    With ``session`` (see :func:`http_session`) OCSP and CRL requests go through it; the caller
    closes it.
    """
    extra = {}
    if session is not None:
        from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

        extra["fetcher_backend"] = AIOHttpFetcherBackend(session)
    return ValidationContext(
        **extra,
        trust_roots=list(trust.trust_roots),
        other_certs=list(trust.other_certs),
        crls=list(trust.crls),
        ocsps=list(trust.ocsps),
        allow_fetching=trust.allow_fetching,
        revocation_mode="hard-fail" if trust.check_revocation else "soft-fail",
    )


async def check_signer_status(
    cert: x509.Certificate,
    intermediates: Iterable[x509.Certificate],
    vc: ValidationContext,
) -> None:
    """Refuse a signer that is revoked, expired or does not chain to a trusted root."""
    who = cert.subject.human_friendly
    validator = CertificateValidator(
        cert, intermediate_certs=list(intermediates), validation_context=vc
    )
    try:
        await validator.async_validate_usage(set())
    except RevokedError as e:
        raise CertificateRevokedError(f"the signer's certificate ({who}) is revoked: {e}") from None
    except ExpiredError as e:
        raise CertificateExpiredError(
            f"the signer's certificate ({who}) has expired: {e}"
        ) from None
    except InsufficientRevinfoError as e:
        raise RevocationError(
            f"the revocation status of the signer's certificate ({who}) could not be "
            f"established: {e}"
        ) from None
    except PathBuildingError as e:
        raise CertificateUnusableError(
            f"the signer's certificate ({who}) does not chain to a trusted root: {e}"
        ) from None
    except PathValidationError as e:
        raise CertificateUnusableError(
            f"the signer's certificate ({who}) failed validation: {e}"
        ) from None
