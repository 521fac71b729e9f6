"""Keep parsed private keys in the loopback server.

certomancer parses the signing key from DER on every signature; with OpenSSL 3 that RSA
consistency check costs ~50-120 ms, more than half of each TSA/OCSP/CRL answer. The
server installs this backend, which parses each key once and signs the common algorithms
itself; anything else goes to certomancer's own backend unchanged.
"""

from __future__ import annotations

import threading

import certomancer.crypto_utils as cm_crypto
from asn1crypto import algos, keys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa


class CachedKeyBackend(cm_crypto.PycaCryptographyBackend):
    def __init__(self) -> None:
        self._keys: dict[bytes, object] = {}
        self._lock = threading.Lock()  # the server is threaded

    def _key(self, private_key: keys.PrivateKeyInfo):
        der = private_key.dump()
        with self._lock:
            key = self._keys.get(der)
            if key is None:
                key = serialization.load_der_private_key(der, password=None)
                self._keys[der] = key
        return key

    def generic_sign(self, private_key: keys.PrivateKeyInfo, tbs_bytes: bytes,
                     sd_algo: algos.SignedDigestAlgorithm) -> bytes:
        key = self._key(private_key)
        sig_algo = sd_algo.signature_algo
        if sig_algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            digest = getattr(hashes, sd_algo.hash_algo.upper())()
            return key.sign(tbs_bytes, padding.PKCS1v15(), digest)
        if sig_algo == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            digest = getattr(hashes, sd_algo.hash_algo.upper())()
            return key.sign(tbs_bytes, ec.ECDSA(digest))
        # PSS parameters, DSA, EdDSA...: rare here, let certomancer do it
        return super().generic_sign(private_key, tbs_bytes, sd_algo)


def install() -> None:
    """Make certomancer in this process sign with cached keys."""
    if not isinstance(cm_crypto.CRYPTO_BACKEND, CachedKeyBackend):
        cm_crypto.CRYPTO_BACKEND = CachedKeyBackend()
