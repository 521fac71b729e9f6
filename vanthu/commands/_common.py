"""What the command modules share: loading settings and services once per command."""

from __future__ import annotations

import typer

from vanthu.services import Services, build_services
from vanthu.settings import load_settings


def open_services(migrate: bool = True) -> Services:
    try:
        settings = load_settings()
    except Exception as exc:  # a bad config file or variable: say which, not a traceback
        fail(f"configuration error: {exc}")
    return build_services(settings, migrate=migrate)


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"vanthu: {message}", err=True)
    raise typer.Exit(code)
