"""Documents signed by our own signer (signing.pades) with the sample PKI and its loopback
TSA/OCSP/CRL services: every PAdES level, the Decree 30 pair, and the sample's bad identities."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from signing.keys import load_pkcs12
from signing.pades import Level, SignOptions, sign_pdf
from signing.trust import TrustSettings, load_certificates
from signing.verification import Trust, verify

from . import docs


@pytest.fixture(scope="module")
def sample_trust(sample_pki) -> Trust:
    # the intermediate too: timestamp tokens carry only the TSA's own certificate
    return Trust.load(extra=[sample_pki.root, sample_pki.intermediate])


@pytest.fixture(scope="module")
def signer_trust(sample_pki) -> TrustSettings:
    return TrustSettings(
        trust_roots=load_certificates([sample_pki.root]),
        other_certs=load_certificates([sample_pki.intermediate]),
    )


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("our-signer") / "in.pdf"
    path.write_bytes(docs.add_fields(docs.plain_pdf(), "NguoiKy", "CoQuan"))
    return path


def _sign(sample_pki, src, dst, who, level, services, trust, field):
    ident = sample_pki.identity(who)
    loaded = load_pkcs12(ident.p12, ident.password, check=False)
    sign_pdf(src, dst, loaded, SignOptions(level=level, tsa_url=services.tsa, trust=trust,
                                           field_name=field))
    return dst.read_bytes()


@pytest.mark.parametrize("level", [Level.B_T, Level.B_LT, Level.B_LTA])
def test_levels_from_our_signer(level, sample_pki, pki_services, source, tmp_path,
                                sample_trust, signer_trust):
    data = _sign(sample_pki, source, tmp_path / "out.pdf", "chairman", level, pki_services,
                 signer_trust, "NguoiKy")
    # offline: what the file itself carries
    report = verify(data, Trust(anchors=sample_trust.anchors, offline=True))
    sig = report.signatures[0]
    assert sig.level == f"PAdES-{level}"
    assert sig.signer == "Lâm Quốc Thịnh" and sig.signer_role == "person"
    assert sig.timestamp_time is not None
    if level is Level.B_T:
        assert sig.long_term is False
    else:
        assert (sig.indication, sig.subindication) == ("TOTAL-PASSED", None)
        assert sig.revocation.source == "embedded" and sig.revocation.status == "good"
        assert sig.long_term is True
    if level is Level.B_LTA:
        assert [s.type for s in report.signatures] == ["signature", "timestamp"]
        assert report.signatures[1].indication == "TOTAL-PASSED"
    # online: revocation fetched from the loopback OCSP/CRL for what the file lacks
    online = verify(data, sample_trust)
    assert online.indication == "TOTAL-PASSED"
    assert online.signatures[0].revocation.status == "good"


def test_decree30_pair_from_our_signer(sample_pki, pki_services, source, tmp_path,
                                       sample_trust, signer_trust):
    first = tmp_path / "1.pdf"
    _sign(sample_pki, source, first, "chairman", Level.B_T, pki_services, signer_trust, "NguoiKy")
    data = _sign(sample_pki, first, tmp_path / "2.pdf", "seal", Level.B_T, pki_services,
                 signer_trust, "CoQuan")
    report = verify(data, sample_trust)
    assert report.indication == "TOTAL-PASSED"
    assert [s.signer_role for s in report.signatures] == ["person", "organization"]
    assert report.decree30_person and report.decree30_organization


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("revoked", ("TOTAL-FAILED", "REVOKED")),
        ("expired", ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")),
        ("untrusted-signer", ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")),
        ("enc-only", ("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE")),
        ("ecdsa", ("TOTAL-PASSED", None)),
        ("rsa-pss", ("TOTAL-PASSED", None)),
    ],
)
def test_sample_identities(who, expected, sample_pki, pki_services, source,
                           sample_trust):
    # pyHanko directly: our signer rightly refuses expired and unusable certificates.
    ident = sample_pki.identity(who)
    signer = signers.SimpleSigner.load_pkcs12(
        str(ident.p12), passphrase=ident.password.encode(),
        prefer_pss=(who == "rsa-pss"),
    )
    meta = signers.PdfSignatureMetadata(field_name="NguoiKy",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(io.BytesIO(source.read_bytes()), strict=False)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer).sign_pdf(writer, output=out)
    sig = verify(out.getvalue(), sample_trust).signatures[0]
    assert (sig.indication, sig.subindication) == expected, sig.errors
