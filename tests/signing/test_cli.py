"""``vanthu sign`` and ``vanthu tokens list`` as a user runs them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.signing.checks import check_file
from tests.signing.conftest import pdfsig_valid_count, sha256
from vanthu.cli import app

runner = CliRunner()


@pytest.fixture
def chairman_args(sample_pki, tmp_path):
    ident = sample_pki.identity("chairman")
    pw = tmp_path / "pw.txt"
    pw.write_text(ident.password + "\n", encoding="utf-8")
    return ["--key", str(ident.p12), "--password-file", str(pw)], ident


def test_sign_official_stamp_title_and_name_from_certificate(
    directive, tmp_path, chairman_args, trust, pki_services
):
    args, ident = chairman_args
    out = tmp_path / "out.pdf"
    r = runner.invoke(
        app,
        [
            "sign",
            str(directive),
            str(out),
            *args,
            "--level",
            "B-T",
            "--tsa",
            pki_services.tsa,
            "--stamp",
            "official",
            "--image",
            str(ident.signature_image),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "B-T" in r.output and "+07:00" in r.output
    [sig] = check_file(out, trust).signatures
    assert sig.valid and sig.trusted and sig.has_timestamp


def test_seal_goes_over_the_signed_official(directive, tmp_path, chairman_args, sample_pki, trust):
    args, ident = chairman_args
    seal = sample_pki.identity("seal")
    spw = tmp_path / "spw"
    spw.write_text(seal.password, encoding="utf-8")
    o1, o2 = tmp_path / "o1.pdf", tmp_path / "o2.pdf"
    r = runner.invoke(
        app,
        [
            "sign",
            str(directive),
            str(o1),
            *args,
            "--stamp",
            "official",
            "--image",
            str(ident.signature_image),
            "--field",
            "LanhDao",
        ],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        [
            "sign",
            str(o1),
            str(o2),
            "--key",
            str(seal.p12),
            "--password-file",
            str(spw),
            "--stamp",
            "seal",
            "--image",
            str(seal.seal_image),
            "--field",
            "CoQuan",
        ],
    )
    assert r.exit_code == 0, r.output
    sigs = check_file(o2, trust).signatures
    assert [s.field for s in sigs] == ["LanhDao", "CoQuan"]
    assert all(s.valid and s.trusted for s in sigs)
    n, valid, text = pdfsig_valid_count(o2)
    assert n == valid == 2, text


def test_wrong_password_exits_with_reason_and_writes_nothing(directive, tmp_path, sample_pki):
    ident = sample_pki.identity("chairman")
    pw = tmp_path / "pw"
    pw.write_text("sai-mat-khau", encoding="utf-8")
    out = tmp_path / "out.pdf"
    before = sha256(directive)
    r = runner.invoke(
        app, ["sign", str(directive), str(out), "--key", str(ident.p12), "--password-file", str(pw)]
    )
    assert r.exit_code == 2
    assert "wrong_secret" in r.output and "sai-mat-khau" not in r.output
    assert not out.exists() and sha256(directive) == before


def test_sign_refuses_to_overwrite_input(directive, chairman_args):
    args, _ = chairman_args
    before = sha256(directive)
    r = runner.invoke(app, ["sign", str(directive), str(directive), *args])
    assert r.exit_code == 2 and "overwrite" in r.output
    assert sha256(directive) == before


def test_explicit_box_on_a_page(directive, tmp_path, chairman_args, trust):
    args, ident = chairman_args
    out = tmp_path / "o.pdf"
    r = runner.invoke(
        app,
        [
            "sign",
            str(directive),
            str(out),
            *args,
            "--stamp",
            "official",
            "--image",
            str(ident.signature_image),
            "--page",
            "1",
            "--box",
            "300,100,450,160",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "page 1" in r.output


def test_tokens_list_and_sign_with_token(softhsm_token, directive, tmp_path, trust):
    pin = tmp_path / "pin"
    pin.write_text(softhsm_token.user_pin, encoding="utf-8")
    r = runner.invoke(
        app, ["tokens", "list", "--module", softhsm_token.module_path, "--pin-file", str(pin)]
    )
    assert r.exit_code == 0, r.output
    assert softhsm_token.token_label in r.output
    assert "private key  label='chairman'" in r.output
    out = tmp_path / "o.pdf"
    r = runner.invoke(
        app,
        [
            "sign",
            str(directive),
            str(out),
            "--pkcs11-module",
            softhsm_token.module_path,
            "--token-label",
            softhsm_token.token_label,
            "--key-label",
            "seal",
            "--pin-file",
            str(pin),
        ],
    )
    assert r.exit_code == 0, r.output
    [sig] = check_file(out, trust).signatures
    assert sig.valid and sig.signer_cn == "ỦY BAN NHÂN DÂN TỈNH AN GIANG"


def test_appendix_stamp_from_cli(directive, tmp_path, chairman_args, trust):
    args, _ = chairman_args
    out = tmp_path / "pl.pdf"
    r = runner.invoke(
        app,
        [
            "sign",
            str(directive),
            str(out),
            *args,
            "--stamp",
            "appendix",
            "--organization",
            "ỦY BAN NHÂN DÂN TỈNH AN GIANG",
            "--number",
            "45/QĐ-UBND",
            "--field",
            "PhuLuc",
        ],
    )
    assert r.exit_code == 0, r.output
    [sig] = check_file(out, trust).signatures
    assert sig.valid and sig.field == "PhuLuc"


def test_level_lt_without_trust_roots_is_refused(directive, tmp_path, chairman_args):
    args, _ = chairman_args
    out = tmp_path / "o.pdf"
    r = runner.invoke(
        app,
        [
            "sign",
            str(directive),
            str(out),
            *args,
            "--level",
            "B-LT",
            "--tsa",
            "http://127.0.0.1:9/",
        ],
    )
    assert r.exit_code == 2 and "trust roots" in r.output
    assert not out.exists()


def test_official_stamp_without_image_is_refused(directive, tmp_path, chairman_args):
    args, _ = chairman_args
    r = runner.invoke(
        app, ["sign", str(directive), str(tmp_path / "o.pdf"), *args, "--stamp", "official"]
    )
    assert r.exit_code == 2 and "--image" in r.output
