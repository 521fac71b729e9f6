"""A scanned paper document: OCR'd in the background, fields read, a searchable copy kept apart
from the untouched original."""

from __future__ import annotations

import subprocess

from intake.worker import drain
from tests.corpus.build import make_scan


def test_a_scan_is_read_by_ocr_and_gets_a_searchable_copy(api, office, services):
    sample = make_scan(3, "scan300")
    answer = api.post("/api/incoming", headers=office.headers("clerk"), data={"channel": "paper"},
                      files=[("files", ("scan.pdf", sample.data, "application/pdf"))])
    doc_id = answer.json()["receipts"][0]["id"]
    drain(services)
    h = office.headers("clerk")
    entry = api.get(f"/api/incoming/{doc_id}", headers=h).json()
    assert entry["reading_error"] is None
    assert entry["fields"]["issuing_org"]["value"] == sample.doc.issuing_org
    assert entry["fields"]["symbol"]["value"] == sample.doc.symbol
    assert entry["channel"] == "paper"
    # the original is served exactly as received; the searchable copy is a separate blob
    assert api.get(f"/api/incoming/{doc_id}/original", headers=h).content == sample.data
    copy = services.blobs.get(entry["searchable_copy"])
    text = subprocess.run(["pdftotext", "-", "-"], input=copy, capture_output=True,
                          check=True).stdout.decode()
    assert sample.doc.issuing_org.split()[0] in text
    # and the scan's words are found by search
    word = sample.doc.issuing_org.split()[-1]
    hits = api.get("/api/incoming", headers=h, params={"q": word}).json()
    assert [i["id"] for i in hits["items"]] == [doc_id]
