"""The unit suggestion learns from routed documents and abstains without a model."""

from __future__ import annotations

from intake.suggest import train
from intake.worker import drain
from tests.intake.docs import Letter, letter_pdf

ECONOMY = "Hướng dẫn lập dự toán ngân sách, đầu tư công, thu chi tài chính và giá cả thị trường."
SECURITY = "Bảo đảm an ninh trật tự, phòng chống tội phạm, thanh tra và giải quyết khiếu nại."


def _receive(api, office, services, body: str, n: int) -> int:
    pdf = letter_pdf(Letter(number=str(n), body=body, abstract=f"V/v việc số {n}"))
    receipt = api.post("/api/incoming", headers=office.headers("clerk"),
                       files=[("files", (f"{n}.pdf", pdf, "application/pdf"))]).json()
    drain(services)
    return receipt["receipts"][0]["id"]


def test_routed_documents_teach_the_suggestion(api, office, services):
    first = _receive(api, office, services, ECONOMY, 0)
    entry = api.get(f"/api/incoming/{first}", headers=office.headers("clerk")).json()
    assert entry["suggested_unit"] is None  # no model yet: no guess
    for n in range(1, 25):
        body, unit = (ECONOMY, "KT") if n % 2 else (SECURITY, "NC")
        doc = _receive(api, office, services, f"{body} Lần {n}.", n)
        api.post(f"/api/incoming/{doc}/assign", headers=office.headers("leader"),
                 json={"lead": unit})
    assert train(services) == 24
    economy = _receive(api, office, services, ECONOMY + " Văn bản mới.", 100)
    security = _receive(api, office, services, SECURITY + " Văn bản mới.", 101)
    h = office.headers("clerk")
    assert api.get(f"/api/incoming/{economy}", headers=h).json()["suggested_unit"]["unit"] == "KT"
    assert api.get(f"/api/incoming/{security}", headers=h).json()["suggested_unit"]["unit"] == "NC"
