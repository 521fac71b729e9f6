"""Turn pki.yml plus the key files into certificate, PKCS#12 and CRL files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from certomancer.registry import CertLabel, CertomancerConfig, PKIArchitecture, ServiceLabel
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from .errors import SamplePKIError
from .files import atomic_write
from .paths import ARCH_LABEL, CONFIG_PATH

KEYS_SUBDIR = "keys"


def load_arch(out_dir: Path, config_path: Path = CONFIG_PATH) -> PKIArchitecture:
    """Load the architecture with the keys in out_dir/keys/.

    pki.yml points its key set at generated/keys (so the certomancer CLI works on it
    as is); here the prefix is re-pointed so that any output directory can be used.
    """
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        for keyset in config["keysets"].values():
            keyset["path-prefix"] = KEYS_SUBDIR
        cfg = CertomancerConfig(config, key_search_dir=str(out_dir))
        return cfg.get_pki_arch(ARCH_LABEL)
    except Exception as e:  # certomancer raises many kinds; all mean "config unusable"
        raise SamplePKIError(f"cannot load the certomancer config {config_path}: {e}") from e


def pki_fingerprint(out_dir: Path, config_path: Path = CONFIG_PATH) -> str:
    """Hash of the config and the keys: two processes with the same fingerprint produce
    the same certificates, CRLs and OCSP answers (a server can be checked against it)."""
    h = hashlib.sha256(config_path.read_bytes())
    for key in sorted((out_dir / KEYS_SUBDIR).glob("*.key.pem")):
        h.update(key.name.encode())
        h.update(key.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class CertFacts:
    """What the manifest says about one certificate, read back from the real certificate."""

    label: str
    common_name: str
    title: str | None
    organization: str | None
    not_before: str
    not_after: str
    sha256: str
    serial: int


def cert_facts(label: str, cert: asn1_x509.Certificate) -> CertFacts:
    subject = cert.subject.native
    return CertFacts(
        label=label,
        common_name=subject.get("common_name", ""),
        title=subject.get("title"),
        organization=subject.get("organization_name"),
        not_before=cert.not_valid_before.isoformat(),
        not_after=cert.not_valid_after.isoformat(),
        sha256=cert.sha256.hex(),
        serial=cert.serial_number,
    )


def write_cert(cert: asn1_x509.Certificate, path: Path) -> None:
    atomic_write(path, pem.armor("CERTIFICATE", cert.dump()))


def chain_labels(arch: PKIArchitecture, label: str) -> list[str]:
    """Issuers of label up to and including its root, nearest first."""
    return [lbl.value for lbl in arch.get_chain(CertLabel(label))]


def write_pkcs12(arch: PKIArchitecture, label: str, password: str, path: Path) -> None:
    """A password-protected PKCS#12 with the key, the certificate and its chain."""
    key_der = arch.key_set.get_private_key(arch.get_cert_spec(CertLabel(label)).subject_key)
    # we generated this key a moment ago; OpenSSL's RSA consistency check costs ~50 ms
    key = serialization.load_der_private_key(key_der.dump(), password=None,
                                             unsafe_skip_rsa_key_validation=True)
    cert = x509.load_der_x509_certificate(arch.get_cert(CertLabel(label)).dump())
    cas = [
        x509.load_der_x509_certificate(arch.get_cert(CertLabel(c)).dump())
        for c in chain_labels(arch, label)
    ]
    # AES-256 + PBKDF2-SHA256: what OpenSSL 3 and pyHanko read without legacy providers
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(20000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password.encode("utf-8"))
    )
    data = pkcs12.serialize_key_and_certificates(
        name=label.encode("utf-8"), key=key, cert=cert, cas=cas,  # type: ignore[arg-type]
        encryption_algorithm=encryption,
    )
    atomic_write(path, data)


def write_crl(arch: PKIArchitecture, repo: str, path: Path,
              at_time: datetime | None = None) -> None:
    """A snapshot of the CRL the loopback service would serve right now (DER)."""
    crl = arch.service_registry.get_crl(
        ServiceLabel(repo), at_time=at_time or datetime.now(tz=UTC)
    )
    atomic_write(path, crl.dump())
