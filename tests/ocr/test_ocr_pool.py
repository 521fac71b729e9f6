"""The page workers live and die with the process that reads: none is left behind, even when
that process is killed without a chance to shut its pool down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_READER = """
import io, sys, time
from PIL import Image
import ocr

if __name__ == "__main__":
    buf = io.BytesIO()
    Image.new("L", (600, 400), 255).save(buf, "PNG", dpi=(150, 150))
    ocr.read(buf.getvalue())  # an image: OCR'd by the page workers
    print("read", flush=True)
    if sys.argv[1] == "wait":
        time.sleep(120)
"""


def _parents() -> dict[int, int]:
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                out[int(entry)] = int(fields[1])
    return out


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    living = _parents()
    return {p for p in pids if p in living}


def _left_after(how: str) -> set[int]:
    proc = subprocess.Popen([sys.executable, "-c", _READER, how], stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)
    started: set[int] = set()
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "read"
        started = _descendants(proc.pid)
        assert started, "the image was read without any worker process"
        if how == "wait":
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 15
        while _alive(started) and time.monotonic() < deadline:
            time.sleep(0.2)
        return _alive(started)
    finally:
        proc.kill()
        proc.wait()
        for pid in _alive(started):  # leave nothing behind, whatever the outcome
            os.kill(pid, signal.SIGKILL)


def test_no_worker_outlives_a_killed_reader() -> None:
    assert _left_after("wait") == set()


def test_no_worker_outlives_a_reader_that_exits() -> None:
    assert _left_after("exit") == set()
