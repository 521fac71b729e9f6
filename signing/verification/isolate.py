"""Run verifications under a hard time budget and a memory cap, in warm worker processes.

Cooperative deadlines cannot stop a parser stuck in a loop, so on POSIX the work runs in forked
worker processes with ``RLIMIT_AS`` set. Workers are kept between documents (forking per
document costs more than verifying: Python's reference counting makes the child copy most of
the parent's pages); a worker that overruns its budget is killed, reported as INDETERMINATE and
replaced. Workers only ever run this package's code, which lets them use the speed-ups of
``speedups.py``.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import socket
import stat
import struct
import threading
import time
from dataclasses import replace

from . import model as m
from .engine import Deadline, verify_here
from .model import Report
from .summary import finish_report
from .trust import Trust

_HEADER = struct.Struct("!Q")
_CHILD_SHARE = 0.85  # the worker's own deadline, so that it can still report in time
MAX_WORKERS = max(1, min(4, os.cpu_count() or 1))


def can_fork() -> bool:
    return hasattr(os, "fork")


def verify_isolated(data: bytes, trust: Trust) -> Report:
    if not trust.isolate or not can_fork():
        return verify_here(data, trust)
    started = time.perf_counter()
    report = _POOL.run(data, trust)
    report.elapsed_s = round(time.perf_counter() - started, 4)
    return report


class _Worker:
    def __init__(self, memory_limit_mb: int) -> None:
        _preload()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover — runs in the child
            os.close(to_child_w)
            os.close(from_child_r)
            _detach_from_parent(parent)
            _child_main(to_child_r, from_child_w, memory_limit_mb)
        os.close(to_child_r)
        os.close(from_child_w)
        self.pid = pid
        self.send_fd = to_child_w
        self.recv_fd = from_child_r
        self.memory_limit_mb = memory_limit_mb

    def close(self) -> None:
        for fd in (self.send_fd, self.recv_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        _reap(self.pid)


class _Pool:
    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        self._owner_pid = os.getpid()

    def _acquire(self, memory_limit_mb: int) -> _Worker:
        with self._cond:
            if os.getpid() != self._owner_pid:  # we are a forked copy: start afresh
                self._idle, self._count, self._owner_pid = [], 0, os.getpid()
            while True:
                for i, worker in enumerate(self._idle):
                    if worker.memory_limit_mb == memory_limit_mb:
                        return self._idle.pop(i)
                if self._count < self.size:
                    self._count += 1
                    break
                if self._idle:  # an idle worker with another memory limit: replace it
                    self._idle.pop().close()
                    self._count -= 1
                    continue
                self._cond.wait()
        try:
            return _Worker(memory_limit_mb)
        except OSError:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            if healthy:
                self._idle.append(worker)
            else:
                self._count -= 1
            self._cond.notify()
        if not healthy:
            worker.close()

    def run(self, data: bytes, trust: Trust) -> Report:
        try:
            worker = self._acquire(trust.memory_limit_mb)
        except OSError as exc:
            return _failure(f"verification could not start a worker: {exc}")
        healthy = False
        try:
            # anchors travel as DER: the worker keeps its parsed copies (see _warm_anchors)
            ders = [cert.dump() for cert in trust.anchors]
            payload = pickle.dumps(
                (data, replace(trust, anchors=()), ders), protocol=pickle.HIGHEST_PROTOCOL
            )
            _send(worker.send_fd, payload)
            answer, reason = _receive(worker.recv_fd, trust.time_budget_s)
            if answer is None:
                return _failure(reason)
            report = pickle.loads(answer)  # noqa: S301 — our own worker wrote it
            healthy = isinstance(report, Report)
            return report if healthy else _failure("the worker answered nonsense")
        except (OSError, pickle.PickleError, EOFError) as exc:
            return _failure(f"verification stopped: the worker failed ({exc})")
        finally:
            self._release(worker, healthy)


_POOL = _Pool(MAX_WORKERS)


def _failure(reason: str) -> Report:
    report = Report(m.INDETERMINATE, m.GENERIC)
    report.errors.append(reason)
    finish_report(report)
    return report


def _send(fd: int, payload: bytes) -> None:
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, n: int, end: float | None) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        if end is not None:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _receive(fd: int, budget: float) -> tuple[bytes | None, str]:
    end = time.monotonic() + budget
    try:
        header = _read_exactly(fd, _HEADER.size, end)
        if header is None:
            return None, "verification stopped: the worker died (out of memory?)"
        body = _read_exactly(fd, _HEADER.unpack(header)[0], end)
        if body is None:
            return None, "verification stopped: the worker died while answering"
        return body, ""
    except TimeoutError:
        return None, f"verification stopped: the time budget of {budget:g} s ran out"


def _reap(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _preload() -> None:
    """Import what workers use before forking, so that no worker waits on an import lock."""
    from . import pdf_report, render, speedups  # noqa: F401


def _detach_from_parent(parent: int) -> None:  # pragma: no cover — runs in the child
    """A forked worker must not outlive its parent, nor keep what the parent listens on.

    Its siblings hold copies of its pipe, so the pipe alone never tells it that the parent died
    (a SIGKILLed server); a watcher thread does. Listening sockets inherited from a server are
    closed at once, so that a restarted server can bind its port while old workers wind down.
    """
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        fd = int(name)
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            probe = socket.socket(fileno=os.dup(fd))
            try:
                listening = probe.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            finally:
                probe.close()
            if listening:
                os.close(fd)
        except OSError:
            continue

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _child_main(recv_fd: int, send_fd: int, memory_limit_mb: int) -> None:  # pragma: no cover
    code = 0
    try:
        import logging

        # pyHanko logs every rejected certificate with a traceback; the report says it better.
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
        from .speedups import install

        install()
        _tune_gc()
        _limit_memory(memory_limit_mb)
        while True:
            header = _read_exactly(recv_fd, _HEADER.size, None)
            if header is None:
                break
            body = _read_exactly(recv_fd, _HEADER.unpack(header)[0], None)
            if body is None:
                break
            data, trust, ders = pickle.loads(body)  # noqa: S301 — our parent wrote it
            trust = _warm_anchors(trust, ders)
            budget = max(0.1, trust.time_budget_s * _CHILD_SHARE)
            try:
                report = verify_here(data, trust, Deadline(budget))
            except MemoryError:
                report = _failure("verification stopped: the document needs too much memory")
            del data, body
            _send(send_fd, pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # noqa: BLE001 — the parent sees EOF and reports it
        code = 1
    finally:
        os._exit(code)


def _warm_anchors(trust: Trust, ders: list[bytes]) -> Trust:
    """The anchors as the worker's already-parsed objects (asn1crypto would otherwise parse
    and prepare every anchor again for every document; see ``warm.py``)."""
    from .warm import certificate

    return replace(trust, anchors=tuple(certificate(der) for der in ders))


def _tune_gc() -> None:  # pragma: no cover — runs in the child
    """What the worker inherited from its parent stays out of the cycle collector's way
    (``gc.freeze``: nothing of it is garbage, and traversing it would also copy the shared
    pages), and young objects are collected every 20,000 allocations instead of 700: a
    document allocates hundreds of thousands of short-lived parser and ASN.1 objects, and
    collecting that often cost about a tenth of a verification. Cycles are still collected
    during a document, so the memory cap keeps its meaning."""
    import gc

    gc.freeze()
    gc.set_threshold(20_000, 20, 50)


def _limit_memory(limit_mb: int) -> None:
    # The cap is on top of what the forked process already maps (shared with the parent).
    limit = _mapped_bytes() + limit_mb * 1024 * 1024
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass  # a container that forbids it: the time budget still applies


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
