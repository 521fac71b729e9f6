"""Throwaway keys, certificates and images generated inside a test (no sample PKI needed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


@dataclass
class Issued:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ỦY BAN NHÂN DÂN TỈNH AN GIANG (THỬ)"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def make_ca(cn: str = "Throwaway test CA") -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def make_signer(
    ca: Issued,
    cn: str = "Lâm Quốc Thịnh",
    *,
    digital_signature: bool = True,
    non_repudiation: bool = True,
    not_before_days: int = -1,
    not_after_days: int = 365,
) -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    ku = x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=not (digital_signature or non_repudiation),
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=not_before_days))
        .not_valid_after(now + dt.timedelta(days=not_after_days))
        .add_extension(ku, critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(key, cert)


def write_p12(path: Path, who: Issued, ca: Issued, password: bytes) -> Path:
    data = pkcs12.serialize_key_and_certificates(
        b"signer",
        who.key,
        who.cert,
        [ca.cert],
        serialization.BestAvailableEncryption(password),
    )
    path.write_bytes(data)
    return path


def make_signature_png(path: Path, size=(300, 120)) -> Path:
    """A blue 'handwritten' stroke on a transparent background; the left half is drawn."""
    from PIL import Image, ImageDraw

    im = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    w, h = size
    d.rectangle((4, 4, w // 2 - 4, h - 4), fill=(20, 40, 200, 255))
    d.line((w // 2, h // 2, w - 10, h // 2), fill=(20, 40, 200, 255), width=6)
    im.save(path, dpi=(150, 150))
    return path


def make_seal_png(path: Path, px: int = 400) -> Path:
    """A red ring seal on a transparent background."""
    from PIL import Image, ImageDraw

    im = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse((4, 4, px - 4, px - 4), outline=(220, 20, 20, 255), width=px // 14)
    d.ellipse((px // 3, px // 3, 2 * px // 3, 2 * px // 3), fill=(220, 20, 20, 255))
    im.save(path)
    return path
