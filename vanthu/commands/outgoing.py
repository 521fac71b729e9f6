"""``vanthu outgoing submit|sign|issue|register``: the outgoing workflow for scripted use.

Thin: the logic is in ``signing.workflow``. ``--as USER`` names who acts (the drafter, the
signer, the clerk); the same role and ownership rules as the HTTP API apply.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from registry import RegistryError
from registry.org import Role, User, has_role, user_by_name
from signing.cliargs import read_secret_file
from signing.errors import SigningError
from signing.workflow import approve
from signing.workflow.config import from_settings
from signing.workflow.errors import WorkflowError
from signing.workflow.issue import issue
from signing.workflow.register import outgoing_register
from signing.workflow.submit import Appendix, Draft, submit
from signing.workflow.views import document_json
from vanthu.commands._common import fail, open_services

outgoing_app = typer.Typer(help="Outgoing documents: submit, sign, issue.",
                           no_args_is_help=True)


def _acting(services, username: str, *roles: Role) -> User:  # noqa: ANN001
    with services.sessions() as session:
        try:
            user = user_by_name(session, username)
        except RegistryError as e:
            fail(str(e))
    if not user.active or not any(has_role(user, r) for r in (*roles, Role.ADMIN)):
        fail(f"{username} may not do this (needs the role {' or '.join(roles)})")
    return user


def _emit(as_json: bool, payload: dict, line: str) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False) if as_json else line)


def _error(as_json: bool, e: Exception) -> None:
    code = getattr(e, "code", "error")
    if as_json:
        typer.echo(json.dumps({"ok": False, "code": code, "message": str(e)},
                              ensure_ascii=False))
        raise typer.Exit(1)
    fail(f"{code}: {e}", 1)


@outgoing_app.command("submit")
def submit_command(
    draft: Path = typer.Argument(..., help="The final draft PDF."),
    doc_type: str = typer.Option(..., "--type", help="Type abbreviation: QĐ, TB, KH, CV, …"),
    subject: str = typer.Option(..., "--subject", help="The abstract (trích yếu)."),
    signer: str = typer.Option(..., "--signer", help="Username of the competent person."),
    recipient: list[str] = typer.Option([], "--recipient", help="Nơi nhận; repeatable."),
    urgency: str = typer.Option("normal", "--urgency", help="normal, khan, thuong_khan, hoa_toc"),
    appendix: list[Path] = typer.Option([], "--appendix", help="Appendix PDF; repeatable."),
    book_kind: str = typer.Option("outgoing", "--book-kind", help="outgoing, legal, advisory"),
    acting: str = typer.Option(..., "--as", help="Username of the drafter."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Submit a draft; it is prepared (fields, number and date blanks, QR code) or refused."""
    services = open_services()
    user = _acting(services, acting, Role.SPECIALIST, Role.LEADER, Role.CLERK)
    cfg = from_settings(services.settings)
    try:
        doc = submit(services, cfg, user, Draft(
            pdf=draft.read_bytes(), doc_type=doc_type, subject=subject, signer=signer,
            recipients=recipient, urgency=urgency, book_kind=book_kind,
            appendices=[Appendix(p.name, p.read_bytes()) for p in appendix]))
    except (WorkflowError, SigningError, RegistryError, OSError) as e:
        _error(as_json, e)
    _emit(as_json, {"ok": True, **document_json(doc, cfg)},
          f"document {doc.id} prepared, waiting for {signer}'s signature")


@outgoing_app.command("sign")
def sign_command(
    ids: list[int] = typer.Argument(..., help="Documents to sign (one batch, one key unlock)."),
    acting: str = typer.Option(..., "--as", help="Username of the signer (the key's owner)."),
    secret_file: Path | None = typer.Option(None, "--secret-file",
                                            help="File holding the key password or token PIN."),
    credential: str | None = typer.Option(None, "--credential", help="Credential label."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Sign waiting documents with your own key."""
    services = open_services()
    user = _acting(services, acting, Role.SIGNER)
    try:
        outcomes = approve.sign_documents(services, from_settings(services.settings), user, ids,
                                          read_secret_file(secret_file), credential)
    except (WorkflowError, SigningError, RegistryError) as e:
        _error(as_json, e)
    for o in outcomes:
        line = f"document {o.doc_id}: " + ("signed" if o.ok else f"{o.code}: {o.message}")
        if o.issued:
            line += f", issued as {o.number}"
        _emit(as_json, o.as_json(), line)
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


@outgoing_app.command("issue")
def issue_command(
    ids: list[int] = typer.Argument(..., help="Signed documents to issue, in this order."),
    acting: str = typer.Option(..., "--as", help="Username of the clerk."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Number, date, seal and register signed documents."""
    services = open_services()
    user = _acting(services, acting, Role.CLERK)
    cfg = from_settings(services.settings)
    failed = False
    for doc_id in ids:
        try:
            r = issue(services, cfg, user.username, doc_id)
        except (WorkflowError, SigningError, RegistryError) as e:
            failed = True
            _emit(as_json, {"ok": False, "id": doc_id, "code": getattr(e, "code", "error"),
                            "message": str(e)}, f"document {doc_id}: {e}")
            continue
        _emit(as_json, {"ok": True, **r.as_json()},
              f"document {doc_id} issued as {r.number_symbol} on {r.issued_date:%d/%m/%Y}")
    if failed:
        raise typer.Exit(1)


@outgoing_app.command("register")
def register_command(
    date_from: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD."),
    date_to: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD."),
    out: Path = typer.Option(..., "--out", help="File to write; .csv, .xlsx or .pdf."),
    book: str | None = typer.Option(None, "--book", help="Only this numbering book."),
) -> None:
    """Write the outgoing register (Sổ đăng ký văn bản đi) for a period."""
    from intake import register_files

    try:
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    except ValueError as e:
        fail(f"dates are YYYY-MM-DD: {e}")
    services = open_services()
    with services.sessions() as session:
        register = outgoing_register(session, start, end, book)
    s = services.settings
    writers = {".csv": lambda: register_files.to_csv(register),
               ".xlsx": lambda: register_files.to_xlsx(register),
               ".pdf": lambda: register_files.to_pdf(register, s.organization_name,
                                                     s.parent_organization)}
    if out.suffix.lower() not in writers:
        fail("--out must end in .csv, .xlsx or .pdf")
    out.write_bytes(writers[out.suffix.lower()]())
    typer.echo(f"{out}: {len(register.rows)} entries")


def register(app: typer.Typer) -> None:
    app.add_typer(outgoing_app, name="outgoing")
