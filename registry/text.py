"""Text as it is stored and compared: NFC for storage, folded (no diacritics, đ → d, lower case)
for search and for comparing names typed in different ways."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """Text is stored NFC-normalized, so that 'ỦY' typed two ways compares equal."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Lower case without diacritics: 'Quyết định' → 'quyet dinh', 'Đà Nẵng' → 'da nang'.

    The database function ``vn_fold`` computes the same (SQLite: this function; PostgreSQL: a
    translate() table written by the first migration)."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()
