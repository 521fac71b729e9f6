"""A request FastAPI itself refuses (a parameter missing or of the wrong kind) is answered in the
app's one shape: a 4xx with a machine-readable ``code``, the field(s) at fault named, a message in
Vietnamese and English — not FastAPI's ``{"detail": [...]}``."""

from __future__ import annotations

from tests.web.conftest import sign_in


def test_a_missing_query_parameter_is_named_in_the_apps_shape(client, office):
    answer = client.get("/api/registers/outgoing", params={"to": "2026-12-31"},
                        headers=office.headers("clerk"))
    assert answer.status_code == 422
    body = answer.json()
    assert "detail" not in body
    assert body["code"] == "invalid_request"
    assert [f["field"] for f in body["fields"]] == ["from"]
    assert body["fields"][0]["in"] == "query"
    assert "from" in body["message"]["en"] and "from" in body["message"]["vi"]
    assert body["message"]["vi"].startswith("Yêu cầu thiếu hoặc sai")


def test_every_field_at_fault_is_named_and_no_value_sent_is_echoed(client, office):
    answer = client.post("/api/outgoing/sign", json={"ids": "not-a-list",
                                                     "secret": ["pin-1234-bí-mật"]},
                         headers=office.headers("signer"))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert {f["field"] for f in body["fields"]} >= {"ids", "secret"}
    assert "pin-1234" not in answer.text


def test_a_page_with_a_malformed_address_shows_the_error_page_not_json(client, office):
    sign_in(client, "admin")
    answer = client.get("/admin/users/not-a-number")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "Yêu cầu thiếu hoặc sai thông tin: user_id" in answer.text
