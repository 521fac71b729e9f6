"""Signing with keys on a PKCS#11 token (SoftHSM2 holding the sample officials' keys)."""

from __future__ import annotations

import pytest

from signing.errors import TokenError, WrongSecretError
from signing.keys import open_pkcs11
from signing.pades import Level, SignOptions, sign_pdf
from signing.stamp import OfficialStamp
from signing.tokens import list_tokens
from tests.signing.checks import check_file
from tests.signing.conftest import pdfsig_valid_count, qpdf_ok, sha256
from tests.signing.docgen import NAME, TITLE


def test_tokens_list_shows_keys_and_certificates(softhsm_token):
    slots = [
        s
        for s in list_tokens(softhsm_token.module_path, softhsm_token.user_pin)
        if s.token_label == softhsm_token.token_label
    ]
    assert len(slots) == 1
    objs = slots[0].objects
    certs = {o.label: o for o in objs if o.kind == "certificate"}
    keys = {o.label for o in objs if o.kind == "private key"}
    assert {"chairman", "vice-chairman", "seal"} <= keys
    assert "Lâm Quốc Thịnh" in certs["chairman"].detail


def test_tokens_list_without_pin_hides_private_keys(softhsm_token):
    [slot] = [
        s
        for s in list_tokens(softhsm_token.module_path)
        if s.token_label == softhsm_token.token_label
    ]
    assert not [o for o in slot.objects if o.kind == "private key"]
    assert [o for o in slot.objects if o.kind == "certificate"]


@pytest.mark.parametrize("level", list(Level))
def test_sign_with_token(
    softhsm_token, directive, tmp_path, trust, pki_services, sample_pki, level
):
    out = tmp_path / "o.pdf"
    with open_pkcs11(
        softhsm_token.module_path,
        token_label=softhsm_token.token_label,
        pin=softhsm_token.user_pin,
        key_label="chairman",
    ) as signer:
        sign_pdf(
            directive,
            out,
            signer,
            SignOptions(level=level, tsa_url=pki_services.tsa, trust=trust),
            stamp=OfficialStamp(
                image=sample_pki.identity("chairman").signature_image, title=TITLE, name=NAME
            ),
        )
    [sig] = check_file(out, trust).signatures
    assert sig.valid and sig.trusted and sig.signer_cn == "Lâm Quốc Thịnh"
    n, valid, text = pdfsig_valid_count(out)
    assert n == valid == 1, text
    assert qpdf_ok(out)


def test_wrong_pin(softhsm_token, directive, tmp_path):
    before = sha256(directive)
    with pytest.raises(WrongSecretError, match="PIN") as e:
        open_pkcs11(
            softhsm_token.module_path,
            token_label=softhsm_token.token_label,
            pin="000000",
            key_label="chairman",
        )
    assert "000000" not in str(e.value)
    assert sha256(directive) == before


def test_unknown_key_label(softhsm_token):
    with pytest.raises(TokenError, match="khong-co"):
        open_pkcs11(
            softhsm_token.module_path,
            token_label=softhsm_token.token_label,
            pin=softhsm_token.user_pin,
            key_label="khong-co",
        )


def test_unknown_token(softhsm_token):
    with pytest.raises(TokenError):
        open_pkcs11(
            softhsm_token.module_path,
            token_label="no-such-token",
            pin=softhsm_token.user_pin,
            key_label="chairman",
        )


def test_batch_with_token_signs_every_document(softhsm_token, tmp_path, trust):
    from signing.pades import SignJob, sign_batch
    from tests.signing.docgen import make_directive

    jobs = []
    for i in range(6):
        src = tmp_path / f"in{i}.pdf"
        make_directive(src)
        jobs.append(SignJob(src, tmp_path / f"out{i}.pdf"))
    with open_pkcs11(
        softhsm_token.module_path,
        token_label=softhsm_token.token_label,
        pin=softhsm_token.user_pin,
        key_label="vice-chairman",
    ) as signer:
        results = sign_batch(jobs, signer, concurrency=4)
    assert not [r for r in results if isinstance(r, Exception)], results
    for job in jobs:
        [sig] = check_file(job.dst, trust).signatures
        assert sig.valid and sig.trusted and sig.signer_cn == "Đặng Thị Thu Hà"
