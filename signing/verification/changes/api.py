"""The rules API: what a rule is shown (``RevisionDiff``, ``ChangedObject``), what it says
(``Modification`` findings, pages to render) and the base class every rule extends.

A rule knows one kind of change. The policy (``policy.py``) builds the diff once and walks it:
document-wide rules look at the whole (the page list), then every object a later revision
rewrote goes to the first rule that claims it. An object no rule claims is reported as
"other" — as pyHanko's diff policy refuses an update that no whitelist rule explains, nothing
rewritten after signing goes unmentioned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyhanko.pdf_utils import generic

from ..model import Modification
from ..pdfwalk import dss_refs, page_refs
from ..texts import vi_detail

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
    "signature_appearance_changed",
}


@dataclass
class ChangeAnalysis:
    """What the rules found between the signed revision and the final document."""

    modifications: list[Modification] = field(default_factory=list)
    # (page ref idnum, old index, new index) of pages to compare by rendering
    render_candidates: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class RevisionDiff:
    """The signed revision beside the final document, built once per signed revision.

    The page lists are read only when a change can touch the page tree or a rule asks for
    them (``load_pages``): most updates (a later signature, validation data) need neither
    them nor the map of roles (``roles.py``).
    """

    reader: object  # PdfFileReader: the final document
    old: object  # HistoricalResolver of the signed revision
    old_root: generic.DictionaryObject
    new_root: generic.DictionaryObject
    pages_touched: bool = False
    old_pages: list[generic.Reference] = field(default_factory=list)
    new_pages: list[generic.Reference] = field(default_factory=list)
    # page (object number, generation) → 0-based index, in the signed and the final document
    old_index: dict[tuple[int, int], int] = field(default_factory=dict)
    new_index: dict[tuple[int, int], int] = field(default_factory=dict)
    render_pages: set[int] = field(default_factory=set)
    _new_dss: set | None = None
    _pages_loaded: bool = False

    def load_pages(self) -> None:
        """The page lists of both versions (once; cheap next to what needs them)."""
        if self._pages_loaded:
            return
        self._pages_loaded = True
        self.old_pages = page_refs(self.old_root)
        self.old_index = {key(ref): i for i, ref in enumerate(self.old_pages)}
        self.new_pages = page_refs(self.new_root)
        self.new_index = {key(ref): i for i, ref in enumerate(self.new_pages)}

    def request_render_all(self) -> None:
        """Every signed page still in the document: for changes that can alter any page's
        look without touching a page (optional content shown or hidden)."""
        self.load_pages()
        for page_ix, ref in enumerate(self.old_pages):
            if key(ref) in self.new_index:
                self.render_pages.add(page_ix)

    def page_number(self, page_ix: int | None) -> int | None:
        """The final 1-based number of signed page ``page_ix``; None when it was removed."""
        if page_ix is None or page_ix >= len(self.old_pages):
            return None
        return _plus_one(self.new_index.get(key(self.old_pages[page_ix])))

    def request_render(self, page_ix: int | None) -> None:
        """Ask for a pixel comparison of a signed page the objects cannot decide about."""
        if page_ix is not None:
            self.render_pages.add(page_ix)

    def new_dss(self) -> set:
        if self._new_dss is None:
            self._new_dss = dss_refs(self.new_root)
        return self._new_dss


def _plus_one(ix: int | None) -> int | None:
    return None if ix is None else ix + 1


@dataclass
class ChangedObject:
    """One object that existed when the document was signed and was rewritten later, seen
    from one signed page (a font shared by three pages is three ``ChangedObject``s)."""

    ref: generic.Reference
    role: str  # see roles.py
    page_ix: int | None  # 0-based index in the signed revision
    page_no: int | None  # 1-based number in the final document; None when not on a live page
    old: object  # the object as signed; None when it cannot be read
    new: object  # the object now; None when it cannot be read


class ChangeRule:
    """One kind of change after signing. Subclasses override what they need."""

    name = "rule"

    def review_document(self, diff: RevisionDiff) -> Iterable[Modification]:
        """Findings about the document as a whole (run once, before any object)."""
        return ()

    def claims(self, diff: RevisionDiff, change: ChangedObject) -> bool:
        """Does this rule judge ``change``? The first rule that claims an object judges it."""
        return False

    def review(self, diff: RevisionDiff, change: ChangedObject) -> Iterable[Modification]:
        """Findings about one claimed object (none: the change is harmless plumbing)."""
        return ()


def key(ref: generic.Reference) -> tuple[int, int]:
    """How objects are told apart: by number *and* generation. Reusing a number with another
    generation makes another object, and comparing numbers alone would not see the swap."""
    return ref.idnum, ref.generation


def mod(kind: str, page: int | None, detail: str, allowed: bool = False) -> Modification:
    return Modification(kind, page, detail, vi_detail(kind, page, detail), allowed)


def raw(obj, key):
    """A comparable form of ``obj[key]`` that does not follow references (None when absent)."""
    if not isinstance(obj, generic.DictionaryObject) or key not in obj:
        return None
    value = obj.raw_get(key)
    if isinstance(value, generic.IndirectObject):
        return ("ref", value.reference.idnum, value.reference.generation)
    return repr(value)
