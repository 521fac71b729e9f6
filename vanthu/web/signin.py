"""Checking a password at sign-in, with lock-out after repeated failures.

After ``MAX_FAILURES`` wrong passwords in a row the account is locked for ``LOCK_FOR``; a right
password during the lock is refused too, so that guessing cannot go on. Each failure, lock and
sign-in is an audit event (never with the password). ``sign_in`` returns its outcome instead of
raising, so that the caller's transaction commits the failure count.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import select

from registry.audit import append
from registry.org import User, check_password, hash_password
from registry.text import nfc

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)


@cache
def _dummy() -> User:
    """A user to check against when the name is unknown, so that both cases take an argon2
    check's time and the answer does not tell which usernames exist."""
    return User(password_hash=hash_password(secrets.token_hex(16)))


@dataclass(frozen=True)
class SignInOutcome:
    refused: str | None  # None, "bad_credentials" or "locked"
    user_id: int | None = None
    password_hash: str = ""
    minutes_locked: int = 0

    @property
    def ok(self) -> bool:
        return self.refused is None


def sign_in(session, username: str, password: str, clock) -> SignInOutcome:  # noqa: ANN001
    name = nfc(username or "").strip().lower()
    user = session.scalar(select(User).where(User.username == name)) if name else None
    now = clock()
    if user is None or not user.active:
        check_password(_dummy(), password or "")
        return SignInOutcome("bad_credentials")
    if user.locked_until is not None and user.locked_until > now:
        append(session, user.username, "user.signin_refused", "user", user.id,
               {"reason": "locked"}, clock=clock)
        return SignInOutcome("locked", minutes_locked=_minutes_left(user, now))
    if not check_password(user, password or ""):
        user.failed_logins = (user.failed_logins or 0) + 1
        payload: dict = {"failures": user.failed_logins}
        locked = user.failed_logins >= MAX_FAILURES
        if locked:
            user.locked_until = now + LOCK_FOR
            user.failed_logins = 0
            payload["locked_until"] = user.locked_until.isoformat()
        append(session, user.username, "user.signin_failed", "user", user.id, payload, clock=clock)
        if locked:
            return SignInOutcome("locked", minutes_locked=_minutes_left(user, now))
        return SignInOutcome("bad_credentials")
    user.failed_logins = 0
    user.locked_until = None
    append(session, user.username, "user.signed_in", "user", user.id, {}, clock=clock)
    return SignInOutcome(None, user.id, user.password_hash or "")


def _minutes_left(user: User, now) -> int:  # noqa: ANN001
    return max(1, -(-int((user.locked_until - now).total_seconds()) // 60))
