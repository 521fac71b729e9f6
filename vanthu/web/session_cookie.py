"""The browser's session cookie and the CSRF tokens that go with it.

The cookie holds a random token naming a row of ``registry.sessions`` (only the token's SHA-256
is stored): signing out, or an administrator locking or disabling the user, ends the row, and a
copy of the cookie kept elsewhere stops working with it. A session ends after ``IDLE`` without a
request and ``ABSOLUTE`` after sign-in; changing a user's password (the stamp) ends it too.

CSRF: a random ``vanthu_csrf`` cookie (HttpOnly, SameSite=Strict); a form or ``X-CSRF-Token``
header must carry the HMAC of that cookie under a secret kept in ``data_dir/secrets/session-key``,
which a page of another site can neither read nor compute.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

SESSION_COOKIE = "vanthu_session"
CSRF_COOKIE = "vanthu_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=10)
TOUCH_AFTER = timedelta(minutes=1)  # "last seen" is written at most this often (one writer)


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


def csrf_token(secret: bytes, seed: str) -> str:
    return _mac(secret, "csrf", seed)


def csrf_valid(secret: bytes, seed: str | None, token: str | None) -> bool:
    if not seed or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, seed), token)


def new_seed() -> str:
    return secrets.token_urlsafe(24)
