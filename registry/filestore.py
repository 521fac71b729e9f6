"""The file store: content-addressed (SHA-256) blobs.

``BlobStore`` is the interface the rest of vanthu uses; ``LocalBlobStore`` keeps blobs under the
data directory. A write goes to a temporary file, is fsync'd, renamed into place and the directory
fsync'd, all before ``put`` returns — so the database row naming the blob can only commit after the
blob is durable. Reads check the hash, so a damaged file is reported, never served.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.clock import utc_now
from registry.errors import BlobCorrupted, BlobError, BlobMissing
from registry.orm import Base, UTCDateTime

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BlobRef:
    sha256: str
    size: int


class BlobStore(Protocol):
    def put(self, data: bytes | BinaryIO) -> BlobRef: ...
    def get(self, sha256: str) -> bytes: ...
    def exists(self, sha256: str) -> bool: ...
    def check(self, sha256: str) -> None: ...
    def iter_hashes(self) -> Iterator[str]: ...


def _valid_hash(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise BlobError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalBlobStore:
    """Blobs at ``root/ab/cd/abcd…`` (two levels of fan-out keep directories small)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        sha256 = _valid_hash(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes | BinaryIO) -> BlobRef:
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in _chunks(data):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path(sha)
            if final.exists():
                try:
                    self.check(sha)
                    os.unlink(tmp_name)  # same content stored already, and intact
                    return BlobRef(sha, size)
                except BlobError:
                    pass  # a damaged copy: the fresh one replaces it
            new_dir = not final.parent.is_dir()
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, final)
            _fsync_dir(final.parent)
            if new_dir:  # the new fan-out folders must be durable too
                _fsync_dir(final.parent.parent)
                _fsync_dir(final.parent.parent.parent)
            return BlobRef(sha, size)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def get(self, sha256: str) -> bytes:
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BlobMissing(f"blob {sha256} is not in the store") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobCorrupted(f"blob {sha256} is damaged: its content no longer matches its hash")
        return data

    def check(self, sha256: str) -> None:
        path = self.path(sha256)
        digest = hashlib.sha256()
        try:
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(CHUNK), b""):
                    digest.update(chunk)
        except FileNotFoundError:
            raise BlobMissing(f"blob {sha256} is not in the store") from None
        if digest.hexdigest() != sha256:
            raise BlobCorrupted(f"blob {sha256} is damaged: its content no longer matches its hash")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def iter_hashes(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            if path.is_file():
                yield path.name


def _chunks(data: bytes | BinaryIO) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
        return
    yield from iter(lambda: data.read(CHUNK), b"")


class Blob(Base):
    """A row for each stored blob; documents refer to blobs through it."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


def record_blob(
    session: Session, ref: BlobRef, media_type: str = "application/octet-stream"
) -> None:
    """The row for a blob that ``put`` made durable; idempotent for content stored before."""
    record_blobs(session, [(ref, media_type)])


def record_blobs(session: Session, blobs: list[tuple[BlobRef, str]]) -> None:
    """Rows for blobs that ``put`` made durable, in one statement; idempotent."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utc_now()
    rows = [{"sha256": ref.sha256, "size": ref.size, "media_type": media_type, "created_at": now}
            for ref, media_type in blobs]
    session.execute(insert(Blob).on_conflict_do_nothing(index_elements=["sha256"]), rows)
