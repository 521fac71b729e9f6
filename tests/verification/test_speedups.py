"""The workers' speed-ups give exactly what the originals give."""

from __future__ import annotations

import io
import random

import pytest
from pyhanko.pdf_utils.misc import PdfStreamError

from signing.verification import speedups


def _both(raw: bytes):
    results = []
    for reader in (speedups._original, speedups.read_hex_string):
        stream = io.BytesIO(raw)
        try:
            value = reader(stream)
            results.append((bytes(value.original_bytes if hasattr(value, "original_bytes")
                                  else value), stream.tell()))
        except PdfStreamError:
            results.append(("error", None))
    return results


@pytest.mark.parametrize("seed", range(25))
def test_same_value_and_position_as_pyhanko(seed):
    rng = random.Random(seed)
    digits = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(rng.randrange(0, 300)))
    spaced = "".join(c + (rng.choice([" ", "\n", "\r\n", "\t", ""]) if rng.random() < 0.1 else "")
                     for c in digits)
    raw = b"<" + spaced.encode() + b"> /Next 1"
    ours, theirs = _both(raw)
    assert ours == theirs


@pytest.mark.parametrize("raw", [b"<12 3g>", b"<abc", b"<>", b"<1>", b"<" + b"0" * 70000 + b">"])
def test_edge_cases_match(raw):
    ours, theirs = _both(raw)
    assert ours == theirs


def test_remembered_name_preparation_equals_asn1crypto():
    from asn1crypto import x509

    name = x509.Name.build({"common_name": "  ỦY BAN   NHÂN DÂN ", "organization_name": "Bộ X",
                            "country_name": "VN"})
    before = [ntv.prepped_value for rdn in name.chosen for ntv in rdn]
    speedups.install()
    try:
        twice = [[ntv.prepped_value for rdn in name.chosen for ntv in rdn] for _ in range(2)]
    finally:
        speedups.uninstall()
    assert twice == [before, before]


def _read_name_both(raw: bytes):
    results = []
    for reader in (speedups._original_read_name, speedups.read_name):
        stream = io.BytesIO(raw)
        try:
            value = reader(stream)
            results.append((type(value).__name__, str(value), stream.tell()))
        except Exception as exc:  # noqa: BLE001 — the same error is part of the contract
            results.append((type(exc).__name__, str(exc), None))
    return results


_NAME_BYTES = b"abcXYZ019_-.+*!\"$&'~#" + bytes([0x80, 0xC3, 0xA9, 0x01, 0x7F])
_AFTER = [b"", b" ", b"/Next", b"<<", b">>", b"[", b"]", b"(x)", b"%c", b"\n", b"\x00", b"{"]


@pytest.mark.parametrize("seed", range(40))
def test_read_name_same_value_error_and_position(seed):
    rng = random.Random(seed)
    body = bytes(rng.choice(_NAME_BYTES) for _ in range(rng.randrange(0, 300)))
    if rng.random() < 0.5:  # well-formed escapes too, not only broken ones
        body = body.replace(b"#", b"#2F")
    raw = b"/" + body + rng.choice(_AFTER)
    ours, theirs = _read_name_both(raw)
    assert ours == theirs


@pytest.mark.parametrize("raw", [b"/", b"/ ", b"/Type/Sig", b"/A#20B ", b"/A#2", b"/A#zz ",
                                 b"/\xc3\xa9t\xc3\xa9>>", b"Type", b"", b"/" + b"x" * 1000])
def test_read_name_edge_cases(raw):
    ours, theirs = _read_name_both(raw)
    assert ours == theirs


def test_remembered_name_comparison_equals_asn1crypto():
    from asn1crypto import x509

    def name(cn, org="Bộ X", string_type=None):
        built = x509.Name.build({"common_name": cn, "organization_name": org,
                                 "country_name": "VN"}, use_printable=string_type == "p")
        return x509.Name.load(built.dump())

    names = [name("Nguyễn Văn A"), name("nguyễn  văn a"), name("Nguyen Van A", "Bo X", "p"),
             name("Nguyen Van A", "Bo X"), name("Other"), name("Nguyễn Văn A", org="Bộ Y")]
    before = [[a == b for b in names] for a in names]
    hashes = [n.hashable for n in names]
    speedups.install()
    try:
        after = [[[a == b for b in names] for a in names] for _ in range(2)]
        hashes_after = [n.hashable for n in names]
        assert (names[0] == "not a name") is False
    finally:
        speedups.uninstall()
    assert after == [before, before]
    assert hashes_after == hashes
    assert before[0][1] is True  # the comparison is RFC 5280's, not byte equality
    assert before[2][3] is True and names[2].dump() != names[3].dump()


def test_certificates_of_a_signature_are_the_same_as_pyhankos(signed):
    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    theirs = speedups._original_extract(sig.signed_data)
    ours = [speedups.extract_certificate_info(sig.signed_data) for _ in range(2)]
    for info in ours:
        assert info.signer_cert.dump() == theirs.signer_cert.dump()
        assert [c.dump() for c in info.other_certs] == [c.dump() for c in theirs.other_certs]
        assert info.attribute_certs == theirs.attribute_certs == []
    # the second look at the same signature gets the already parsed certificate
    assert ours[0].signer_cert is ours[1].signer_cert


def test_remembered_algorithm_policy_answers_as_pyhankos(pki):
    from asn1crypto import algos
    from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

    from signing.verification.warm import RememberedAlgorithmPolicy

    theirs, ours = DisallowWeakAlgorithmsPolicy(), RememberedAlgorithmPolicy()
    sha1 = algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    cases = [(who.cert["signature_algorithm"], who.cert.public_key)
             for who in (pki.root, pki["person"], pki["weak_rsa"], pki["ecdsa"])]
    cases += [(sha1, pki["person"].cert.public_key), (sha1, None)]
    for _ in range(2):  # the second round is answered from memory
        for algo, key in cases:
            a = ours.signature_algorithm_allowed(algo, None, key)
            b = theirs.signature_algorithm_allowed(algo, None, key)
            assert (a.allowed, a.failure_reason) == (b.allowed, b.failure_reason)
    assert not ours.signature_algorithm_allowed(cases[2][0], None, cases[2][1]).allowed  # RSA-1024


def test_remembered_signing_certificate_check_equals_pyhankos(signed, pki):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.generic_cms import get_signing_cert_attr

    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    certid = get_signing_cert_attr(sig.signer_info["signed_attrs"])["certs"][0]
    for cert in (sig.signer_cert, pki["org"].cert, pki.root.cert):
        expected = speedups._original_check_ess(cert, certid)
        assert [speedups.check_ess_certid(cert, certid) for _ in range(2)] == [expected] * 2
    assert speedups.check_ess_certid(sig.signer_cert, certid) is True
    assert speedups.check_ess_certid(pki["org"].cert, certid) is False


def test_signing_certificate_attribute_read_without_marking_the_signed_attributes(plain, pki):
    """The untrusted signer's signing-certificate attribute is exactly 128 bytes long, the
    length asn1crypto mistakes for an indefinite one."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from . import docs

    data = docs.sign(plain, pki, "untrusted")

    def fresh_attrs():
        return PdfFileReader(io.BytesIO(data)).embedded_signatures[0].signer_info["signed_attrs"]

    theirs_attrs, ours_attrs = fresh_attrs(), fresh_attrs()
    theirs = speedups._original_get_signing_cert_attr(theirs_attrs)
    ours = speedups.get_signing_cert_attr(ours_attrs)
    assert ours.dump() == theirs.dump()
    assert theirs_attrs._is_mutated()  # the quirk this works around
    assert not ours_attrs._is_mutated()
    assert ours_attrs.dump() == fresh_attrs().dump()
