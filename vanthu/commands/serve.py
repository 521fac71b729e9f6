"""``vanthu serve``: run the web service."""

from __future__ import annotations

import typer
import uvicorn

from vanthu.settings import load_settings


def serve(
    host: str = typer.Option(None, help="Address to listen on (default: settings, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default: settings, 8000)."),
) -> None:
    """Serve the web app and API (migrations are applied at start)."""
    from vanthu.app import create_app

    settings = load_settings()
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
