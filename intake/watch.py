"""A watched folder for a network scanner: every file that lands there is received.

A file is taken once its size has stopped changing between two looks (the scanner finished
writing). Then it moves to ``.received/`` (or ``.refused/`` beside a ``.reason`` note), so that a
restart never receives it twice — and a file received before is still reported as a duplicate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from intake.receive import Receipt, Upload, receive

DONE, REFUSED = ".received", ".refused"


def files_under(paths: list[Path]) -> Iterator[Path]:
    """Files named, and files in folders named (recursively, hidden ones skipped), sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def _move(path: Path, folder: str, note: str | None = None) -> None:
    target_dir = path.parent / folder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        target = target_dir / f"{path.stem}-{n}{path.suffix}"
        n += 1
    path.rename(target)
    if note:
        target.with_name(target.name + ".reason").write_text(note + "\n", encoding="utf-8")


def watch(
    services,
    folder: Path,
    actor: str = "scanner",
    interval: float = 2.0,  # noqa: ANN001
    on_receipt: Callable[[Receipt], None] = lambda r: None,
    stop: Callable[[], bool] = lambda: False,
    channel: str = "paper",
) -> None:
    sizes: dict[Path, int] = {}
    while not stop():
        for path in sorted(
            p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
        ):
            size = path.stat().st_size
            if sizes.get(path) != size:
                sizes[path] = size  # still being written, or new: look again next time
                continue
            receipt = receive(
                services, Upload(path.name, path.read_bytes(), channel=channel), actor
            )
            on_receipt(receipt)
            sizes.pop(path, None)
            if receipt.status == "refused":
                _move(path, REFUSED, receipt.error)
            else:
                _move(path, DONE)
        time.sleep(interval)
