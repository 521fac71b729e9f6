"""Receiving through the API: arrival numbers, durability of the original, refusals."""

from __future__ import annotations

import json
import threading

import httpx
from sqlalchemy import func, select

from intake.worker import drain
from registry.documents import IncomingDocument
from registry.jobs import Job
from tests.intake.docs import letter_pdf

BASE_PDF = letter_pdf()


def unique_pdf(i: int) -> bytes:
    # A comment after %%EOF makes distinct bytes that every PDF reader still opens.
    return BASE_PDF + f"\n% upload {i}\n".encode()


def _upload(api, office, files, user="clerk", **form):
    return api.post("/api/incoming", headers=office.headers(user),
                    files=[("files", (name, data, "application/pdf")) for name, data in files],
                    data=form)


def test_each_file_gets_the_next_arrival_number_and_its_original_is_kept_byte_for_byte(
        api, office):
    answer = _upload(api, office, [("a.pdf", unique_pdf(1)), ("b.pdf", unique_pdf(2))])
    assert answer.status_code == 200, answer.text
    receipts = answer.json()["receipts"]
    assert [(r["status"], r["arrival_number"]) for r in receipts] == [
        ("registered", 1), ("registered", 2)]
    original = api.get(f"/api/incoming/{receipts[1]['id']}/original",
                       headers=office.headers("clerk"))
    assert original.content == unique_pdf(2)


def test_the_same_file_again_is_reported_as_a_duplicate_not_registered_twice(api, office, services):
    first = _upload(api, office, [("a.pdf", unique_pdf(1))]).json()["receipts"][0]
    again = _upload(api, office, [("copy-of-a.pdf", unique_pdf(1))]).json()["receipts"][0]
    assert again["status"] == "duplicate" and again["duplicate_of"] == first["id"]
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IncomingDocument)) == 1


def test_bad_files_are_refused_with_a_reason_and_take_no_number(api, office, services):
    services.settings.upload_max_bytes = 50_000
    answer = _upload(api, office, [
        ("empty.pdf", b""),
        ("photo.gif", b"GIF89a" + b"\0" * 100),
        ("huge.pdf", b"%PDF-1.7\n" + b"0" * 60_000),
        ("good.pdf", unique_pdf(9)),
    ])
    receipts = answer.json()["receipts"]
    assert [(r["status"], r["code"]) for r in receipts] == [
        ("refused", "empty"), ("refused", "not_a_document"), ("refused", "too_large"),
        ("registered", None)]
    assert "0 bytes" in receipts[0]["error"] and "limit" in receipts[2]["error"]
    assert receipts[3]["arrival_number"] == 1  # the refused files took no number


def test_malformed_pdfs_and_bombs_are_registered_with_a_recorded_reading_error(
        api, office, services):
    import zlib

    bomb_stream = zlib.compress(b"\0" * (300 * 1024 * 1024), 9)
    bomb = (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\n"
            b"endobj\n4 0 obj\n<< /Length " + str(len(bomb_stream)).encode()
            + b" /Filter /FlateDecode >>\nstream\n" + bomb_stream + b"\nendstream\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
    truncated = BASE_PDF[: len(BASE_PDF) // 2]
    receipts = _upload(api, office, [("bomb.pdf", bomb), ("cut.pdf", truncated),
                                     ("fine.pdf", unique_pdf(3))]).json()["receipts"]
    assert [r["status"] for r in receipts] == ["registered"] * 3
    drain(services)
    entries = [api.get(f"/api/incoming/{r['id']}", headers=office.headers("clerk")).json()
               for r in receipts]
    assert "bomb" in entries[0]["reading_error"]
    assert "truncated" in entries[1]["reading_error"]
    assert entries[2]["reading_error"] is None
    assert entries[2]["fields"]["issuing_org"]["value"] == "SỞ TÀI CHÍNH TỈNH AN GIANG"
    with services.sessions() as s:  # every job ended; none is left to retry forever
        assert {j.status for j in s.scalars(select(Job))} == {"done"}


def test_only_clerks_receive(api, office):
    answer = _upload(api, office, [("a.pdf", unique_pdf(1))], user="kt")
    assert answer.status_code == 403
    assert api.post("/api/incoming", files=[("files", ("a.pdf", b"%PDF", "x"))]).status_code == 401


def test_known_fields_are_kept_and_checked(api, office, services):
    fields = json.dumps({"urgency": "Hỏa tốc", "notes": "Nhận qua bưu điện"})
    receipt = _upload(api, office, [("a.pdf", unique_pdf(1))], fields=fields,
                      channel="paper").json()["receipts"][0]
    drain(services)
    entry = api.get(f"/api/incoming/{receipt['id']}", headers=office.headers("clerk")).json()
    assert entry["fields"]["urgency"] == {"value": "hoa_toc", "confidence": 1.0, "source": "clerk"}
    assert entry["channel"] == "paper"
    bad = _upload(api, office, [("b.pdf", unique_pdf(2))], fields='{"date": "5/3/2026"}')
    receipt = bad.json()["receipts"][0]
    assert receipt["status"] == "refused" and "YYYY-MM-DD" in receipt["error"]


def test_one_thousand_uploads_from_twenty_clients_get_numbers_one_to_one_thousand(
        live_server, office, services):
    numbers: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        with httpx.Client(base_url=live_server, headers=office.headers("clerk"),
                          timeout=60) as http:
            for i in range(50):
                n = k * 50 + i
                upload = (f"{n}.pdf", unique_pdf(n), "application/pdf")
                answer = http.post("/api/incoming", files=[("files", upload)])
                receipt = answer.json()["receipts"][0] if answer.status_code == 200 else None
                with lock:
                    if receipt and receipt["status"] == "registered":
                        numbers.append(receipt["arrival_number"])
                    else:
                        errors.append(answer.text)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert sorted(numbers) == list(range(1, 1001))
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IncomingDocument)) == 1000
