"""Form fields and annotations after signing: later signatures, form filling, new fields,
annotations added, changed or removed.

Whether each is permitted depends on the certification (DocMDP) and is decided in
``judge.py``; this rule only says what happened.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyhanko.pdf_utils import generic

from ..model import Modification
from ..pdfwalk import safe_get
from .api import ChangedObject, ChangeRule, RevisionDiff, mod, raw

FIELD_ROLES = ("annot", "field_widget", "field", "field_value")
APPEARANCE_ROLES = ("appearance", "appearance:field", "appearance:signed")


class FieldsAndAnnotationsRule(ChangeRule):
    name = "fields and annotations"

    def claims(self, diff: RevisionDiff, change: ChangedObject) -> bool:
        return change.role in FIELD_ROLES or change.role in APPEARANCE_ROLES

    def review(self, diff: RevisionDiff, change: ChangedObject) -> Iterator[Modification]:
        old_obj, new_obj, page_no = change.old, change.new, change.page_no
        if change.role in APPEARANCE_ROLES:
            yield _appearance(change.role, page_no)
            return
        if not isinstance(old_obj, generic.DictionaryObject) or not isinstance(
            new_obj, generic.DictionaryObject
        ):
            yield mod("annotation_changed", page_no, "a form field or annotation was replaced")
            return
        ft = field_type(old_obj)
        if ft == "/Sig":
            yield from _signature_field(old_obj, new_obj, page_no)
            return
        if ft is not None or safe_get(old_obj, "/Subtype") == "/Widget":
            if raw(old_obj, "/V") != raw(new_obj, "/V") or raw(old_obj, "/AP") != raw(
                new_obj, "/AP"
            ):
                yield mod("form_fill", page_no, "a form field was filled in", allowed=True)
            return
        yield mod("annotation_changed", page_no,
                  "an annotation was changed" + (f" on page {page_no}" if page_no else ""))


def _signature_field(old_obj, new_obj, page_no) -> Iterator[Modification]:
    if "/V" not in old_obj and "/V" in new_obj:
        if is_doc_timestamp(new_obj):
            yield mod("document_timestamp", None, "a document timestamp was added", allowed=True)
        else:
            yield mod("signature_added", page_no, "an empty signature field was signed",
                      allowed=True)
        return
    if raw(old_obj, "/V") != raw(new_obj, "/V"):
        yield mod("signature_dict_edited", page_no,
                  "the value of a signed signature field was replaced")
    elif "/V" in old_obj and raw(old_obj, "/AP") != raw(new_obj, "/AP"):
        yield _appearance("appearance:signed", page_no)
    # otherwise (an unsigned field's widget) nothing a reader sees as signed content


def _appearance(role: str, page_no: int | None) -> Modification:
    """An annotation's appearance stream (what the reader draws for it) was rewritten."""
    where = f" on page {page_no}" if page_no else ""
    if role == "appearance:signed":
        return mod("signature_appearance_changed", page_no,
                   f"the visible stamp of a signed signature{where} was redrawn after signing")
    if role == "appearance:field":
        return mod("form_fill", page_no, "a form field was filled in", allowed=True)
    return mod("annotation_changed", page_no, f"the appearance of an annotation{where} changed")


def appearance_role(annot) -> str:
    """Which appearance role the streams under an annotation's /AP play."""
    if not isinstance(annot, generic.DictionaryObject):
        return "appearance"
    ft = field_type(annot)
    if ft == "/Sig":
        signed = "/V" in annot or "/V" in (safe_get(annot, "/Parent") or {})
        return "appearance:signed" if signed else "appearance:field"
    if ft is not None or safe_get(annot, "/Subtype") == "/Widget":
        return "appearance:field"
    return "appearance"


def new_annotation(annot, page_no: int) -> Modification:
    """An annotation found on a signed page that was not there when it was signed."""
    subtype = safe_get(annot, "/Subtype")
    if subtype == "/Widget":
        ft = field_type(annot)
        if ft == "/Sig":
            if is_doc_timestamp(annot):
                return mod("document_timestamp", None, "a document timestamp was added",
                           allowed=True)
            return mod("signature_added", page_no,
                       f"a signature field was added on page {page_no}", allowed=True)
        return mod("field_added", page_no, f"a form field was added on page {page_no}")
    if subtype == "/Link":
        return mod("annotation_added", page_no, f"a link was added on page {page_no}")
    name = str(subtype)[1:] if subtype else "unknown"
    return mod("annotation_added", page_no, f"a {name} annotation was added on page {page_no}")


def field_type(obj) -> str | None:
    """The field type, inherited from parent fields (bounded: hostile files loop)."""
    seen = 0
    while isinstance(obj, generic.DictionaryObject) and seen < 20:
        if "/FT" in obj:
            return str(obj.get("/FT"))
        obj = safe_get(obj, "/Parent")
        seen += 1
    return None


def is_doc_timestamp(field_obj) -> bool:
    value = safe_get(field_obj, "/V")
    return isinstance(value, generic.DictionaryObject) and value.get("/Type") == "/DocTimeStamp"
