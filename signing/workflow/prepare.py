"""Preparing a draft before anyone signs: the QR code, the official's and the seal's signature
fields over the signature block, and text fields over the number and date blanks.

Anything missing (no signature block, no "Số: …/…" blank, no "ngày … tháng … năm" line) is
reported here, with the reason, so nobody signs a document that cannot be issued.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from signing.errors import SigningError
from signing.fields import (
    SignatureFieldRequest,
    add_fields,
    plan_number_and_date,
    plan_signature_block,
)
from signing.pdfium_lock import holds_pdfium_lock
from signing.placement import Box, find_text
from signing.stamp import OfficialStamp, SealStamp
from signing.workflow.errors import NotPrepared
from signing.workflow.fontmatch import text_font
from signing.workflow.qr import add_qr

OFFICIAL_FIELD = "ChuKyLanhDao"
SEAL_FIELD = "ChuKyCoQuan"
NUMBER_FIELD, DAY_FIELD, MONTH_FIELD = "So", "Ngay", "Thang"


@dataclass(frozen=True)
class PrepareRequest:
    draft: bytes
    signer_title: str  # the title line printed above the signature (e.g. "CHỦ TỊCH")
    signer_name: str  # the name line printed below it
    signature_image: Path
    seal_image: Path
    seal_mm: float | None
    verify_url: str
    qr_size_mm: float = 18.0


@dataclass(frozen=True)
class Prepared:
    pdf: bytes
    notation: str | None  # the symbol printed after the number blank, e.g. "QĐ-UBND"
    official_box: Box
    seal_box: Box
    page: int  # 0-based page of the signature block


@holds_pdfium_lock
def _notation(pdf: Path, number_box: Box) -> str | None:
    """The symbol printed right of the number blank: the text after "/" on the "Số:" line."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        tp = page.get_textpage()
        try:
            x2 = page.get_width()
            text = tp.get_text_bounded(number_box[2], number_box[1] - 2, x2 / 2 + 40,
                                       number_box[3] + 2)
        finally:
            tp.close()
            page.close()
    finally:
        doc.close()
    match = re.search(r"/\s*([^\s/]+(?:/[^\s/]+)?)", unicodedata.normalize("NFC", text))
    if not match:
        return None
    # A legal document prints the year after the number ("…/2026/QĐ-UBND"): the year is not
    # part of the symbol; it is added from the numbering year at issuance.
    return re.sub(r"^\d{4}/", "", match.group(1))


def prepare_draft(req: PrepareRequest) -> Prepared:
    with tempfile.TemporaryDirectory(prefix="vanthu-prepare-") as tmp:
        draft, with_qr, out = Path(tmp, "draft.pdf"), Path(tmp, "qr.pdf"), Path(tmp, "out.pdf")
        draft.write_bytes(req.draft)
        found = text_font(draft)  # the blanks take the size of the "Số:" line around them
        size = min(max(found.size, 8.0), 16.0) if found else 13.0
        try:
            blanks = plan_number_and_date(draft, NUMBER_FIELD, DAY_FIELD, MONTH_FIELD, size)
        except SigningError as e:
            raise NotPrepared(f"the number and date blanks were not found: {e}") from None
        if not find_text(draft, req.signer_name, -1):
            raise NotPrepared(
                f"the signer's name '{req.signer_name}' is not printed on the last page")
        try:
            official, seal = plan_signature_block(
                draft,
                OfficialStamp(image=req.signature_image, title=req.signer_title,
                              name=req.signer_name),
                SealStamp(image=req.seal_image, diameter_mm=req.seal_mm),
            )
            add_qr(draft, with_qr, req.verify_url, req.qr_size_mm)
            add_fields(
                with_qr, out,
                [SignatureFieldRequest(OFFICIAL_FIELD, official.page.index, official.box),
                 SignatureFieldRequest(SEAL_FIELD, seal.page.index, seal.box)],
                blanks,
            )
        except SigningError as e:
            raise NotPrepared(f"the signature block could not be prepared: {e}") from None
        assert seal is not None
        return Prepared(out.read_bytes(), _notation(draft, blanks[0].box), official.box,
                        seal.box, official.page.index)
