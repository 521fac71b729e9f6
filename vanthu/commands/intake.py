"""``vanthu intake``, ``vanthu incoming show``, ``vanthu worker``, ``vanthu watch``."""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import typer

from intake.receive import Upload, receive
from intake.review import get_document
from intake.views import document_json
from intake.watch import files_under, watch
from intake.worker import WorkerPool, drain
from registry import RegistryError
from vanthu.commands._common import fail, open_services

incoming_app = typer.Typer(help="The incoming register.", no_args_is_help=True)


def intake(
    paths: list[Path] = typer.Argument(..., help="Files, or folders to take every file from."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file and line."),
    paper: bool = typer.Option(False, "--paper", help="These are scans of paper documents."),
    read: bool = typer.Option(False, "--read", help="Also read and verify them now."),
) -> None:
    """Receive documents: each gets its arrival number. Safe to run again on the same files."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    files = list(files_under(paths))
    services = open_services()
    counts: Counter[str] = Counter()
    rows = []
    with typer.progressbar(files, label="Tiếp nhận", file=None if not as_json else _null(),
                           show_pos=True) as bar:
        for path in bar:
            try:
                data = path.read_bytes()
            except OSError as exc:
                rows.append({"file": str(path), "id": None, "arrival_number": None,
                             "status": "refused", "duplicate_of": None, "error": exc.strerror})
                counts["refused"] += 1
                continue
            receipt = receive(services, Upload(path.name, data,
                                               channel="paper" if paper else "electronic"), "cli")
            row = receipt.as_json()
            row["file"] = str(path)
            rows.append(row)
            counts[receipt.status] += 1
    if read:
        drain(services)
    if as_json:
        for row in rows:
            typer.echo(json.dumps({k: row[k] for k in ("file", "id", "arrival_number", "status",
                                                        "duplicate_of", "error")},
                                  ensure_ascii=False))
    else:
        typer.echo(f"\n{'file':<40} {'số đến':>7}  status")
        for row in rows:
            number = row["arrival_number"] or ""
            extra = row["error"] or (f"duplicate of #{row['duplicate_of']}"
                                     if row["duplicate_of"] else "")
            typer.echo(f"{Path(row['file']).name[:40]:<40} {number!s:>7}  {row['status']} {extra}")
        typer.echo(f"{counts['registered']} registered, {counts['duplicate']} duplicates, "
                   f"{counts['refused']} refused")
    if counts["refused"]:
        raise typer.Exit(2)


def _null():  # noqa: ANN202
    import io

    return io.StringIO()


@incoming_app.command("show")
def show(
    doc_id: int,
    as_json: bool = typer.Option(False, "--json", help="The entry as one JSON object."),
    text: bool = typer.Option(False, "--text", help="Include the document's text."),
) -> None:
    """Show a register entry: fields with confidences, signature verdicts, routing."""
    services = open_services()
    with services.sessions() as session:
        try:
            entry = document_json(session, get_document(session, doc_id), with_text=text)
        except RegistryError as exc:
            fail(str(exc))
    if as_json:
        typer.echo(json.dumps(entry, ensure_ascii=False))
        return
    typer.echo(f"Số đến {entry['arrival_number']}/{entry['arrival_year']}  ({entry['status']})")
    for name, field in entry["fields"].items():
        conf = field["confidence"]
        mark = " ?" if conf is not None and conf < 0.9 else ""
        typer.echo(f"  {name:<18} {field['value']!s:<60}{mark}")
    sig = entry["signatures"]
    typer.echo(f"  signatures         {sig['indication'] or 'not checked yet'}")


@incoming_app.command("train")
def train_units() -> None:
    """Retrain the unit suggestions from the register's routed documents."""
    from intake.suggest import MIN_EXAMPLES, train

    learned = train(open_services())
    if not learned:
        fail(f"not enough routed documents to learn from (at least {MIN_EXAMPLES}, two units)")
    typer.echo(f"learned from {learned} routed documents")


def worker(threads: int = typer.Option(2, help="Worker threads.")) -> None:
    """Run the background jobs (reading, verification) until interrupted."""
    services = open_services()
    pool = WorkerPool(services, threads).start()
    typer.echo(f"worker running with {threads} threads; Ctrl-C to stop")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pool.stop()


def watch_folder(
    folder: Path = typer.Argument(..., help="The folder the scanner writes to."),
    interval: float = typer.Option(2.0, help="Seconds between looks."),
) -> None:
    """Receive every file that a network scanner drops into FOLDER (as paper scans)."""
    if not folder.is_dir():
        fail(f"{folder} is not a folder")
    services = open_services()

    def report(receipt) -> None:  # noqa: ANN001
        typer.echo(json.dumps(receipt.as_json(), ensure_ascii=False))

    try:
        watch(services, folder, interval=interval, on_receipt=report)
    except KeyboardInterrupt:
        pass


def register(app: typer.Typer) -> None:
    app.command("intake")(intake)
    app.command("worker")(worker)
    app.command("watch")(watch_folder)
    app.add_typer(incoming_app, name="incoming")
