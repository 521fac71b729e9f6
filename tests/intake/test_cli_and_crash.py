"""`vanthu intake`, `vanthu incoming show`, the watched folder, and a server killed mid-stream."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import select
from typer.testing import CliRunner

from intake.watch import watch
from intake.worker import drain
from registry.documents import IncomingDocument
from registry.jobs import Job
from registry.org import ApiToken, add_user
from tests.intake.docs import Letter, letter_pdf
from tests.servers import free_port
from vanthu.auth import new_token
from vanthu.cli import app


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_intake_a_folder_twice_registers_each_file_once(services, cli_env, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "a.pdf").write_bytes(letter_pdf(Letter(number="1")))
    (inbox / "sub" / "b.pdf").write_bytes(letter_pdf(Letter(number="2")))
    (inbox / "notes.txt").write_text("not a document")
    runner = CliRunner()
    first = runner.invoke(app, ["intake", str(inbox), "--json"])
    assert first.exit_code == 2  # one file was refused
    rows = {os.path.basename(r["file"]): r for r in _json_lines(first.output)}
    assert set(rows["a.pdf"]) == {"file", "id", "arrival_number", "status", "duplicate_of", "error"}
    assert rows["a.pdf"]["status"] == rows["b.pdf"]["status"] == "registered"
    refused = rows["notes.txt"]
    assert refused["status"] == "refused" and "not a document" in refused["error"]
    again = {os.path.basename(r["file"]): r
             for r in _json_lines(runner.invoke(app, ["intake", str(inbox), "--json"]).output)}
    assert again["a.pdf"]["status"] == "duplicate"
    assert again["a.pdf"]["duplicate_of"] == rows["a.pdf"]["id"]
    table = runner.invoke(app, ["intake", str(inbox / "a.pdf")]).output
    assert "0 registered, 1 duplicates, 0 refused" in table


def test_incoming_show_json_has_fields_confidences_and_verdicts(services, cli_env, tmp_path):
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(letter_pdf())
    runner = CliRunner()
    row = _json_lines(runner.invoke(app, ["intake", str(pdf), "--json", "--read"]).output)[0]
    shown = runner.invoke(app, ["incoming", "show", str(row["id"]), "--json"])
    entry = json.loads(shown.output)
    assert entry["arrival_number"] == 1
    assert entry["fields"]["symbol"]["value"] == "STC-NS"
    assert entry["fields"]["symbol"]["confidence"] > 0.9
    assert entry["signatures"]["indication"] == "NO-SIGNATURE"
    missing = runner.invoke(app, ["incoming", "show", "999", "--json"])
    assert missing.exit_code == 2 and "no incoming document 999" in missing.output


def test_the_watched_folder_receives_what_the_scanner_drops(services, tmp_path):
    folder = tmp_path / "scanner"
    folder.mkdir()
    (folder / "scan1.pdf").write_bytes(letter_pdf(Letter(number="7")))
    (folder / "junk.bin").write_bytes(b"\x00\x01")
    receipts = []
    rounds = iter(range(3))
    watch(services, folder, interval=0, on_receipt=receipts.append,
          stop=lambda: next(rounds, None) is None)
    assert sorted(r.status for r in receipts) == ["refused", "registered"]
    assert (folder / ".received" / "scan1.pdf").is_file()
    assert "not a document" in (folder / ".refused" / "junk.bin.reason").read_text()
    assert not (folder / "scan1.pdf").exists()



def _serve(settings, port: int) -> subprocess.Popen:
    env = {**os.environ, "VANTHU_DATA_DIR": str(settings.data_dir),
           "VANTHU_DATABASE_URL": settings.database_url, "VANTHU_WORKERS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "vanthu", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90  # a loaded 2-core CI machine starts slowly
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("vanthu serve did not start")


def test_sigkill_of_the_server_during_uploads_loses_no_answered_upload(services, settings):
    with services.transaction() as s:
        user = add_user(s, "clerk", "Clerk", ["clerk"])
        token, digest = new_token()
        s.add(ApiToken(user_id=user.id, name="t", token_sha256=digest))
    base_pdf = letter_pdf()
    port = free_port()
    server = _serve(settings, port)
    answered: dict[str, tuple[int, bytes]] = {}
    stop = threading.Event()

    def uploader(k: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            for i in range(10_000):
                if stop.is_set():
                    return
                data = base_pdf + f"\n% {k}-{i}\n".encode()
                try:
                    r = http.post("/api/incoming", files=[("files", (f"{k}-{i}.pdf", data))])
                except httpx.TransportError:
                    return  # the server died under us: this upload was never answered
                receipt = r.json()["receipts"][0]
                answered[receipt["arrival_number"]] = (receipt["id"], data)

    threads = [threading.Thread(target=uploader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    while len(answered) < 40:
        time.sleep(0.05)
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    for t in threads:
        t.join()

    server = _serve(settings, port)  # restart: the workers pick up the unfinished jobs
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with services.sessions() as s:
                pending = s.scalars(select(Job).where(Job.status != "done")).all()
            if not pending:
                break
            time.sleep(0.5)
        assert not pending, [(j.kind, j.status, j.last_error) for j in pending]
    finally:
        server.terminate()
        server.wait(10)
    with services.sessions() as s:
        docs = s.scalars(select(IncomingDocument).order_by(IncomingDocument.arrival_number)).all()
    numbers = [d.arrival_number for d in docs]
    assert numbers == list(range(1, len(docs) + 1))  # nothing half-registered, no gap
    by_number = {d.arrival_number: d for d in docs}
    for number, (doc_id, data) in answered.items():
        doc = by_number[number]
        assert doc.id == doc_id
        assert services.blobs.get(doc.blob_sha256) == data  # present and intact
        assert doc.read_at is not None and doc.signature_indication == "NO-SIGNATURE"
    drain(services)  # nothing left to do
