"""Signing at every PAdES level with the sample PKI served on loopback."""

from __future__ import annotations

import pytest

from signing.errors import CertificateUnusableError
from signing.keys import load_pkcs12
from signing.pades import Level, SignOptions, sign_pdf
from signing.stamp import OfficialStamp
from tests.signing.checks import check_file
from tests.signing.conftest import pdfsig_valid_count, qpdf_ok, sha256
from tests.signing.docgen import NAME, TITLE, write_large_pdf


@pytest.mark.parametrize("level", list(Level))
def test_every_level_with_the_official_stamp(
    level, directive, tmp_path, chairman, trust, pki_services, sample_pki
):
    before = sha256(directive)
    out = tmp_path / f"out-{level}.pdf"
    image = sample_pki.identity("chairman").signature_image
    result = sign_pdf(
        directive,
        out,
        chairman,
        SignOptions(level=level, tsa_url=pki_services.tsa, trust=trust, field_name="ChuKy"),
        stamp=OfficialStamp(image=image, title=TITLE, name=NAME),
    )
    assert sha256(directive) == before
    assert result.output == out and result.level is level and result.page == 0
    check = check_file(out, trust)
    [sig] = check.signatures
    assert sig.field == "ChuKy" and sig.signer_cn == "Lâm Quốc Thịnh"
    assert sig.intact and sig.valid and sig.trusted
    # B-B has no timestamp; every other level has a valid signature timestamp.
    assert sig.has_timestamp == (level is not Level.B_B)
    if level in (Level.B_LT, Level.B_LTA):
        assert check.dss_certs >= 2 and check.dss_ocsps + check.dss_crls >= 1
    else:
        assert check.dss_ocsps + check.dss_crls == 0
    assert check.doc_timestamps == (1 if level is Level.B_LTA else 0)
    n, valid, text = pdfsig_valid_count(out)
    assert n == 1 and valid == 1, text
    assert qpdf_ok(out)


def test_signing_time_is_shown_in_vietnam_time(directive, tmp_path, chairman):
    res = sign_pdf(directive, tmp_path / "o.pdf", chairman)
    assert res.signing_time.utcoffset().total_seconds() == 7 * 3600


def test_invisible_signature_when_no_stamp(directive, tmp_path, chairman, trust):
    res = sign_pdf(directive, tmp_path / "o.pdf", chairman)
    assert res.box is None
    [sig] = check_file(tmp_path / "o.pdf", trust).signatures
    assert sig.valid and sig.coverage == "ENTIRE_FILE"


@pytest.mark.parametrize("label", ["ecdsa", "rsa-pss", "vice-chairman"])
def test_other_key_types_sign_valid(label, directive, tmp_path, sample_pki, trust):
    ident = sample_pki.identity(label)
    signer = load_pkcs12(ident.p12, ident.password)
    out = tmp_path / "o.pdf"
    sign_pdf(directive, out, signer)
    [sig] = check_file(out, trust).signatures
    assert sig.valid and sig.trusted and sig.signer_cn == ident.name
    n, valid, text = pdfsig_valid_count(out)
    assert n == valid == 1, text


def test_untrusted_signer_refused_when_trust_is_configured(
    directive, tmp_path, sample_pki, trust, pki_services
):
    ident = sample_pki.identity("untrusted-signer")
    signer = load_pkcs12(ident.p12, ident.password)
    with pytest.raises(CertificateUnusableError, match="trusted root"):
        sign_pdf(directive, tmp_path / "o.pdf", signer, SignOptions(trust=trust))
    assert not (tmp_path / "o.pdf").exists()


def test_large_file_signs_whole(tmp_path, chairman, trust):
    src = tmp_path / "big.pdf"
    write_large_pdf(src, 24)
    before = sha256(src)
    out = tmp_path / "big-signed.pdf"
    sign_pdf(src, out, chairman)
    assert sha256(src) == before
    assert out.stat().st_size > src.stat().st_size
    [sig] = check_file(out, trust).signatures
    assert sig.valid and sig.intact and sig.coverage == "ENTIRE_FILE"
    n, valid, text = pdfsig_valid_count(out)
    assert n == valid == 1, text
