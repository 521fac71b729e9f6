"""``vanthu read``: JSON per file, exit code 2 with a reason for a file that cannot be read."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import ocr
from vanthu.cli import app


def test_read_json_and_a_bad_file(digital, tmp_path) -> None:
    good = tmp_path / "cong-van.pdf"
    good.write_bytes(digital.data)
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")  # truncated
    result = CliRunner().invoke(app, ["read", str(good), str(bad), "--json"])
    assert result.exit_code == 2
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert doc["file"] == str(good)
    assert doc["pages"] == 2 and doc["ocr_pages"] == []
    assert doc["doc_type"] == digital.truth["doc_type"]
    assert set(doc["fields"]) == set(ocr.FIELD_NAMES)
    assert doc["fields"]["symbol"] == {"value": digital.truth["symbol"], "confidence": 1.0}
    assert doc["fields"]["recipients"]["value"] == digital.truth["recipients"]
    assert digital.doc.signer_name in doc["text"]
    assert "hong.pdf" in result.stderr and "truncated" in result.stderr


def test_read_text_output(digital, tmp_path) -> None:
    good = tmp_path / "d.pdf"
    good.write_bytes(digital.data)
    result = CliRunner().invoke(app, ["read", str(good)])
    assert result.exit_code == 0
    assert digital.truth["symbol"] in result.stdout
