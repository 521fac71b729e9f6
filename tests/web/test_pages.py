"""The pages as a browser-less client sees them: the clerk's journey, the leader's assignment,
the dashboard's counts and chart, the register's search, the language switch, queues, exports."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from intake.worker import drain
from registry.clock import utc_now
from registry.documents import Assignment, IncomingDocument
from tests.intake.docs import letter_pdf
from tests.web.conftest import sign_in


@pytest.fixture
def received(client, office, sqlite_services) -> int:  # noqa: ANN001
    """One letter received through the upload page and read by the worker."""
    token = sign_in(client, "clerk")
    answer = client.post("/upload", data={"csrf_token": token, "channel": "electronic",
                                          "urgency": "khan"},
                         files=[("files", ("cong-van.pdf", letter_pdf(), "application/pdf"))])
    assert answer.status_code == 200, answer.text
    doc_id = int(re.search(r'href="/incoming/(\d+)"', answer.text).group(1))
    drain(sqlite_services)
    return doc_id


def test_upload_then_check_correct_and_confirm(client, office, sqlite_services, received):
    page = client.get(f"/incoming/{received}")
    assert page.status_code == 200
    assert f'data="/api/incoming/{received}/original"' in page.text  # the PDF, in the page
    assert 'value="125"' in page.text and "STC-NS" in page.text  # fields as read
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    saved = client.post(f"/incoming/{received}/fields", data={
        "csrf_token": token, "f_number": "126", "f_abstract": "V/v dự toán ngân sách 2027"},
        follow_redirects=True)
    assert saved.status_code == 200 and 'value="126"' in saved.text
    history = re.search(r'<ol class="history".*?</ol>', saved.text, re.S).group(0)
    # The history in words and people's full names, not audit codes and usernames.
    assert "Tiếp nhận, cấp số đến" in history and "Sửa thông tin văn bản" in history
    assert '<strong title="clerk">Clerk</strong>' in history
    assert not re.search(r"</strong> incoming\.", history)
    confirmed = client.post(f"/incoming/{received}/confirm", data={"csrf_token": token},
                            follow_redirects=True)
    assert confirmed.status_code == 200 and 'id="confirmed"' in confirmed.text
    with sqlite_services.sessions() as s:
        doc = s.get(IncomingDocument, received)
        assert doc.code_number == "126" and doc.confirmed_at is not None
        assert doc.urgency == "khan"


def test_a_bad_value_is_refused_with_its_reason_and_changes_nothing(client, received,
                                                                    sqlite_services):
    page = client.get(f"/incoming/{received}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post(f"/incoming/{received}/fields",
                         data={"csrf_token": token, "f_date": "31/02/2026", "f_number": "999"})
    assert answer.status_code == 422 and 'id="page-error"' in answer.text
    with sqlite_services.sessions() as s:
        assert s.get(IncomingDocument, received).code_number == "125"


def test_leader_assigns_and_the_unit_sees_it(client, app, office, sqlite_services, received):
    from fastapi.testclient import TestClient

    page = client.get(f"/incoming/{received}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post(f"/incoming/{received}/confirm", data={"csrf_token": token})
    with TestClient(app) as leader:
        token = sign_in(leader, "leader")
        page = leader.get(f"/incoming/{received}")
        assert 'id="assign-form"' in page.text and 'id="fields-form"' in page.text
        deadline = (utc_now() + timedelta(days=5)).date().isoformat()
        answer = leader.post(f"/incoming/{received}/assign", data={
            "csrf_token": token, "lead": "KT", "cooperating": ["NC"], "deadline": deadline,
            "instruction": "Tham mưu trả lời"}, follow_redirects=True)
        assert answer.status_code == 200 and "Tham mưu trả lời" in answer.text
    with sqlite_services.sessions() as s:
        roles = {(a.unit_id, a.role) for a in s.query(Assignment).filter_by(document_id=received)}
    assert roles == {(office.units["KT"], "lead"), (office.units["NC"], "cooperate")}
    with TestClient(app) as kt:
        sign_in(kt, "kt")
        queue = kt.get("/queues/KT")
        assert queue.status_code == 200 and f'href="/incoming/{received}"' in queue.text
        assert kt.get(f"/incoming/{received}").status_code == 200
        assert kt.get("/queues/VP").status_code == 403


def test_specialist_cannot_open_another_units_document(client, app, received):
    from fastapi.testclient import TestClient

    with TestClient(app) as nc:
        sign_in(nc, "nc")
        assert nc.get(f"/incoming/{received}").status_code == 403
        assert nc.get(f"/api/incoming/{received}/original").status_code == 403
        register = nc.get("/incoming")
        assert f'href="/incoming/{received}"' not in register.text
        assert nc.get("/upload").status_code == 403


def test_dashboard_counts_and_chart(client, received):
    page = client.get("/")
    assert page.status_code == 200
    assert re.search(r'id="count-today">1<', page.text)
    assert re.search(r'id="count-urgent">1<', page.text)  # uploaded as Khẩn
    assert page.text.count('class="bar-arrivals"') == 8  # eight weeks, two bars each
    assert page.text.count('class="bar-completions"') == 8
    assert "Đến: 1" in page.text


def test_register_search_and_filters(client, received):
    assert f'href="/incoming/{received}"' in client.get("/incoming?q=du+toan").text
    assert f'href="/incoming/{received}"' not in client.get("/incoming?q=khongcogi").text
    assert f'href="/incoming/{received}"' in client.get("/incoming?status=read").text
    assert f'href="/incoming/{received}"' not in client.get("/incoming?status=done").text


def test_language_switch(client, received):
    assert "Sổ văn bản đến" in client.get("/incoming").text
    answer = client.get("/lang/en?next=/incoming", follow_redirects=True)
    assert answer.status_code == 200 and "Incoming register" in answer.text
    assert '<html lang="en">' in answer.text
    assert "Tiếng Việt" in answer.text  # the way back


def test_pages_ask_anonymous_visitors_to_sign_in(client, office):
    answer = client.get("/incoming?q=x", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fincoming%3Fq%3Dx"


def test_register_exports_from_the_page(client, received):
    page = client.get("/registers")
    assert page.status_code == 200 and 'action="/api/registers/incoming"' in page.text
    today = utc_now().date()
    answer = client.get(f"/api/registers/incoming?from={today.replace(day=1)}"
                        f"&to={today + timedelta(days=1)}&format=csv")
    assert answer.status_code == 200 and "STC-NS" in answer.text


def test_a_narrow_screen_layout_and_labels(client, received):
    page = client.get(f"/incoming/{received}").text
    assert 'name="viewport"' in page
    for field_id in re.findall(r'<(?:input|select|textarea) id="([^"]+)"', page):
        assert f'for="{field_id}"' in page, f"{field_id} has no label"


def test_the_confidentiality_choices_are_named_not_raw_values(client, received):
    page = client.get(f"/incoming/{received}").text
    select = re.search(r'<select id="f_confidentiality".*?</select>', page, re.S).group(0)
    labels = re.findall(r">([^<]+)</option>", select)
    assert labels == ["Thường (không mật)", "Mật", "Tối mật", "Tuyệt mật"]
