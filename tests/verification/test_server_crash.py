"""A server killed with SIGKILL during a verification leaves nothing behind that keeps its port
or outlives it (its forked verification workers used to hold the listening socket until their
document was done)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from . import docs


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_a_killed_server_frees_its_port_while_a_verification_is_running(tmp_path, signed):
    slow = docs.add_bomb_to_dss(signed, count=60)  # tens of seconds of decompression
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "VANTHU_DATA_DIR": str(tmp_path / "data"), "VANTHU_WORKERS": "0",
           "VANTHU_VERIFY_TIME_BUDGET_S": "40", "VANTHU_VERIFY_OFFLINE": "true"}
    env.pop("VANTHU_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "vanthu", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)

        def upload() -> None:
            try:
                httpx.post(f"http://127.0.0.1:{port}/api/verify", timeout=60,
                           files={"file": ("slow.pdf", slow, "application/pdf")})
            except httpx.TransportError:
                pass  # the server is killed under this request

        threading.Thread(target=upload, daemon=True).start()
        deadline = time.monotonic() + 30
        while not _children(server.pid):
            assert time.monotonic() < deadline, "verification never started a worker"
            time.sleep(0.1)
        time.sleep(1.0)
        workers = _children(server.pid)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) or not _port_free(port):
        assert time.monotonic() < deadline, (
            f"after 5 s: workers alive {[w for w in workers if _alive(w)]}, "
            f"port free {_port_free(port)}")
        time.sleep(0.1)
