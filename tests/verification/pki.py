"""A throwaway test PKI, built in memory with ``cryptography`` (no files, no network).

Root → signers (person, organization, ECDSA, RSA-PSS, revoked, expired, no nonRepudiation,
weak 1024-bit RSA), a TSA, and a second root nobody trusts. The CRL lists the revoked signer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.now(UTC).replace(microsecond=0)
REVOKED_AT = NOW - timedelta(days=3)
# Port 9 (discard) on loopback: nothing listens, so an online fetch fails at once.
CRL_URL = "http://127.0.0.1:9/test-root.crl"


@dataclass
class Identity:
    cert: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo
    py_cert: x509.Certificate
    py_key: object


@dataclass
class TestPKI:
    root: Identity
    other_root: Identity
    ids: dict[str, Identity] = field(default_factory=dict)
    crl: asn1_crl.CertificateList | None = None
    crl_der: bytes = b""

    def __getitem__(self, name: str) -> Identity:
        return self.ids[name]


def _name(cn: str, org: str = "ỦY BAN NHÂN DÂN TỈNH AN GIANG") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _rsa(bits: int = 2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _identity(py_cert, py_key) -> Identity:
    der = py_cert.public_bytes(serialization.Encoding.DER)
    key_der = py_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return Identity(
        asn1_x509.Certificate.load(der), asn1_keys.PrivateKeyInfo.load(key_der), py_cert, py_key
    )


def _ca(cn: str) -> Identity:
    key = _rsa()
    name = _name(cn, "Test PKI")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=3650))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return _identity(cert, key)


def _leaf(
    issuer: Identity,
    cn: str,
    key=None,
    *,
    org: str = "ỦY BAN NHÂN DÂN TỈNH AN GIANG",
    non_repudiation: bool = True,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    tsa: bool = False,
    digest=None,
) -> Identity:
    key = key or _rsa()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, org))
        .issuer_name(issuer.py_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - timedelta(days=365))
        .not_valid_after(not_after or NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.py_key.public_key()), False
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(CRL_URL)], None, None,
                                        None)]
            ),
            False,
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), True
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True)
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, non_repudiation, False, False, False, False, False, False, False),
            True,
        )
    cert = builder.sign(issuer.py_key, digest or hashes.SHA256())
    return _identity(cert, key)


def build() -> TestPKI:
    root = _ca("Test Root CA vanthu")
    other = _ca("Untrusted Root CA")
    pki = TestPKI(root=root, other_root=other)
    ids = pki.ids
    ids["person"] = _leaf(root, "Nguyễn Văn A")
    ids["org"] = _leaf(root, "ỦY BAN NHÂN DÂN TỈNH AN GIANG")
    ids["ecdsa"] = _leaf(root, "Trần Thị B", ec.generate_private_key(ec.SECP256R1()))
    ids["pss"] = _leaf(root, "Lê Văn C")
    ids["revoked"] = _leaf(root, "Phạm Văn D")
    ids["expired"] = _leaf(
        root, "Hoàng Văn E", not_before=NOW - timedelta(days=800),
        not_after=NOW - timedelta(days=30),
    )
    ids["no_nonrep"] = _leaf(root, "Đỗ Văn G", non_repudiation=False)
    ids["weak_rsa"] = _leaf(root, "Vũ Văn H", _rsa(1024))
    ids["untrusted"] = _leaf(other, "Ngô Văn K")
    ids["tsa"] = _leaf(root, "Test TSA", tsa=True, org="Test PKI")
    revoked_serial = ids["revoked"].py_cert.serial_number
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.py_cert.subject)
        .last_update(NOW - timedelta(hours=1))
        .next_update(NOW + timedelta(days=7))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revoked_serial)
            .revocation_date(REVOKED_AT)
            .build()
        )
        .add_extension(x509.CRLNumber(1), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.py_key.public_key()), False
        )
        .sign(root.py_key, hashes.SHA256())
    )
    pki.crl_der = crl.public_bytes(serialization.Encoding.DER)
    pki.crl = asn1_crl.CertificateList.load(pki.crl_der)
    return pki


def root_pem(identity: Identity) -> bytes:
    return identity.py_cert.public_bytes(serialization.Encoding.PEM)
