"""Browser sessions as signed cookies, and the CSRF tokens that go with them.

The cookie holds ``user id · password stamp · issued · last seen``, signed with HMAC-SHA256 under a
secret kept in ``data_dir/secrets/session-key``: no session table, and any machine with the
secret can check it. Changing a user's password changes the stamp, which ends every session of
that user. A session ends after ``IDLE`` without a request and ``ABSOLUTE`` after sign-in.

CSRF: a random ``vanthu_csrf`` cookie (HttpOnly, SameSite=Strict); a form or ``X-CSRF-Token``
header must carry the HMAC of that cookie, which a page of another site can neither read nor
compute.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

SESSION_COOKIE = "vanthu_session"
CSRF_COOKIE = "vanthu_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=10)
REFRESH_AFTER = timedelta(minutes=2)  # re-issue the cookie so that "last seen" moves on


@dataclass(frozen=True)
class SessionData:
    user_id: int
    stamp: str
    issued: int  # unix seconds
    seen: int


def load_secret(secrets_dir: Path) -> bytes:
    """The server's signing key, created (0600) on first use."""
    path = secrets_dir / "session-key"
    if not path.is_file():
        secrets_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32).hex().encode())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)  # two processes starting at once both end with one valid key
    return bytes.fromhex(path.read_text().strip())


def password_stamp(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def _mac(secret: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(secret, f"{purpose}|{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode(secret: bytes, data: SessionData) -> str:
    body = f"{data.user_id}.{data.stamp}.{data.issued}.{data.seen}"
    return f"{body}.{_mac(secret, 'session', body)}"


def decode(secret: bytes, cookie: str, now: datetime) -> SessionData | None:
    """The session, or None when the cookie is forged, malformed or expired."""
    body, _, mac = cookie.rpartition(".")
    if not body or not hmac.compare_digest(mac, _mac(secret, "session", body)):
        return None
    try:
        uid, stamp, issued, seen = body.split(".")
        data = SessionData(int(uid), stamp, int(issued), int(seen))
    except ValueError:
        return None
    t = int(now.timestamp())
    if t - data.seen > IDLE.total_seconds() or t - data.issued > ABSOLUTE.total_seconds():
        return None
    return data


def csrf_token(secret: bytes, seed: str) -> str:
    return _mac(secret, "csrf", seed)


def csrf_valid(secret: bytes, seed: str | None, token: str | None) -> bool:
    if not seed or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, seed), token)


def new_seed() -> str:
    return secrets.token_urlsafe(24)
