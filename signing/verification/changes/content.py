"""What a signed page shows: its content streams, the images and forms it draws, its own
dictionary (geometry, rotation…) and the annotations on it.

A content stream kept in place but followed (or preceded) by new ones is drawn over: the
shadow attack. A content stream or XObject rewritten in place is replaced. Fonts, colour
spaces and nested forms reached from the page's resources cannot be judged from the objects
alone; those pages are handed to the rendering comparison (``judge.py`` → ``render.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

from pyhanko.pdf_utils import generic

from ..model import Modification
from ..pdfwalk import annot_refs, content_refs, resource_xobjects
from .api import ChangedObject, ChangeRule, RevisionDiff, key, mod, raw
from .forms import new_annotation

# Keys of a page dictionary that other rules judge, or that change nothing a reader sees.
_PAGE_KEYS_IGNORED = {"/Annots", "/Parent", "/StructParents", "/Tabs", "/Contents", "/Resources"}


class PageContentRule(ChangeRule):
    name = "page content"

    def claims(self, diff: RevisionDiff, change: ChangedObject) -> bool:
        role = change.role
        return role in ("page", "content", "resource") or role.startswith("xobject:")

    def review(self, diff: RevisionDiff, change: ChangedObject) -> Iterator[Modification]:
        page_no, role = change.page_no, change.role
        if page_no is None:
            return  # not on a page that is still there: removal is reported by pages.py
        if role == "page":
            yield from _compare_page(diff, change.old, change.new, page_no, change.page_ix)
        elif role == "content":
            yield mod("content_replaced", page_no,
                      f"the content of signed page {page_no} was rewritten")
        elif role.startswith("xobject:"):
            yield mod("xobject_replaced", page_no,
                      f"image or form {role[8:]} on signed page {page_no} was replaced")
        else:  # a resource: a font, a colour space, a nested form…
            diff.request_render(change.page_ix)


def _compare_page(diff, old_page, new_page, page_no, page_ix) -> Iterator[Modification]:
    if not isinstance(old_page, generic.DictionaryObject) or not isinstance(
        new_page, generic.DictionaryObject
    ):
        yield mod("page_changed", page_no, f"signed page {page_no} is no longer readable")
        return
    yield from _contents(old_page, new_page, page_no)
    old_x = {name: key(ref) for name, ref in resource_xobjects(old_page)}
    for name, ref in resource_xobjects(new_page):
        if name in old_x and old_x[name] != key(ref):
            yield mod("xobject_replaced", page_no,
                      f"image or form {name} on signed page {page_no} was replaced")
    if raw(old_page, "/Resources") != raw(new_page, "/Resources"):
        diff.request_render(page_ix)
    keys = (set(old_page.keys()) | set(new_page.keys())) - _PAGE_KEYS_IGNORED
    changed = sorted(k for k in keys if raw(old_page, k) != raw(new_page, k))
    if changed:
        yield mod("page_changed", page_no,
                  f"signed page {page_no} changed: {', '.join(changed)}")
    yield from _annotations(old_page, new_page, page_no)


def _contents(old_page, new_page, page_no) -> Iterator[Modification]:
    old_ids = [key(r) for r in content_refs(old_page)]
    new_ids = [key(r) for r in content_refs(new_page)]
    if old_ids == new_ids:
        return
    n = len(old_ids)
    if n and (new_ids[:n] == old_ids or new_ids[-n:] == old_ids):
        yield mod("content_overlaid", page_no, f"new content was drawn over signed page {page_no}")
    else:
        yield mod("content_replaced", page_no, f"the content of signed page {page_no} was replaced")


def _annotations(old_page, new_page, page_no) -> Iterator[Modification]:
    old_a = {key(r) for r in annot_refs(old_page)}
    new_refs = annot_refs(new_page)
    for ref in new_refs:
        if key(ref) not in old_a:
            yield new_annotation(ref.get_object(), page_no)
    removed = old_a - {key(r) for r in new_refs}
    if removed:
        yield mod("annotation_changed", page_no,
                  f"{len(removed)} annotation(s) removed from page {page_no}")
