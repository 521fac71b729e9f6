"""Turning command-line words into signing objects (for ``vanthu sign``; kept out of vanthu/).

Public API: :func:`read_secret_file`, :func:`parse_box`, :func:`build_stamp`,
:func:`signed_widget_boxes`, :func:`certificate_title_and_name`.
"""

from __future__ import annotations

from pathlib import Path

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.errors import SigningError, StampError
from signing.placement import Box
from signing.stamp import AppendixStamp, CopyForm, CopyStamp, OfficialStamp, SealStamp

__all__ = [
    "build_stamp",
    "certificate_title_and_name",
    "parse_box",
    "read_secret_file",
    "signed_widget_boxes",
]


def read_secret_file(path: Path | None) -> str | None:
    """A password or PIN from a file (first line, without its newline)."""
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise SigningError(f"cannot read secret file {Path(path).name}: {e.strerror}") from None
    lines = text.splitlines()
    return lines[0] if lines else ""


def parse_box(text: str | None) -> Box | None:
    if text is None:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in text.split(","))
    except ValueError:
        raise StampError(f"--box wants X1,Y1,X2,Y2 in points, got '{text}'") from None
    if x2 <= x1 or y2 <= y1:
        raise StampError("--box needs X1 < X2 and Y1 < Y2")
    return (x1, y1, x2, y2)


def certificate_title_and_name(cert: x509.Certificate) -> tuple[str | None, str | None]:
    """The signer's title and common name from the certificate, as printed in the block."""
    subj = cert.subject.native
    return subj.get("title"), subj.get("common_name")


def signed_widget_boxes(pdf: Path) -> list[tuple[int, Box]]:
    """(page index, rect) of every visible signature widget that is already signed."""
    out: list[tuple[int, Box]] = []
    with open(pdf, "rb") as f:
        r = PdfFileReader(f, strict=False)
        page_ids = {}
        for i in range(int(r.root["/Pages"]["/Count"])):
            ref = r.find_page_for_modification(i)[0]
            page_ids[ref.idnum] = i
        for es in r.embedded_regular_signatures:
            field = es.sig_field
            rect = field.get("/Rect")
            if rect is None:
                continue
            box = tuple(float(v) for v in rect)
            if box[2] - box[0] < 1 or box[3] - box[1] < 1:
                continue
            p = field.get_value_as_reference("/P", optional=True) if "/P" in field else None
            out.append((page_ids.get(p.idnum, -1) if p is not None else -1, box))
    return out


def build_stamp(
    kind: str,
    *,
    src: Path,
    certificate: x509.Certificate,
    image: Path | None,
    page: int | None,
    box: Box | None,
    title: str | None,
    name: str | None,
    seal_mm: float | None,
    organization: str | None,
    number: str | None,
    copy_form: str | None,
) -> OfficialStamp | SealStamp | AppendixStamp | CopyStamp | None:
    """The stamp asked for with ``--stamp`` (``page`` is 1-based here, as users count)."""
    pg = (page - 1) if page else -1
    if kind == "none":
        return None
    if kind == "official":
        if image is None:
            raise StampError("--stamp official needs --image (the blue signature PNG)")
        if box is not None:
            return OfficialStamp(image=image, page=pg, box=box)
        c_title, c_name = certificate_title_and_name(certificate)
        title, name = title or c_title, name or c_name
        if not (title and name):
            raise StampError("give --title and --name (the lines above and below the signature)")
        return OfficialStamp(image=image, title=title, name=name, page=pg)
    if kind == "seal":
        if image is None:
            raise StampError("--stamp seal needs --image (the red seal PNG)")
        if box is not None:
            return SealStamp(image=image, diameter_mm=seal_mm, page=pg, box=box)
        signed = signed_widget_boxes(src)
        if not signed:
            raise StampError(
                "no visible signature of the official to put the seal over; give --page and --box"
            )
        spage, sbox = signed[-1]
        return SealStamp(image=image, diameter_mm=seal_mm, page=spage, over=sbox)
    if kind == "appendix":
        if not (organization and number):
            raise StampError("--stamp appendix needs --organization and --number")
        return AppendixStamp(organization=organization, number_symbol=number)
    if kind == "copy":
        if not (organization and copy_form):
            raise StampError("--stamp copy needs --copy-form and --organization")
        try:
            form = CopyForm(copy_form.upper())
        except ValueError:
            raise StampError("--copy-form is one of: SAO Y, SAO LỤC, TRÍCH SAO") from None
        return CopyStamp(form=form, copying_organization=organization)
    raise StampError(f"unknown stamp '{kind}' (official, seal, appendix, copy, none)")
