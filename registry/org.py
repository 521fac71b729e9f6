"""The organization: units (its structure) and users with roles scoped to units."""

from __future__ import annotations

import enum
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from registry.clock import utc_now
from registry.errors import NotFound, UserError
from registry.orm import Base, UTCDateTime
from registry.text import nfc


class Role(enum.StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    LEADER = "leader"
    SPECIALIST = "specialist"
    SIGNER = "signer"


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an admin chose the password: its owner must replace it before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    unit: Mapped[Unit | None] = relationship()
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def role_names(self) -> list[str]:
        return sorted({r.role for r in self.roles})


class UserRole(Base):
    """A role held by a user; ``unit_id`` limits it to one unit (None: the whole organization)."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    user: Mapped[User] = relationship(back_populates="roles")


class ApiToken(Base):
    """A bearer token for integrations; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def has_role(user: User, role: str, unit_id: int | None = None) -> bool:
    """Does the user hold the role — for that unit, when one is named? An organization-wide
    grant (unit None) covers every unit."""
    return any(
        r.role == role and (unit_id is None or r.unit_id is None or r.unit_id == unit_id)
        for r in user.roles
    )


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def unit_by_code(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(f"no unit with code {code!r}")
    return unit


def add_unit(session: Session, code: str, name: str, parent: Unit | None = None) -> Unit:
    if session.scalar(select(Unit).where(Unit.code == code)) is not None:
        raise UserError(f"a unit with code {code!r} exists already")
    unit = Unit(code=nfc(code), name=nfc(name), parent=parent)
    session.add(unit)
    session.flush()
    return unit


def add_user(
    session: Session,
    username: str,
    full_name: str,
    roles: list[str],
    *,
    password: str | None = None,
    unit: Unit | None = None,
    title: str = "",
) -> User:
    username = nfc(username).lower()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise UserError("username must be letters, digits, '.', '_' or '-'")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError(f"user {username!r} exists already")
    unknown = sorted(set(roles) - {r.value for r in Role})
    if unknown:
        raise UserError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(Role)}")
    if not roles:
        raise UserError("a user needs at least one role")
    user = User(
        username=username,
        full_name=nfc(full_name),
        title=nfc(title),
        unit=unit,
        password_hash=hash_password(password) if password else None,
    )
    # Admin and clerk act for the whole organization; other roles act within the user's unit.
    for role in sorted(set(roles)):
        scope = None if role in (Role.ADMIN, Role.CLERK) or unit is None else unit.id
        user.roles.append(UserRole(role=role, unit_id=scope))
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == nfc(username).lower()))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user
