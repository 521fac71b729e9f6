"""The document type by rule: the type name of the title, else "Công văn" when a "V/v" abstract
is present, else the type part of the symbol."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr.doctypes import ALL_TYPES, BY_ABBREVIATION
from ocr.fields.text import edit_distance, fold, nfc
from ocr.model import Reading

_TYPE_KEYS = {fold(t): t for t in ALL_TYPES}
_SYMBOL = re.compile(r"S[ốỐoO]\s*:?\s*\d*\s*/\s*(?:\d{4}/)?([A-Za-zĐđ]+)(-)?")
_VV = re.compile(r"^\W{0,2}V\s*/\s*V\b", re.IGNORECASE)


@dataclass(frozen=True)
class TypeGuess:
    doc_type: str | None
    confidence: float


def document_type(source: Reading | str) -> TypeGuess:
    """The type of a Reading (its doc_type field), or of plain text, one line per line."""
    if isinstance(source, Reading):
        f = source.fields["doc_type"]
        return TypeGuess(f.value if isinstance(f.value, str) else None, f.confidence)
    lines = [nfc(ln).strip() for ln in source.splitlines() if ln.strip()][:60]
    for line in lines:
        if not line.isupper():
            continue
        key = " ".join(re.sub(r"[^A-Z ]", "", fold(line)).split())
        if key in _TYPE_KEYS:
            return TypeGuess(_TYPE_KEYS[key], 1.0)
        close = [k for k in _TYPE_KEYS if len(key) >= 6 and edit_distance(k, key) == 1]
        if len(close) == 1:
            return TypeGuess(_TYPE_KEYS[close[0]], 0.85)
    if any(_VV.match(line) for line in lines):
        return TypeGuess("Công văn", 0.9)
    for line in lines:
        m = _SYMBOL.search(line)
        if m and m.group(1) in BY_ABBREVIATION:
            return TypeGuess(BY_ABBREVIATION[m.group(1)], 0.7)
    return TypeGuess(None, 0.0)
