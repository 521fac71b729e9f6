"""Share one loopback server between concurrent test sessions.

The port is fixed (the certificates name it), and several pytest sessions may run at the
same time on one machine. Each session holds a lease while it uses the server; the server
a session started is stopped by whichever session leaves last. A server started by hand
(`make run`, serve.py) is never stopped by a test session.
"""

from __future__ import annotations

import fcntl
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import SamplePKIError
from .manifest import read_manifest
from .paths import DEFAULT_HOST, DEFAULT_PORT, GENERATED_DIR
from .service import port_in_use, probe, start_background, stop_process

_lease_numbers = itertools.count()


@dataclass(frozen=True)
class ServiceLease:
    base_url: str
    server_pid: int | None
    lease_file: Path
    started_here: bool


def _state_dir(out_dir: Path) -> Path:
    d = out_dir / ".services"
    (d / "leases").mkdir(parents=True, exist_ok=True)
    return d


@contextmanager
def _locked(state: Path) -> Iterator[None]:
    with open(state / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _live_leases(state: Path) -> list[Path]:
    live = []
    for f in (state / "leases").iterdir():
        try:
            pid = int(f.name.split("-", 1)[0])  # "<pid>-<n>": one file per acquire
        except ValueError:
            continue
        if _alive(pid):
            live.append(f)
        else:
            f.unlink(missing_ok=True)  # a session that crashed without cleaning up
    return live


def acquire(out_dir: Path = GENERATED_DIR, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
            log_path: Path | None = None) -> ServiceLease:
    """Make sure our server answers on host:port and register this process as a user."""
    state = _state_dir(out_dir)
    base = f"http://{host}:{port}"
    expected = read_manifest(out_dir).get("pki_fingerprint")
    with _locked(state):
        health = probe(base)
        if health is not None and health.get("pki_fingerprint") != expected:
            _stop_stale_orphan(state, health)
            health = probe(base)
        started_here = False
        if health is None:
            if port_in_use(host, port):
                raise SamplePKIError(f"{host}:{port} is taken by something that is not the "
                                     f"sample PKI server; free the port")
            proc = start_background(host, port, log_path=log_path, out_dir=out_dir)
            (state / "fixture-server.pid").write_text(f"{proc.pid}\n")
            health = probe(base) or {}
            started_here = True
        if health.get("pki_fingerprint") != expected:
            raise SamplePKIError(
                f"the server on {base} (pid {health.get('pid')}) serves another generation "
                f"of the sample PKI than {out_dir}/manifest.json; stop it "
                f"(python certs-sample/serve.py --stop --pidfile ... or kill {health.get('pid')})"
                " and run again"
            )
        # one file per acquire: a process may hold several leases (fixture copies)
        lease = state / "leases" / f"{os.getpid()}-{next(_lease_numbers)}"
        lease.write_text(base + "\n")
        return ServiceLease(base_url=base, server_pid=health.get("pid"), lease_file=lease,
                            started_here=started_here)


def _stop_stale_orphan(state: Path, health: dict) -> None:
    """A server a test session started, serving an older generation, that no session
    uses any more (its starter was killed before teardown): replace it."""
    pid_file = state / "fixture-server.pid"
    if _live_leases(state) or not pid_file.exists():
        return  # in use, or started by hand: leave it alone
    if int(pid_file.read_text().strip()) != health.get("pid"):
        return
    pid_file.unlink()
    stop_process(int(health["pid"]))


def adopt(pid: int, out_dir: Path = GENERATED_DIR) -> None:
    """Take a test-started server over for a human (serve.py --background found it
    running): test sessions will no longer stop it."""
    state = _state_dir(out_dir)
    with _locked(state):
        pid_file = state / "fixture-server.pid"
        if pid_file.exists() and pid_file.read_text().strip() == str(pid):
            pid_file.unlink()


def release(lease: ServiceLease, out_dir: Path = GENERATED_DIR) -> bool:
    """Drop the lease; stop a test-started server if nobody uses it any more.

    Returns True if this call stopped the server.
    """
    state = _state_dir(out_dir)
    with _locked(state):
        lease.lease_file.unlink(missing_ok=True)
        if _live_leases(state):
            return False
        pid_file = state / "fixture-server.pid"
        if not pid_file.exists():
            return False  # started by hand: not ours to stop
        pid = int(pid_file.read_text().strip())
        pid_file.unlink()
        return stop_process(pid)
