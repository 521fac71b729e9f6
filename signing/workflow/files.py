"""Blobs in and out of the store, and the temporary folder each step works in.

pyHanko works on files; every step copies what it needs from the content-addressed store into a
private temporary folder, and stores what it produced (durably, before the row naming it commits).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from registry.filestore import BlobStore, record_blob

PDF = "application/pdf"


def fetch(blobs: BlobStore, sha256: str, path: Path) -> Path:
    path.write_bytes(blobs.get(sha256))
    return path


def store(session: Session, blobs: BlobStore, data: bytes, media_type: str = PDF) -> str:
    ref = blobs.put(data)
    record_blob(session, ref, media_type)
    return ref.sha256
