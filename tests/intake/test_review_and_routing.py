"""From a read entry to a closed one: correct, confirm, route, handle, recall."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from intake.worker import drain
from registry.audit import AuditEvent
from registry.clock import fixed_clock
from tests.intake.docs import Letter, letter_pdf


def _receive(api, office, services, pdf: bytes, name="a.pdf") -> int:
    answer = api.post("/api/incoming", headers=office.headers("clerk"),
                      files=[("files", (name, pdf, "application/pdf"))])
    receipt = answer.json()["receipts"][0]
    drain(services)
    return receipt["id"]


def test_reading_fills_the_entry_with_fields_and_confidences(api, office, services):
    doc_id = _receive(api, office, services, letter_pdf())
    entry = api.get(f"/api/incoming/{doc_id}", headers=office.headers("clerk")).json()
    fields = entry["fields"]
    assert entry["status"] == "read"
    assert fields["number"]["value"] == "125" and fields["symbol"]["value"] == "STC-NS"
    assert fields["date"]["value"] == "2026-03-05"
    assert fields["abstract"]["value"].startswith("V/v hướng dẫn lập dự toán")
    assert fields["signer_name"]["value"] == "Nguyễn Văn Mẫu"
    assert 0.9 <= fields["number"]["confidence"] <= 1.0
    assert entry["signatures"]["indication"] == "NO-SIGNATURE"


def test_corrections_are_audited_and_a_same_identity_duplicate_must_be_accepted(
        api, office, services):
    first = _receive(api, office, services, letter_pdf(), "first.pdf")
    # The same letter, re-typed by its sender: other bytes, same number + symbol + issuer.
    second = _receive(api, office, services,
                      letter_pdf(Letter(body="Nội dung gửi lại, có sửa lỗi chính tả.")),
                      "second.pdf")
    h = office.headers("clerk")
    entry = api.get(f"/api/incoming/{second}", headers=h).json()
    assert entry["duplicates"][0]["id"] == first
    assert entry["duplicates"][0]["reason"] == "same_identity"

    refused = api.post(f"/api/incoming/{second}/confirm", headers=h, json={})
    assert refused.status_code == 409 and "possible duplicate" in refused.json()["message"]["en"]

    fixed = api.post(f"/api/incoming/{second}/fields", headers=h,
                     json={"fields": {"number": "126"}})
    assert fixed.status_code == 200
    assert all(d["reason"] != "same_identity" for d in fixed.json()["duplicates"])
    confirmed = api.post(f"/api/incoming/{second}/confirm", headers=h,
                         json={"accept_duplicate": True})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    with services.sessions() as s:
        corrected = s.scalar(select(AuditEvent).where(AuditEvent.action == "incoming.corrected"))
    assert corrected.payload == {"number": {"old": "125", "new": "126"}}
    assert corrected.actor == "clerk"


def test_bad_corrections_are_refused_and_change_nothing(api, office, services):
    doc_id = _receive(api, office, services, letter_pdf())
    h = office.headers("clerk")
    answer = api.post(f"/api/incoming/{doc_id}/fields", headers=h,
                      json={"fields": {"number": "127", "date": "32/13/2026"}})
    assert answer.status_code == 422 and "field date" in answer.json()["message"]["en"]
    entry = api.get(f"/api/incoming/{doc_id}", headers=h).json()
    assert entry["fields"]["number"]["value"] == "125"


def test_route_handle_and_close_with_the_reply(api, office, services):
    doc_id = _receive(api, office, services, letter_pdf())
    deadline = date.today() + timedelta(days=5)
    answer = api.post(f"/api/incoming/{doc_id}/assign", headers=office.headers("leader"),
                      json={"lead": "KT", "cooperating": ["NC"], "deadline": deadline.isoformat(),
                            "instruction": "Giao Phòng Kinh tế chủ trì tham mưu."})
    assert answer.status_code == 200, answer.text
    entry = answer.json()
    assert entry["status"] == "assigned"
    lead = next(a for a in entry["assignments"] if a["role"] == "lead")
    assert lead["unit"] == "KT" and lead["deadline"] == deadline.isoformat()

    queue = api.get("/api/units/KT/queue", headers=office.headers("kt")).json()["items"]
    assert [i["id"] for i in queue] == [doc_id]
    # the NC specialist cannot report for KT
    assert api.post(f"/api/assignments/{lead['id']}/progress", headers=office.headers("nc"),
                    json={"status": "in_progress"}).status_code == 403
    no_reply = api.post(f"/api/assignments/{lead['id']}/progress", headers=office.headers("kt"),
                        json={"status": "done"})
    assert no_reply.status_code == 409 and "reply" in no_reply.json()["message"]["en"]
    done = api.post(f"/api/assignments/{lead['id']}/progress", headers=office.headers("kt"),
                    json={"status": "done", "reply": "45/SKT-KH"})
    assert done.json()["status"] == "done"
    assert api.get("/api/units/KT/queue", headers=office.headers("kt")).json()["items"] == []


def test_a_specialist_cannot_open_another_units_document(api, office, services):
    doc_id = _receive(api, office, services, letter_pdf())
    api.post(f"/api/incoming/{doc_id}/assign", headers=office.headers("leader"),
             json={"lead": "KT"})
    assert api.get(f"/api/incoming/{doc_id}", headers=office.headers("kt")).status_code == 200
    assert api.get(f"/api/incoming/{doc_id}", headers=office.headers("nc")).status_code == 403
    assert api.get(f"/api/incoming/{doc_id}/original",
                   headers=office.headers("nc")).status_code == 403
    assert api.get("/api/incoming?unit=KT", headers=office.headers("nc")).status_code == 403


def test_overdue_documents_are_listed(api, office, services):
    doc_id = _receive(api, office, services, letter_pdf())
    api.post(f"/api/incoming/{doc_id}/assign", headers=office.headers("leader"),
             json={"lead": "KT", "deadline": (date.today() + timedelta(days=1)).isoformat()})
    assert api.get("/api/incoming/overdue", headers=office.headers("leader")).json()["items"] == []
    services.clock = fixed_clock(datetime.now(UTC) + timedelta(days=3))
    overdue = api.get("/api/incoming/overdue", headers=office.headers("leader")).json()["items"]
    assert [i["id"] for i in overdue] == [doc_id]
    queue = api.get("/api/units/KT/queue", headers=office.headers("kt")).json()["items"]
    assert queue[0]["overdue"] is True


def test_a_recalled_document_leaves_the_working_lists_and_is_frozen(api, office, services):
    doc_id = _receive(api, office, services, letter_pdf())
    h = office.headers("clerk")
    assert api.get("/api/incoming", headers=h).json()["total"] == 1
    answer = api.post(f"/api/incoming/{doc_id}/recall", headers=h,
                      json={"reason": "Cơ quan ban hành thu hồi"})
    assert answer.json()["status"] == "recalled"
    assert api.get("/api/incoming", headers=h).json()["total"] == 0
    frozen = api.post(f"/api/incoming/{doc_id}/fields", headers=h,
                      json={"fields": {"abstract": "sửa"}})
    assert frozen.status_code == 409 and frozen.json()["code"] == "document_frozen"
    still = api.get(f"/api/incoming/{doc_id}", headers=h).json()
    assert still["fields"]["abstract"]["value"].startswith("V/v hướng dẫn")
    with services.sessions() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "incoming.recalled"))


def test_urgent_documents_are_read_first(api, office, services):
    from intake.worker import run_one

    h = office.headers("clerk")
    plain = api.post("/api/incoming", headers=h, files=[
        ("files", ("plain.pdf", letter_pdf(Letter(number="1")), "application/pdf"))]).json()
    urgent = api.post("/api/incoming", headers=h, data={"fields": '{"urgency": "Hỏa tốc"}'},
                      files=[("files", ("urgent.pdf", letter_pdf(Letter(number="2")),
                                        "application/pdf"))]).json()
    run_one(services, "t")  # one job: it must be the urgent document's
    urgent_id, plain_id = urgent["receipts"][0]["id"], plain["receipts"][0]["id"]
    assert api.get(f"/api/incoming/{urgent_id}", headers=h).json()["read"] is True
    assert api.get(f"/api/incoming/{plain_id}", headers=h).json()["read"] is False
