"""``vanthu users add|list``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from registry import RegistryError
from registry.audit import append
from registry.org import Role, add_user, list_users, unit_by_code
from vanthu.commands._common import fail, open_services

users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)


@users_app.command("add")
def add(
    username: str,
    name: str = typer.Option(..., "--name", help="Full name, e.g. 'Nguyễn Thị Lan'."),
    role: list[Role] = typer.Option(..., "--role", help="Role; repeat for several."),
    unit: str = typer.Option(None, "--unit", help="Code of the user's unit."),
    title: str = typer.Option("", "--title", help="Position, e.g. 'Chánh Văn phòng'."),
    password_file: Path = typer.Option(
        None, "--password-file", help="File holding the password (else you are asked for it)."
    ),
) -> None:
    """Add a user. The password comes from a file or a prompt, never the command line."""
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            fail(f"cannot read the password file: {exc.strerror}")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    services = open_services()
    try:
        with services.transaction() as session:
            home = unit_by_code(session, unit) if unit else None
            user = add_user(
                session, username, name, [r.value for r in role],
                password=password, unit=home, title=title,
            )
            append(session, "cli", "user.added", "user", user.id,
                   {"username": user.username, "roles": user.role_names(), "unit": unit})
    except RegistryError as exc:
        fail(str(exc))
    typer.echo(f"added {user.username} ({', '.join(user.role_names())})")


@users_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="One JSON object per user.")) -> None:
    """List users with their unit and roles."""
    services = open_services()
    with services.sessions() as session:
        for user in list_users(session):
            row = {
                "username": user.username,
                "name": user.full_name,
                "title": user.title,
                "unit": user.unit.code if user.unit else None,
                "roles": user.role_names(),
                "active": user.active,
            }
            if as_json:
                typer.echo(json.dumps(row, ensure_ascii=False))
            else:
                typer.echo(
                    f"{row['username']:<16} {row['name']:<28} {row['unit'] or '-':<8} "
                    f"{','.join(row['roles'])}"
                )


@users_app.command("token")
def token(
    username: str,
    name: str = typer.Option("api", "--name", help="What the token is for."),
) -> None:
    """Issue an API token for a user; it is shown once (only its hash is kept)."""
    from registry.org import ApiToken, user_by_name
    from vanthu.auth import new_token

    services = open_services()
    try:
        with services.transaction() as session:
            user = user_by_name(session, username)
            secret, digest = new_token()
            session.add(ApiToken(user_id=user.id, name=name, token_sha256=digest))
            append(session, "cli", "user.token_issued", "user", user.id, {"name": name})
    except RegistryError as exc:
        fail(str(exc))
    typer.echo(secret)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
