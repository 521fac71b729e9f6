"""Group commit: concurrent callers share one transaction, and each is answered after its commit.

A caller hands its item to ``GroupCommit.submit`` and blocks. The first caller to find no batch
running becomes the leader: it takes every item waiting (its own among them, at most
``max_batch``), runs them together in one transaction, and hands each caller its own outcome.
Callers that arrived meanwhile are the next batch. Nobody is answered before the commit that holds
their item, so an answer still means "durable".

Why: on SQLite one writer at a time holds the lock, and with Python threads every statement in
that critical section hands the GIL back and waits for it again behind the request threads. Done
one document per transaction, the receive path spent ~25 ms in the critical section per document
(bench/intake.py). Done per batch, the statements are executemany's and one commit — the cost of
the critical section is shared by the batch.

A batch that fails is not the end of its items: each is run again alone, so that one bad item
raises for its own caller only and the others commit. The batch function must leave nothing behind
when it raises (it runs in one transaction, rolled back as a whole).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# One batch function returns, for each item, its result or the exception it met on its own.
BatchFn = Callable[[Sequence[T]], Sequence[Any]]


class _Slot(Generic[T]):
    __slots__ = ("item", "done", "result", "error")

    def __init__(self, item: T) -> None:
        self.item = item
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class GroupCommit(Generic[T, R]):
    """Leader/follower batching of ``run_batch`` over the items of concurrent callers."""

    def __init__(self, run_batch: BatchFn, max_batch: int = 64) -> None:
        self._run_batch = run_batch
        self.max_batch = max_batch
        self._leader = threading.Lock()  # held by the caller running a batch
        self._mu = threading.Lock()  # guards the queue
        self._waiting: list[_Slot[T]] = []
        self.batches = 0  # how many batches ran (tests and benches read it)

    def pending(self) -> int:
        with self._mu:
            return len(self._waiting)

    def submit(self, item: T) -> R:
        slot = _Slot(item)
        with self._mu:
            self._waiting.append(slot)
        while True:
            with self._leader:
                if not slot.done:  # no batch took it while we waited: lead the next one
                    with self._mu:
                        batch = self._waiting[: self.max_batch]
                        del self._waiting[: self.max_batch]
                    self._run(batch)
            if slot.done:
                if slot.error is not None:
                    raise slot.error
                return slot.result
            # Our item was not among the first max_batch: queue for the lead again.

    def _run(self, batch: list[_Slot[T]]) -> None:
        self.batches += 1
        try:
            outcomes = self._run_batch([s.item for s in batch])
        except Exception as exc:  # the batch rolled back as a whole: try each item alone
            if len(batch) == 1:
                outcomes = [exc]
            else:
                for slot in batch:
                    self._run([slot])
                return
        for slot, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                slot.error = outcome
            else:
                slot.result = outcome
            slot.done = True
