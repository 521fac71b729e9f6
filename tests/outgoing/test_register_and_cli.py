"""The outgoing register as CSV, XLSX and PDF, and the ``vanthu outgoing`` commands."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date

from openpyxl import load_workbook
from typer.testing import CliRunner

from signing.workflow.approve import sign_documents
from signing.workflow.issue import issue
from tests.outgoing.conftest import submit_as, user
from vanthu.cli import app as cli


def _issue_two(services, fast_cfg, office, pdf: bytes) -> date:
    docs = [submit_as(services, fast_cfg, pdf, subject="Về việc kế hoạch năm",
                      recipients=["Sở Tài chính", "Sở Nội vụ"]),
            submit_as(services, fast_cfg, pdf, subject="Về việc khen thưởng", urgency="khan")]
    chairman = user(services, "chutich")
    sign_documents(services, fast_cfg, chairman, [docs[0].id], office.passwords["chutich"])
    # the urgent one is issued on signing, after the first has been issued by the clerk
    first = issue(services, fast_cfg, "vanthu", docs[0].id)
    sign_documents(services, fast_cfg, chairman, [docs[1].id], office.passwords["chutich"])
    return first.issued_date


def test_register_as_csv_xlsx_and_printable_pdf(api, services, fast_cfg, office,
                                                 directive_bytes, tmp_path):
    day = _issue_two(services, fast_cfg, office, directive_bytes)
    url = f"/api/registers/outgoing?from={day}&to={day}"
    h = office.headers("vanthu")
    got = api.get(url, headers=h)
    assert got.status_code == 200, got.text
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Số, ký hiệu văn bản" and len(rows[0]) == 10
    assert [r[0] for r in rows[1:]] == ["01/QĐ-UBND", "02/QĐ-UBND"]
    first, second = rows[1], rows[2]
    assert first[1] == f"{day:%d/%m/%Y}"
    assert first[2] == "Quyết định Về việc kế hoạch năm"
    assert first[3] == "Lâm Quốc Thịnh" and first[4] == "Sở Tài chính; Sở Nội vụ"
    assert "Khẩn" in second[9]

    book = load_workbook(io.BytesIO(api.get(url + "&format=xlsx", headers=h).content))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[0][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert ["01/QĐ-UBND", "02/QĐ-UBND"] == [v[0] for v in values[4:6]]

    pdf = tmp_path / "so-di.pdf"
    pdf.write_bytes(api.get(url + "&format=pdf", headers=h).content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "Từ số 1 đến số 2" in text
    assert "02/QĐ-UBND" in text and "Về việc khen thưởng" in text
    # only clerks and leaders read the register
    assert api.get(url, headers=office.headers("chuyenvien")).status_code == 403


def test_cli_submit_sign_issue_with_json(services, office, cli_env, directive_bytes,
                                         tmp_path, pki_services, monkeypatch):
    monkeypatch.setenv("VANTHU_TSA_URL", pki_services.tsa)
    monkeypatch.setenv("VANTHU_OUTGOING_LEVEL", "B-T")
    draft = tmp_path / "du-thao.pdf"
    draft.write_bytes(directive_bytes)
    appendix = tmp_path / "phu-luc.pdf"
    appendix.write_bytes(directive_bytes)
    secret = tmp_path / "secret"
    secret.write_text(office.passwords["chutich"] + "\n")
    runner = CliRunner()

    def run(*args: str) -> list[dict]:
        r = runner.invoke(cli, ["outgoing", *args, "--json"])
        assert r.exit_code == 0, r.output
        return [json.loads(line) for line in r.output.splitlines() if line.startswith("{")]

    [doc] = run("submit", str(draft), "--type", "QĐ", "--subject", "Về việc thử CLI",
                "--signer", "chutich", "--recipient", "Sở Tài chính", "--appendix",
                str(appendix), "--as", "chuyenvien")
    assert doc["ok"] and doc["status"] == "prepared"
    [signed] = run("sign", str(doc["id"]), "--as", "chutich", "--secret-file", str(secret))
    assert signed["ok"] is True
    [issued] = run("issue", str(doc["id"]), "--as", "vanthu")
    assert issued["ok"] and issued["number_symbol"] == "01/QĐ-UBND"

    # the wrong person is refused, in JSON, with a non-zero exit status
    r = runner.invoke(cli, ["outgoing", "sign", str(doc["id"]), "--as", "phochutich",
                            "--secret-file", str(secret), "--json"])
    assert r.exit_code == 1 and json.loads(r.output)["code"] == "not_allowed"

    out = tmp_path / "so.csv"
    r = runner.invoke(cli, ["outgoing", "register", "--from", issued["issued_date"],
                            "--to", issued["issued_date"], "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "01/QĐ-UBND" in out.read_text(encoding="utf-8-sig")
