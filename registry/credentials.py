"""Signing credentials known to the office: where a key lives, never the key or its secret.

A PKCS#12 file or a PKCS#11 token holds the key. For the organization's seal, which the system
applies on the clerk's order, ``secret_file`` names a file readable only by the service that holds
the password or PIN; officials type theirs when they sign.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.clock import utc_now
from registry.orm import Base, UTCDateTime


class KeyPurpose(enum.StrEnum):
    OFFICIAL = "official"  # the competent person's signature (blue signature image)
    SEAL = "seal"  # the organization's signature (red seal image)


class KeySource(enum.StrEnum):
    PKCS12 = "pkcs12"
    PKCS11 = "pkcs11"
    REMOTE = "remote"


class SigningCredential(Base):
    __tablename__ = "signing_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(100), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the organization
    location: Mapped[str] = mapped_column(String(500))  # p12 path, or PKCS#11 module path
    token_label: Mapped[str | None] = mapped_column(String(100))
    key_label: Mapped[str | None] = mapped_column(String(100))
    secret_file: Mapped[str | None] = mapped_column(String(500))
    cert_pem: Mapped[str] = mapped_column(Text)
    cert_sha256: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    image_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    image_width_mm: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


def credentials_of(session: Session, owner_id: int | None, purpose: str) -> list[SigningCredential]:
    query = select(SigningCredential).where(
        SigningCredential.purpose == purpose, SigningCredential.active.is_(True)
    )
    query = query.where(
        SigningCredential.owner_id.is_(None)
        if owner_id is None
        else SigningCredential.owner_id == owner_id
    )
    return list(session.scalars(query))
