"""What changed after a signature, judged by what a reader would see.

The analysis works on the cross-reference sections: only objects that a later revision rewrote
are looked at, so the cost grows with the size of the changes, not of the document (pyHanko's
diff policy walks far more). Each rewritten object is classified by the role it played in the
signed revision (page, content stream, XObject, signature dictionary, field, annotation, DSS…).
Pages whose look might have changed through an object we cannot judge (a font, a nested form)
are handed to ``render.py`` for a pixel comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from .model import Modification
from .pdfwalk import (
    annot_refs,
    collect_refs,
    content_refs,
    dss_refs,
    page_refs,
    resource_xobjects,
    safe_get,
)
from .texts import vi_detail

# Kinds that always change what the reader sees on a signed page or in the signature itself.
VISIBLE_KINDS = {
    "page_added",
    "page_removed",
    "pages_reordered",
    "content_replaced",
    "content_overlaid",
    "xobject_replaced",
    "page_changed",
    "rendering_changed",
    "signature_dict_edited",
}
_SIG_KEYS_WATCHED = (
    "/ByteRange", "/Contents", "/Reason", "/M", "/Name", "/Location", "/ContactInfo",
    "/SubFilter", "/Filter", "/Reference", "/Cert", "/Type",
)
_PAGE_KEYS_IGNORED = {"/Annots", "/Parent", "/StructParents", "/Tabs"}


@dataclass
class ChangeAnalysis:
    modifications: list[Modification] = field(default_factory=list)
    # (page ref idnum, old index, new index) of pages to compare by rendering
    render_candidates: list[tuple[int, int, int]] = field(default_factory=list)


def _mod(kind: str, page: int | None, detail: str, allowed: bool = False) -> Modification:
    return Modification(kind, page, detail, vi_detail(kind, page, detail), allowed)


def analyse(reader: PdfFileReader, signed_rev: int) -> ChangeAnalysis:
    """Changes made in revisions after ``signed_rev`` (0-based), final document vs signed one."""
    result = ChangeAnalysis()
    xrefs = reader.xrefs
    last = xrefs.total_revisions - 1
    if signed_rev >= last:
        return result
    old = reader.get_historical_resolver(signed_rev)
    old_root = old.root
    new_root = reader.root

    updated: set[generic.Reference] = set()
    for rev in range(signed_rev + 1, last + 1):
        updated |= xrefs.explicit_refs_in_revision(rev)
    existed = sorted(
        (r for r in updated if xrefs.get_historical_ref(r, signed_rev) is not None),
        key=lambda r: r.idnum,
    )
    # Most updates (a new signature, validation data, an edited signature dictionary) touch
    # only objects that say what they are; the page map is built only when needed.
    quick = {ref.idnum: _quick_role(old, old_root, ref) for ref in existed}
    pages_touched = any(q in (None, "page", "pages") for q in quick.values()) or (
        _raw(old_root, "/Pages") != _raw(new_root, "/Pages")
    )
    old_pages: list = []
    new_index: dict[int, int] = {}
    if pages_touched:
        old_pages = page_refs(old_root)
        new_pages = page_refs(new_root)
        old_index = {ref.idnum: i for i, ref in enumerate(old_pages)}
        new_index = {ref.idnum: i for i, ref in enumerate(new_pages)}
        _compare_page_lists(result, old_index, new_index)
    if not existed:
        return result

    need_map = any(q is None or q == "page" for q in quick.values())
    roles, shared = (
        _roles_in_signed_revision(old, old_root, old_pages) if need_map else ({}, {})
    )
    new_dss = _Lazy(lambda: dss_refs(new_root))
    render_pages: set[int] = set()
    for ref in existed:
        q = quick[ref.idnum]
        role, first_ix = roles.get(ref.idnum, ("other", None)) if q is None else (q, None)
        if q == "page":
            role, first_ix = roles.get(ref.idnum, ("page", None))
        # a font or image shared by several pages changes every one of them
        pages = sorted(shared.get(ref.idnum, ())) or [first_ix]
        for page_ix in pages:
            page_no = None
            if page_ix is not None and ref_page_alive(old_pages, page_ix, new_index):
                page_no = new_index[old_pages[page_ix].idnum] + 1
            _classify(result, reader, old, ref, role, page_ix, page_no, new_dss, render_pages)

    for page_ix in sorted(render_pages):
        idnum = old_pages[page_ix].idnum
        if idnum in new_index:
            result.render_candidates.append((idnum, page_ix, new_index[idnum]))
    return result


def _quick_role(old, old_root, ref) -> str | None:
    """The role an object announces itself (type, key entries), or None when only its place
    in the page tree can tell (content streams, fonts, images…)."""
    try:
        obj = old.get_object(ref)
    except Exception:  # noqa: BLE001
        return None
    if old_root.container_ref is not None and ref.idnum == old_root.container_ref.idnum:
        return "catalog"
    try:
        info = old.trailer_view.raw_get("/Info") if "/Info" in old.trailer_view else None
        if isinstance(info, generic.IndirectObject) and info.reference.idnum == ref.idnum:
            return "info"
    except Exception:  # noqa: BLE001
        pass
    if not isinstance(obj, generic.DictionaryObject):
        return None
    kind = obj.get("/Type")
    if kind in ("/Sig", "/DocTimeStamp") or "/ByteRange" in obj:
        return "sigdict"
    if kind == "/Page":
        return "page"
    if kind == "/Pages":
        return "pages"
    if kind == "/Metadata":
        return "metadata"
    if kind in ("/XRef", "/ObjStm"):
        return "plumbing"
    if "/FT" in obj or obj.get("/Subtype") == "/Widget" or kind == "/Annot":
        return "annot"
    if kind == "/Catalog":
        return "catalog"
    return None


class _Lazy:
    def __init__(self, make) -> None:
        self._make = make
        self._value = None

    @property
    def value(self):
        if self._value is None:
            self._value = self._make()
        return self._value


def ref_page_alive(old_pages: list, page_ix: int, new_index: dict[int, int]) -> bool:
    return old_pages[page_ix].idnum in new_index


def _compare_page_lists(result: ChangeAnalysis, old_index: dict, new_index: dict) -> None:
    for idnum, ix in new_index.items():
        if idnum not in old_index:
            result.modifications.append(
                _mod("page_added", ix + 1, f"page {ix + 1} was added after signing")
            )
    for idnum, ix in old_index.items():
        if idnum not in new_index:
            result.modifications.append(
                _mod("page_removed", None, f"signed page {ix + 1} was removed after signing")
            )
    kept_old = [i for i, _ in sorted(old_index.items(), key=lambda kv: kv[1]) if i in new_index]
    kept_new = [i for i, _ in sorted(new_index.items(), key=lambda kv: kv[1]) if i in old_index]
    if kept_old != kept_new:
        result.modifications.append(
            _mod("pages_reordered", None, "the signed pages were put in a different order")
        )


def _roles_in_signed_revision(old, old_root, old_pages):
    """Object number → (role, first 0-based page index) for objects of the signed revision,
    and object number → every page using it, for resources pages share."""
    roles: dict[int, tuple[str, int | None]] = {}
    shared: dict[int, set[int]] = {}
    by_resources: dict[int, set] = {}  # pages usually share one /Resources dictionary
    roles[old_root.container_ref.idnum if old_root.container_ref else -1] = ("catalog", None)
    for ix, page_ref in enumerate(old_pages):
        page = page_ref.get_object()
        raw = _raw_resources(page)
        if isinstance(raw, generic.IndirectObject):
            key = raw.reference.idnum
            if key not in by_resources:
                by_resources[key] = collect_refs(raw, limit=2000)
            reachable = by_resources[key]
        else:
            reachable = collect_refs(safe_get(page, "/Resources"), limit=2000)
        for ref in reachable:
            roles.setdefault(ref.idnum, ("resource", ix))
            shared.setdefault(ref.idnum, set()).add(ix)
        for name, ref in resource_xobjects(page):
            if not roles.get(ref.idnum, ("",))[0].startswith("xobject:"):
                roles[ref.idnum] = ("xobject:" + name, ix)
        for ref in content_refs(page):
            roles[ref.idnum] = ("content", ix)
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        if isinstance(contents, generic.IndirectObject):
            roles.setdefault(contents.reference.idnum, ("content", ix))
        for ref in annot_refs(page):
            roles[ref.idnum] = ("annot", ix)
        roles[page_ref.idnum] = ("page", ix)
    for ref in dss_refs(old_root):
        roles[ref.idnum] = ("dss", None)
    acro = safe_get(old_root, "/AcroForm")
    raw_acro = old_root.raw_get("/AcroForm") if "/AcroForm" in old_root else None
    if isinstance(raw_acro, generic.IndirectObject):
        roles[raw_acro.reference.idnum] = ("acroform", None)
    if isinstance(acro, generic.DictionaryObject):
        _field_roles(acro.raw_get("/Fields") if "/Fields" in acro else None, roles, depth=0)
    for idnum, (role, _ix) in roles.items():
        if role not in ("resource",) and not role.startswith("xobject:"):
            shared.pop(idnum, None)
    info = old.trailer_view.raw_get("/Info") if "/Info" in old.trailer_view else None
    if isinstance(info, generic.IndirectObject):
        roles[info.reference.idnum] = ("info", None)
    meta = old_root.raw_get("/Metadata") if "/Metadata" in old_root else None
    if isinstance(meta, generic.IndirectObject):
        roles[meta.reference.idnum] = ("metadata", None)
    return roles, shared


def _raw_resources(page):
    try:
        return page.raw_get("/Resources") if "/Resources" in page else None
    except Exception:  # noqa: BLE001
        return None


def _field_roles(fields, roles: dict, depth: int) -> None:
    if depth > 20:
        return
    if isinstance(fields, generic.IndirectObject):
        fields = fields.get_object()
    if not isinstance(fields, generic.ArrayObject):
        return
    for item in fields:
        if not isinstance(item, generic.IndirectObject):
            continue
        obj = item.get_object()
        if not isinstance(obj, generic.DictionaryObject):
            continue
        prev_role, prev_page = roles.get(item.reference.idnum, (None, None))
        role = "field" if prev_role != "annot" else "field_widget"
        roles[item.reference.idnum] = (role, prev_page)
        value = obj.raw_get("/V") if "/V" in obj else None
        if isinstance(value, generic.IndirectObject):
            roles[value.reference.idnum] = ("field_value", None)
        if "/Kids" in obj:
            _field_roles(obj.raw_get("/Kids"), roles, depth + 1)


def _classify(result, reader, old, ref, role, page_ix, page_no, new_dss, render_pages) -> None:
    mods = result.modifications
    try:
        old_obj = old.get_object(ref)
    except Exception:  # noqa: BLE001 — a broken old object is itself a finding
        old_obj = None
    try:
        new_obj = reader.get_object(ref)
    except Exception:  # noqa: BLE001
        new_obj = None

    if role == "plumbing":
        return  # cross-reference and object streams carry no content of their own
    if _is_sig_dict(old_obj):
        changed = [
            k for k in _SIG_KEYS_WATCHED if _raw(old_obj, k) != _raw(new_obj, k)
        ]
        if changed:
            mods.append(_mod(
                "signature_dict_edited", None,
                "a signature dictionary was edited after signing: " + ", ".join(changed)
                + _describe_edit(old_obj, new_obj, changed),
            ))
        return
    if role == "page":
        if page_no is None:
            return  # removal already reported
        _compare_page(result, old_obj, new_obj, page_no, page_ix, render_pages)
        return
    if role == "content":
        if page_no is not None:
            mods.append(_mod("content_replaced", page_no,
                             f"the content of signed page {page_no} was rewritten"))
        return
    if role.startswith("xobject:"):
        if page_no is not None:
            mods.append(_mod("xobject_replaced", page_no,
                             f"image or form {role[8:]} on signed page {page_no} was replaced"))
        return
    if role == "resource":
        if page_no is not None:
            render_pages.add(page_ix)
        return
    if role in ("annot", "field_widget", "field", "field_value"):
        _classify_field_or_annot(mods, old_obj, new_obj, page_no)
        return
    if role == "dss" or (role == "other" and ref in new_dss.value):
        mods.append(_mod("dss_update", None, "validation data (DSS) was updated", allowed=True))
        return
    if role == "catalog":
        _compare_catalog(mods, old_obj, new_obj)
        return
    if role == "acroform":
        return  # new fields show up through pages and fields; the dictionary itself says little
    if role in ("info", "metadata"):
        mods.append(_mod("metadata_changed", None, "document properties were changed",
                         allowed=True))
        return
    if isinstance(old_obj, generic.DictionaryObject) and old_obj.get("/Type") == "/Pages":
        return  # the page list was compared as a whole
    mods.append(_mod("other", None, f"object {ref.idnum} was changed (not shown on any page)"))


def _compare_page(result, old_page, new_page, page_no, page_ix, render_pages) -> None:
    mods = result.modifications
    if not isinstance(old_page, generic.DictionaryObject) or not isinstance(
        new_page, generic.DictionaryObject
    ):
        mods.append(_mod("page_changed", page_no, f"signed page {page_no} is no longer readable"))
        return
    old_c, new_c = content_refs(old_page), content_refs(new_page)
    if [r.idnum for r in old_c] != [r.idnum for r in new_c]:
        old_ids, new_ids = [r.idnum for r in old_c], [r.idnum for r in new_c]
        n = len(old_ids)
        if n and (new_ids[:n] == old_ids or new_ids[-n:] == old_ids):
            mods.append(_mod("content_overlaid", page_no,
                             f"new content was drawn over signed page {page_no}"))
        else:
            mods.append(_mod("content_replaced", page_no,
                             f"the content of signed page {page_no} was replaced"))
    old_x = dict(resource_xobjects(old_page))
    new_x = dict(resource_xobjects(new_page))
    for name, ref in new_x.items():
        if name in old_x and old_x[name].idnum != ref.idnum:
            mods.append(_mod("xobject_replaced", page_no,
                             f"image or form {name} on signed page {page_no} was replaced"))
    if _raw(old_page, "/Resources") != _raw(new_page, "/Resources"):
        render_pages.add(page_ix)
    keys = (set(old_page.keys()) | set(new_page.keys())) - _PAGE_KEYS_IGNORED
    keys -= {"/Contents", "/Resources"}
    changed = sorted(k for k in keys if _raw(old_page, k) != _raw(new_page, k))
    if changed:
        mods.append(_mod("page_changed", page_no,
                         f"signed page {page_no} changed: {', '.join(changed)}"))
    old_a = {r.idnum for r in annot_refs(old_page)}
    for ref in annot_refs(new_page):
        if ref.idnum in old_a:
            continue
        annot = ref.get_object()
        mods.append(_classify_new_annot(annot, page_no))
    new_a = {r.idnum for r in annot_refs(new_page)}
    if old_a - new_a:
        mods.append(_mod("annotation_changed", page_no,
                         f"{len(old_a - new_a)} annotation(s) removed from page {page_no}"))


def _classify_new_annot(annot, page_no: int) -> Modification:
    subtype = safe_get(annot, "/Subtype")
    if subtype == "/Widget":
        ft = _field_type(annot)
        if ft == "/Sig":
            if _is_doc_timestamp(annot):
                return _mod("document_timestamp", None, "a document timestamp was added",
                            allowed=True)
            return _mod("signature_added", page_no,
                        f"a signature field was added on page {page_no}", allowed=True)
        return _mod("field_added", page_no, f"a form field was added on page {page_no}")
    if subtype == "/Link":
        return _mod("annotation_added", page_no, f"a link was added on page {page_no}")
    name = str(subtype)[1:] if subtype else "unknown"
    return _mod("annotation_added", page_no, f"a {name} annotation was added on page {page_no}")


def _classify_field_or_annot(mods, old_obj, new_obj, page_no) -> None:
    if not isinstance(old_obj, generic.DictionaryObject) or not isinstance(
        new_obj, generic.DictionaryObject
    ):
        mods.append(_mod("annotation_changed", page_no, "a form field or annotation was replaced"))
        return
    ft = _field_type(old_obj)
    if ft == "/Sig":
        if "/V" not in old_obj and "/V" in new_obj:
            if _is_doc_timestamp(new_obj):
                mods.append(_mod("document_timestamp", None, "a document timestamp was added",
                                 allowed=True))
            else:
                mods.append(_mod("signature_added", page_no,
                                 "an empty signature field was signed", allowed=True))
            return
        if _raw(old_obj, "/V") != _raw(new_obj, "/V"):
            mods.append(_mod("signature_dict_edited", page_no,
                             "the value of a signed signature field was replaced"))
            return
        # appearance refresh of a signature widget: not content of the signed pages
        return
    if ft is not None or safe_get(old_obj, "/Subtype") == "/Widget":
        if _raw(old_obj, "/V") != _raw(new_obj, "/V") or _raw(old_obj, "/AP") != _raw(
            new_obj, "/AP"
        ):
            mods.append(_mod("form_fill", page_no, "a form field was filled in", allowed=True))
        return
    mods.append(_mod("annotation_changed", page_no,
                     "an annotation was changed" + (f" on page {page_no}" if page_no else "")))


def _compare_catalog(mods, old_root, new_root) -> None:
    if not isinstance(new_root, generic.DictionaryObject):
        mods.append(_mod("catalog_changed", None, "the document catalog was replaced"))
        return
    if _raw(old_root, "/DSS") != _raw(new_root, "/DSS"):
        mods.append(_mod("dss_update", None, "validation data (DSS) was added", allowed=True))
    keys = (set(old_root.keys()) | set(new_root.keys())) - {"/DSS", "/AcroForm", "/Pages"}
    changed = sorted(k for k in keys if _raw(old_root, k) != _raw(new_root, k))
    if _raw(old_root, "/Pages") != _raw(new_root, "/Pages"):
        changed.append("/Pages")
    if changed:
        mods.append(_mod("catalog_changed", None,
                         "document-level settings changed: " + ", ".join(changed)))


def _field_type(obj) -> str | None:
    seen = 0
    while isinstance(obj, generic.DictionaryObject) and seen < 20:
        if "/FT" in obj:
            return str(obj.get("/FT"))
        obj = safe_get(obj, "/Parent")
        seen += 1
    return None


def _is_doc_timestamp(field_obj) -> bool:
    value = safe_get(field_obj, "/V")
    return isinstance(value, generic.DictionaryObject) and value.get("/Type") == "/DocTimeStamp"


def _is_sig_dict(obj) -> bool:
    return isinstance(obj, generic.DictionaryObject) and (
        obj.get("/Type") in ("/Sig", "/DocTimeStamp") or "/ByteRange" in obj
    )


def _raw(obj, key):
    if not isinstance(obj, generic.DictionaryObject) or key not in obj:
        return None
    value = obj.raw_get(key)
    if isinstance(value, generic.IndirectObject):
        return ("ref", value.reference.idnum, value.reference.generation)
    return repr(value)


def _describe_edit(old_obj, new_obj, changed: list[str]) -> str:
    parts = []
    for key in ("/Reason", "/M", "/Name", "/Location"):
        if key in changed:
            parts.append(f"{key[1:]} {safe_get(old_obj, key)!s} → {safe_get(new_obj, key)!s}")
    return f" ({'; '.join(parts)})" if parts else ""
