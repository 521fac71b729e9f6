"""``vanthu verify``: exit codes, JSON lines, trust options."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from vanthu.cli import app

from . import docs
from .pki import root_pem


@pytest.fixture()
def files(tmp_path, monkeypatch, signed, plain, pki):
    monkeypatch.setenv("VANTHU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VANTHU_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.pdf").write_bytes(signed)
    (tmp_path / "bad.pdf").write_bytes(docs.flip_signed_byte(signed))
    (tmp_path / "plain.pdf").write_bytes(plain)
    (tmp_path / "expired.pdf").write_bytes(docs.sign(plain, pki, "expired"))
    (tmp_path / "root.pem").write_bytes(root_pem(pki.root))
    return tmp_path


def _run(*args):
    return CliRunner().invoke(app, ["verify", *args])


def test_all_passed_exit_0(files):
    res = _run("ok.pdf", "--trust", "root.pem", "--offline")
    assert res.exit_code == 0, res.output
    assert "TOTAL-PASSED" in res.output and "Nguyễn Văn A" in res.output


def test_any_failed_exit_1_with_json_lines(files):
    res = _run("ok.pdf", "bad.pdf", "plain.pdf", "missing.pdf", "--json", "--trust", "root.pem",
               "--offline")
    assert res.exit_code == 1
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    by_file = {r["file"]: r for r in rows}
    assert by_file["ok.pdf"]["indication"] == "TOTAL-PASSED"
    assert by_file["bad.pdf"]["subindication"] == "HASH_FAILURE"
    assert by_file["plain.pdf"]["indication"] == "NO-SIGNATURE"
    assert (by_file["missing.pdf"]["indication"], by_file["missing.pdf"]["subindication"]) == (
        "TOTAL-FAILED", "FORMAT_FAILURE")
    sig = by_file["ok.pdf"]["signatures"][0]
    assert set(sig) == {"field", "type", "indication", "subindication", "signer", "signing_time",
                        "timestamp_time", "intact", "coverage", "modifications", "level",
                        "algorithms", "warnings"}
    assert set(by_file["ok.pdf"]["summary"]) == {"vi", "en"}


def test_indeterminate_exit_2(files):
    assert _run("expired.pdf", "--trust", "root.pem", "--offline").exit_code == 2
    assert _run("plain.pdf", "--offline").exit_code == 2


def test_no_anchor_is_indeterminate(files):
    res = _run("ok.pdf", "--json", "--offline")
    assert res.exit_code == 2
    assert json.loads(res.stdout.splitlines()[-1])["subindication"] == "NO_CERTIFICATE_CHAIN_FOUND"


def test_trust_folder_from_settings(files):
    trust = files / "data" / "trust"
    trust.mkdir(parents=True)
    (trust / "root.crt").write_bytes((files / "root.pem").read_bytes())
    assert _run("ok.pdf", "--offline").exit_code == 0


def test_at_past_time_and_bad_values(files):
    res = _run("expired.pdf", "--trust", "root.pem", "--offline", "--at", "2000-01-01T00:00:00")
    assert res.exit_code == 2  # the certificate was not yet valid then either
    bad = _run("ok.pdf", "--at", "tomorrow")
    assert bad.exit_code == 2 and "--at" in bad.output
    missing = _run("ok.pdf", "--trust", "nowhere.pem")
    assert missing.exit_code == 2 and "nowhere.pem" in missing.output
