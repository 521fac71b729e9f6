"""The outgoing flow: fields first, the official signs, number and date, then the seal."""

from __future__ import annotations

import subprocess

import pytest

from signing.errors import FieldError
from signing.fields import (
    SignatureFieldRequest,
    TextFieldRequest,
    add_fields,
    fill_text_fields,
    plan_number_and_date,
    plan_signature_block,
)
from signing.pades import Level, SignOptions, sign_pdf
from signing.placement import MM
from signing.stamp import OfficialStamp, SealStamp
from tests.signing.checks import check_file
from tests.signing.conftest import pdfsig_valid_count, qpdf_ok, sha256
from tests.signing.docgen import NAME, TITLE


@pytest.fixture
def prepared(directive, tmp_path, sample_pki):
    sig_png = sample_pki.identity("chairman").signature_image
    seal = sample_pki.identity("seal")
    official, seal_place = plan_signature_block(
        directive,
        OfficialStamp(image=sig_png, title=TITLE, name=NAME),
        SealStamp(image=seal.seal_image, diameter_mm=seal.seal_size_mm),
    )
    fields = tmp_path / "fields.pdf"
    add_fields(
        directive,
        fields,
        [
            SignatureFieldRequest("ChuKyLanhDao", official.page.index, official.box),
            SignatureFieldRequest("ChuKyCoQuan", seal_place.page.index, seal_place.box),
        ],
        plan_number_and_date(directive),
    )
    return fields, official, seal_place, sig_png, seal


def test_seal_covers_the_left_third_at_real_size(prepared):
    _, official, seal, _, ident = prepared
    o, s = official.box, seal.box
    width = o[2] - o[0]
    assert s[2] == pytest.approx(o[0] + width / 3, abs=1)
    assert s[2] - s[0] == pytest.approx(ident.seal_size_mm * MM, abs=0.5)
    assert (s[1] + s[3]) / 2 == pytest.approx((o[1] + o[3]) / 2, abs=1)


@pytest.mark.parametrize("certify", [False, True], ids=["approval", "certified-P2"])
def test_official_then_number_then_seal_all_valid(
    prepared, tmp_path, chairman, seal_signer, trust, pki_services, certify
):
    """Every field exists before the first signature, so even a certifying official (DocMDP
    P=2, form filling allowed) keeps a valid signature after the number and the seal."""
    fields, _, _, sig_png, seal = prepared
    s1, s2, s3 = tmp_path / "s1.pdf", tmp_path / "s2.pdf", tmp_path / "s3.pdf"
    sign_pdf(
        fields,
        s1,
        chairman,
        SignOptions(
            certify=certify, field_name="ChuKyLanhDao", level=Level.B_T, tsa_url=pki_services.tsa
        ),
        stamp=OfficialStamp(image=sig_png),
    )
    before = sha256(s1)
    fill_text_fields(s1, s2, {"So": "45", "Ngay": "05", "Thang": "3"})
    assert sha256(s1) == before
    sign_pdf(
        s2,
        s3,
        seal_signer,
        SignOptions(
            field_name="ChuKyCoQuan", level=Level.B_LTA, tsa_url=pki_services.tsa, trust=trust
        ),
        stamp=SealStamp(image=seal.seal_image),
    )
    check = check_file(s3, trust)
    by_field = {s.field: s for s in check.signatures}
    official, org = by_field["ChuKyLanhDao"], by_field["ChuKyCoQuan"]
    assert official.intact and official.valid and official.trusted
    assert official.modification == "FORM_FILLING"  # number and date, nothing else
    assert org.intact and org.valid and org.trusted and org.has_timestamp
    assert org.signer_cn == "ỦY BAN NHÂN DÂN TỈNH AN GIANG"
    assert check.doc_timestamps == 1
    n, valid, text = pdfsig_valid_count(s3)
    assert n == 2 and valid == 2, text
    assert qpdf_ok(s3)
    # and the project's own verifier (signing.verification) agrees, Decree-30 complete
    from signing.verification import TOTAL_PASSED, Trust, verify

    report = verify(s3.read_bytes(), Trust(anchors=trust.trust_roots))
    assert report.indication == TOTAL_PASSED, report.summary_en
    assert report.decree30_complete
    # The signed document still carries its text (nothing was flattened or replaced).
    ppm = subprocess.run(
        ["pdftotext", "-layout", str(s3), "-"], capture_output=True, text=True
    ).stdout
    assert "Lâm Quốc Thịnh" in ppm


def test_number_is_rendered_in_the_blank(prepared, tmp_path, chairman):
    import pytesseract
    from PIL import Image

    fields, *_ = prepared
    s1, s2 = tmp_path / "s1.pdf", tmp_path / "s2.pdf"
    sign_pdf(fields, s1, chairman, SignOptions(field_name="ChuKyLanhDao"))
    fill_text_fields(s1, s2, {"So": "45"})
    png = tmp_path / "p"
    # the "Số: 45 /QĐ-UBND" line: x 60..260, y 842-750..842-720 at 200 dpi
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-singlefile",
            "-x",
            "160",
            "-y",
            "260",
            "-W",
            "600",
            "-H",
            "110",
            str(s2),
            str(png),
        ],
        check=True,
    )
    text = pytesseract.image_to_string(Image.open(f"{png}.png"), lang="vie", config="--psm 7")
    assert "45" in text and "QĐ-UBND" in text.replace(" ", ""), text


def test_fill_refuses_unknown_field_and_keeps_input(prepared, tmp_path):
    fields, *_ = prepared
    before = sha256(fields)
    with pytest.raises(FieldError, match="no field"):
        fill_text_fields(fields, tmp_path / "x.pdf", {"Khong": "1"})
    assert sha256(fields) == before and not (tmp_path / "x.pdf").exists()


def test_signed_field_cannot_be_signed_again(prepared, tmp_path, chairman):
    fields, *_ = prepared
    s1 = tmp_path / "s1.pdf"
    sign_pdf(fields, s1, chairman, SignOptions(field_name="ChuKyLanhDao"))
    with pytest.raises(FieldError, match="already signed"):
        sign_pdf(s1, tmp_path / "s2.pdf", chairman, SignOptions(field_name="ChuKyLanhDao"))


def test_text_fields_alone_then_filled(directive, tmp_path):
    """A document without any form gets one; the value is stored NFC with an appearance."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    f1, f2 = tmp_path / "f1.pdf", tmp_path / "f2.pdf"
    add_fields(directive, f1, text_fields=[TextFieldRequest("So", 0, (95, 726, 180, 744))])
    fill_text_fields(f1, f2, {"So": "45/QĐ"})
    with open(f2, "rb") as fh:
        r = PdfFileReader(fh)
        [field] = [f.get_object() for f in r.root["/AcroForm"]["/Fields"]]
        assert str(field["/V"]) == "45/QĐ" and "/AP" in field
    assert qpdf_ok(f2)


def test_number_and_date_blanks_found_from_the_text(directive):
    so, ngay, thang = plan_number_and_date(directive)
    assert (so.name, ngay.name, thang.name) == ("So", "Ngay", "Thang")
    # docgen: "Số:" at x=70 and the date line at x=320, both on the baseline y=730
    assert 85 < so.box[0] < so.box[2] < 160 and so.box[1] < 730 < so.box[3]
    assert 380 < ngay.box[0] < ngay.box[2] < thang.box[0] < thang.box[2] < 500
