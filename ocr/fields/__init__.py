"""The Decree-30 register fields read from a document, each with a confidence in [0, 1] and the
page and box it came from. One small rule per field (``header``, ``title``, ``signature``); a
field that cannot be read well comes back empty or with a low confidence, never as a confident
guess."""

from __future__ import annotations

from ocr.doctypes import ABBREVIATION_OF, BY_ABBREVIATION, COPY_ABBREVIATIONS
from ocr.fields.base import split_motto
from ocr.fields.header import marks, number_and_symbol, number_line, organizations, place_and_date
from ocr.fields.signature import signature_fields
from ocr.fields.text import edit_distance, fold
from ocr.fields.title import doc_type_and_abstract
from ocr.model import Field, PageReading

FIELD_NAMES = (
    "parent_org", "issuing_org", "number", "symbol", "place", "date", "doc_type", "abstract",
    "urgency", "confidentiality", "signer_authority", "signer_title", "signer_name",
    "recipients",
)


def extract_fields(pages: list[PageReading]) -> dict[str, Field]:
    """Every field of FIELD_NAMES, from page 1 (header) and the signature page."""
    if not pages:
        return {name: Field(name, None, 0.0) for name in FIELD_NAMES}
    first = pages[0]
    lines = split_motto(first.lines)
    n = first.number
    out: dict[str, Field] = {}
    out["parent_org"], out["issuing_org"] = organizations(lines, n)
    out["number"], out["symbol"] = number_and_symbol(lines, n)
    out["place"], out["date"] = place_and_date(lines, n)
    anchor = number_line(lines)
    after_y = anchor.box.y1 if anchor else 0.1
    sym = out["symbol"].value
    readable = sym if isinstance(sym, str) and not sym.startswith("-") else None
    out["doc_type"], out["abstract"] = doc_type_and_abstract(lines, n, after_y, readable)
    _symbol_from_title(out)
    # A missing mark is only as certain as our view of red ink: OCR'd pages lose red stamps.
    absent = 0.95 if first.source == "text" else 0.8
    out["urgency"], out["confidentiality"] = marks(lines, n, absent)
    out.update(signature_fields(pages))
    return {name: out[name] for name in FIELD_NAMES}


def _symbol_from_title(out: dict[str, Field]) -> None:
    """A symbol whose type part is one slip away from the title's abbreviation ("TIr" under a
    TỜ TRÌNH title), or two in a longer one, takes the title's abbreviation, at a lower
    confidence."""
    sym, doc_type = out["symbol"], out["doc_type"]
    if isinstance(sym.value, str) and sym.value.startswith("-"):
        # An unreadable type part: the title's abbreviation stands in, or no symbol at all.
        abbr = ABBREVIATION_OF.get(doc_type.value) if isinstance(doc_type.value, str) else None
        if abbr and doc_type.confidence >= 0.7:
            sym.value = abbr + sym.value
            sym.confidence = round(min(sym.confidence, doc_type.confidence) * 0.85, 3)
        else:
            out["symbol"] = Field("symbol", None, 0.0, sym.page)
        return
    if not isinstance(sym.value, str) or not isinstance(doc_type.value, str):
        return
    abbr = ABBREVIATION_OF.get(doc_type.value)
    head, sep, tail = sym.value.rpartition("/")[2].partition("-")
    if not abbr or not sep or head == abbr or head in BY_ABBREVIATION:
        return
    if doc_type.confidence < 0.7 or head in COPY_ABBREVIATIONS:
        return
    slips = edit_distance(fold(head), fold(abbr))
    # Two slips in a part of the same length ("FIr" under TỜ TRÌNH, handwriting over its
    # print): no known abbreviation reads so, and the title names the type.
    if slips <= 1 or (slips == 2 and abs(len(head) - len(abbr)) <= 1 and len(abbr) >= 3):
        prefix = sym.value[: len(sym.value) - len(head + sep + tail)]
        sym.value = f"{prefix}{abbr}-{tail}"
        rule = 0.85 if slips <= 1 else 0.6
        sym.confidence = round(min(sym.confidence, doc_type.confidence) * rule, 3)


__all__ = ["FIELD_NAMES", "extract_fields"]
