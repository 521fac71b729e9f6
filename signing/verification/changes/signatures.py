"""Signature dictionaries edited after signing, and signed fields whose value was swapped.

A signature dictionary lies outside its own signed bytes only in ``/Contents``; everything
else in it (``/ByteRange``, ``/Reason``, ``/M``…) was signed, and a later revision that
rewrites it shows the reader another reason, time or byte range than the one signed. Which
rewrites of a signature dictionary are edits is decided key by key: the keys below are the
ones a reader shows or a validator relies on.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyhanko.pdf_utils import generic

from ..model import Modification
from ..pdfwalk import safe_get
from .api import ChangedObject, ChangeRule, RevisionDiff, mod, raw

_SIG_KEYS_WATCHED = (
    "/ByteRange", "/Contents", "/Reason", "/M", "/Name", "/Location", "/ContactInfo",
    "/SubFilter", "/Filter", "/Reference", "/Cert", "/Type",
)
_DESCRIBED = ("/Reason", "/M", "/Name", "/Location")


def is_sig_dict(obj) -> bool:
    return isinstance(obj, generic.DictionaryObject) and (
        obj.get("/Type") in ("/Sig", "/DocTimeStamp") or "/ByteRange" in obj
    )


class SignatureDictionaryRule(ChangeRule):
    """Claims every object that was a signature dictionary when signed, whatever its role."""

    name = "signature dictionaries"

    def claims(self, diff: RevisionDiff, change: ChangedObject) -> bool:
        return is_sig_dict(change.old)

    def review(self, diff: RevisionDiff, change: ChangedObject) -> Iterator[Modification]:
        old, new = change.old, change.new
        changed = [k for k in _SIG_KEYS_WATCHED if raw(old, k) != raw(new, k)]
        if changed:
            yield mod(
                "signature_dict_edited", None,
                "a signature dictionary was edited after signing: " + ", ".join(changed)
                + _describe_edit(old, new, changed),
            )


def _describe_edit(old_obj, new_obj, changed: list[str]) -> str:
    parts = []
    for key in _DESCRIBED:
        if key in changed:
            parts.append(f"{key[1:]} {safe_get(old_obj, key)!s} → {safe_get(new_obj, key)!s}")
    return f" ({'; '.join(parts)})" if parts else ""
