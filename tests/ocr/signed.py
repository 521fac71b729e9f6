"""Sign a PDF the way incoming documents arrive: a visible signature stamp on page 1 added as an
incremental update, with a throwaway key made inside the test."""

from __future__ import annotations

import datetime as dt
import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore


def _signer() -> signers.SimpleSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "So Tai chinh (test)")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    a_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    a_key = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=a_cert, signing_key=a_key,
                                cert_registry=SimpleCertificateStore.from_certs([a_cert]))


def sign_with_stamp(data: bytes, times: int = 2) -> bytes:
    """``data`` signed ``times`` times, each a visible text stamp at the top of page 1."""
    signer = _signer()
    for i in range(times):
        spec = fields.SigFieldSpec(f"Sig{i + 1}", on_page=0,
                                   box=(360, 800 - 45 * i, 580, 838 - 45 * i))
        pdf_signer = signers.PdfSigner(
            signers.PdfSignatureMetadata(field_name=f"Sig{i + 1}"), signer=signer,
            stamp_style=TextStampStyle(stamp_text="Signed by: %(signer)s\nTime: %(ts)s"),
            new_field_spec=spec)
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)))
        data = out.getvalue()
    return data
