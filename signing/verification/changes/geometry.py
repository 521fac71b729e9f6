"""Attributes a signed page inherits from the page tree: ``/MediaBox``, ``/CropBox``,
``/Rotate`` and ``/Resources``.

A page that does not set them itself takes them from its ``/Parent`` chain, so a crop box or
a rotation written on an inner node of the page tree (or a page moved under another node)
changes what every page below it shows, while no page object — and no page content — was
rewritten. Each signed page still in the document is compared by its *effective* values;
where only the inherited resources differ, the page is rendered (``content.py`` does the same
for a page's own resources).
"""

from __future__ import annotations

from collections.abc import Iterator

from pyhanko.pdf_utils import generic

from ..model import Modification
from ..pdfwalk import safe_get
from .api import ChangeRule, RevisionDiff, key, mod, raw

_GEOMETRY = ("/MediaBox", "/CropBox", "/Rotate")
_MAX_HOPS = 32  # hostile page trees loop


class PageGeometryRule(ChangeRule):
    name = "inherited page attributes"

    def review_document(self, diff: RevisionDiff) -> Iterator[Modification]:
        if not diff.pages_touched:
            return  # neither a page nor the page tree was rewritten
        for page_ix, old_ref in enumerate(diff.old_pages):
            new_ix = diff.new_index.get(key(old_ref))
            if new_ix is None:
                continue  # removed: pages.py says so
            old_page = _read(old_ref)
            new_page = _read(diff.new_pages[new_ix])
            if old_page is None or new_page is None:
                continue  # an unreadable page is content.py's finding
            changed = [k for k in _GEOMETRY if _inherited_change(old_page, new_page, k)]
            if changed:
                yield mod("page_changed", new_ix + 1,
                          f"signed page {new_ix + 1} changed: {', '.join(changed)} "
                          "(inherited from the page tree)")
            if _inherited_change(old_page, new_page, "/Resources", compare=_defining_raw):
                diff.request_render(page_ix)


def _inherited_change(old_page, new_page, name: str, compare=None) -> bool:
    """True when the effective value differs although the page's own entry does not (a
    change of the page's own entry is reported where the page is compared, in content.py)."""
    if raw(old_page, name) != raw(new_page, name):
        return False  # the page object itself was rewritten: content.py compares it
    compare = compare or _effective
    return compare(old_page, name) != compare(new_page, name)


def _effective(page, name: str):
    """The resolved value the page uses (arrays and numbers), bounded and never raising."""
    node = _defining_node(page, name)
    if node is None:
        return None
    value = safe_get(node, name)
    if isinstance(value, generic.ArrayObject):
        return tuple(repr(_resolve(v)) for v in list(value)[:16])
    return repr(value)


def _defining_raw(page, name: str):
    node = _defining_node(page, name)
    return None if node is None else raw(node, name)


def _defining_node(page, name: str):
    node, hops = page, 0
    while isinstance(node, generic.DictionaryObject) and hops < _MAX_HOPS:
        if name in node:
            return node
        node = safe_get(node, "/Parent")
        hops += 1
    return None


def _resolve(value):
    try:
        return value.get_object() if isinstance(value, generic.IndirectObject) else value
    except Exception:  # noqa: BLE001
        return None


def _read(ref):
    try:
        obj = ref.get_object()
    except Exception:  # noqa: BLE001
        return None
    return obj if isinstance(obj, generic.DictionaryObject) else None
