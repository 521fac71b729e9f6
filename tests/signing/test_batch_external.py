"""Batch signing with one key unlock, and the split flow for remote signing services."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from signing.errors import DocumentError, SigningError
from signing.external import begin_external, finish_external
from signing.keys import load_pkcs12
from signing.pades import Level, SignJob, SignOptions, sign_batch
from signing.stamp import OfficialStamp
from signing.trust import load_certificates
from tests.signing.checks import check_file
from tests.signing.conftest import pdfsig_valid_count, sha256
from tests.signing.docgen import NAME, TITLE, make_directive


def test_batch_signs_every_document_and_reports_failures(
    tmp_path, chairman, trust, pki_services, sample_pki
):
    image = sample_pki.identity("chairman").signature_image
    jobs = []
    for i in range(6):
        src = tmp_path / f"in{i}.pdf"
        make_directive(src, pages=2)
        jobs.append(
            SignJob(
                src, tmp_path / f"out{i}.pdf", OfficialStamp(image=image, title=TITLE, name=NAME)
            )
        )
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 broken")
    jobs.insert(3, SignJob(broken, tmp_path / "out-broken.pdf"))
    results = sign_batch(jobs, chairman, SignOptions(level=Level.B_T, tsa_url=pki_services.tsa))
    assert len(results) == 7
    assert isinstance(results[3], DocumentError) and not (tmp_path / "out-broken.pdf").exists()
    for job, res in zip(jobs, results, strict=True):
        if job.src == broken:
            continue
        assert res.output == job.dst and res.page == 1
        [sig] = check_file(job.dst, trust).signatures
        assert sig.valid and sig.trusted and sig.has_timestamp


def test_key_is_parsed_once_for_a_batch(tmp_path, sample_pki, monkeypatch):
    """The PKCS#12 key is decoded at load time only, not per signature."""
    import cryptography.hazmat.primitives.serialization as ser

    ident = sample_pki.identity("chairman")
    loaded = load_pkcs12(ident.p12, ident.password)
    calls = []
    for fn in ("load_der_private_key", "load_pem_private_key"):
        orig = getattr(ser, fn)
        monkeypatch.setattr(ser, fn, lambda *a, _o=orig, **k: calls.append(1) or _o(*a, **k))
    src = tmp_path / "in.pdf"
    make_directive(src)
    jobs = [SignJob(src, tmp_path / f"o{i}.pdf") for i in range(4)]
    results = sign_batch(jobs, loaded)
    assert all(not isinstance(r, Exception) for r in results)
    assert calls == []


@pytest.mark.parametrize("level", [Level.B_B, Level.B_T])
def test_split_flow_with_remote_signature(
    tmp_path, directive, sample_pki, trust, pki_services, level
):
    ident = sample_pki.identity("chairman")
    [cert] = load_certificates([ident.cert])
    chain = load_certificates(ident.chain)
    # the "remote service": holds the key, signs the digest it is sent
    key = serialization.load_pem_private_key(ident.key.read_bytes(), password=None)
    out = tmp_path / "remote.pdf"
    before = sha256(directive)
    pending = begin_external(
        directive,
        out,
        cert,
        chain,
        SignOptions(level=level, tsa_url=pki_services.tsa, field_name="Remote"),
        stamp=OfficialStamp(image=ident.signature_image, title=TITLE, name=NAME),
    )
    assert len(pending.to_be_signed_digest) == 32 and not out.exists()
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    value = key.sign(pending.to_be_signed_digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    res = finish_external(pending, value)
    assert res.output == out and sha256(directive) == before
    [sig] = check_file(out, trust).signatures
    assert sig.valid and sig.trusted and sig.field == "Remote"
    assert sig.has_timestamp == (level is Level.B_T)
    n, valid, text = pdfsig_valid_count(out)
    assert n == valid == 1, text


def test_split_flow_refuses_a_wrong_signature_value(tmp_path, directive, sample_pki):
    ident = sample_pki.identity("chairman")
    [cert] = load_certificates([ident.cert])
    out = tmp_path / "remote.pdf"
    pending = begin_external(directive, out, cert, load_certificates(ident.chain))
    with pytest.raises(SigningError, match="does not match"):
        finish_external(pending, b"\x01" * 256)
    assert not out.exists()
    pending.abort()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".pending")]
