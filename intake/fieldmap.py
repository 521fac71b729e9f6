"""The register's fields by the names ``vanthu read`` uses, and how each is stored.

One table maps a field name to its column and to the function that checks and converts a value,
so that the API, the CLI, the reading stage and the clerk's corrections all agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from intake.errors import InvalidField
from intake.textfold import fold
from registry.documents import Confidentiality, Urgency
from registry.text import nfc


def _text(limit: int) -> Callable[[Any], str | None]:
    def convert(value: Any) -> str | None:
        if value is None:
            return None
        text = " ".join(nfc(str(value)).split())
        if len(text) > limit:
            raise InvalidField(f"is longer than {limit} characters")
        return text or None

    return convert


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidField(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _choice(enum_type: type, words: dict[str, str]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if value in (None, ""):
            return next(iter(enum_type)).value
        key = fold(str(value)).replace(" ", "_").strip("_")
        key = words.get(key, key)
        try:
            return enum_type(key).value
        except ValueError:
            known = ", ".join(e.value for e in enum_type)
            raise InvalidField(f"{value!r} is not one of {known}") from None

    return convert


def _recipients(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else str(value).split(";")
    return [t for t in (" ".join(nfc(str(v)).split()) for v in items) if t]


def _pages(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        pages = int(value)
    except (TypeError, ValueError):
        raise InvalidField(f"{value!r} is not a whole number") from None
    if not 0 < pages < 1000:
        raise InvalidField("must be between 1 and 999")
    return pages


_URGENCY = _choice(Urgency, {"thuong": "normal", "binh_thuong": "normal"})
_SECRECY = _choice(Confidentiality, {"khong": "none", "thuong": "none"})

# field name -> (column of IncomingDocument, converter)
FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "parent_org": ("parent_organ_name", _text(200)),
    "issuing_org": ("organ_name", _text(200)),
    "number": ("code_number", _text(11)),
    "symbol": ("code_notation", _text(30)),
    "place": ("place", _text(100)),
    "date": ("issued_date", _date),
    "doc_type": ("doc_type", _text(100)),
    "abstract": ("subject", _text(500)),
    "urgency": ("urgency", _URGENCY),
    "confidentiality": ("confidentiality", _SECRECY),
    "signer_authority": ("signer_authority", _text(10)),
    "signer_title": ("signer_position", _text(100)),
    "signer_name": ("signer_name", _text(50)),
    "recipients": ("recipients", _recipients),
    "due_date": ("due_date", _date),
    "notes": ("description", _text(500)),
    "page_count": ("page_amount", _pages),
}

READ_FIELDS = [
    "parent_org", "issuing_org", "number", "symbol", "place", "date", "doc_type", "abstract",
    "urgency", "confidentiality", "signer_authority", "signer_title", "signer_name", "recipients",
]


def convert(name: str, value: Any) -> tuple[str, Any]:
    """(column, stored value) for a field, or InvalidField naming the field and the reason."""
    if name not in FIELDS:
        raise InvalidField(f"unknown field {name!r}; known fields: {', '.join(FIELDS)}")
    column, converter = FIELDS[name]
    try:
        return column, converter(value)
    except InvalidField as exc:
        raise InvalidField(f"field {name}: {exc}") from None


def to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def field_values(doc: Any) -> dict[str, Any]:
    """The document's register fields by field name, JSON-ready."""
    return {name: to_json(getattr(doc, column)) for name, (column, _) in FIELDS.items()}
