"""What the workflow needs from its surroundings, passed down explicitly.

:class:`WorkflowSettings` holds the office's choices (target PAdES level, TSA, trust anchors,
where the verification page lives); :class:`Backend` is the shape of the running service's
shared parts (transactions, blob store, clock) — ``vanthu.services.Services`` fits it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from registry.clock import Clock
from registry.filestore import BlobStore
from signing.pades import Level
from signing.trust import TrustSettings, load_certificates

ANCHOR_SUFFIXES = (".pem", ".crt", ".cer", ".der")


class Backend(Protocol):
    sessions: sessionmaker[Session]
    blobs: BlobStore
    clock: Clock

    def transaction(self) -> AbstractContextManager[Session]: ...


@dataclass(frozen=True)
class WorkflowSettings:
    """The office's signing choices.

    ``level`` is the organization signature's PAdES level (B-LT in the demo); the official's
    approval signature is B-T when a TSA is configured, else B-B. ``public_url`` prefixes the
    link of the QR code printed on each document (``{public_url}/outgoing/verify/{code}``).
    """

    organization_name: str = "ỦY BAN NHÂN DÂN TỈNH AN GIANG"
    organization_abbreviation: str = "UBND"
    place_name: str = "An Giang"
    level: Level = Level.B_LT
    tsa_url: str | None = None
    tsa_timeout: float = 10.0
    trust_dir: Path | None = None
    public_url: str = "http://127.0.0.1:8000"
    qr_size_mm: float = 18.0
    font: Path | None = None  # the number/date font; None: the Vietnamese font signing finds
    extra_trust: tuple = field(default=(), compare=False)  # asn1crypto certificates

    @property
    def official_level(self) -> Level:
        return Level.B_T if self.tsa_url else Level.B_B

    def verify_url(self, code: str) -> str:
        return f"{self.public_url.rstrip('/')}/outgoing/verify/{code}"

    def trust_settings(self) -> TrustSettings | None:
        """Anchors from ``trust_dir`` (plus ``extra_trust``); None when there are none."""
        roots = list(self.extra_trust)
        if self.trust_dir is not None and Path(self.trust_dir).is_dir():
            files = sorted(p for p in Path(self.trust_dir).iterdir()
                           if p.suffix.lower() in ANCHOR_SUFFIXES)
            roots.extend(load_certificates(files))
        return TrustSettings(trust_roots=tuple(roots)) if roots else None


def from_settings(s: object) -> WorkflowSettings:
    """Built from the service's settings (``vanthu.settings.Settings``, read by attribute so that
    this package does not import vanthu)."""
    return WorkflowSettings(
        organization_name=s.organization_name,
        organization_abbreviation=s.organization_abbreviation,
        place_name=s.place_name,
        level=Level(s.outgoing_level),
        tsa_url=s.tsa_url or None,
        trust_dir=s.trust_dir,
        public_url=s.public_url or f"http://{s.host}:{s.port}",
        font=s.outgoing_font,
    )
