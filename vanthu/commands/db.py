"""``vanthu db upgrade|status``: the database schema."""

from __future__ import annotations

import typer

from registry import db
from vanthu.commands._common import open_services

db_app = typer.Typer(help="Database schema (migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration (safe to run again)."""
    services = open_services(migrate=False)
    before = db.current_revision(services.engine)
    db.upgrade(services.engine)
    after = db.current_revision(services.engine)
    if before == after:
        typer.echo(f"schema {after}, up to date")
    else:
        typer.echo(f"schema {before or 'empty'} -> {after}")


@db_app.command("status")
def status() -> None:
    """Show the schema revision of the database and the newest one known."""
    services = open_services(migrate=False)
    current = db.current_revision(services.engine) or "empty"
    typer.echo(f"database: {current}; newest: {db.head_revision()}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
