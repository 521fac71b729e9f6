"""The sample PKI in certs-sample/: certificates chain, revocation is served on loopback,
the TSA answers RFC 3161 requests, PKCS#12 files open, images have the promised shape,
and the SoftHSM2 token holds working keys."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from asn1crypto import ocsp, pem, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InvalidCertificateError,
    PathBuildingError,
    RevokedError,
)
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from tests.servers import free_port

REPO = Path(__file__).resolve().parent.parent
SIGNING_USAGE = {"digital_signature", "non_repudiation"}


def _asn1_cert(path: Path) -> asn1_x509.Certificate:
    _, _, der = pem.unarmor(path.read_bytes())
    return asn1_x509.Certificate.load(der)


def _crypto_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _validator(sample_pki, label: str, **ctx) -> CertificateValidator:
    ident = sample_pki.identity(label)
    vc = ValidationContext(trust_roots=[_asn1_cert(sample_pki.root)], **ctx)
    return CertificateValidator(
        _asn1_cert(ident.cert),
        intermediate_certs=[_asn1_cert(c) for c in ident.chain],
        validation_context=vc,
    )


def _validate(validator: CertificateValidator):
    return asyncio.run(validator.async_validate_usage(SIGNING_USAGE))


# --- certificates ---------------------------------------------------------------------


@pytest.mark.parametrize("label", ["chairman", "vice-chairman", "seal", "ecdsa", "rsa-pss"])
def test_valid_signers_chain_to_the_sample_root(sample_pki, label):
    path = _validate(_validator(sample_pki, label))
    names = [c.subject.native["common_name"] for c in path]
    assert names[0] == "SAMPLE Root CA vanthu"
    assert names[-1] == sample_pki.identity(label).name
    assert len(names) == 3  # root -> intermediate -> signer


def test_officials_have_vietnamese_names_and_sample_markings(sample_pki):
    chairman = _crypto_cert(sample_pki.identity("chairman").cert).subject
    assert sample_pki.identity("chairman").title == "Chủ tịch"
    assert sample_pki.identity("vice-chairman").title == "Phó Chủ tịch"
    org = chairman.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value
    assert org == "ỦY BAN NHÂN DÂN TỈNH AN GIANG"
    seal = _crypto_cert(sample_pki.identity("seal").cert).subject
    assert seal.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == org
    for cert_path in [sample_pki.root, *(i.cert for i in sample_pki.identities.values())]:
        subject = _crypto_cert(cert_path).subject.rfc4514_string()
        assert "SAMPLE" in subject and "MẪU" in subject, subject
        assert "C=VN" in subject


def test_signer_keys_are_the_promised_types(sample_pki):
    for label in ["chairman", "vice-chairman", "seal"]:
        key = _crypto_cert(sample_pki.identity(label).cert).public_key()
        assert key.key_size == 2048
        ku = _crypto_cert(sample_pki.identity(label).cert).extensions.get_extension_for_class(
            x509.KeyUsage).value
        assert ku.digital_signature and ku.content_commitment
    ecdsa = _crypto_cert(sample_pki.identity("ecdsa").cert).public_key()
    assert isinstance(ecdsa, ec.EllipticCurvePublicKey) and ecdsa.curve.name == "secp256r1"
    pss = _crypto_cert(sample_pki.identity("rsa-pss").cert)
    assert pss.signature_algorithm_oid == x509.SignatureAlgorithmOID.RSASSA_PSS
    assert sample_pki.identity("rsa-pss").mechanism == "rsassa_pss"


def test_untrusted_signer_does_not_chain_to_the_sample_root(sample_pki):
    with pytest.raises(PathBuildingError):
        _validate(_validator(sample_pki, "untrusted-signer"))
    # ...but it does chain to its own (untrusted) root
    ident = sample_pki.identity("untrusted-signer")
    vc = ValidationContext(trust_roots=[_asn1_cert(sample_pki.untrusted_root)])
    path = asyncio.run(CertificateValidator(_asn1_cert(ident.cert), validation_context=vc)
                       .async_validate_usage(SIGNING_USAGE))
    assert path.first.subject.native["common_name"].startswith("SAMPLE Untrusted Root")


def test_expired_signer_is_rejected_now_but_valid_in_its_lifetime(sample_pki):
    with pytest.raises(ExpiredError):
        _validate(_validator(sample_pki, "expired"))
    _validate(_validator(sample_pki, "expired", moment=datetime(2024, 6, 1, tzinfo=UTC)))


def test_encryption_only_cert_is_refused_for_signing(sample_pki):
    with pytest.raises(InvalidCertificateError, match="not valid for the purposes of digital"):
        _validate(_validator(sample_pki, "enc-only"))


# --- revocation on loopback -------------------------------------------------------------


def _ocsp_status(sample_pki, pki_services, label: str) -> ocsp.SingleResponse:
    ident = sample_pki.identity(label)
    cert = _asn1_cert(ident.cert)
    issuer = _asn1_cert(ident.chain[0])
    request = ocsp.OCSPRequest({"tbs_request": {"request_list": [{"req_cert": {
        "hash_algorithm": {"algorithm": "sha1"},
        "issuer_name_hash": hashlib.sha1(cert.issuer.dump()).digest(),
        "issuer_key_hash": hashlib.sha1(issuer.public_key["public_key"].contents[1:]).digest(),
        "serial_number": cert.serial_number,
    }}]}})
    resp = requests.post(pki_services.ocsp, data=request.dump(),
                         headers={"Content-Type": "application/ocsp-request"}, timeout=10)
    assert resp.status_code == 200
    parsed = ocsp.OCSPResponse.load(resp.content)
    assert parsed["response_status"].native == "successful"
    basic = parsed.basic_ocsp_response
    # the response is signed by the OCSP responder certificate of the sample PKI
    responder = x509.load_der_x509_certificate(basic["certs"][0].dump())
    assert x509.ExtendedKeyUsageOID.OCSP_SIGNING in responder.extensions.get_extension_for_class(
        x509.ExtendedKeyUsage).value
    responder.public_key().verify(basic["signature"].native,
                                  basic["tbs_response_data"].dump(),
                                  padding.PKCS1v15(), hashes.SHA256())
    return basic["tbs_response_data"]["responses"][0]


def test_ocsp_reports_revoked_official_as_revoked(sample_pki, pki_services):
    single = _ocsp_status(sample_pki, pki_services, "revoked")
    assert single["cert_status"].name == "revoked"
    revoked_at = single["cert_status"].chosen["revocation_time"].native
    assert revoked_at == datetime.fromisoformat(sample_pki.identity("revoked").revoked_since)
    assert revoked_at < datetime.now(tz=UTC)
    assert _ocsp_status(sample_pki, pki_services, "chairman")["cert_status"].name == "good"


def test_crl_served_on_loopback_lists_the_revoked_official(sample_pki, pki_services):
    resp = requests.get(pki_services.crl["interm"], timeout=10)
    assert resp.status_code == 200
    crl = x509.load_der_x509_crl(resp.content)
    interm = _crypto_cert(sample_pki.intermediate)
    assert crl.is_signature_valid(interm.public_key())
    assert crl.next_update_utc > datetime.now(tz=UTC) >= crl.last_update_utc
    revoked_serial = _crypto_cert(sample_pki.identity("revoked").cert).serial_number
    entry = crl.get_revoked_certificate_by_serial_number(revoked_serial)
    assert entry is not None
    chairman_serial = _crypto_cert(sample_pki.identity("chairman").cert).serial_number
    assert crl.get_revoked_certificate_by_serial_number(chairman_serial) is None
    root_crl = x509.load_der_x509_crl(requests.get(pki_services.crl["root"], timeout=10).content)
    assert root_crl.is_signature_valid(_crypto_cert(sample_pki.root).public_key())
    assert len(list(root_crl)) == 0


def _rule_policy(rule: RevocationCheckingRule) -> CertRevTrustPolicy:
    return CertRevTrustPolicy(RevocationCheckingPolicy(ee_certificate_rule=rule,
                                                       intermediate_ca_cert_rule=rule))


@pytest.mark.parametrize("rule", [RevocationCheckingRule.OCSP_REQUIRED,
                                  RevocationCheckingRule.CRL_REQUIRED])
def test_validator_fetching_from_loopback_finds_the_revocation(sample_pki, pki_services, rule):
    if rule is RevocationCheckingRule.OCSP_REQUIRED:
        # the intermediate CA has no OCSP responder; its status comes from the root's CRL
        policy = CertRevTrustPolicy(RevocationCheckingPolicy(
            ee_certificate_rule=rule,
            intermediate_ca_cert_rule=RevocationCheckingRule.CRL_REQUIRED))
    else:
        policy = _rule_policy(rule)
    with pytest.raises(RevokedError):
        _validate(_validator(sample_pki, "revoked", allow_fetching=True, revinfo_policy=policy))
    _validate(_validator(sample_pki, "chairman", allow_fetching=True, revinfo_policy=policy))


# --- time stamping --------------------------------------------------------------------


def test_tsa_answers_a_real_rfc3161_request(sample_pki, pki_services):
    digest = hashlib.sha256(b"Quyet dinh so 45/QD-UBND - SAMPLE").digest()
    token = asyncio.run(RequestsHTTPTimeStamper(pki_services.tsa).async_timestamp(
        digest, "sha256"))
    signed = token["content"]
    tst_info = tsp.TSTInfo.load(signed["encap_content_info"]["content"].parsed.dump())
    assert tst_info["message_imprint"]["hashed_message"].native == digest
    gen_time = tst_info["gen_time"].native
    assert abs((gen_time - datetime.now(tz=UTC)).total_seconds()) < 120
    vc = ValidationContext(trust_roots=[_asn1_cert(sample_pki.root)],
                           other_certs=[_asn1_cert(sample_pki.intermediate)])
    status = TimestampSignatureStatus(
        **asyncio.run(validate_tst_signed_data(signed, vc, lambda _: digest)))
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"].startswith("SAMPLE")
    eku = status.signing_cert.extended_key_usage_value.native
    assert eku == ["time_stamping"]


# --- PKCS#12 ---------------------------------------------------------------------------


def test_every_pkcs12_opens_with_its_sample_password_only(sample_pki):
    for label, ident in sample_pki.identities.items():
        data = ident.p12.read_bytes()
        key, cert, cas = pkcs12.load_key_and_certificates(data, ident.password.encode())
        assert cert == _crypto_cert(ident.cert), label
        assert key.public_key().public_numbers() == cert.public_key().public_numbers()
        assert [c.subject for c in cas] == [_crypto_cert(c).subject for c in ident.chain]
        with pytest.raises(ValueError):
            pkcs12.load_key_and_certificates(data, b"wrong password")


def test_sample_passwords_file_is_what_the_manifest_uses(sample_pki):
    import tomllib

    data = tomllib.loads((REPO / "certs-sample" / "sample-passwords.toml").read_text())
    assert sample_pki.identity("chairman").password == data["pkcs12"]["chairman"]
    assert sample_pki.identity("ecdsa").password == data["pkcs12"]["default"]
    assert sample_pki.raw["softhsm"]["user_pin"] == data["softhsm"]["user_pin"]


# --- images ------------------------------------------------------------------------------


def _opaque_mean(img: Image.Image) -> tuple[float, float, float, int]:
    px = [p for p in img.get_flattened_data() if p[3] > 200]
    n = len(px)
    return (sum(p[0] for p in px) / n, sum(p[1] for p in px) / n, sum(p[2] for p in px) / n, n)


def test_seal_is_red_transparent_and_real_size(sample_pki):
    seal = sample_pki.identity("seal")
    img = Image.open(seal.seal_image)
    assert img.mode == "RGBA"
    w, h = img.size
    assert w == h
    # corners and the gap between the rings are transparent; the ink is red
    assert img.getpixel((0, 0))[3] == 0 and img.getpixel((w - 1, h - 1))[3] == 0
    r, g, b, n = _opaque_mean(img)
    assert r > 150 and g < 60 and b < 70
    assert 0.05 < n / (w * h) < 0.6
    dpi_x, dpi_y = img.info["dpi"]
    assert round(dpi_x) == round(dpi_y) == sample_pki.raw["identities"]["seal"]["seal_dpi"]
    assert seal.seal_size_mm == 36
    assert abs(w / dpi_x * 25.4 - seal.seal_size_mm) < 0.1
    assert img.info["vanthu:diameter_mm"] == "36"


def test_seal_size_follows_the_configured_diameter():
    from samplepki.seal import SealSpec, draw_seal

    img = draw_seal(SealSpec(diameter_mm=42, dpi=300))
    assert abs(img.width / 300 * 25.4 - 42) < 0.1


def test_signatures_are_blue_transparent_and_differ_per_official(sample_pki):
    images = {}
    for label in ["chairman", "vice-chairman"]:
        img = Image.open(sample_pki.identity(label).signature_image)
        assert img.mode == "RGBA"
        assert img.getpixel((0, 0))[3] == 0
        r, g, b, n = _opaque_mean(img)
        assert b > 120 and r < 80 and n > 2000
        images[label] = img.tobytes()
    assert images["chairman"] != images["vice-chairman"]
    assert sample_pki.identity("seal").signature_image is None


# --- SoftHSM2 ------------------------------------------------------------------------------


def test_softhsm_token_holds_working_keys(sample_pki, softhsm_token):
    import pkcs11
    from pkcs11 import Attribute, Mechanism, ObjectClass

    lib = pkcs11.lib(softhsm_token.module_path)
    token = lib.get_token(token_label=softhsm_token.token_label)
    assert set(softhsm_token.key_labels) == {"chairman", "vice-chairman", "seal"}
    with token.open(user_pin=softhsm_token.user_pin) as session:
        key_labels = {k[Attribute.LABEL] for k in
                      session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})}
        cert_labels = {c[Attribute.LABEL] for c in
                       session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})}
        assert key_labels == set(softhsm_token.key_labels)
        assert cert_labels == key_labels | {"interm", "root"}
        for label in softhsm_token.key_labels:
            key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
            message = f"SAMPLE {label}".encode()
            sig = key.sign(message, mechanism=Mechanism.SHA256_RSA_PKCS)
            cert = _crypto_cert(sample_pki.identity(label).cert)
            cert.public_key().verify(sig, message, padding.PKCS1v15(), hashes.SHA256())


# --- the scripts -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_pki(tmp_path_factory) -> Path:
    """A second, independent generation made by the script as on a fresh clone."""
    out = tmp_path_factory.mktemp("fresh-pki") / "generated"
    subprocess.run([sys.executable, str(REPO / "certs-sample" / "generate.py"), "--out",
                    str(out)], check=True, capture_output=True, timeout=300)
    return out


def test_generate_script_builds_a_complete_fresh_pki_and_then_does_nothing(fresh_pki,
                                                                          sample_pki):
    manifest = json.loads((fresh_pki / "manifest.json").read_text())
    assert set(manifest["identities"]) == set(sample_pki.identities)
    for ident in manifest["identities"].values():
        for rel in [ident["cert"], ident["key"], ident["p12"], *ident["chain"]]:
            assert (fresh_pki / rel).is_file(), rel
    assert manifest["root_sha256"] != sample_pki.raw["root_sha256"]  # keys are fresh
    before = (fresh_pki / "manifest.json").stat().st_mtime_ns
    subprocess.run([sys.executable, str(REPO / "certs-sample" / "generate.py"), "--out",
                    str(fresh_pki)], check=True, capture_output=True, timeout=300)
    assert (fresh_pki / "manifest.json").stat().st_mtime_ns == before



def test_serve_script_starts_in_background_and_stops_cleanly(tmp_path, fresh_pki, sample_pki):
    from samplepki import SamplePKIError, sharing

    script = REPO / "certs-sample" / "serve.py"
    port = free_port()
    pidfile = tmp_path / "pki.pid"
    common = ["--port", str(port), "--pidfile", str(pidfile), "--out", str(fresh_pki)]
    subprocess.run([sys.executable, str(script), "--background", "--log",
                    str(tmp_path / "pki.log"), *common], check=True, timeout=90)
    try:
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert health["root_sha256"] == json.loads(
            (fresh_pki / "manifest.json").read_text())["root_sha256"]
        assert health["pid"] == int(pidfile.read_text())
        check = subprocess.run([sys.executable, str(script), "--check", "--port", str(port)])
        assert check.returncode == 0
        # a test session reuses a server started by hand and leaves it running...
        lease = sharing.acquire(fresh_pki, port=port)
        assert not lease.started_here
        assert sharing.release(lease, fresh_pki) is False
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok
        # ...but refuses one that serves another generation of the PKI
        with pytest.raises(SamplePKIError, match="another generation"):
            sharing.acquire(sample_pki.base_dir, port=port)
    finally:
        subprocess.run([sys.executable, str(script), "--stop", *common], check=True,
                       timeout=30)
    assert not pidfile.exists()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_serve_script_refuses_non_loopback_hosts():
    script = REPO / "certs-sample" / "serve.py"
    proc = subprocess.run([sys.executable, str(script), "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "loopback only" in proc.stderr

