"""The signature field of one signing: found or created, with its stamp drawn in.

:func:`prepare_writer` is shared by :mod:`signing.pades` and the split flow in
:mod:`signing.external`: if the named field exists (pre-created by
:func:`signing.fields.add_fields`) the stamp is drawn into its box; otherwise the field is created
where the stamp's placement says (invisible without a stamp).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from pyhanko.sign import fields as ph_fields

from signing import stamp as st
from signing.errors import FieldError
from signing.pdfio import find_field

__all__ = ["Stamp", "prepare_writer"]

Stamp = st.OfficialStamp | st.SealStamp | st.AppendixStamp | st.CopyStamp


def _place(src: Path, stamp: Stamp, signing_time: datetime) -> st.Placement:
    if isinstance(stamp, st.OfficialStamp):
        return st.resolve_official(src, stamp)
    if isinstance(stamp, st.SealStamp):
        return st.resolve_seal(src, stamp)
    return st.resolve_text_box(src, stamp, signing_time)


def _draw(writer, stamp: Stamp, placement: st.Placement, signing_time: datetime):
    if isinstance(stamp, st.OfficialStamp | st.SealStamp):
        image = placement.extra.get("image") or st.load_image(stamp.image)
        return st.image_appearance(writer, placement.page, placement.box, image)
    extra = placement.extra
    if "lines" not in extra:  # a pre-created field: lay the text out for this signing time
        font = st.find_vietnamese_font(stamp.font)
        extra = {
            "lines": st.stamp_lines(stamp, signing_time),
            "font": font,
            "size": stamp.font_size,
            "leading": stamp.font_size * 1.2,
        }
    return st.text_appearance(
        writer,
        placement.page,
        placement.box,
        extra["lines"],
        extra["font"],
        extra["size"],
        extra["leading"],
    )


def _int_box(box) -> tuple[int, int, int, int]:
    return (math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3]))


def prepare_writer(
    src: Path, writer, field_name: str, stamp: Stamp | None, signing_time: datetime
) -> st.Placement | None:
    """Find or create the signature field in ``writer`` and draw the stamp into it.

    Shared by :func:`async_sign_pdf` and the split flow in :mod:`signing.external`.
    """
    found = find_field(writer, field_name)
    placement: st.Placement | None = None
    if found is not None:
        field, widget, page_ix = found
        if field.get("/FT") != "/Sig":
            raise FieldError(f"field '{field_name}' is not a signature field")
        if "/V" in field:
            raise FieldError(f"field '{field_name}' is already signed")
        if stamp is not None:
            if page_ix is None:
                raise FieldError(f"field '{field_name}' is on no page")
            rect = tuple(float(v) for v in widget["/Rect"])
            placement = st.Placement(page=st.page_geometry(src, page_ix), box=rect)
    else:
        if stamp is not None:
            placement = _place(src, stamp, signing_time)
            placement = replace(placement, box=_int_box(placement.box))
            spec = ph_fields.SigFieldSpec(
                field_name, on_page=placement.page.index, box=placement.box
            )
        else:
            spec = ph_fields.SigFieldSpec(field_name)
        ph_fields.append_signature_field(writer, spec)
    if stamp is not None and placement is not None:
        found = find_field(writer, field_name, with_page=False)
        assert found is not None
        ap = _draw(writer, stamp, placement, signing_time)
        st.set_widget_appearance(writer, found[1], ap)
    return placement
