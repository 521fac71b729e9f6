"""Who is calling: API tokens (``Authorization: Bearer …``) for integrations.

The middleware puts the authenticated ``registry.org.User`` (or None) on ``request.state.user``;
each slice's routes decide what that user may do. Only a token's SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets

from fastapi import FastAPI, Request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.org import ApiToken, User

TOKEN_PREFIX = "vt_"


def new_token() -> tuple[str, str]:
    """(token to give out once, its SHA-256 to store)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hashlib.sha256(token.encode()).hexdigest()


def user_for_token(session, token: str) -> User | None:  # noqa: ANN001
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = session.scalar(
        select(ApiToken)
        .options(selectinload(ApiToken.user).selectinload(User.roles))
        .where(ApiToken.token_sha256 == digest, ApiToken.revoked.is_(False))
    )
    if row is None or not row.user.active:
        return None
    return row.user


def install_auth(app: FastAPI) -> None:
    @app.middleware("http")
    async def authenticate(request: Request, call_next):  # noqa: ANN001, ANN202
        request.state.user = None
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            services = request.app.state.services
            with services.sessions() as session:
                request.state.user = user_for_token(session, header[7:].strip())
        return await call_next(request)
