"""The ``vanthu`` command line.

Each module in ``vanthu.commands`` adds its own commands through ``register(app)``, so that every
slice's commands live beside one another without one file that knows them all.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import vanthu.commands

app = typer.Typer(
    name="vanthu",
    help="vanthu — tiếp nhận văn bản đến và ký số văn bản đi (document intake and signing).",
    no_args_is_help=True,
    add_completion=False,
)


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(vanthu.commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"vanthu.commands.{info.name}")
        module.register(app)


_load_commands()


def main() -> None:
    app()
