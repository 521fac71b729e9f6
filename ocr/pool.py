"""Worker processes for page work: one per core, tesseract single-threaded inside each, and an
address-space limit so that a hostile page kills its worker instead of the caller."""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ocr.errors import ReadError
from ocr.limits import Limits

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[int, int] | None = None


def _init_worker(memory: int) -> None:
    # Debian's tesseract uses OpenMP: several threads per page make it 4-5x slower on a busy
    # machine; parallelism comes from the worker processes instead.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if memory > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent.sentinel,), daemon=True,
                         name="ocr-parent-watch").start()


def _exit_with_parent(sentinel: int) -> None:
    """End this worker when its parent is gone. A worker waits for tasks on a queue whose
    write end it holds itself, and holds the forkserver's "alive" pipe: a parent that died
    without shutting the pool down (killed, ``os._exit``, a crash) would leave the workers and
    the forkserver running forever, adopted by init."""
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def workers_default() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def get_pool(limits: Limits, workers: int | None = None) -> ProcessPoolExecutor:
    """The shared pool, started on first use and restarted after a worker died."""
    global _pool, _pool_key
    n = workers or workers_default()
    key = (n, limits.worker_memory)
    with _lock:
        if _pool is not None and (_pool_key != key or _broken(_pool)):
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
        if _pool is None:
            # forkserver: workers start from a clean process, never from a forked copy of a
            # threaded server.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["ocr.pages"])
            _pool = ProcessPoolExecutor(n, mp_context=ctx, initializer=_init_worker,
                                        initargs=(limits.worker_memory,))
            _pool_key = key
        return _pool


def worker_count(pool: ProcessPoolExecutor) -> int:
    return int(getattr(pool, "_max_workers", 1))


def _broken(pool: ProcessPoolExecutor) -> bool:
    return bool(getattr(pool, "_broken", False))


def kill_pool() -> None:
    """Stop every worker now (a page ran past its time limit)."""
    global _pool
    with _lock:
        if _pool is None:
            return
        # The executor has no public way to stop a running task; its processes are ours.
        for proc in list(getattr(_pool, "_processes", {}).values()):
            proc.kill()
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def close_pool() -> None:
    """Stop the workers (after their current task); the next ``get_pool`` starts afresh. Runs
    at interpreter exit. The forkserver, shared with any other forkserver pool of the process,
    ends by itself once this process and every child it started are gone."""
    global _pool, _pool_key
    with _lock:
        pool, _pool, _pool_key = _pool, None, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(close_pool)


def result(future: Future[Any], timeout: float) -> Any:
    """The task's result, with worker deaths and time-outs turned into ReadError."""
    try:
        return future.result(timeout=timeout)
    except BrokenProcessPool as exc:
        kill_pool()
        raise ReadError("a worker process died while reading the document: it exceeded its "
                        "memory limit (a decompression bomb or a damaged file), or could not "
                        "start (a script calling ocr.read needs an if __name__ == '__main__' "
                        "guard)", "resource_limit") from exc
    except TimeoutError as exc:
        kill_pool()
        raise ReadError(f"reading a page took longer than {timeout:.0f} s", "timeout") from exc
    except MemoryError as exc:
        raise ReadError("reading the document exhausted the memory limit of a worker "
                        "(a decompression bomb or a damaged file)", "resource_limit") from exc
