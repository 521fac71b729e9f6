"""Form fields created before the first signature, and the number/date written after it.

Public API (``from signing.fields import ...``):

- :class:`SignatureFieldRequest`, :class:`TextFieldRequest` — a field's name, 0-based page and
  user-space box.
- :func:`add_fields` — create every field in one incremental update *before* any signature, so
  no later signature adds a field under an earlier one (pades-notes §0.2).
- :func:`fill_text_fields` — write values (the number "45", the date line) into text fields in
  a new incremental update, with an appearance in an embedded Vietnamese font. An approval
  signature permits this (form filling), and the organization's signature then covers it.
- :func:`plan_signature_block` — the official's and the seal's boxes from the document text.
- :func:`plan_number_and_date` — text fields over the blanks of "Số: ..../QĐ-UBND" and
  "ngày .. tháng .. năm" on page 1 (Decree-30 boxes 3 and 4), found from the text.

The outgoing flow (each step a new file; no step invalidates an earlier signature)::

    official, seal = plan_signature_block(draft, OfficialStamp(sig_png, title, name),
                                          SealStamp(seal_png))
    add_fields(draft, with_fields,
               [SignatureFieldRequest("LanhDao", official.page.index, official.box),
                SignatureFieldRequest("CoQuan", seal.page.index, seal.box)],
               plan_number_and_date(draft))
    sign_pdf(with_fields, signed1, official_signer, SignOptions(field_name="LanhDao"),
             OfficialStamp(sig_png))
    fill_text_fields(signed1, numbered, {"So": "45", "Ngay": "05", "Thang": "3"})
    sign_pdf(numbered, issued, seal_signer,
             SignOptions(field_name="CoQuan", level=Level.B_LTA, tsa_url=..., trust=...),
             SealStamp(seal_png))
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.sign import fields as ph_fields

from signing.errors import FieldError
from signing.fonts import find_vietnamese_font, text_width
from signing.pdfio import atomic_output, find_field, open_for_update, page_count
from signing.placement import Box, find_text, page_geometry
from signing.stamp import (
    OfficialStamp,
    Placement,
    SealStamp,
    resolve_official,
    resolve_seal,
    set_widget_appearance,
    text_appearance,
)

__all__ = [
    "SignatureFieldRequest",
    "TextFieldRequest",
    "add_fields",
    "fill_text_fields",
    "plan_number_and_date",
    "plan_signature_block",
]


@dataclass(frozen=True)
class SignatureFieldRequest:
    """An empty signature field; ``box`` None makes it invisible."""

    name: str
    page: int = 0
    box: Box | None = None


@dataclass(frozen=True)
class TextFieldRequest:
    """A text field to be filled after the first signature (number, date)."""

    name: str
    page: int
    box: Box
    font_size: float = 13.0


def _int_box(b: Box) -> tuple[int, int, int, int]:
    import math

    return (math.floor(b[0]), math.floor(b[1]), math.ceil(b[2]), math.ceil(b[3]))


def plan_signature_block(
    pdf: str | Path, official: OfficialStamp, seal: SealStamp | None = None
) -> tuple[Placement, Placement | None]:
    """Placements for the official's image and the seal over its left third."""
    o = resolve_official(Path(pdf), official)
    s = None
    if seal is not None:
        s = resolve_seal(
            Path(pdf),
            SealStamp(
                image=seal.image,
                diameter_mm=seal.diameter_mm,
                page=o.page.index,
                over=_int_box(o.box),
                cover=seal.cover,
            ),
        )
    return o, s


def _same_line(a: Box, b: Box) -> bool:
    return abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < max(a[3] - a[1], b[3] - b[1]) / 2


def _blank_between(left: Box, right: Box, name: str, font_size: float) -> TextFieldRequest:
    if right[0] - left[2] < font_size:
        raise FieldError(f"no room for '{name}' between the words around its blank")
    mid = (left[1] + left[3]) / 2
    h = font_size * 1.3
    return TextFieldRequest(
        name, 0, (left[2] + 1, mid - h / 2, right[0] - 1, mid + h / 2), font_size
    )


def plan_number_and_date(
    pdf: str | Path,
    number_field: str = "So",
    day_field: str = "Ngay",
    month_field: str = "Thang",
    font_size: float = 13.0,
) -> list[TextFieldRequest]:
    """Text fields over the number blank ("Số: ____/QĐ-UBND") and the day and month blanks
    ("ngày __ tháng __ năm 2026") of page 1, found from the text; the year is printed."""
    so = sorted(find_text(pdf, "Số:", 0), key=lambda b: -b[3])
    if not so:
        raise FieldError("no 'Số:' on page 1: give the number field's box explicitly")
    slashes = [b for b in find_text(pdf, "/", 0) if _same_line(b, so[0]) and b[0] > so[0][2]]
    if not slashes:
        raise FieldError("no '/' after 'Số:' on page 1")
    out = [_blank_between(so[0], min(slashes, key=lambda b: b[0]), number_field, font_size)]
    words = {w: find_text(pdf, w, 0) for w in ("ngày", "tháng", "năm")}
    # the date line is the topmost "ngày … tháng … năm" (the body may cite other dates)
    for ngay in sorted(words["ngày"], key=lambda b: -b[3]):
        thang = [b for b in words["tháng"] if _same_line(b, ngay) and b[0] > ngay[2]]
        nam = [b for b in words["năm"] if _same_line(b, ngay) and b[0] > ngay[2]]
        if thang and nam:
            t = min(thang, key=lambda b: b[0])
            n = min((b for b in nam if b[0] > t[2]), key=lambda b: b[0], default=None)
            if n is None:
                continue
            out.append(_blank_between(ngay, t, day_field, font_size))
            out.append(_blank_between(t, n, month_field, font_size))
            return out
    raise FieldError("no 'ngày … tháng … năm' line on page 1")


def add_fields(
    src: str | Path,
    dst: str | Path,
    signature_fields: Sequence[SignatureFieldRequest] = (),
    text_fields: Sequence[TextFieldRequest] = (),
) -> None:
    """Create all fields in one incremental update of ``src``, written to ``dst``."""
    src, dst = Path(src), Path(dst)
    names = [f.name for f in signature_fields] + [f.name for f in text_fields]
    if len(set(names)) != len(names):
        raise FieldError("field names must be unique")
    with open(src, "rb") as inf, atomic_output(dst, src) as out:
        w = open_for_update(src, inf)
        n = page_count(w)
        for name in names:
            if find_field(w, name) is not None:
                raise FieldError(f"field '{name}' already exists")
        for f in [*signature_fields, *text_fields]:
            if not 0 <= f.page < n:
                raise FieldError(f"page {f.page + 1} of field '{f.name}' does not exist")
        for f in signature_fields:
            spec = ph_fields.SigFieldSpec(
                f.name, on_page=f.page, box=_int_box(f.box) if f.box else None
            )
            ph_fields.append_signature_field(w, spec)
        for f in text_fields:
            _add_text_field(w, f)
        w.write(out)


def _add_text_field(w, f: TextFieldRequest) -> None:
    page_ref = w.find_page_for_modification(f.page)[0]
    field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(f.name),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(v) for v in _int_box(f.box)]
            ),
            pdf_name("/P"): page_ref,
            pdf_name("/DA"): pdf_string(f"/Helv {f.font_size:g} Tf 0 g"),
        }
    )
    ref = w.add_object(field)
    page = page_ref.get_object()
    annots = page.get("/Annots")
    if annots is None:
        page[pdf_name("/Annots")] = generic.ArrayObject([ref])
    else:
        annots.get_object().append(ref)
        if isinstance(annots, generic.IndirectObject):
            w.mark_update(annots)
    w.update_container(page)
    if "/AcroForm" not in w.root:
        w.root[pdf_name("/AcroForm")] = w.add_object(
            generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()})
        )
        w.update_root()
    acro = w.root["/AcroForm"]
    acro["/Fields"].append(ref)
    if "/DR" not in acro:
        acro[pdf_name("/DR")] = generic.DictionaryObject(
            {
                pdf_name("/Font"): generic.DictionaryObject(
                    {
                        pdf_name("/Helv"): generic.DictionaryObject(
                            {
                                pdf_name("/Type"): pdf_name("/Font"),
                                pdf_name("/Subtype"): pdf_name("/Type1"),
                                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                            }
                        )
                    }
                )
            }
        )
    w.update_container(acro)


def fill_text_fields(
    src: str | Path,
    dst: str | Path,
    values: Mapping[str, str],
    font: str | Path | None = None,
) -> None:
    """Write ``values`` into existing text fields (new incremental update, never ``src``)."""
    src, dst = Path(src), Path(dst)
    font_path = find_vietnamese_font(font)
    with open(src, "rb") as inf, atomic_output(dst, src) as out:
        w = open_for_update(src, inf)
        for name, raw in values.items():
            found = find_field(w, name)
            if found is None:
                raise FieldError(f"no field '{name}' in {src.name}")
            field, widget, page_ix = found
            if field.get("/FT") != "/Tx":
                raise FieldError(f"field '{name}' is not a text field")
            if int(field.get("/Ff", 0)) & 1:
                raise FieldError(f"field '{name}' is read-only")
            value = unicodedata.normalize("NFC", raw)
            rect = tuple(float(v) for v in widget["/Rect"])
            size = _size_from_da(field.get("/DA"), 13.0)
            if text_width(font_path, value, size) > rect[2] - rect[0] + 1:
                raise FieldError(f"'{value}' does not fit in field '{name}'")
            geo = page_geometry(src, page_ix if page_ix is not None else 0)
            field[pdf_name("/V")] = pdf_string(value)
            w.update_container(field)
            ap = text_appearance(w, geo, rect, [value], font_path, size, size * 1.1, align="center")
            set_widget_appearance(w, widget, ap)
        w.write(out)


def _size_from_da(da, default: float) -> float:
    try:
        parts = str(da).split()
        return float(parts[parts.index("Tf") - 1])
    except (ValueError, IndexError):
        return default
