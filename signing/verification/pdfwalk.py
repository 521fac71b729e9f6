"""Defensive walks over pyHanko's object model: every helper tolerates broken or hostile files.

Hostile files loop their page trees, nest arrays a thousand deep or point at missing objects;
every walk here is bounded and returns what it could read instead of raising.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic

MAX_PAGES = 100_000


def safe_get(obj, key: str, default=None):
    try:
        if isinstance(obj, generic.DictionaryObject) and key in obj:
            return obj[key]
    except Exception:  # noqa: BLE001 — a dangling reference reads as missing
        return default
    return default


def page_refs(root) -> list[generic.Reference]:
    """References of the page objects in reading order (cycles and junk skipped)."""
    out: list[generic.Reference] = []
    seen: set[int] = set()
    try:
        pages = root.raw_get("/Pages")
    except Exception:  # noqa: BLE001
        return out
    stack = [pages]
    while stack and len(out) < MAX_PAGES:
        node_ref = stack.pop()
        if not isinstance(node_ref, generic.IndirectObject):
            continue
        if node_ref.reference.idnum in seen:
            continue
        seen.add(node_ref.reference.idnum)
        try:
            node = node_ref.get_object()
        except Exception:  # noqa: BLE001
            continue
        if not isinstance(node, generic.DictionaryObject):
            continue
        kids = node.raw_get("/Kids") if "/Kids" in node else None
        if isinstance(kids, generic.IndirectObject):
            try:
                kids = kids.get_object()
            except Exception:  # noqa: BLE001
                kids = None
        if node.get("/Type") == "/Pages" or isinstance(kids, generic.ArrayObject):
            if isinstance(kids, generic.ArrayObject):
                stack.extend(reversed(list(kids)))
        else:
            out.append(node_ref.reference)
    return out


def content_refs(page) -> list[generic.Reference]:
    try:
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        if isinstance(contents, generic.IndirectObject):
            target = contents.get_object()
            if isinstance(target, generic.ArrayObject):
                contents = target
            else:
                return [contents.reference]
        if isinstance(contents, generic.ArrayObject):
            return [c.reference for c in contents if isinstance(c, generic.IndirectObject)]
    except Exception:  # noqa: BLE001
        pass
    return []


def annot_refs(page) -> list[generic.Reference]:
    try:
        annots = page.raw_get("/Annots") if "/Annots" in page else None
        if isinstance(annots, generic.IndirectObject):
            annots = annots.get_object()
        if isinstance(annots, generic.ArrayObject):
            return [a.reference for a in annots if isinstance(a, generic.IndirectObject)]
    except Exception:  # noqa: BLE001
        pass
    return []


def page_resources(page):
    """The page's resources, inherited from an ancestor when the page has none."""
    node, hops = page, 0
    while isinstance(node, generic.DictionaryObject) and hops < 32:
        res = safe_get(node, "/Resources")
        if isinstance(res, generic.DictionaryObject):
            return res
        node = safe_get(node, "/Parent")
        hops += 1
    return None


def resource_xobjects(page) -> list[tuple[str, generic.Reference]]:
    res = page_resources(page)
    xobjects = safe_get(res, "/XObject")
    if not isinstance(xobjects, generic.DictionaryObject):
        return []
    out = []
    for name in list(xobjects.keys()):
        try:
            value = xobjects.raw_get(name)
        except Exception:  # noqa: BLE001
            continue
        if isinstance(value, generic.IndirectObject):
            out.append((str(name), value.reference))
    return out


def collect_refs(obj, limit: int = 2000, depth_limit: int = 12) -> set[generic.Reference]:
    """Indirect objects reachable from ``obj`` (not through /Parent), bounded."""
    found: set[generic.Reference] = set()
    stack: list[tuple[object, int]] = [(obj, 0)]
    while stack and len(found) < limit:
        item, depth = stack.pop()
        if depth > depth_limit:
            continue
        if isinstance(item, generic.IndirectObject):
            if item.reference in found:
                continue
            found.add(item.reference)
            try:
                item = item.get_object()
            except Exception:  # noqa: BLE001
                continue
        if isinstance(item, generic.DictionaryObject):  # includes streams
            for key in list(item.keys()):
                if key in ("/Parent", "/P"):
                    continue
                try:
                    stack.append((item.raw_get(key), depth + 1))
                except Exception:  # noqa: BLE001
                    continue
        elif isinstance(item, generic.ArrayObject):
            stack.extend((v, depth + 1) for v in item)
    return found


def dss_refs(root) -> set[generic.Reference]:
    """Objects of the DSS: its dictionaries and the certificate/CRL/OCSP streams they list.

    The streams themselves are not opened (they have no children, and parsing thousands of
    certificates only to learn their object numbers is what made this slow)."""
    found: set[generic.Reference] = set()
    try:
        if "/DSS" not in root:
            return found
        dss_ref = root.raw_get("/DSS")
        if isinstance(dss_ref, generic.IndirectObject):
            found.add(dss_ref.reference)
        dss = dss_ref.get_object() if isinstance(dss_ref, generic.IndirectObject) else dss_ref
        _array_refs(dss, ("/Certs", "/CRLs", "/OCSPs"), found)
        vri_ref = dss.raw_get("/VRI") if "/VRI" in dss else None
        if isinstance(vri_ref, generic.IndirectObject):
            found.add(vri_ref.reference)
        vri = vri_ref.get_object() if isinstance(vri_ref, generic.IndirectObject) else vri_ref
        if isinstance(vri, generic.DictionaryObject):
            for key in list(vri.keys())[:10_000]:
                entry_ref = vri.raw_get(key)
                if isinstance(entry_ref, generic.IndirectObject):
                    found.add(entry_ref.reference)
                    entry = entry_ref.get_object()
                else:
                    entry = entry_ref
                _array_refs(entry, ("/Cert", "/CRL", "/OCSP", "/TS"), found)
    except Exception:  # noqa: BLE001 — a broken DSS yields what could be read
        pass
    return found


def _array_refs(holder, keys: tuple[str, ...], found: set) -> None:
    if not isinstance(holder, generic.DictionaryObject):
        return
    for key in keys:
        if key not in holder:
            continue
        arr = holder.raw_get(key)
        if isinstance(arr, generic.IndirectObject):
            found.add(arr.reference)
            arr = arr.get_object()
        if isinstance(arr, generic.ArrayObject):
            for item in list(arr)[:10_000]:
                if isinstance(item, generic.IndirectObject):
                    found.add(item.reference)
