"""Every refusal is a clear SigningError, writes nothing and leaves the input untouched."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from signing.errors import (
    CertificateExpiredError,
    CertificateRevokedError,
    DocumentError,
    EncryptedDocumentError,
    KeyLoadError,
    KeyUsageError,
    SigningError,
    TimestampError,
    WrongSecretError,
)
from signing.keys import load_pkcs12
from signing.pades import Level, SignOptions, sign_pdf
from tests.signing.conftest import sha256


def _assert_nothing_written(tmp_path, src, before, dst):
    assert sha256(src) == before
    assert not dst.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_wrong_pkcs12_password(sample_pki):
    ident = sample_pki.identity("chairman")
    with pytest.raises(WrongSecretError, match="password") as e:
        load_pkcs12(ident.p12, "not-the-password")
    assert "not-the-password" not in str(e.value)


def test_not_a_pkcs12_file(tmp_path):
    bad = tmp_path / "bad.p12"
    bad.write_bytes(b"this is not a key file")
    with pytest.raises(KeyLoadError, match="not a PKCS#12"):
        load_pkcs12(bad, "x")


def test_missing_key_file(tmp_path):
    with pytest.raises(KeyLoadError, match="cannot read"):
        load_pkcs12(tmp_path / "none.p12", "x")


def test_expired_signer_refused_at_load_and_at_signing(sample_pki, directive, tmp_path):
    ident = sample_pki.identity("expired")
    with pytest.raises(CertificateExpiredError, match="expired"):
        load_pkcs12(ident.p12, ident.password)
    # Loaded without the check (e.g. to show its details), it still cannot sign.
    loaded = load_pkcs12(ident.p12, ident.password, check=False)
    before, dst = sha256(directive), tmp_path / "o.pdf"
    with pytest.raises(CertificateExpiredError):
        sign_pdf(directive, dst, loaded)
    _assert_nothing_written(tmp_path, directive, before, dst)


def test_encryption_only_certificate_refused(sample_pki):
    ident = sample_pki.identity("enc-only")
    with pytest.raises(KeyUsageError, match="digitalSignature"):
        load_pkcs12(ident.p12, ident.password)


def test_revoked_signer_refused(sample_pki, trust, pki_services, directive, tmp_path):
    ident = sample_pki.identity("revoked")
    loaded = load_pkcs12(ident.p12, ident.password)  # not expired: only revocation tells
    before, dst = sha256(directive), tmp_path / "o.pdf"
    with pytest.raises(CertificateRevokedError, match="revoked"):
        sign_pdf(directive, dst, loaded, SignOptions(trust=trust))
    _assert_nothing_written(tmp_path, directive, before, dst)


def test_unreachable_tsa(chairman, directive, tmp_path):
    before, dst = sha256(directive), tmp_path / "o.pdf"
    opts = SignOptions(level=Level.B_T, tsa_url="http://127.0.0.1:9/tsa", tsa_timeout=3)
    with pytest.raises(TimestampError, match="time-stamping authority"):
        sign_pdf(directive, dst, chairman, opts)
    _assert_nothing_written(tmp_path, directive, before, dst)


def test_level_without_tsa_is_refused_up_front(chairman, directive, tmp_path):
    with pytest.raises(SigningError, match="time-stamping authority URL"):
        sign_pdf(directive, tmp_path / "o.pdf", chairman, SignOptions(level=Level.B_T))


def test_encrypted_pdf(chairman, directive, tmp_path):
    enc = tmp_path / "enc.pdf"
    subprocess.run(
        ["qpdf", "--encrypt", "u", "o", "256", "--", str(directive), str(enc)], check=True
    )
    before, dst = sha256(enc), tmp_path / "o.pdf"
    with pytest.raises(EncryptedDocumentError, match="encrypted"):
        sign_pdf(enc, dst, chairman)
    _assert_nothing_written(tmp_path, enc, before, dst)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 3],
        lambda b: b"%PDF-1.7\n garbage \n%%EOF\n",
        lambda b: b"not a pdf at all",
    ],
    ids=["truncated", "garbage", "not-pdf"],
)
def test_broken_pdf(chairman, directive, tmp_path, damage):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(damage(directive.read_bytes()))
    before, dst = sha256(bad), tmp_path / "o.pdf"
    with pytest.raises(DocumentError):
        sign_pdf(bad, dst, chairman)
    _assert_nothing_written(tmp_path, bad, before, dst)


def test_never_overwrites_the_input(chairman, directive, tmp_path):
    before = sha256(directive)
    with pytest.raises(SigningError, match="overwrite"):
        sign_pdf(directive, directive, chairman)
    assert sha256(directive) == before


def test_failed_signing_keeps_an_existing_output(chairman, directive, tmp_path):
    dst = tmp_path / "o.pdf"
    shutil.copyfile(directive, dst)
    before = sha256(dst)
    with pytest.raises(TimestampError):
        sign_pdf(
            directive,
            dst,
            chairman,
            SignOptions(level=Level.B_T, tsa_url="http://127.0.0.1:9/", tsa_timeout=2),
        )
    assert sha256(dst) == before
