"""Signers: where the private key lives, loaded once and reused for every signature.

Public API (import by full path, ``from signing.keys import ...``):

- :func:`load_pkcs12` — a :class:`LoadedSigner` from a ``.p12``/``.pfx`` file and its password.
- :func:`open_pkcs11` — a :class:`LoadedSigner` backed by a PKCS#11 token (module path, token
  label, key and certificate labels, PIN); close it with ``.close()`` or use it as a context
  manager.
- :func:`signer_from_key` — wrap an in-memory ``cryptography`` private key and its certificate
  (tests, keys fetched from a vault).
- :func:`check_certificate` — refuse a certificate that is expired, not yet valid, or whose key
  usage allows neither digitalSignature nor nonRepudiation.

A :class:`LoadedSigner` carries a pyHanko ``Signer`` (``.signer``), the signer's certificate
(``.certificate``, asn1crypto) and the rest of its chain. Why a class of our own: pyHanko's
``SimpleSigner`` re-parses the DER private key on every raw signature (~46 ms for RSA-2048, twice
per document); :class:`CachedKeySigner` keeps the parsed key object and answers pyHanko's dry-run
sizing call without touching the key at all.

The split flow for remote signing services lives in :mod:`signing.external`.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import cms, tsp, x509
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
)
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from signing.errors import (
    CertificateExpiredError,
    KeyLoadError,
    KeyUsageError,
    SigningError,
    TokenError,
    WrongSecretError,
)

__all__ = [
    "CachedKeySigner",
    "LoadedSigner",
    "check_certificate",
    "load_pkcs12",
    "open_pkcs11",
    "signer_from_key",
]

PrivateKey = (
    rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | ed25519.Ed25519PrivateKey
    | (ed448.Ed448PrivateKey)
)


class CachedKeySigner(Signer):
    """A pyHanko signer holding an already parsed ``cryptography`` private key."""

    def __init__(
        self,
        signing_cert: x509.Certificate,
        private_key: PrivateKey,
        cert_registry: SimpleCertificateStore,
        prefer_pss: bool = False,
    ) -> None:
        super().__init__(
            signing_cert=signing_cert,
            cert_registry=cert_registry,
            prefer_pss=prefer_pss,
            embed_roots=True,
        )
        self._key = private_key
        # The dry run only needs a value of the right length to size the CMS container.
        self._dry_run_len = _signature_length(private_key)
        # Per-signer constants, encoded once: asn1crypto would otherwise rebuild and re-encode
        # the issuer name for every signature (a third of pyHanko's CMS assembly time).
        self._scv2_der = as_signing_certificate_v2(signing_cert).dump()
        self._isn_der = cms.IssuerAndSerialNumber(
            {"issuer": signing_cert.issuer, "serial_number": signing_cert.serial_number}
        ).dump()

    def _signed_attr_providers(self, *args, **kwargs):
        for prov in super()._signed_attr_providers(*args, **kwargs):
            if isinstance(prov, SigningCertificateV2Provider):
                yield _EncodedAttribute("signing_certificate_v2", self._scv2_der)
            else:
                yield prov

    def signer_info(self, digest_algorithm: str, signed_attrs, signature):
        info = super().signer_info(digest_algorithm, signed_attrs, signature)
        info["sid"] = cms.SignerIdentifier(
            name="issuer_and_serial_number", value=cms.IssuerAndSerialNumber.load(self._isn_der)
        )
        return info

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._dry_run_len)
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism.signature_algo
        key = self._key
        if algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
            pss, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, pss, hash_algo)
        if algo == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        if algo in ("ed25519", "ed448") and isinstance(
            key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey
        ):
            return key.sign(data)
        raise SigningError(f"signature mechanism {algo} does not match the private key type")


class _EncodedAttribute(CMSAttributeProvider):
    """A signed attribute whose value was encoded once (loaded lazily, dumped as is)."""

    def __init__(self, attribute_type: str, der: bytes) -> None:
        self.attribute_type = attribute_type
        self._der = der

    async def build_attr_value(self, dry_run: bool = False):
        return tsp.SigningCertificateV2.load(self._der)


def _signature_length(key: PrivateKey) -> int:
    if isinstance(key, rsa.RSAPrivateKey):
        return (key.key_size + 7) // 8
    if isinstance(key, ec.EllipticCurvePrivateKey):
        # DER ECDSA signature: two integers of the curve size plus headers, at most.
        return 2 * ((key.curve.key_size + 7) // 8) + 9
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return 64
    return 114


@dataclass
class LoadedSigner:
    """A signer ready to use for many signatures. ``close()`` releases a token session."""

    signer: Signer
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)
    source: str = "pkcs12"
    _session: Any = None

    @property
    def subject_name(self) -> str:
        return self.certificate.subject.human_friendly

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.close()
            finally:
                self._session = None

    def __enter__(self) -> LoadedSigner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_certificate(cert: x509.Certificate, at: datetime | None = None) -> None:
    """Refuse a certificate that may not make a signature at ``at`` (default: now).

    Raises :class:`CertificateExpiredError` outside the validity period and
    :class:`KeyUsageError` when a keyUsage extension allows neither digitalSignature nor
    nonRepudiation (contentCommitment). Revocation is checked in :mod:`signing.revocation`.
    """
    now = at or datetime.now(UTC)
    validity = cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    who = cert.subject.human_friendly
    if now > not_after:
        raise CertificateExpiredError(
            f"the signer's certificate ({who}) expired on {not_after.isoformat()}"
        )
    if now < not_before:
        raise CertificateExpiredError(
            f"the signer's certificate ({who}) is not valid before {not_before.isoformat()}"
        )
    usage = cert.key_usage_value
    if usage is not None:
        allowed = set(usage.native)
        if not allowed & {"digital_signature", "non_repudiation"}:
            raise KeyUsageError(
                f"the signer's certificate ({who}) allows neither digitalSignature nor "
                f"nonRepudiation (key usage: {', '.join(sorted(allowed)) or 'none'})"
            )


def signer_from_key(
    private_key: PrivateKey,
    certificate: x509.Certificate,
    chain: Iterable[x509.Certificate] = (),
    *,
    check: bool = True,
) -> LoadedSigner:
    """Wrap a parsed private key and its certificate (asn1crypto) in a caching signer."""
    if check:
        check_certificate(certificate)
    chain = [c for c in chain if c.dump() != certificate.dump()]
    registry = SimpleCertificateStore()
    registry.register_multiple(chain)
    signer = CachedKeySigner(certificate, private_key, registry)
    return LoadedSigner(signer=signer, certificate=certificate, chain=chain, source="memory")


def load_pkcs12(
    path: str | Path,
    password: bytes | str | None,
    *,
    extra_certs: Iterable[x509.Certificate] = (),
    check: bool = True,
) -> LoadedSigner:
    """Load a signer from a PKCS#12 file. The key is parsed once here, never again."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise KeyLoadError(f"cannot read the key file {Path(path).name}: {e.strerror}") from None
    if isinstance(password, str):
        password = password.encode("utf-8")
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError:
        # cryptography says the same for a wrong password and a broken file; tell them apart.
        try:
            asn1_pkcs12.Pfx.load(data).native  # noqa: B018 - parse fully to see if it is sound
        except Exception:
            raise KeyLoadError(f"{Path(path).name} is not a PKCS#12 file") from None
        raise WrongSecretError(f"the password of {Path(path).name} is wrong") from None
    except TypeError:
        raise WrongSecretError(f"{Path(path).name} needs a password") from None
    if key is None or cert is None:
        raise KeyLoadError(f"{Path(path).name} holds no private key with its certificate")
    if not isinstance(
        key,
        rsa.RSAPrivateKey
        | ec.EllipticCurvePrivateKey
        | ed25519.Ed25519PrivateKey
        | ed448.Ed448PrivateKey,
    ):
        raise KeyLoadError(f"unsupported key type {type(key).__name__}")
    asn1_cert = translate_pyca_cryptography_cert_to_asn1(cert)
    chain = [translate_pyca_cryptography_cert_to_asn1(c) for c in others or ()]
    loaded = signer_from_key(key, asn1_cert, [*chain, *extra_certs], check=check)
    loaded.source = "pkcs12"
    return loaded


@functools.cache
def _serial_pkcs11_signer_class():
    """PKCS11Signer whose token operations never overlap.

    pyHanko runs each token signature in a worker thread; a batch signing several documents at
    once would otherwise start a second C_SignInit on the session while one is active.
    """
    from pyhanko.sign.pkcs11 import PKCS11Signer

    class SerialPKCS11Signer(PKCS11Signer):
        _locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False):
            if dry_run:
                return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
            loop = asyncio.get_running_loop()
            lock = self._locks.setdefault(loop, asyncio.Lock())
            async with lock:
                return await super().async_sign_raw(data, digest_algorithm)

    return SerialPKCS11Signer


def open_pkcs11(
    module: str | Path,
    *,
    token_label: str | None,
    pin: str | None,
    key_label: str | None = None,
    cert_label: str | None = None,
    slot_no: int | None = None,
    extra_certs: Iterable[x509.Certificate] = (),
    check: bool = True,
) -> LoadedSigner:
    """Open a token session (one PIN entry) and return a signer that keeps it open.

    The key never leaves the token; the session is reused for every signature until
    :meth:`LoadedSigner.close`. When only one label is given it is used for both objects.
    """
    import pkcs11.exceptions as p11e
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as ph11

    if not Path(module).is_file():
        raise TokenError(f"PKCS#11 module not found: {Path(module).name}")
    try:
        session = ph11.open_pkcs11_session(
            str(module),
            slot_no=slot_no,
            token_criteria=TokenCriteria(label=token_label) if token_label else None,
            user_pin=pin,
        )
    except p11e.PinIncorrect:
        raise WrongSecretError("the token PIN is wrong") from None
    except p11e.PinLocked:
        raise WrongSecretError("the token PIN is locked") from None
    except (p11e.PKCS11Error, ph11.PKCS11Error, OSError, RuntimeError) as e:
        raise TokenError(f"cannot open the token: {type(e).__name__} {e}".strip()) from None
    key_label = key_label or cert_label
    cert_label = cert_label or key_label
    try:
        signer = _serial_pkcs11_signer_class()(
            session,
            cert_label=cert_label,
            key_label=key_label,
            other_certs_to_pull=None,
        )
        cert = signer.signing_cert  # pulls the objects now, so a wrong label fails here
        if cert is None:
            raise TokenError("no certificate found on the token")
        if extra_certs:
            signer.cert_registry.register_multiple(list(extra_certs))
        if check:
            check_certificate(cert)
        chain = [c for c in signer.cert_registry if c.dump() != cert.dump()]
    except SigningError:
        session.close()
        raise
    except Exception as e:  # python-pkcs11 and pyHanko raise many unrelated types here
        session.close()
        raise TokenError(
            f"key '{key_label}' or certificate '{cert_label}' not usable on the token: "
            f"{type(e).__name__}"
        ) from None
    return LoadedSigner(
        signer=signer, certificate=cert, chain=chain, source="pkcs11", _session=session
    )
