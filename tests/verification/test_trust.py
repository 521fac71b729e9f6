"""Loading trust anchors: formats, folders, clear errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives import serialization

from signing.verification import Trust, TrustStoreError, parse_at

from .pki import root_pem


def test_pem_der_and_p7b_in_one_folder(tmp_path, pki):
    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "root.pem").write_bytes(root_pem(pki.root) + root_pem(pki.other_root))
    (folder / "root.der").write_bytes(
        pki.root.py_cert.public_bytes(serialization.Encoding.DER))  # duplicate: kept once
    bundle = cms.ContentInfo({
        "content_type": "signed_data",
        "content": cms.SignedData({
            "version": "v1", "digest_algorithms": [],
            "encap_content_info": {"content_type": "data"},
            "certificates": [pki["tsa"].cert], "signer_infos": [],
        }),
    })
    (folder / "bundle.p7b").write_bytes(bundle.dump())
    (folder / "notes.txt").write_text("ignored: not an anchor suffix")
    trust = Trust.load([folder])
    names = sorted(c.subject.native["common_name"] for c in trust.anchors)
    assert names == ["Test Root CA vanthu", "Test TSA", "Untrusted Root CA"]


def test_missing_folder_and_garbage_are_clear_errors(tmp_path):
    with pytest.raises(TrustStoreError, match="does not exist"):
        Trust.load([tmp_path / "nowhere"])
    bad = tmp_path / "bad.crt"
    bad.write_bytes(b"\x30\x03\x02\x01\x05")
    with pytest.raises(TrustStoreError, match="bad.crt"):
        Trust.load(extra=[bad])


def test_validation_time_values():
    assert parse_at("now") == "now" and parse_at("signing") == "signing"
    moment = parse_at("2026-03-01T09:00:00")
    assert moment == datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    with pytest.raises(TrustStoreError):
        parse_at("tomorrow")
    with pytest.raises(TrustStoreError):
        Trust(at=datetime(2026, 3, 1))  # no zone
    with pytest.raises(TrustStoreError):
        Trust(revocation="sometimes")
