"""What each certificate label of pki.yml is for.

pki.yml says what the certificates contain; this table says how tests and demos are meant
to use them (role, expected verdict, key type, which image goes with them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

KeyType = Literal["rsa2048", "ec-p256"]


@dataclass(frozen=True)
class SignerSpec:
    label: str
    role: Literal["official", "organization"]
    status: str  # what a verifier should conclude about this signer
    key_type: KeyType = "rsa2048"
    mechanism: str = "rsassa_pkcs1v15"  # padding/algorithm the signing code should use
    trusted: bool = True
    image: Literal["signature", "seal"] = "signature"
    on_token: bool = False  # imported into the SoftHSM2 token


SIGNERS: tuple[SignerSpec, ...] = (
    SignerSpec("chairman", "official", "valid", on_token=True),
    SignerSpec("vice-chairman", "official", "valid", on_token=True),
    SignerSpec("seal", "organization", "valid", image="seal", on_token=True),
    SignerSpec("revoked", "official", "revoked"),
    SignerSpec("expired", "official", "expired"),
    SignerSpec("enc-only", "official", "no-signing-key-usage"),
    SignerSpec("ecdsa", "official", "valid", key_type="ec-p256", mechanism="ecdsa"),
    SignerSpec("rsa-pss", "official", "valid", mechanism="rsassa_pss"),
    SignerSpec("untrusted-signer", "official", "untrusted", trusted=False),
)

# Certificates that are not signers: CAs and service certificates.
AUTHORITIES: tuple[str, ...] = ("root", "interm", "tsa", "ocsp", "untrusted-root")

TRUSTED_ROOT = "root"
UNTRUSTED_ROOT = "untrusted-root"

KEY_TYPES: dict[str, KeyType] = {s.label: s.key_type for s in SIGNERS} | {
    a: "rsa2048" for a in AUTHORITIES
}
