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
    typer.echo(f"schema {before or 'empty'} -> {after}" if before != after else f"schema {after}, up to date")


@db_app.command("status")
def status() -> None:
    """Show the schema revision of the database and the newest one known."""
    services = open_services(migrate=False)
    typer.echo(f"database: {db.current_revision(services.engine) or 'empty'}; newest: {db.head_revision()}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
