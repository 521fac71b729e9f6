"""``vanthu read FILE... [--json]``: read documents (text layer or OCR) and print their fields."""

from __future__ import annotations

import json
from pathlib import Path

import typer

import ocr


def read_command(
    files: list[Path] = typer.Argument(..., help="PDF, PNG, JPEG or TIFF files"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object per file"),
    dpi: int = typer.Option(300, help="resolution for rendering pages to OCR"),
) -> None:
    """Đọc văn bản (lớp chữ hoặc OCR) và trích các trường — read documents and their fields."""
    failed = False
    for path in files:
        try:
            reading = ocr.read(path, dpi=dpi)
        except ocr.ReadError as exc:
            typer.echo(f"{path}: {exc.reason} ({exc.code})", err=True)
            failed = True
            continue
        if as_json:
            typer.echo(json.dumps(_as_json(path, reading), ensure_ascii=False))
        else:
            _print_text(path, reading)
    if failed:
        raise typer.Exit(2)


def _as_json(path: Path, reading: ocr.Reading) -> dict[str, object]:
    return {
        "file": str(path),
        "pages": len(reading.pages),
        "ocr_pages": reading.ocr_pages,
        "doc_type": reading.doc_type,
        "fields": {name: f.as_json() for name, f in reading.fields.items()},
        "text": reading.text,
    }


def _print_text(path: Path, reading: ocr.Reading) -> None:
    ocr_note = f", OCR: {reading.ocr_pages}" if reading.ocr_pages else ""
    typer.echo(f"{path} — {len(reading.pages)} page(s){ocr_note}")
    for name, f in reading.fields.items():
        value = "; ".join(f.value) if isinstance(f.value, list) else f.value
        typer.echo(f"  {name:<17} {f.confidence:4.2f}  {value if value is not None else '—'}")


def register(app: typer.Typer) -> None:
    app.command("read")(read_command)
