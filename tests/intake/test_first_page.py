"""``ocr.read``'s early page-1 fields, as intake uses them: for a one-page document they are the
document's fields (read once), and what the caller does with them never changes the reading."""

from __future__ import annotations

import ocr
from tests.intake.docs import Letter, letter_pdf


def test_one_page_the_early_fields_are_the_documents_fields():
    early = []
    reading = ocr.read(letter_pdf(), on_first_page=early.append)
    assert len(early) == 1
    assert {k: (f.value, f.confidence) for k, f in early[0].items()} == {
        k: (f.value, f.confidence) for k, f in reading.fields.items()}
    assert reading.fields["symbol"].value == "STC-NS"


def test_the_callers_copy_is_its_own():
    def scribble(fields):
        fields["symbol"].value = "changed"
        fields.pop("signer_name")

    reading = ocr.read(letter_pdf(), on_first_page=scribble)
    assert reading.fields["symbol"].value == "STC-NS"
    assert reading.fields["signer_name"].value == "Nguyễn Văn Mẫu"


def test_a_longer_document_is_read_whole_after_page_one():
    early = []
    reading = ocr.read(letter_pdf(Letter(signer_name="Trần Thị Bình"), pages=3),
                       on_first_page=early.append)
    assert len(reading.pages) > 1
    assert early[0]["signer_name"].value is None  # the signature block is on the last page
    assert reading.fields["signer_name"].value == "Trần Thị Bình"
