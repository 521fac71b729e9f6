"""The loopback TSA, OCSP responder and CRL repositories (certomancer's Animator).

The WSGI app is certomancer's Animator plus a /healthz endpoint that says which root it
serves, so a caller can tell our server from a stale one left over from an older
generation (its certificates would not chain to the current manifest's root).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import CertLabel, PKIArchitecture

from . import fastsign
from .build import load_arch, pki_fingerprint
from .errors import SamplePKIError
from .identities import AUTHORITIES, SIGNERS, TRUSTED_ROOT
from .paths import ARCH_LABEL, DEFAULT_HOST, DEFAULT_PORT, GENERATED_DIR, HEALTH_PATH, SAMPLE_DIR

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
SERVE_SCRIPT = SAMPLE_DIR / "serve.py"


class _WithHealth:
    """WSGI middleware: answer /healthz, pass everything else to the Animator."""

    def __init__(self, app: Animator, health: dict[str, Any]):
        self._app = app
        self._health = json.dumps(health).encode()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(self._health)))])
            return [self._health]
        return self._app(environ, start_response)


def _prewarm(arch: PKIArchitecture) -> None:
    # certomancer builds certificates lazily; doing it now keeps the first request fast
    for label in [*AUTHORITIES, *(s.label for s in SIGNERS)]:
        arch.get_cert(CertLabel(label))


def build_app(out_dir: Path = GENERATED_DIR, with_web_ui: bool = False):
    if not (out_dir / "keys").is_dir():
        raise SamplePKIError(f"no keys in {out_dir}; run `python certs-sample/generate.py`")
    fastsign.install()
    arch = load_arch(out_dir)
    _prewarm(arch)
    health = {
        "status": "ok",
        "arch": ARCH_LABEL,
        "root_sha256": arch.get_cert(CertLabel(TRUSTED_ROOT)).sha256.hex(),
        "pki_fingerprint": pki_fingerprint(out_dir),
        "pid": os.getpid(),
    }
    animator = Animator(AnimatorArchStore({arch.arch_label: arch}), with_web_ui=with_web_ui)
    return _WithHealth(animator, health)


def check_loopback(host: str) -> None:
    if host not in LOOPBACK_HOSTS:
        raise SamplePKIError(f"refusing to listen on {host!r}: the sample PKI is loopback only "
                             f"({', '.join(LOOPBACK_HOSTS)})")


def serve_forever(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                  out_dir: Path = GENERATED_DIR, with_web_ui: bool = False,
                  verbose: bool = False) -> None:
    """Run in the foreground until SIGINT/SIGTERM."""
    from werkzeug.serving import make_server

    check_loopback(host)
    app = build_app(out_dir, with_web_ui=with_web_ui)
    logging.getLogger("werkzeug").setLevel(logging.INFO if verbose else logging.WARNING)
    server = make_server(host, port, app, threaded=True)

    def _stop(signum, frame):  # werkzeug's serve_forever exits cleanly on KeyboardInterrupt
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    print(f"sample PKI services on http://{host}:{port} (pid {os.getpid()})", flush=True)
    server.serve_forever()


def probe(base_url: str, timeout: float = 1.0) -> dict[str, Any] | None:
    """The health document if our server answers at base_url, else None."""
    try:
        with urllib.request.urlopen(base_url + HEALTH_PATH, timeout=timeout) as resp:
            data = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("status") == "ok" else None


def port_in_use(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def start_background(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                     log_path: Path | None = None, timeout: float = 60.0,
                     out_dir: Path = GENERATED_DIR) -> subprocess.Popen:
    """Start serve.py as a child process and wait until /healthz answers."""
    check_loopback(host)
    if port_in_use(host, port):
        raise SamplePKIError(f"{host}:{port} is already in use")
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    cmd = [sys.executable, str(SERVE_SCRIPT), "--host", host, "--port", str(port),
           "--out", str(out_dir)]
    # own session: a Ctrl-C in the caller's terminal does not reach it; we stop it ourselves
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    if log_path:
        log.close()  # type: ignore[union-attr]
    base = f"http://{host}:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SamplePKIError(f"serve.py exited with code {proc.returncode} before it was "
                                 f"ready" + (f"; see {log_path}" if log_path else ""))
        if probe(base, timeout=0.5):
            return proc
        time.sleep(0.1)
    stop_process(proc.pid)
    raise SamplePKIError(f"serve.py did not answer on {base} within {timeout:.0f} s")


def _gone(pid: int) -> bool:
    """True once pid has exited; a zombie waiting for its parent to reap it counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def stop_process(pid: int, timeout: float = 10.0) -> bool:
    """SIGTERM, wait, then SIGKILL. Returns False if there was no such process."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
            if finished == pid:
                return True
        except ChildProcessError:
            if _gone(pid):
                return True
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return True
