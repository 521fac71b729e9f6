"""The file store: content-addressed, verified on read, durable across a SIGKILL."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from registry import BlobCorrupted, BlobMissing
from registry.filestore import Blob, LocalBlobStore, record_blob


def test_put_returns_the_sha256_and_get_gives_the_bytes_back(tmp_path):
    store = LocalBlobStore(tmp_path)
    data = "Quyết định số 45/QĐ-UBND".encode() * 1000
    ref = store.put(data)
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert ref.size == len(data)
    assert store.get(ref.sha256) == data
    assert store.put(data) == ref  # same content, same blob
    assert list(store.iter_hashes()) == [ref.sha256]
    assert not list((tmp_path / "tmp").iterdir())  # no temporary file left behind


def test_put_streams_a_file_object(tmp_path):
    store = LocalBlobStore(tmp_path)
    src = tmp_path / "big.pdf"
    src.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    with src.open("rb") as fh:
        ref = store.put(fh)
    assert store.get(ref.sha256) == src.read_bytes()


def test_a_damaged_blob_is_reported_not_served(tmp_path):
    store = LocalBlobStore(tmp_path)
    ref = store.put(b"%PDF-1.7 original")
    path = store.path(ref.sha256)
    path.write_bytes(b"%PDF-1.7 altered!")
    with pytest.raises(BlobCorrupted, match="damaged"):
        store.get(ref.sha256)
    with pytest.raises(BlobCorrupted):
        store.check(ref.sha256)
    # Storing the original again repairs the damaged copy.
    store.put(b"%PDF-1.7 original")
    assert store.get(ref.sha256) == b"%PDF-1.7 original"


def test_a_missing_blob_and_a_bad_name_give_clear_errors(tmp_path):
    store = LocalBlobStore(tmp_path)
    with pytest.raises(BlobMissing, match="not in the store"):
        store.get("0" * 64)
    with pytest.raises(Exception, match="not a SHA-256"):
        store.get("../../etc/passwd")


WRITER = textwrap.dedent(
    """
    import os, random, sys
    from registry.filestore import record_blob
    from vanthu.services import build_services
    from vanthu.settings import Settings

    svc = build_services(Settings(data_dir=sys.argv[1], database_url=sys.argv[2]))
    rnd = random.Random(7)
    print("ready", flush=True)
    while True:
        data = os.urandom(rnd.randint(1, 400_000))
        ref = svc.blobs.put(data)
        with svc.transaction() as s:
            record_blob(s, ref, "application/pdf")
        print(ref.sha256, ref.size, flush=True)  # the write has "returned" to its caller
    """
)


def test_sigkill_during_a_stream_of_writes_loses_nothing_that_returned(services, settings):
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(settings.data_dir), settings.database_url],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    returned: list[tuple[str, int]] = []
    for line in proc.stdout:
        sha, size = line.split()
        returned.append((sha, int(size)))
        if len(returned) == 40:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(returned) == 40

    store = LocalBlobStore(settings.blob_dir)
    for sha, size in returned:  # every write that returned is present and intact
        store.check(sha)
        assert store.path(sha).stat().st_size == size
    with services.sessions() as s:
        rows = s.scalars(select(Blob)).all()
    assert {r.sha256 for r in rows} >= {sha for sha, _ in returned}
    for row in rows:  # no row names a missing or damaged blob
        store.check(row.sha256)


def test_record_blob_is_idempotent(services):
    ref = services.blobs.put(b"same bytes")
    with services.transaction() as s:
        record_blob(s, ref)
        record_blob(s, ref)
    with services.sessions() as s:
        assert len(s.scalars(select(Blob)).all()) == 1
