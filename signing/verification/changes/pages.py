"""Pages added, removed or put in another order after signing.

The page lists of the signed revision and of the final document are compared by object
number and generation: a page object kept across revisions is the same page, whatever its
contents became (``content.py`` judges those).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Modification
from .api import ChangeRule, RevisionDiff, mod


class PageListRule(ChangeRule):
    name = "pages"

    def review_document(self, diff: RevisionDiff) -> Iterator[Modification]:
        if not diff.pages_touched:
            return
        old_index, new_index = diff.old_index, diff.new_index
        for page, ix in new_index.items():
            if page not in old_index:
                yield mod("page_added", ix + 1, f"page {ix + 1} was added after signing")
        for page, ix in old_index.items():
            if page not in new_index:
                yield mod("page_removed", None, f"signed page {ix + 1} was removed after signing")
        kept_old = [i for i, _ in sorted(old_index.items(), key=lambda kv: kv[1])
                    if i in new_index]
        kept_new = [i for i, _ in sorted(new_index.items(), key=lambda kv: kv[1])
                    if i in old_index]
        if kept_old != kept_new:
            yield mod("pages_reordered", None, "the signed pages were put in a different order")
