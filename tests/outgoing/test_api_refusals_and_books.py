"""The outgoing API refuses in the app's one shape (``code`` and ``message`` in Vietnamese and
English at the top, as every other route), and its register is exported for one numbering book
or, with no book named, for all of them."""

from __future__ import annotations

import csv
import io

from registry.documents import OutgoingDocument
from registry.org import ApiToken, Role, add_user, unit_by_code
from signing.workflow.issue import issue
from tests.outgoing.conftest import signed_copies, submit_as
from vanthu.auth import new_token


def _stranger(services) -> dict[str, str]:  # noqa: ANN001
    """A specialist of another unit: signed in, but neither the drafter nor the signer."""
    with services.transaction() as s:
        nc = add_user(s, "chuyenvien-nc", "Chuyên viên Nội chính", [Role.SPECIALIST.value],
                      unit=unit_by_code(s, "NC"))
        token, digest = new_token()
        s.add(ApiToken(user_id=nc.id, name="test", token_sha256=digest))
    return {"Authorization": f"Bearer {token}"}


def _is_app_refusal(answer, status: int, code: str) -> None:  # noqa: ANN001
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"code", "message"}, body  # no FastAPI {"detail": …} wrapping
    assert body["code"] == code
    assert set(body["message"]) == {"vi", "en"} and all(body["message"].values())


def test_another_persons_outgoing_document_is_refused_in_the_apps_shape(
        api, services, fast_cfg, office, directive_bytes):
    doc = submit_as(services, fast_cfg, directive_bytes)
    stranger = _stranger(services)
    for url in (f"/api/outgoing/{doc.id}", f"/api/outgoing/{doc.id}/file/draft",
                f"/api/outgoing/{doc.id}/verification"):
        _is_app_refusal(api.get(url, headers=stranger), 403, "forbidden")
    # The same shape as a refusal by the permission table, and as the sign-in one.
    _is_app_refusal(api.get("/api/registers/outgoing?from=2026-01-01&to=2026-12-31",
                            headers=stranger), 403, "forbidden")
    _is_app_refusal(api.get(f"/api/outgoing/{doc.id}"), 401, "unauthenticated")
    assert api.get(f"/api/outgoing/{doc.id}", headers=office.headers("chuyenvien")
                   ).status_code == 200


def _register(api, office, day, book: str | None) -> list[str]:  # noqa: ANN001
    url = f"/api/registers/outgoing?from={day}&to={day}"
    if book is not None:
        url += f"&book={book}"
    answer = api.get(url, headers=office.headers("vanthu"))
    assert answer.status_code == 200, answer.text
    return [r[0] for r in csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))][1:]


def test_the_register_of_one_book_or_of_all_books(api, services, fast_cfg, office,
                                                  directive_bytes):
    plain, legal = signed_copies(services, fast_cfg, office, directive_bytes, 2)
    with services.transaction() as s:  # the second is a legal document: another book
        s.get(OutgoingDocument, legal).book_kind = "legal"
    day = issue(services, fast_cfg, "vanthu", plain).issued_date
    issue(services, fast_cfg, "vanthu", legal)
    every = _register(api, office, day, None)
    assert len(every) == 2
    # The export form sends an empty book for "every book": the same register.
    assert _register(api, office, day, "") == every
    [administrative] = _register(api, office, day, "di-hc")
    [regulation] = _register(api, office, day, "qppl-qd")
    assert sorted([administrative, regulation]) == sorted(every)
    assert "/20" in regulation and "/20" not in administrative  # a legal number has its year
    unknown = api.get(f"/api/registers/outgoing?from={day}&to={day}&book=no-such-book",
                      headers=office.headers("vanthu"))
    _is_app_refusal(unknown, 404, "not_found")
