"""Which of Decree 30's two signatures a signature is: the competent person's or the organization's.

Vietnamese organization certificates name the body in CN (``CN=CỤC THUẾ, O=BỘ TÀI CHÍNH``), in
capitals or with an organization word; personal certificates carry a person's name in CN with the
body in O/OU (vn-clerical.md §6.3). Without a policy OID for either, the subject is all we have.
"""

from __future__ import annotations

import unicodedata

from .model import SignatureReport

_ORG_WORDS = (
    "ỦY BAN", "UỶ BAN", "UBND", "SỞ ", "CỤC ", "BỘ ", "VĂN PHÒNG", "BAN ", "TRUNG TÂM",
    "TỔNG CỤC", "HỘI ĐỒNG", "CÔNG TY", "TRƯỜNG", "BỆNH VIỆN", "CHI CỤC", "PHÒNG ",
    "PEOPLE'S COMMITTEE", "OFFICE", "DEPARTMENT", "MINISTRY", "COMPANY",
)


def decree30_role(sr: SignatureReport) -> str | None:
    if sr.type != "signature" or not sr.chain:
        return None
    leaf = sr.chain[0]
    return classify_name(leaf.common_name or sr.signer or "", leaf.organization or "")


def classify_name(cn: str, org: str = "") -> str:
    text = unicodedata.normalize("NFC", cn).strip()
    upper = text.upper()
    if org and unicodedata.normalize("NFC", org).strip().upper() == upper:
        return "organization"
    if any(word.strip() and (upper.startswith(word) or f" {word}" in f" {upper} ")
           for word in _ORG_WORDS):
        return "organization"
    letters = [c for c in text if c.isalpha()]
    if len(letters) > 3 and all(c.isupper() for c in letters):
        return "organization"
    return "person"
