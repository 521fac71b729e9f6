"""The policy: build the diff between a signed revision and the final document once, and let
the rules say what changed.

The diff works on the cross-reference sections: only objects that a later revision rewrote
are looked at, so the cost grows with the size of the changes, not of the document (pyHanko's
diff policy walks far more). Each rewritten object is seen with the role it played in the
signed revision (``roles.py``) and goes to the first rule that claims it; the order below is
the order of precedence (a signature dictionary is judged as one even where a page uses it).
Whether a finding is permitted (DocMDP, approval signatures) is ``judge.py``'s business.

The byte-range rule (``byte_ranges.py``) is not in this list: it needs no parser and runs
first, on the raw bytes, before the signature's revision is even known.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from .api import ChangeAnalysis, ChangedObject, ChangeRule, RevisionDiff, key, mod, raw
from .content import PageContentRule
from .document import DocumentRule, PlumbingRule
from .forms import FieldsAndAnnotationsRule
from .geometry import PageGeometryRule
from .pages import PageListRule
from .roles import quick_role, roles_in_signed_revision
from .signatures import SignatureDictionaryRule

RULES: tuple[ChangeRule, ...] = (
    PageListRule(),
    PageGeometryRule(),
    PlumbingRule(),
    SignatureDictionaryRule(),
    PageContentRule(),
    FieldsAndAnnotationsRule(),
    DocumentRule(),
)


def analyse(
    reader: PdfFileReader, signed_rev: int, rules: Sequence[ChangeRule] = RULES
) -> ChangeAnalysis:
    """Changes made in revisions after ``signed_rev`` (0-based), final document vs signed one."""
    result = ChangeAnalysis()
    xrefs = reader.xrefs
    last = xrefs.total_revisions - 1
    if signed_rev >= last:
        return result
    old = reader.get_historical_resolver(signed_rev)
    diff = RevisionDiff(reader, old, old.root, reader.root)

    existed, now_as = _rewritten(reader, signed_rev, last)
    # Most updates (a new signature, validation data, an edited signature dictionary) touch
    # only objects that say what they are; the page map is built only when needed.
    quick = {ref.idnum: quick_role(old, diff.old_root, ref) for ref in existed}
    diff.pages_touched = any(q in (None, "page", "pages") for q in quick.values()) or (
        raw(diff.old_root, "/Pages") != raw(diff.new_root, "/Pages")
    )
    if diff.pages_touched:
        diff.load_pages()
    for rule in rules:
        result.modifications.extend(rule.review_document(diff))
    if not existed:
        return result

    need_map = any(q is None or q == "page" for q in quick.values())
    roles, shared = (
        roles_in_signed_revision(old, diff.old_root, diff.old_pages) if need_map else ({}, {})
    )
    for ref in existed:
        q = quick[ref.idnum]
        role, first_ix = roles.get(ref.idnum, ("other", None)) if q is None else (q, None)
        if q == "page":
            role, first_ix = roles.get(ref.idnum, ("page", None))
        old_obj, new_obj = _read(old, ref), _read(reader, now_as.get(ref.idnum, ref))
        # a font or image shared by several pages changes every one of them
        for page_ix in sorted(shared.get(ref.idnum, ())) or [first_ix]:
            change = ChangedObject(ref, role, page_ix, diff.page_number(page_ix), old_obj,
                                   new_obj)
            result.modifications.extend(_judge(rules, diff, change))

    for page_ix in sorted(diff.render_pages):
        page = diff.old_pages[page_ix]
        if key(page) in diff.new_index:
            result.render_candidates.append((page.idnum, page_ix, diff.new_index[key(page)]))
    return result


def _rewritten(reader, signed_rev: int, last: int):
    """Objects of the signed revision that later revisions rewrote, in object-number order,
    and, for those rewritten under another generation, the reference they are read by now.

    Objects created after signing are judged through what refers to them (a page's list of
    contents, the page tree, the form). An object number the signed revision used, reused
    with another generation, is a rewrite too: viewers such as pdfium read the newest entry
    for a number whatever the generation, while pyHanko still resolves the old reference to
    the old object — so the old reference alone would show the signed object unchanged.
    """
    xrefs = reader.xrefs
    updated: set[generic.Reference] = set()
    for rev in range(signed_rev + 1, last + 1):
        updated |= xrefs.explicit_refs_in_revision(rev)
    existed: dict[int, generic.Reference] = {}
    now_as: dict[int, generic.Reference] = {}
    for ref in updated:
        if xrefs.get_historical_ref(ref, signed_rev) is not None:
            existed.setdefault(ref.idnum, ref)
            continue
        signed_gen = _live_generation(xrefs, ref.idnum, signed_rev)
        if signed_gen is None or ref.idnum in existed:
            continue  # created after signing (or already listed under its signed reference)
        existed[ref.idnum] = generic.Reference(ref.idnum, signed_gen, pdf=ref.pdf)
    for idnum, ref in existed.items():
        final_gen = _live_generation(xrefs, idnum, last)
        if final_gen is not None and final_gen != ref.generation:
            now_as[idnum] = generic.Reference(idnum, final_gen, pdf=ref.pdf)
    return [existed[i] for i in sorted(existed)], now_as


def _live_generation(xrefs, idnum: int, revision: int) -> int | None:
    """The generation under which object ``idnum`` is in use in ``revision`` (None: unused
    or freed), from the newest cross-reference section at or before it that mentions it."""
    for rev in range(revision, -1, -1):
        try:
            data = xrefs.get_xref_data(rev)
        except Exception:  # noqa: BLE001
            return None
        for section in (data, data.hybrid.xref_data if data.hybrid is not None else None):
            if section is None:
                continue
            if idnum in section.xrefs_in_objstm:
                return 0
            if idnum in section.standard_xrefs:
                return section.standard_xrefs[idnum][0]
            if idnum in section.freed:
                return None
    return None


def _judge(rules: Sequence[ChangeRule], diff: RevisionDiff, change: ChangedObject):
    for rule in rules:
        if rule.claims(diff, change):
            return list(rule.review(diff, change))
    # nothing explains it: say so rather than let it pass unmentioned
    return [mod("other", None, f"object {change.ref.idnum} was changed (not shown on any page)")]


def _read(resolver, ref):
    try:
        return resolver.get_object(ref)
    except Exception:  # noqa: BLE001 — a broken object is itself a finding, judged by the rules
        return None
