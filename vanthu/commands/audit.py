"""``vanthu audit verify``: recompute the audit chain."""

from __future__ import annotations

import typer

from registry.audit import verify_chain
from vanthu.commands._common import open_services

audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Recompute every link; exit 1 and name the first broken event if the log was altered."""
    services = open_services()
    with services.sessions() as session:
        report = verify_chain(session)
    if report.ok:
        typer.echo(f"audit chain intact: {report.events} events")
        return
    typer.echo(
        f"audit chain BROKEN at event {report.broken_at}: {report.reason} "
        f"({report.events} events before it hold)",
        err=True,
    )
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
