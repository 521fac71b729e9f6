"""``vanthu demo-init``: the demo office."""

from __future__ import annotations

import typer

from vanthu.commands._common import fail, open_services
from vanthu.demo import init_demo


def demo_init() -> None:
    """Create the demo office (units, users, numbering books, the sample PKI) once."""
    services = open_services()
    try:
        result = init_demo(services)
    except FileNotFoundError as exc:
        fail(str(exc))
    if not result.created:
        typer.echo(f"the demo office exists already (users' passwords: {result.credentials_file})")
        return
    typer.echo("demo office created. Demo users (SAMPLE passwords, shown once):")
    for user, password in result.passwords.items():
        typer.echo(f"  {user:<12} {password}")
    typer.echo(f"kept in {result.credentials_file}")


def register(app: typer.Typer) -> None:
    app.command("demo-init")(demo_init)
