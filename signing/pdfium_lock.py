"""One lock for PDFium in this process.

PDFium is not thread-safe, not even across documents, and it is one C library per process: the
server reads text layers (``ocr``) in its intake threads while request threads place stamps and
find blanks here. Every in-process caller must therefore hold the same lock. ``ocr`` and
``signing`` import nothing of each other, so the lock is kept on the pypdfium2 module, under a
name both use: whichever comes first creates it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

LOCK_NAME = "vanthu_process_lock"  # the same name in ocr/pages.py

def pdfium_lock() -> threading.RLock:
    import pypdfium2  # imported on first use, as the callers do: it is slow to load

    return vars(pypdfium2).setdefault(LOCK_NAME, threading.RLock())


P = ParamSpec("P")
R = TypeVar("R")


def holds_pdfium_lock(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` (which opens, uses and closes its PDFium documents) under the lock."""

    @functools.wraps(func)
    def locked(*args: P.args, **kwargs: P.kwargs) -> R:
        with pdfium_lock():
            return func(*args, **kwargs)

    return locked
