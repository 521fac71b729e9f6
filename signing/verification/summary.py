"""Final touches: per-signature summaries, the document verdict and its summary."""

from __future__ import annotations

from . import model as m
from .model import Report, SignatureReport
from .texts import document_summary, reason_pair, signature_summary


def finish_signature(sr: SignatureReport) -> None:
    quiet = ("dss_update", "metadata_changed", "document_timestamp")
    extra = [x.detail for x in sr.modifications if x.allowed and x.kind not in quiet]
    specific = None
    refused = [x for x in sr.modifications if not x.allowed]
    if sr.indication != m.TOTAL_PASSED:
        extra = []
        layout_ok = sr.coverage in ("entire_file", "entire_revision")
        if refused and sr.subindication == m.FORMAT_FAILURE and layout_ok:
            # say what changed, not the generic FORMAT_FAILURE wording
            specific = (
                "tài liệu bị thay đổi sau khi ký: " + "; ".join(x.detail_vi for x in refused[:3]),
                "the document was changed after signing: "
                + "; ".join(x.detail for x in refused[:3]),
            )
        elif sr.errors:
            extra = sr.errors[:1]
    sr.summary_vi, sr.summary_en = signature_summary(
        sr.type, sr.indication, sr.subindication, sr.signer, extra, specific
    )


def finish_report(report: Report) -> None:
    sigs = report.signatures
    if sigs:
        report.indication = m.worst([s.indication for s in sigs])
        first = next((s for s in sigs if s.indication == report.indication), None)
        report.subindication = first.subindication if first is not None else None
    elif report.indication == m.NO_SIGNATURE:
        report.subindication = None
    roles = {
        s.signer_role for s in sigs if s.type == "signature" and s.indication == m.TOTAL_PASSED
    }
    report.decree30_person = "person" in roles
    report.decree30_organization = "organization" in roles
    problem = ("", "")
    if report.indication not in (m.TOTAL_PASSED, m.NO_SIGNATURE):
        worst_sig = next((s for s in sigs if s.indication == report.indication), None)
        if worst_sig is not None and worst_sig.summary_vi:
            # the signature's own sentence already names what went wrong
            problem = (worst_sig.summary_vi, worst_sig.summary_en)
        else:
            vi, en = reason_pair(report.subindication)
            problem = (f"Lý do: {vi}." if vi else "", f"Reason: {en}." if en else "")
            if report.errors:
                problem = (problem[0], f"{problem[1]} ({report.errors[0]})")
    report.summary_vi, report.summary_en = document_summary(
        report.indication, len(sigs), report.decree30_person, report.decree30_organization,
        problem,
    )
