"""What the verifier trusts: anchors, validation time and revocation policy.

A deployment drops its anchors (PEM or DER, one or many certificates per file, also PKCS#7
bundles such as the national root's ``vnrca256.p7b``) into one folder; see
``signing/verification/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import cms, pem, x509

from .errors import TrustStoreError

ANCHOR_SUFFIXES = {".pem", ".crt", ".cer", ".der", ".p7b", ".p7c"}


@dataclass(frozen=True)
class Trust:
    """How to judge a document.

    ``at`` is ``"now"``, ``"signing"`` (each signature at its best proven signing time: the
    timestamp when trusted, else the claimed time) or an aware ``datetime``.
    ``offline`` uses only revocation data embedded in the document (DSS, CMS archival attribute).
    """

    anchors: tuple[x509.Certificate, ...] = ()
    at: str | datetime = "now"
    offline: bool = False
    revocation: str = "soft-fail"  # soft-fail | hard-fail
    time_budget_s: float = 30.0
    memory_limit_mb: int = 1536
    fetch_timeout_s: float = 5.0
    isolate: bool = True  # run in a forked child with hard time and memory limits
    render_check: bool = True  # compare rendered pages where object analysis cannot decide
    extra_anchor_names: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.revocation not in ("soft-fail", "hard-fail"):
            raise TrustStoreError(f"unknown revocation policy {self.revocation!r}")
        if isinstance(self.at, str) and self.at not in ("now", "signing"):
            raise TrustStoreError(f"validation time must be now, signing or a datetime: {self.at}")
        if isinstance(self.at, datetime) and self.at.tzinfo is None:
            raise TrustStoreError("validation time must carry a time zone")
        if self.time_budget_s <= 0:
            raise TrustStoreError("time budget must be positive")

    @classmethod
    def load(
        cls,
        folders: Iterable[Path | str] = (),
        extra: Iterable[bytes | Path | str] = (),
        **options: object,
    ) -> Trust:
        """Anchors from folders (missing folders are an error) plus extra files or bytes."""
        anchors: list[x509.Certificate] = []
        for folder in folders:
            anchors.extend(load_anchor_folder(Path(folder)))
        for item in extra:
            if isinstance(item, bytes):
                anchors.extend(parse_certificates(item, "extra anchor"))
            else:
                path = Path(item)
                if path.is_dir():
                    anchors.extend(load_anchor_folder(path))
                else:
                    anchors.extend(parse_certificates(_read(path), str(path)))
        return cls(anchors=tuple(_dedupe(anchors)), **options)  # type: ignore[arg-type]

    def with_anchors(self, more: Iterable[x509.Certificate]) -> Trust:
        from dataclasses import replace

        return replace(self, anchors=tuple(_dedupe([*self.anchors, *more])))

    def fixed_time(self) -> datetime | None:
        if isinstance(self.at, datetime):
            return self.at.astimezone(UTC)
        return None


def load_anchor_folder(folder: Path) -> list[x509.Certificate]:
    if not folder.is_dir():
        raise TrustStoreError(f"trust folder does not exist: {folder}")
    found: list[x509.Certificate] = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in ANCHOR_SUFFIXES:
            found.extend(parse_certificates(_read(path), str(path)))
    return found


def parse_certificates(data: bytes, origin: str) -> list[x509.Certificate]:
    """Every certificate in PEM (several blocks allowed), DER, or a PKCS#7 certs-only bundle."""
    blobs: list[bytes] = []
    if pem.detect(data):
        try:
            for _type, _headers, der in pem.unarmor(data, multiple=True):
                blobs.append(der)
        except (ValueError, TypeError) as exc:
            raise TrustStoreError(f"{origin} is not valid PEM: {exc}") from exc
    else:
        blobs.append(data)
    certs: list[x509.Certificate] = []
    for der in blobs:
        certs.extend(_parse_der(der, origin))
    if not certs:
        raise TrustStoreError(f"no certificate found in {origin}")
    return certs


def _parse_der(der: bytes, origin: str) -> list[x509.Certificate]:
    try:
        cert = x509.Certificate.load(der, strict=True)
        cert.native  # noqa: B018 — forces a full parse so that garbage fails here
        return [cert]
    except (ValueError, TypeError):
        pass
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native == "signed_data":
            return [c.chosen for c in info["content"]["certificates"] if c.name == "certificate"]
    except (ValueError, TypeError, KeyError):
        pass
    raise TrustStoreError(f"{origin} is neither a certificate nor a PKCS#7 bundle")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TrustStoreError(f"cannot read trust anchor {path}: {exc.strerror}") from exc


def _dedupe(certs: list[x509.Certificate]) -> list[x509.Certificate]:
    seen: set[bytes] = set()
    out = []
    for cert in certs:
        if cert.sha256 not in seen:
            seen.add(cert.sha256)
            out.append(cert)
    return out


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_at(value: str) -> str | datetime:
    """``now``, ``signing`` or an ISO-8601 time (a time without zone is taken as +07:00)."""
    value = value.strip()
    if value in ("now", "signing"):
        return value
    if not _ISO.match(value):
        raise TrustStoreError(f"--at must be now, signing or an ISO time, not {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise TrustStoreError(f"cannot read time {value!r}: {exc}") from exc
    if moment.tzinfo is None:
        from datetime import timedelta, timezone

        moment = moment.replace(tzinfo=timezone(timedelta(hours=7)))
    return moment
