"""What the HTTP interfaces share, without HTTP: anchors loaded once, a per-client rate limit
and a short-lived store of finished reports (for the PDF download link)."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from pathlib import Path

from asn1crypto import x509

from .errors import TrustStoreError
from .model import Report
from .trust import ANCHOR_SUFFIXES, parse_certificates


class AnchorCache:
    """The trust folder's anchors, re-read only when the folder changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._anchors: tuple[x509.Certificate, ...] = ()

    def get(self, folder: Path) -> tuple[x509.Certificate, ...]:
        if not folder.is_dir():
            return ()
        key = (str(folder), tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())))
        with self._lock:
            if key != self._key:
                self._anchors = tuple(_load_leniently(folder))
                self._key = key
            return self._anchors


def _load_leniently(folder: Path) -> list[x509.Certificate]:
    """Every anchor that can be read: one broken file must not take the verifier down."""
    found: list[x509.Certificate] = []
    for path in sorted(folder.iterdir()):
        if not (path.is_file() and path.suffix.lower() in ANCHOR_SUFFIXES):
            continue
        try:
            found.extend(parse_certificates(path.read_bytes(), path.name))
        except (TrustStoreError, OSError):
            continue
    return found


class RateLimiter:
    """At most ``per_minute`` requests per client in any 60-second window."""

    def __init__(self, per_minute: int, window_s: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] > self.window_s:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle clients
                for key in [k for k, v in self._hits.items() if not v][:5_000]:
                    del self._hits[key]
            return True


class ReportStore:
    """Recent reports by random token (not the document: only the report is kept)."""

    def __init__(self, capacity: int = 200, ttl_s: float = 3600.0) -> None:
        self.capacity = capacity
        self.ttl_s = ttl_s
        self._items: OrderedDict[str, tuple[float, str, Report]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, filename: str, report: Report) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._items[token] = (time.monotonic(), filename, report)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> tuple[str, Report] | None:
        with self._lock:
            item = self._items.get(token)
            if item is None:
                return None
            if time.monotonic() - item[0] > self.ttl_s:
                del self._items[token]
                return None
            return item[1], item[2]
