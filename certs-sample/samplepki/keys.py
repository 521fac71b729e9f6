"""Fresh private keys for every certificate label (certomancer expects key files)."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .errors import SamplePKIError
from .files import atomic_write
from .identities import KeyType


def new_key(key_type: KeyType) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if key_type == "rsa2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    raise SamplePKIError(f"unknown key type {key_type!r}")


def write_keys(key_dir: Path, key_types: dict[str, KeyType]) -> dict[str, Path]:
    """Write one unencrypted PKCS#8 PEM per label; readable by the owner only."""
    key_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for label, key_type in key_types.items():
        pem = new_key(key_type).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        paths[label] = atomic_write(key_dir / f"{label}.key.pem", pem, mode=0o600)
    return paths
