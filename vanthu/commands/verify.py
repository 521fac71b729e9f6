"""``vanthu verify FILE...``: check the signatures of PDF files; the logic is in the slice."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from signing.verification import Trust, TrustStoreError, parse_at
from signing.verification.batch import exit_code, text_lines, verify_file
from vanthu.commands._common import fail
from vanthu.settings import load_settings


def verify_command(
    files: list[Path] = typer.Argument(..., help="PDF files to verify."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file per line."),
    trust_paths: list[Path] = typer.Option(
        [], "--trust", help="Extra trust anchor file or folder (PEM/DER/P7B); repeatable."
    ),
    at: str = typer.Option("now", "--at", help="Validation time: now, signing or an ISO time."),
    offline: bool = typer.Option(
        False, "--offline", help="Use only revocation data embedded in the files."
    ),
) -> None:
    """Verify every signature and timestamp. Exit 0: all TOTAL-PASSED; 1: any TOTAL-FAILED;
    2: otherwise (indeterminate, no signature)."""
    try:
        settings = load_settings()
    except Exception as exc:  # noqa: BLE001 — a bad config: say which, not a traceback
        fail(f"configuration error: {exc}")
    folders = [settings.trust_dir] if settings.trust_dir.is_dir() else []
    try:
        trust = Trust.load(
            folders,
            extra=trust_paths,
            at=parse_at(at),
            offline=offline or settings.verify_offline,
            time_budget_s=settings.verify_time_budget_s,
        )
    except TrustStoreError as exc:
        fail(str(exc))
    if not trust.anchors:
        typer.echo(
            f"vanthu: warning: no trust anchors ({settings.trust_dir} is missing; use --trust)",
            err=True,
        )
    reports = []
    for path in files:
        report = verify_file(path, trust, settings.verify_max_bytes)
        reports.append(report)
        if as_json:
            typer.echo(json.dumps(report.to_brief_dict(str(path)), ensure_ascii=False))
        else:
            typer.echo("\n".join(text_lines(str(path), report)))
    raise typer.Exit(exit_code(reports))


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_command)
