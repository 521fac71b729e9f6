"""The change rules and their policy: each rule judges its kind, nothing goes unexplained."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.reader import PdfFileReader

from signing.verification.changes import RULES, ChangeRule, analyse
from signing.verification.changes.content import PageContentRule
from signing.verification.changes.signatures import SignatureDictionaryRule

from . import docs


def _kinds(data: bytes, rules=RULES) -> list[str]:
    """What changed in the last revision (made after the signature in the one before)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signed_rev = reader.xrefs.total_revisions - 2
    return [m.kind for m in analyse(reader, signed_rev, rules).modifications]


def test_each_kind_of_change_is_named_by_its_rule(signed):
    assert "content_overlaid" in _kinds(docs.overlay_content(signed))
    assert "page_added" in _kinds(docs.add_page(signed))
    assert "signature_dict_edited" in _kinds(docs.edit_reason(signed))


def test_a_change_no_rule_claims_is_reported_not_passed(signed):
    """Without the page-content rule, the rewritten page is still reported, as "other"."""
    without = [r for r in RULES if not isinstance(r, PageContentRule)]
    kinds = _kinds(docs.overlay_content(signed), without)
    assert "content_overlaid" not in kinds
    assert "other" in kinds


def test_the_first_rule_that_claims_an_object_judges_it(signed):
    class Lenient(ChangeRule):
        def claims(self, diff, change):
            return change.role == "sigdict"

    edited = docs.edit_reason(signed)
    assert "signature_dict_edited" in _kinds(edited)
    assert "signature_dict_edited" not in _kinds(edited, (Lenient(), *RULES))
    assert "signature_dict_edited" in _kinds(edited, (*RULES, Lenient()))
    assert any(isinstance(r, SignatureDictionaryRule) for r in RULES)
