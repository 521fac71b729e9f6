"""``vanthu tokens list --module PATH``: slots, certificates and keys of a PKCS#11 token."""

from __future__ import annotations

from pathlib import Path

import typer

from signing.cliargs import read_secret_file
from signing.errors import SigningError
from signing.tokens import list_tokens

tokens_app = typer.Typer(help="PKCS#11 tokens (USB keys, HSMs).", no_args_is_help=True)


@tokens_app.command("list")
def list_command(
    module: Path = typer.Option(..., "--module", help="PKCS#11 module (.so) of the token."),
    pin_file: Path | None = typer.Option(
        None, "--pin-file", help="File holding the PIN; without it private keys stay hidden."
    ),
) -> None:
    """List every slot, and the certificates and keys on each token."""
    try:
        slots = list_tokens(module, read_secret_file(pin_file))
    except SigningError as e:
        typer.echo(f"vanthu: {e.code}: {e}", err=True)
        raise typer.Exit(2) from None
    if not slots:
        typer.echo("no slots")
    for s in slots:
        label = s.token_label if s.token_label is not None else "(no token)"
        typer.echo(
            f"slot {s.slot_id}: {s.description} — token '{label}'"
            + (f" [{s.error}]" if s.error else "")
        )
        for o in s.objects:
            typer.echo(f"  {o.kind:<12} label={o.label!r} id={o.id_hex or '-'}  {o.detail}")
        if s.token_label and not s.logged_in and not s.error:
            typer.echo("  (private keys are shown only with --pin-file)")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")
