"""Every fixture of the issue gets the expected indication and sub-indication."""

from __future__ import annotations

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.sign.fields import MDPPerm

from signing.verification import Trust, verify

from . import docs


def _one(report):
    assert len(report.signatures) == 1, report.signatures
    return report.signatures[0]


def test_untouched_signature_passes(signed, trust):
    report = verify(signed, trust)
    sig = _one(report)
    assert (report.indication, report.subindication) == ("TOTAL-PASSED", None)
    assert sig.intact is True
    assert sig.coverage == "entire_file"
    assert sig.signer == "Nguyễn Văn A"
    assert sig.level == "PAdES-B-B"
    assert sig.modifications == []
    assert sig.reason == "Phê duyệt"
    assert sig.chain[0].common_name == "Nguyễn Văn A"
    assert sig.chain[-1].common_name == "Test Root CA vanthu"


def test_unsigned_pdf_has_no_signature(plain, trust):
    report = verify(plain, trust)
    assert report.indication == "NO-SIGNATURE"
    assert report.signatures == []
    assert "không có chữ ký số" in report.summary_vi


def test_bytes_changed_inside_signed_range(signed, trust):
    report = verify(docs.flip_signed_byte(signed), trust)
    sig = _one(report)
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "HASH_FAILURE")
    assert sig.intact is False
    assert report.indication == "TOTAL-FAILED"


def test_byte_range_rewritten(signed, trust):
    sig = _one(verify(docs.rewrite_byte_range(signed), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert sig.coverage == "invalid"
    assert any("/ByteRange" in e for e in sig.errors)


def test_page_added_after_signing(signed, trust):
    sig = _one(verify(docs.add_page(signed), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    kinds = {(m.kind, m.page) for m in sig.modifications}
    assert ("page_added", 3) in kinds


def test_content_overlaid_after_signing(signed, trust):
    sig = _one(verify(docs.overlay_content(signed), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert "vẽ chồng lên trang 1" in sig.summary_vi  # says what changed, in Vietnamese
    assert "drawn over signed page 1" in sig.summary_en
    assert ("content_overlaid", 1) in {(m.kind, m.page) for m in sig.modifications}
    assert sig.intact is True  # the signed bytes are untouched: only the reader's view changed


def test_reason_edited_after_signing(signed, trust):
    sig = _one(verify(docs.edit_reason(signed), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    edits = [m for m in sig.modifications if m.kind == "signature_dict_edited"]
    assert edits and "/Reason" in edits[0].detail
    assert "Đã sửa lý do" in edits[0].detail


def test_revoked_signer_with_timestamp_after_revocation(plain, pki, trust):
    data = docs.add_dss(docs.sign(plain, pki, "revoked", with_timestamp=True), pki)
    sig = _one(verify(data, trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "REVOKED")
    assert sig.revocation.status == "revoked"
    assert sig.revocation.source == "embedded"
    assert sig.revocation.revoked_at is not None


def test_expired_signer(plain, pki, trust):
    sig = _one(verify(docs.sign(plain, pki, "expired"), trust))
    assert (sig.indication, sig.subindication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")


def test_untrusted_root(plain, pki, trust):
    sig = _one(verify(docs.sign(plain, pki, "untrusted"), trust))
    assert (sig.indication, sig.subindication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert sig.intact is True


def test_untrusted_root_passes_once_given_as_extra_anchor(plain, pki, trust):
    data = docs.sign(plain, pki, "untrusted")
    report = verify(data, trust.with_anchors([pki.other_root.cert]))
    assert report.indication == "TOTAL-PASSED"


def test_sha1_signature(plain, pki, trust):
    sig = _one(verify(docs.sign(plain, pki, md="sha1"), trust))
    assert (sig.indication, sig.subindication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE")
    assert sig.algorithms.digest == "sha1"
    assert any("SHA1" in w for w in sig.algorithms.weak)


def test_rsa_1024_is_weak(plain, pki, trust):
    sig = _one(verify(docs.sign(plain, pki, "weak_rsa"), trust))
    assert (sig.indication, sig.subindication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE")
    assert sig.algorithms.key_size == 1024
    assert "RSA key of 1024 bits" in sig.algorithms.weak


def test_signer_without_non_repudiation(plain, pki, trust):
    sig = _one(verify(docs.sign(plain, pki, "no_nonrep"), trust))
    assert (sig.indication, sig.subindication) == ("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE")


@pytest.mark.parametrize(
    ("who", "pss", "key", "mech"),
    [("ecdsa", False, "ec", "ecdsa"), ("pss", True, "rsa", "rsassa_pss"),
     ("person", False, "rsa", "rsassa_pkcs1v15")],
)
def test_key_types_pass(plain, pki, trust, who, pss, key, mech):
    sig = _one(verify(docs.sign(plain, pki, who, pss=pss), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-PASSED", None)
    assert sig.algorithms.key == key
    assert sig.algorithms.signature == mech


def test_both_decree30_signatures(two_fields, pki, trust):
    first = docs.sign(two_fields, pki, "person", "NguoiKy")
    both = docs.sign(first, pki, "org", "CoQuan")
    report = verify(both, trust)
    assert report.indication == "TOTAL-PASSED"
    assert [s.field for s in report.signatures] == ["NguoiKy", "CoQuan"]
    assert [s.signer_role for s in report.signatures] == ["person", "organization"]
    assert report.decree30_person and report.decree30_organization
    assert "Có đủ chữ ký" in report.summary_vi
    # the first signature sees the second as a permitted change
    kinds = [m.kind for m in report.signatures[0].modifications]
    assert "signature_added" in kinds
    assert all(m.allowed for m in report.signatures[0].modifications)


def test_only_the_officials_signature_is_reported_incomplete(two_fields, pki, trust):
    report = verify(docs.sign(two_fields, pki, "person", "NguoiKy"), trust)
    assert report.indication == "TOTAL-PASSED"
    assert report.decree30_person and not report.decree30_organization
    assert "Thiếu chữ ký số hợp lệ: chữ ký của cơ quan, tổ chức" in report.summary_vi
    assert "No valid organization's signature" in report.summary_en


def test_certification_then_allowed_signature(two_fields, pki, trust):
    certified = docs.sign(two_fields, pki, "person", "NguoiKy", certify=MDPPerm.FILL_FORMS)
    report = verify(docs.sign(certified, pki, "org", "CoQuan"), trust)
    assert report.indication == "TOTAL-PASSED"
    assert report.signatures[0].certification.startswith("P2")


@pytest.mark.parametrize("perm", [MDPPerm.NO_CHANGES, MDPPerm.FILL_FORMS])
def test_certification_then_disallowed_annotation(two_fields, pki, trust, perm):
    certified = docs.sign(two_fields, pki, "person", "NguoiKy", certify=perm)
    sig = _one(verify(docs.add_annotation(certified), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    bad = [m for m in sig.modifications if not m.allowed]
    assert [m.kind for m in bad] == ["annotation_added"]


def test_certification_p3_allows_annotation(two_fields, pki, trust):
    certified = docs.sign(two_fields, pki, "person", "NguoiKy", certify=MDPPerm.ANNOTATE)
    sig = _one(verify(docs.add_annotation(certified), trust))
    assert sig.indication == "TOTAL-PASSED"


def test_certification_no_changes_still_allows_validation_data(two_fields, pki, trust):
    certified = docs.sign(two_fields, pki, "person", "NguoiKy", certify=MDPPerm.NO_CHANGES)
    sig = _one(verify(docs.add_dss(certified, pki), trust))
    assert sig.indication == "TOTAL-PASSED"


def test_annotation_after_approval_signature_is_a_warning(signed, trust):
    sig = _one(verify(docs.add_annotation(signed), trust))
    assert sig.indication == "TOTAL-PASSED"
    assert any("annotation" in w for w in sig.warnings)


def test_levels_t_lt_lta(plain, pki, trust):
    bt = docs.sign(plain, pki, with_timestamp=True)
    blt = docs.add_dss(bt, pki)
    blta = docs.add_doc_timestamp(blt, pki)
    sig_t = _one(verify(bt, trust))
    assert (sig_t.level, sig_t.indication, sig_t.long_term) == ("PAdES-B-T", "TOTAL-PASSED", False)
    assert sig_t.timestamp_time is not None
    sig_lt = _one(verify(blt, trust))
    assert (sig_lt.level, sig_lt.long_term) == ("PAdES-B-LT", True)
    assert sig_lt.revocation.source == "embedded" and sig_lt.revocation.status == "good"
    report = verify(blta, trust)
    assert report.indication == "TOTAL-PASSED"
    sig, ts = report.signatures
    assert (sig.level, sig.long_term) == ("PAdES-B-LTA", True)
    assert ts.type == "timestamp" and ts.indication == "TOTAL-PASSED"
    assert "document_timestamp" in [m.kind for m in sig.modifications]


def test_validation_time_in_the_past_makes_expired_signer_pass(plain, pki):
    from .pki import NOW

    data = docs.sign(plain, pki, "expired")
    at = NOW.replace(year=NOW.year - 1)
    report = verify(data, Trust(anchors=(pki.root.cert,), offline=True, at=at))
    assert report.indication == "TOTAL-PASSED"


def test_online_mode_soft_fails_when_the_crl_cannot_be_fetched(signed, pki):
    online = Trust(anchors=(pki.root.cert,), fetch_timeout_s=2.0)
    sig = _one(verify(signed, online))
    assert sig.indication == "TOTAL-PASSED"
    assert (sig.revocation.status, sig.revocation.source) == ("unknown", "none")
    assert any("none could be fetched" in w for w in sig.warnings)


def test_online_mode_hard_fail_refuses_unknown_revocation(signed, pki):
    strict = Trust(anchors=(pki.root.cert,), revocation="hard-fail", fetch_timeout_s=2.0)
    sig = _one(verify(signed, strict))
    assert sig.indication == "INDETERMINATE"


def test_online_mode_uses_embedded_revocation_first(plain, pki):
    data = docs.add_dss(docs.sign(plain, pki, "revoked", with_timestamp=True), pki)
    sig = _one(verify(data, Trust(anchors=(pki.root.cert,), fetch_timeout_s=2.0)))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "REVOKED")
    assert sig.revocation.source == "embedded"


def test_font_swapped_after_signing_is_caught_by_rendering(signed, trust):
    sig = _one(verify(docs.replace_font(signed), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert ("rendering_changed", 1) in {(m.kind, m.page) for m in sig.modifications}


def test_invisible_resource_change_passes_with_a_warning(signed, trust):
    sig = _one(verify(docs.replace_font(signed, extra_key=True), trust))
    assert sig.indication == "TOTAL-PASSED"
    assert any("looks the same" in w for w in sig.warnings)


def test_xref_stream_and_object_stream_document(tmp_path, pki, trust):
    """The same judgements on a file written with cross-reference and object streams (qpdf)."""
    import subprocess

    src, dst = tmp_path / "plain.pdf", tmp_path / "objstm.pdf"
    src.write_bytes(docs.plain_pdf(3))
    subprocess.run(["qpdf", "--object-streams=generate", str(src), str(dst)], check=True)
    signed = docs.sign(dst.read_bytes(), pki)
    assert verify(signed, trust).indication == "TOTAL-PASSED"
    overlaid = _one(verify(docs.overlay_content(signed, 1), trust))
    assert ("content_overlaid", 2) in {(m.kind, m.page) for m in overlaid.modifications}
    swapped = _one(verify(docs.replace_font(signed), trust))
    assert swapped.indication == "TOTAL-FAILED"
    assert "rendering_changed" in {m.kind for m in swapped.modifications}


def test_signing_time_edited_after_signing(signed, trust):
    def change_m(w):
        field = docs._first_sig_field(w)
        field["/V"][pdf_name("/M")] = generic.TextStringObject("D:20200101000000+07'00'")
        w.mark_update(field.raw_get("/V"))

    sig = _one(verify(docs._update(signed, change_m), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    edits = [m for m in sig.modifications if m.kind == "signature_dict_edited"]
    assert edits and "/M" in edits[0].detail


@pytest.mark.parametrize("repoint_page", [True, False])
def test_content_swapped_under_a_new_generation(signed, trust, repoint_page):
    """Reusing the content stream's object number with a higher generation shows other text
    (pdfium reads the newest entry whatever the generation) but must not pass as signed."""
    import pypdfium2 as pdfium

    changed = docs.content_in_new_generation(signed, repoint_page)
    shown = pdfium.PdfDocument(changed)[0].get_textpage().get_text_range()
    assert "so 99" in shown  # what a reader sees is not what was signed
    sig = _one(verify(changed, trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert ("content_replaced", 1) in {(m.kind, m.page) for m in sig.modifications}


@pytest.mark.parametrize("key, value", [
    ("/CropBox", generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 10, 10)])),
    ("/Rotate", generic.NumberObject(90)),
])
def test_page_tree_attribute_inherited_by_signed_pages(signed, trust, key, value):
    """A crop box or rotation set on the page tree after signing changes every signed page
    a reader sees, although no page object was rewritten."""
    sig = _one(verify(docs.page_tree_attribute(signed, key, value), trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    changed = [m for m in sig.modifications if m.kind == "page_changed"]
    assert {m.page for m in changed} == {1, 2}
    assert all(key in m.detail for m in changed)


def test_hidden_layer_turned_on_after_signing(pki, trust):
    """Signed text kept in a layer that is off, switched on afterwards in the catalog: the
    page shows other words than the signer saw."""
    import pypdfium2 as pdfium

    def pixels(data):
        return pdfium.PdfDocument(data)[0].render(scale=0.5).to_pil().tobytes()

    signed = docs.sign(docs.plain_pdf(hidden_text="HUY BO QUYET DINH"), pki)
    assert _one(verify(signed, trust)).indication == "TOTAL-PASSED"
    shown = docs.show_hidden_layers(signed)
    assert pixels(shown) != pixels(signed)  # a reader sees the layer now
    sig = _one(verify(shown, trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert ("rendering_changed", 1) in {(m.kind, m.page) for m in sig.modifications}


@pytest.mark.parametrize("in_place", [False, True])
def test_signed_stamp_redrawn_after_signing(plain, pki, trust, in_place):
    """The visible stamp of a signature is part of what the signed page shows."""
    import pypdfium2 as pdfium

    def pixels(data):
        pdf = pdfium.PdfDocument(data)
        pdf.init_forms()
        return pdf[0].render(scale=0.5, may_draw_forms=True).to_pil().tobytes()

    signed = docs.sign(plain, pki, new_field_box=(100, 100, 300, 160))
    changed = docs.replace_signature_appearance(signed, in_place)
    assert pixels(changed) != pixels(signed)
    sig = _one(verify(changed, trust))
    assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert "signature_appearance_changed" in {m.kind for m in sig.modifications}


def test_stamp_of_a_field_signed_later_may_be_drawn(two_fields, pki, trust):
    """Signing an empty field draws its stamp: that is not a change to the first signature."""
    first = docs.sign(two_fields, pki, "person", "NguoiKy")
    both = docs.sign(first, pki, "org", "CoQuan")
    report = verify(both, trust)
    assert [s.indication for s in report.signatures] == ["TOTAL-PASSED", "TOTAL-PASSED"]
