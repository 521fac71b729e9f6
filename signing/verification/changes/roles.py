"""The role each object played in the signed revision: what a rewrite of it can change.

Roles: ``catalog``, ``info``, ``metadata``, ``sigdict``, ``page``, ``pages``, ``plumbing``
(cross-reference and object streams), ``annot``, ``content`` (a page's content stream),
``xobject:/Name`` (an image or form a page draws), ``resource`` (anything else a page's
resources reach: fonts, colour spaces, nested forms), ``field``, ``field_widget``,
``field_value``, ``appearance`` / ``appearance:field`` / ``appearance:signed`` (what an
annotation, a form field or a signed signature's stamp is drawn with), ``acroform``, ``dss``,
``ocproperties`` (the layers' configuration) and ``other``.

Most objects say what they are (``quick_role``); only content streams, fonts and images need
their place in the page tree, which ``roles_in_signed_revision`` maps — and only when needed.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic

from ..pdfwalk import annot_refs, collect_refs, content_refs, dss_refs, resource_xobjects, safe_get


def quick_role(old, old_root, ref) -> str | None:
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


def roles_in_signed_revision(old, old_root, old_pages):
    """Object number → (role, first 0-based page index) for objects of the signed revision,
    and object number → every page using it, for resources pages share."""
    roles: dict[int, tuple[str, int | None]] = {}
    shared: dict[int, set[int]] = {}
    by_resources: dict[int, set] = {}  # pages usually share one /Resources dictionary
    roles[old_root.container_ref.idnum if old_root.container_ref else -1] = ("catalog", None)
    for ix, page_ref in enumerate(old_pages):
        page = page_ref.get_object()
        raw_res = _raw_resources(page)
        if isinstance(raw_res, generic.IndirectObject):
            key = raw_res.reference.idnum
            if key not in by_resources:
                by_resources[key] = collect_refs(raw_res, limit=2000)
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
            _appearance_roles(ref, ix, roles)
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
    if "/OCProperties" in old_root:  # layers: which are shown decides what pages look like
        for ref in collect_refs(old_root.raw_get("/OCProperties"), limit=2000):
            roles.setdefault(ref.idnum, ("ocproperties", None))
    info = old.trailer_view.raw_get("/Info") if "/Info" in old.trailer_view else None
    if isinstance(info, generic.IndirectObject):
        roles[info.reference.idnum] = ("info", None)
    meta = old_root.raw_get("/Metadata") if "/Metadata" in old_root else None
    if isinstance(meta, generic.IndirectObject):
        roles[meta.reference.idnum] = ("metadata", None)
    return roles, shared


def _appearance_roles(annot_ref, ix: int, roles: dict) -> None:
    """The streams an annotation is drawn with: rewriting one in place redraws it."""
    from .forms import appearance_role

    try:
        annot = annot_ref.get_object()
        ap = annot.raw_get("/AP") if "/AP" in annot else None
    except Exception:  # noqa: BLE001
        return
    if ap is None:
        return
    role = appearance_role(annot)
    for ref in collect_refs(ap, limit=200):
        roles.setdefault(ref.idnum, (role, ix))


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
