"""Verifying files from disk, as the command line does: reading, exit codes, text lines."""

from __future__ import annotations

from pathlib import Path

from . import model as m
from .isolate import verify_isolated
from .model import Report
from .trust import Trust


def verify_file(path: Path, trust: Trust, max_bytes: int | None = None) -> Report:
    """A report even when the file cannot be read (TOTAL-FAILED, FORMAT_FAILURE, the reason)."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            return _failed(f"the file is {size} bytes; the limit is {max_bytes}")
        data = path.read_bytes()
    except OSError as exc:
        return _failed(f"the file cannot be read: {exc.strerror or exc}")
    return verify_isolated(data, trust)


def _failed(reason: str) -> Report:
    from .summary import finish_report

    report = Report(m.TOTAL_FAILED, m.FORMAT_FAILURE)
    report.errors.append(reason)
    finish_report(report)
    return report


def exit_code(reports: list[Report]) -> int:
    """0 when every file is TOTAL-PASSED, 1 when any is TOTAL-FAILED, 2 otherwise."""
    if any(r.indication == m.TOTAL_FAILED for r in reports):
        return 1
    if reports and all(r.indication == m.TOTAL_PASSED for r in reports):
        return 0
    return 2


def text_lines(name: str, report: Report) -> list[str]:
    head = report.indication + (f" / {report.subindication}" if report.subindication else "")
    lines = [f"{name}: {head}", f"  {report.summary_vi}", f"  {report.summary_en}"]
    for sig in report.signatures:
        sub = f" / {sig.subindication}" if sig.subindication else ""
        who = sig.signer or "?"
        lines.append(f"  - {sig.type} {sig.field!r} by {who}: {sig.indication}{sub}"
                     f" [{sig.level or '-'}; coverage {sig.coverage}]")
        for mod in sig.modifications:
            mark = "ok" if mod.allowed else "NOT ALLOWED"
            lines.append(f"      changed after signing ({mark}): {mod.detail}")
        for err in sig.errors:
            lines.append(f"      error: {err}")
        for warn in sig.warnings:
            lines.append(f"      warning: {warn}")
    for err in report.errors:
        lines.append(f"  error: {err}")
    return lines
