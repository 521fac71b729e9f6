"""The official's other ways to sign: a remote signing service (split flow) and a PKCS#11
token on the server."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from registry.credentials import KeySource, SigningCredential
from signing.errors import WrongSecretError
from signing.trust import load_certificates
from signing.verification import TOTAL_PASSED, Trust, verify
from signing.workflow.approve import sign_documents
from signing.workflow.issue import issue
from tests.outgoing.conftest import submit_as, user


def _remote_service_signs(sample_pki, to_be_signed: bytes) -> bytes:
    """What a remote signing service does with the official's key, on its own side."""
    ident = sample_pki.identity("chairman")
    key, _, _ = pkcs12.load_key_and_certificates(ident.p12.read_bytes(),
                                                 ident.password.encode())
    return key.sign(to_be_signed, padding.PKCS1v15(), hashes.SHA256())


def test_split_flow_digest_out_signature_in(api, office, services, directive_bytes, sample_pki):
    body = {"type": "QĐ", "subject": "Ký từ xa", "signer": "chutich"}
    doc = api.post("/api/outgoing", headers=office.headers("chuyenvien"),
                   files=[("file", ("d.pdf", directive_bytes, "application/pdf"))],
                   data={"fields": json.dumps(body)}).json()
    chain = sample_pki.intermediate.read_text()  # the service returns the issuing chain
    r = api.post(f"/api/outgoing/{doc['id']}/remote", headers=office.headers("chutich"),
                 json={"chain_pem": chain})
    assert r.status_code == 200, r.text
    pending = r.json()
    tbs = bytes.fromhex(pending["to_be_signed_hex"])
    assert hashlib.sha256(tbs).hexdigest() == pending["digest_hex"]
    # Another signer cannot even start it; a wrong value is refused and can be retried.
    other = api.post(f"/api/outgoing/{doc['id']}/remote", headers=office.headers("phochutich"))
    assert other.status_code == 403
    finish = f"/api/outgoing/remote/{pending['token']}"
    wrong = api.post(finish, headers=office.headers("chutich"),
                     json={"signature_hex": (b"\x01" * 256).hex()})
    assert wrong.status_code == 409 and "does not match" in wrong.json()["message"]["en"]
    value = _remote_service_signs(sample_pki, tbs)
    stolen = api.post(finish, headers=office.headers("phochutich"),
                      json={"signature_hex": value.hex()})
    assert stolen.status_code == 403
    done = api.post(finish, headers=office.headers("chutich"), json={"signature_hex": value.hex()})
    assert done.status_code == 200 and done.json()["ok"] is True
    shown = api.get(f"/api/outgoing/{doc['id']}", headers=office.headers("vanthu")).json()
    assert shown["status"] == "signed"
    r = api.post(f"/api/outgoing/{doc['id']}/issue", headers=office.headers("vanthu"))
    assert r.status_code == 200, r.text
    issued = api.get(f"/api/outgoing/{doc['id']}/file/issued", headers=office.headers("vanthu"))
    report = verify(issued.content, Trust(anchors=load_certificates([sample_pki.root])))
    assert report.indication == TOTAL_PASSED, report.summary_en


def test_official_signs_with_a_pkcs11_token(
    services, office, fast_cfg, directive_bytes, sample_pki, softhsm_token
):
    with services.transaction() as s:
        cred = s.scalar(select(SigningCredential).where(SigningCredential.label == "chairman"))
        cred.source = KeySource.PKCS11.value
        cred.location = softhsm_token.module_path
        cred.token_label = softhsm_token.token_label
        cred.key_label = "chairman"
    assert "chairman" in softhsm_token.key_labels
    doc = submit_as(services, fast_cfg, directive_bytes)
    chairman = user(services, "chutich")
    with pytest.raises(WrongSecretError):
        sign_documents(services, fast_cfg, chairman, [doc.id], "0000")
    [outcome] = sign_documents(services, fast_cfg, chairman, [doc.id], softhsm_token.user_pin)
    assert outcome.ok, outcome
    result = issue(services, fast_cfg, "vanthu", doc.id)
    report = verify(services.blobs.get(result.issued_sha256),
                    Trust(anchors=load_certificates([sample_pki.root])))
    assert report.indication == TOTAL_PASSED, report.summary_en
    person = [s for s in report.signatures if s.signer_role == "person"]
    assert person and "Lâm Quốc Thịnh" in (person[0].signer or "")
