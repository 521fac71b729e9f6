"""Verdicts on changes after signing (DocMDP aware) and the PAdES level of a signature."""

from __future__ import annotations

from . import model as m
from .changes import VISIBLE_KINDS, ChangeAnalysis
from .model import Modification, SignatureReport
from .texts import vi_detail

# Info dictionary and XMP: every incremental writer refreshes them; readers do not show them.
_ALWAYS = {"dss_update", "document_timestamp", "metadata_changed"}


def permitted(kind: str, docmdp: int | None) -> bool:
    """May this change follow a signature under DocMDP permission ``docmdp`` (None: approval)?"""
    if kind in _ALWAYS:
        return True
    if kind in VISIBLE_KINDS or docmdp == 1:
        return False
    if kind in ("signature_added", "form_fill"):
        return True
    if kind in ("annotation_added", "annotation_changed"):
        return docmdp in (None, 3)
    if kind == "field_added":
        return docmdp is None
    return True  # metadata, catalog, invisible objects: reported as warnings


def judge_changes(
    sr: SignatureReport, docmdp: int | None, data: bytes, signed_end: int | None,
    analysis: ChangeAnalysis | None, trust, deadline,
) -> None:
    if analysis is None:
        return
    mods = list(analysis.modifications)
    if analysis.render_candidates:
        mods.extend(_render_checks(sr, data, signed_end, analysis, trust, deadline))
    for mod in mods:
        mod.allowed = permitted(mod.kind, docmdp)
    sr.modifications = _dedupe(mods)
    refused = [x for x in sr.modifications if not x.allowed]
    quiet = _ALWAYS | {"signature_added", "form_fill", "metadata_changed"}
    notable = [x for x in sr.modifications if x.allowed and x.kind not in quiet]
    for x in notable:
        sr.warnings.append(f"changed after signing (permitted): {x.detail}")
    if refused:
        for x in refused:
            sr.errors.append(f"changed after signing: {x.detail}")
        if sr.indication != m.TOTAL_FAILED:
            sr.indication, sr.subindication = m.TOTAL_FAILED, m.FORMAT_FAILURE


def _render_checks(sr, data, signed_end, analysis, trust, deadline) -> list[Modification]:
    out: list[Modification] = []
    if not trust.render_check:
        sr.warnings.append("objects used by signed pages changed; visual comparison is off")
        return out
    from .render import pages_differ

    for _idnum, old_ix, new_ix in analysis.render_candidates:
        if deadline.left() < 1.0 or signed_end is None:
            sr.warnings.append("not enough time left to compare the rendered pages")
            if sr.indication == m.TOTAL_PASSED:
                sr.indication, sr.subindication = m.INDETERMINATE, m.GENERIC
            break
        try:
            differ = pages_differ(data[:signed_end], old_ix, data, new_ix)
        except Exception as exc:  # noqa: BLE001
            sr.warnings.append(f"page {new_ix + 1} could not be rendered for comparison: {exc}")
            if sr.indication == m.TOTAL_PASSED:
                sr.indication, sr.subindication = m.INDETERMINATE, m.GENERIC
            continue
        page = new_ix + 1
        if differ:
            detail = f"signed page {page} looks different from the signed version"
            out.append(Modification("rendering_changed", page, detail,
                                    vi_detail("rendering_changed", page, detail)))
            break  # the verdict is settled; comparing the other pages would only cost time
        else:
            sr.warnings.append(
                f"objects used by page {page} changed, but the page looks the same as signed"
            )
    return out


def _dedupe(mods: list[Modification]) -> list[Modification]:
    seen = set()
    out = []
    for x in mods:
        key = (x.kind, x.page, x.detail)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def pades_level(emb, sr: SignatureReport, embedded, doc_ts_revs: list[int]) -> str | None:
    """PAdES baseline level as claimed by the document's structure (not its validity)."""
    try:
        subfilter = str(emb.sig_object.get("/SubFilter"))
    except Exception:  # noqa: BLE001
        return None
    prefix = "PAdES-B" if subfilter == "/ETSI.CAdES.detached" else "PKCS7-B"
    later_ts = [r for r in doc_ts_revs if r > emb.signed_revision]
    if sr.timestamp_time is None and not later_ts:
        level = "B"
    else:
        level = "T"
        if sr.revocation.source == "embedded" or _dss_covers(sr, embedded):
            level = "LT"
            if later_ts:
                level = "LTA"
    sr.long_term = level in ("LT", "LTA") and sr.indication == m.TOTAL_PASSED
    return f"{prefix}-{level}"


def _dss_covers(sr: SignatureReport, embedded) -> bool:
    """True when the DSS holds revocation data for the signer's issuer."""
    if not sr.chain or not (embedded.crls or embedded.ocsps):
        return False
    issuer = sr.chain[0].issuer  # the chain is listed signer first
    for crl in embedded.crls:
        try:
            if crl["tbs_cert_list"]["issuer"].human_friendly == issuer:
                return True
        except Exception:  # noqa: BLE001
            continue
    return bool(embedded.ocsps)
