"""Verify one document in this process: structure → signatures → changes → verdicts.

Every stage is wrapped: whatever a parser or library raises becomes a reason in the report.
``isolate.py`` runs this under a hard time and memory limit.
"""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import pdf_embedded

from . import model as m
from .changes import analyse, check_byte_range
from .crypto import check_signature
from .embedded import load_embedded_data
from .judge import judge_changes, pades_level
from .model import Report, SignatureReport
from .roles import decree30_role
from .structure import is_pdf, raw_byte_ranges, revision_ends
from .summary import finish_report, finish_signature
from .trust import Trust


class Deadline:
    def __init__(self, budget_s: float) -> None:
        self.end = time.monotonic() + budget_s

    def left(self) -> float:
        return self.end - time.monotonic()


def verify_here(data: bytes, trust: Trust, deadline: Deadline | None = None) -> Report:
    started = time.perf_counter()
    deadline = deadline or Deadline(trust.time_budget_s)
    now = datetime.now(UTC)
    try:
        report = _verify(data, trust, deadline, now)
    except Exception as exc:  # noqa: BLE001 — last line of defence: never raise
        report = Report(m.INDETERMINATE, m.GENERIC)
        report.errors.append(f"verification stopped: {type(exc).__name__}: {exc}")
    report.validation_time = trust.fixed_time() or now
    finish_report(report)
    report.elapsed_s = round(time.perf_counter() - started, 4)
    return report


def _verify(data: bytes, trust: Trust, deadline: Deadline, now: datetime) -> Report:
    if not is_pdf(data):
        report = Report(m.TOTAL_FAILED, m.FORMAT_FAILURE)
        report.errors.append("the file is not a PDF document")
        return report
    eofs = revision_ends(data)
    raw_ranges = raw_byte_ranges(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        reader.root  # noqa: B018 — forces the catalog to be read now
    except Exception as exc:  # noqa: BLE001
        return _unreadable(data, raw_ranges, eofs, f"{type(exc).__name__}: {exc}")

    report = Report(m.NO_SIGNATURE, None)
    report.revisions = _safe(lambda: reader.xrefs.total_revisions)
    report.pages = _safe(lambda: int(reader.root["/Pages"]["/Count"]))
    embedded = load_embedded_data(reader)
    sigs, broken = _collect(reader, report)
    for name, reason in broken:
        sr = SignatureReport(name, "signature", m.TOTAL_FAILED, m.FORMAT_FAILURE)
        sr.errors.append(f"the signature cannot be read: {reason}")
        report.signatures.append(sr)
    if not sigs and not broken:
        if raw_ranges:
            report.warnings.append(
                f"{len(raw_ranges)} signature dictionary(ies) found in the bytes but not in the "
                "form: no reader shows them as signatures"
            )
        return report

    orphans = len(raw_ranges) - len(sigs) - len(broken)
    if orphans > 0:
        report.warnings.append(
            f"{orphans} signature dictionary(ies) in the file belong to no signature field: "
            "readers do not show them, and they were not checked"
        )
    cert_info = _safe(lambda: pdf_embedded.read_certification_data(reader))
    cert_rev = None
    if cert_info is not None:
        cert_rev = _safe(lambda: reader.xrefs.get_last_change(cert_info.author_sig.container_ref))
    analyses: dict[int, object] = {}
    doc_ts_revs = [e.signed_revision for e in sigs if e.sig_object_type == "/DocTimeStamp"]
    for emb in sigs:
        sr, signed_rev, end = _check_one(
            reader, data, emb, trust, embedded, eofs, now, deadline, analyses
        )
        docmdp = None
        if cert_info is not None and (cert_rev is None or signed_rev >= cert_rev):
            docmdp = _perm(cert_info)
        judge_changes(sr, docmdp, data, end, analyses.get(signed_rev), trust, deadline)
        if sr.type == "signature":
            sr.level = pades_level(emb, sr, embedded, doc_ts_revs)
            sr.signer_role = decree30_role(sr)
        if _is_certification(emb, cert_info):
            sr.certification = {1: "P1 no changes", 2: "P2 form filling and signing",
                                3: "P3 form filling, signing and annotations"}.get(
                _perm(cert_info) or 0, "certified")
        finish_signature(sr)
        report.signatures.append(sr)
    return report


def _check_one(reader, data, emb, trust, embedded, eofs, now, deadline, analyses):
    is_ts = emb.sig_object_type == "/DocTimeStamp"
    sr = SignatureReport(str(emb.field_name), "timestamp" if is_ts else "signature",
                         m.TOTAL_PASSED, None)
    sr.total_revisions = reader.xrefs.total_revisions
    sr.reason = _text(emb.sig_object, "/Reason")
    sr.location = _text(emb.sig_object, "/Location")
    br = _safe(lambda: [int(v) for v in emb.byte_range]) or []
    layout = check_byte_range(data, br, eofs)
    sr.coverage = layout.coverage
    # The revision is the one the signed bytes end with — not the one where the signature
    # dictionary last changed, which an edit after signing moves (pyHanko uses the latter).
    signed_rev = emb.signed_revision
    if layout.coverage in ("entire_file", "entire_revision") and layout.end is not None:
        signed_rev = _revision_ending_at(reader, layout.end, signed_rev)
    sr.revision = signed_rev + 1
    if layout.problems:
        sr.indication, sr.subindication = m.TOTAL_FAILED, m.FORMAT_FAILURE
        sr.errors.extend(layout.problems)
    res = check_signature(emb, trust, embedded, now)
    sr.intact = res.intact
    sr.chain, sr.anchor = res.chain, res.anchor
    sr.signing_time, sr.timestamp_time = res.signing_time, res.timestamp_time
    sr.revocation, sr.algorithms = res.revocation, res.algorithms
    sr.errors.extend(res.errors)
    sr.warnings.extend(res.warnings)
    if res.signer_cert is not None:
        sr.signer = _signer_name(res.signer_cert)
    # A lying byte range (structure) is the root cause; the crypto verdict only adds to it.
    if sr.indication == m.TOTAL_PASSED:
        sr.indication, sr.subindication = res.indication, res.subindication
    last = reader.xrefs.total_revisions - 1
    if layout.coverage in ("entire_file", "entire_revision") and signed_rev < last:
        if signed_rev not in analyses and deadline.left() > 0:
            try:
                analyses[signed_rev] = analyse(reader, signed_rev)
            except Exception as exc:  # noqa: BLE001
                sr.warnings.append(f"changes after signing could not be analysed: {exc}")
                analyses[signed_rev] = None
        if analyses.get(signed_rev) is None and sr.indication == m.TOTAL_PASSED:
            sr.indication, sr.subindication = m.INDETERMINATE, m.GENERIC
            sr.errors.append("the changes made after signing could not be judged in time")
    return sr, signed_rev, layout.end


def _revision_ending_at(reader, end: int, fallback: int) -> int:
    """The last revision whose cross-reference section lies inside the first ``end`` bytes."""
    xrefs = reader.xrefs
    found = None
    for rev in range(xrefs.total_revisions):
        try:
            if xrefs.get_xref_container_info(rev).end_location <= end:
                found = rev
        except Exception:  # noqa: BLE001
            continue
    return found if found is not None else fallback


def _collect(reader, report: Report):
    """Filled signature fields, each either parsed or listed as broken (never skipped)."""
    sigs, broken = [], []
    try:
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:  # noqa: BLE001
        report.errors.append(f"the form of signature fields cannot be read: {exc}")
        fields = []
    for fq_name, _sig_obj, sig_field in fields:
        try:
            sigs.append(pdf_embedded.EmbeddedPdfSignature(reader, sig_field, fq_name))
        except Exception as exc:  # noqa: BLE001
            broken.append((str(fq_name), f"{type(exc).__name__}: {exc}"))
    sigs.sort(key=lambda e: e.signed_revision)
    return sigs, broken


def _unreadable(data, raw_ranges, eofs, reason: str) -> Report:
    report = Report(m.TOTAL_FAILED, m.FORMAT_FAILURE)
    report.errors.append(f"the PDF cannot be read: {reason}")
    for i, (_offset, br) in enumerate(raw_ranges, start=1):
        sr = SignatureReport(f"signature {i} (unreadable)", "signature", m.TOTAL_FAILED,
                             m.FORMAT_FAILURE)
        sr.coverage = check_byte_range(data, br, eofs).coverage
        sr.errors.append("the document around this signature cannot be parsed")
        finish_signature(sr)
        report.signatures.append(sr)
    return report


def _is_certification(emb, cert_info) -> bool:
    if cert_info is None:
        return False
    try:
        return cert_info.author_sig.container_ref == emb.sig_object.container_ref or (
            cert_info.author_sig is emb.sig_object
        )
    except Exception:  # noqa: BLE001
        return False


def _signer_name(cert) -> str:
    try:
        name = cert.subject.native
        return name.get("common_name") or cert.subject.human_friendly
    except Exception:  # noqa: BLE001
        return "?"


def _text(obj, key: str) -> str | None:
    try:
        value = obj.get(key)
        return str(value) if value is not None else None
    except Exception:  # noqa: BLE001
        return None


def _safe(fn):
    try:
        return fn()
    except Exception:  # noqa: BLE001
        return None


def _perm(cert_info) -> int | None:
    try:
        value = cert_info.permission
        return int(getattr(value, "value", value))
    except Exception:  # noqa: BLE001
        return None
