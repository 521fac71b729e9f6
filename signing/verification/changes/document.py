"""Document-level objects: the catalog, the validation data (DSS), the document properties
(Info, XMP), the form's dictionary, the page tree's inner nodes and the file's plumbing.

None of these is drawn on a page. Validation data and properties are refreshed by every
incremental writer and are always permitted; other catalog entries (an open action, a new
name tree…) are reported with the keys that changed. The configuration of optional
content (layers) is the exception: it decides what every page shows, so when it changes the
signed pages are compared by rendering.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyhanko.pdf_utils import generic

from ..model import Modification
from .api import ChangedObject, ChangeRule, RevisionDiff, mod, raw


class PlumbingRule(ChangeRule):
    """Cross-reference and object streams carry no content of their own."""

    name = "plumbing"

    def claims(self, diff: RevisionDiff, change: ChangedObject) -> bool:
        return change.role == "plumbing"


class DocumentRule(ChangeRule):
    name = "document"

    def claims(self, diff: RevisionDiff, change: ChangedObject) -> bool:
        role = change.role
        if role in ("dss", "catalog", "acroform", "info", "metadata", "ocproperties"):
            return True
        if role == "other" and change.ref in diff.new_dss():
            return True
        # the page list was compared as a whole (pages.py)
        return isinstance(change.old, generic.DictionaryObject) and (
            change.old.get("/Type") == "/Pages"
        )

    def review(self, diff: RevisionDiff, change: ChangedObject) -> Iterator[Modification]:
        role = change.role
        if role == "dss" or (role == "other" and change.ref in diff.new_dss()):
            yield mod("dss_update", None, "validation data (DSS) was updated", allowed=True)
        elif role == "catalog":
            yield from _compare_catalog(diff, change.old, change.new)
        elif role == "ocproperties":
            diff.request_render_all()  # which layers are shown may have changed
        elif role in ("info", "metadata"):
            yield mod("metadata_changed", None, "document properties were changed",
                      allowed=True)
        # acroform: new fields show up through pages and fields; the dictionary says little


def _compare_catalog(diff, old_root, new_root) -> Iterator[Modification]:
    if not isinstance(new_root, generic.DictionaryObject):
        yield mod("catalog_changed", None, "the document catalog was replaced")
        return
    if raw(old_root, "/OCProperties") != raw(new_root, "/OCProperties"):
        # layers shown or hidden change pages without touching them: compare their look
        diff.request_render_all()
    if raw(old_root, "/DSS") != raw(new_root, "/DSS"):
        yield mod("dss_update", None, "validation data (DSS) was added", allowed=True)
    keys = (set(old_root.keys()) | set(new_root.keys())) - {"/DSS", "/AcroForm", "/Pages"}
    changed = sorted(k for k in keys if raw(old_root, k) != raw(new_root, k))
    if raw(old_root, "/Pages") != raw(new_root, "/Pages"):
        changed.append("/Pages")
    if changed:
        yield mod("catalog_changed", None,
                  "document-level settings changed: " + ", ".join(changed))
