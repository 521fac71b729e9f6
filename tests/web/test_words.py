"""Every word a page asks for exists in both languages: a missing key would show on the page as
the key itself (``out.status.signed``) instead of words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry.credentials import KeyPurpose, KeySource
from registry.documents import Confidentiality, IncomingStatus, OutgoingStatus, Urgency
from registry.numbering import BookKind
from registry.org import Role
from vanthu.web.i18n import STRINGS

TEMPLATES = Path(__file__).resolve().parents[2] / "vanthu" / "templates"


def test_every_literal_key_in_the_templates_has_both_languages():
    used = set()
    for page in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*'([a-z_.]+[a-z])'""", page.read_text()))
    assert len(used) > 100
    missing = sorted(k for k in used if k not in STRINGS)
    assert not missing, missing
    empty = sorted(k for k in used if not all(STRINGS[k]))
    assert not empty, empty


@pytest.mark.parametrize(("prefix", "values"), [
    ("out.status.", OutgoingStatus), ("status.", IncomingStatus), ("conf.", Confidentiality),
    ("urgency.", Urgency), ("role_name.", Role), ("book.", BookKind), ("key.", KeyPurpose),
    ("key.source.", KeySource), ("out.file_", ["prepared", "signed", "issued"]),
    ("event.outgoing.", ["submitted", "signed", "issued", "issue_failed"]),
    ("event.incoming.", ["received", "read", "read_failed", "verified", "corrected",
                         "confirmed", "assigned", "progress", "recalled"]),
])
def test_every_value_shown_by_name_has_one(prefix, values):
    names = [f"{prefix}{getattr(v, 'value', v)}" for v in values]
    missing = [n for n in names if n not in STRINGS]
    assert not missing, missing
