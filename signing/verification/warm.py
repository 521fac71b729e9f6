"""Certificates parsed once per worker and reused, document after document.

asn1crypto parses lazily and remembers what it parsed inside each object: a certificate's
names, extensions, key and hashes are worked out the first time they are asked for. A fresh
object per document (and pyHanko makes a fresh deep copy each time it looks at a signature's
certificates) throws that work away, while the same few certificates — the office's
officials, its seal, the CA, the TSA — come back in every document.

The cache key is the certificate's whole DER encoding, so a cached object stands only for
byte-identical input: nothing a document says can make it stand for another certificate.
Validation itself (paths, revocation, times) is never cached; it depends on the document.
"""

from __future__ import annotations

from asn1crypto import x509
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

MAX_CACHED = 2048  # a certificate object with its parsed parts is a few tens of KB at most

_CERTS: dict[bytes, x509.Certificate] = {}


def certificate(der: bytes) -> x509.Certificate:
    """``x509.Certificate.load(der)``, the same object each time for the same bytes."""
    cert = _CERTS.get(der)
    if cert is None:
        cert = x509.Certificate.load(der)
        if len(_CERTS) < MAX_CACHED:
            _CERTS[der] = cert
    return cert


def adopt(cert: x509.Certificate) -> x509.Certificate:
    """The cached twin of an already parsed certificate (or the certificate itself)."""
    try:
        der = cert.dump()
    except Exception:  # noqa: BLE001 — a broken encoding is left for the validator to report
        return cert
    known = _CERTS.get(der)
    if known is not None:
        return known
    if len(_CERTS) < MAX_CACHED:
        _CERTS[der] = cert
    return cert


class RememberedAlgorithmPolicy(DisallowWeakAlgorithmsPolicy):
    """pyHanko's default algorithm policy (no SHA-1 or MD5, RSA ≥ 2048 bits), its answers
    remembered: it builds asn1crypto objects on every call (about 45 µs), and is asked for
    every certificate of every path, for every signature. The answer depends only on the
    algorithm's and the key's encodings (this policy ignores the validation time)."""

    def __init__(self) -> None:
        super().__init__()
        self._answers: dict[tuple, object] = {}

    def signature_algorithm_allowed(self, algo, moment, public_key):
        key = (algo.dump(), public_key.dump() if public_key is not None else None)
        answer = self._answers.get(key)
        if answer is None:
            answer = super().signature_algorithm_allowed(algo, moment, public_key)
            if len(self._answers) < MAX_CACHED:
                self._answers[key] = answer
        return answer


ALGORITHM_POLICY = RememberedAlgorithmPolicy()


def clear() -> None:
    _CERTS.clear()
