"""Decree-30 stamps: what a signature looks like on the page.

Public API (``from signing.stamp import ...``):

- Stamp specifications, all frozen dataclasses:
  :class:`OfficialStamp` (the competent person: blue signature PNG centred between title and
  name, found on the last page from their text, or at an explicit page and box),
  :class:`SealStamp` (the organization: red seal PNG at its real size over the left third of the
  official's image), :class:`AppendixStamp` (no image; "<organization>, <number/symbol>,
  <signing time>" top right of page 1, Times-compatible 10 pt, black) and :class:`CopyStamp`
  (electronic copies: "SAO Y" / "SAO LỤC" / "TRÍCH SAO", copying organization, time).
- :func:`resolve_official`, :func:`resolve_seal`, :func:`resolve_text_box` turn a spec and a
  document into a :class:`Placement` (page and user-space box).
- :func:`image_appearance`, :func:`text_appearance` build the appearance XObject of a widget in a
  pyHanko writer; :func:`set_widget_appearance` attaches it.
- :func:`format_signing_time` — ISO 8601 with +07:00, the form Decree 30 asks for.

Text is drawn with an embedded TrueType font that has the Vietnamese letters
(:mod:`signing.fonts`); the default pyHanko font would garble it silently.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from signing.errors import StampError
from signing.fonts import find_vietnamese_font, font_engine, text_width
from signing.images import EncodedImage, add_image, load_image
from signing.placement import (
    MM,
    Box,
    PageGeometry,
    find_signature_block,
    official_image_box,
    page_geometry,
    seal_box,
    top_right_box,
)

__all__ = [
    "VN_TZ",
    "AppendixStamp",
    "CopyForm",
    "CopyStamp",
    "OfficialStamp",
    "Placement",
    "SealStamp",
    "format_signing_time",
    "image_appearance",
    "resolve_official",
    "resolve_seal",
    "resolve_text_box",
    "set_widget_appearance",
    "stamp_lines",
    "text_appearance",
]

VN_TZ = timezone(timedelta(hours=7), "+07:00")
DEFAULT_SEAL_MM = 36.0


class CopyForm(enum.StrEnum):
    """Forms of electronic copy (Decree 30, Phụ lục I, Part II.I)."""

    SAO_Y = "SAO Y"
    SAO_LUC = "SAO LỤC"
    TRICH_SAO = "TRÍCH SAO"


@dataclass(frozen=True)
class OfficialStamp:
    """The competent person's visible signature.

    Either ``title`` and ``name`` (the lines printed above and below the signature, searched on
    ``page``, default the last page) or ``box`` (user space, x1, y1, x2, y2) on ``page``.
    """

    image: Path
    title: str | None = None
    name: str | None = None
    page: int = -1
    box: Box | None = None
    max_width_pt: float = 220.0


@dataclass(frozen=True)
class SealStamp:
    """The organization's seal at its real size (diameter in mm) over the official's image.

    ``over`` is the official's image box; when it is None the seal goes to ``box`` on ``page``.
    ``diameter_mm`` None takes the size from the PNG's resolution (pixels / dpi), which is how
    a scan of the real seal records it, and 36 mm when the PNG has no resolution.
    """

    image: Path
    diameter_mm: float | None = None
    page: int = -1
    over: Box | None = None
    box: Box | None = None
    cover: float = 1 / 3


@dataclass(frozen=True)
class AppendixStamp:
    """Organization signature on an appendix in its own file: text only, top right of page 1."""

    organization: str
    number_symbol: str
    font: Path | None = None
    font_size: float = 10.0
    max_width_mm: float = 95.0


@dataclass(frozen=True)
class CopyStamp:
    """Organization signature on an electronic copy: copy form, copying organization, time."""

    form: CopyForm
    copying_organization: str
    font: Path | None = None
    font_size: float = 10.0
    max_width_mm: float = 95.0


@dataclass(frozen=True)
class Placement:
    """Where a widget goes: 0-based page index and user-space box, plus the page geometry."""

    page: PageGeometry
    box: Box
    extra: dict = field(default_factory=dict, compare=False)


def format_signing_time(t: datetime) -> str:
    """``2025-03-05T09:30:15+07:00``: ISO 8601 to the second in Vietnam time."""
    if t.tzinfo is None:
        raise StampError("signing time must carry a time zone")
    return t.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def stamp_lines(spec: AppendixStamp | CopyStamp, signing_time: datetime) -> list[str]:
    """The text items of a text stamp, in Decree-30 order, NFC-normalised."""
    when = format_signing_time(signing_time)
    if isinstance(spec, AppendixStamp):
        items = [spec.organization, spec.number_symbol, when]
    else:
        items = [str(spec.form), spec.copying_organization, when]
    return [unicodedata.normalize("NFC", i.strip()) for i in items if i.strip()]


def _wrap(items: list[str], font: str, size: float, max_width: float) -> list[str]:
    """Join items with ", " on as few lines as fit ``max_width``; break only between items."""
    lines: list[str] = []
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if lines and text_width(font, lines[-1] + " " + piece, size) <= max_width:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines


def resolve_official(pdf: Path | bytes, spec: OfficialStamp) -> Placement:
    image = load_image(spec.image)
    if spec.box is not None:
        geo = page_geometry(pdf, spec.page)
        return Placement(page=geo, box=spec.box, extra={"image": image})
    if not (spec.title and spec.name):
        raise StampError("the official's stamp needs a title and a name, or a page and a box")
    block = find_signature_block(pdf, spec.title, spec.name, spec.page)
    box = official_image_box(block, image.aspect, spec.max_width_pt)
    return Placement(page=block.page, box=box, extra={"image": image})


def resolve_seal(pdf: Path | bytes, spec: SealStamp) -> Placement:
    image = load_image(spec.image)
    diameter = spec.diameter_mm
    if diameter is None:
        diameter = image.width_px / image.dpi[0] * 25.4 if image.dpi else DEFAULT_SEAL_MM
    if diameter <= 0 or diameter > 80:
        raise StampError(f"seal diameter {diameter:.1f} mm is not a real seal size")
    geo = page_geometry(pdf, spec.page)
    if spec.box is not None:
        return Placement(page=geo, box=spec.box, extra={"image": image})
    if spec.over is None:
        raise StampError("the seal needs the official's image box (over=) or an explicit box")
    return Placement(
        page=geo, box=seal_box(geo, spec.over, diameter, spec.cover), extra={"image": image}
    )


def resolve_text_box(
    pdf: Path | bytes, spec: AppendixStamp | CopyStamp, signing_time: datetime
) -> Placement:
    font = find_vietnamese_font(spec.font)
    lines = _wrap(stamp_lines(spec, signing_time), font, spec.font_size, spec.max_width_mm * MM)
    width = max(text_width(font, ln, spec.font_size) for ln in lines) + 4
    leading = spec.font_size * 1.2
    height = leading * len(lines) + 4
    geo = page_geometry(pdf, 0)
    return Placement(
        page=geo,
        box=top_right_box(geo, width, height),
        extra={"lines": lines, "font": font, "size": spec.font_size, "leading": leading},
    )


def _visual_wh(geo: PageGeometry, rect: Box) -> tuple[float, float]:
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    return (h, w) if geo.rotate in (90, 270) else (w, h)


def _form(
    geo: PageGeometry, rect: Box, content: bytes, resources: generic.DictionaryObject
) -> generic.StreamObject:
    vw, vh = _visual_wh(geo, rect)
    a, b, c, d = geo.appearance_matrix
    return generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(
                [
                    generic.FloatObject(0),
                    generic.FloatObject(0),
                    generic.FloatObject(round(vw, 3)),
                    generic.FloatObject(round(vh, 3)),
                ]
            ),
            pdf_name("/Matrix"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (a, b, c, d, 0, 0)]
            ),
            pdf_name("/Resources"): resources,
        },
        stream_data=content,
    )


def image_appearance(
    writer: BasePdfFileWriter, geo: PageGeometry, rect: Box, image: EncodedImage
) -> generic.IndirectObject:
    """An appearance drawing ``image`` as large as fits in ``rect``, centred, upright."""
    vw, vh = _visual_wh(geo, rect)
    scale = min(vw / image.width_px, vh / image.height_px)
    w, h = image.width_px * scale, image.height_px * scale
    x, y = (vw - w) / 2, (vh - h) / 2
    img_ref = add_image(writer, image)
    resources = generic.DictionaryObject(
        {pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/Im0"): img_ref})}
    )
    content = b"q %.3f 0 0 %.3f %.3f %.3f cm /Im0 Do Q" % (w, h, x, y)
    return writer.add_object(_form(geo, rect, content, resources))


def text_appearance(
    writer: BasePdfFileWriter,
    geo: PageGeometry,
    rect: Box,
    lines: list[str],
    font_path: str,
    size: float = 10.0,
    leading: float | None = None,
    align: str = "left",
) -> generic.IndirectObject:
    """An appearance with ``lines`` in black (``align`` "left" or "center"), in an embedded
    subset font, vertically centred in the box."""
    leading = leading or size * 1.2
    engine = font_engine(writer, font_path, size, "".join(lines))
    vw, vh = _visual_wh(geo, rect)
    parts = [b"q 0 g"]
    pad = max(0.0, (vh - leading * len(lines)) / 2)
    y = vh - pad - size * 0.9  # first baseline: top padding plus the ascent
    for ln in lines:
        shaped = engine.shape(ln)
        x = 2.0 if align == "left" else max(2.0, (vw - shaped.x_advance * size) / 2)
        parts.append(b"BT /F1 %g Tf 1 0 0 1 %.3f %.3f Tm %s ET" % (size, x, y, shaped.graphics_ops))
        y -= leading
    parts.append(b"Q")
    resources = generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): engine.as_resource()})}
    )
    return writer.add_object(_form(geo, rect, b"\n".join(parts), resources))


def set_widget_appearance(
    writer: BasePdfFileWriter, widget: generic.DictionaryObject, ap: generic.IndirectObject
) -> None:
    """Make ``ap`` the normal appearance of a widget annotation (in the writer's revision)."""
    widget[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): ap})
    writer.update_container(widget)
