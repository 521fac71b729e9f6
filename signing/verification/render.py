"""Visual comparison of a signed page with its final version (the shadow-attack backstop).

Used only when the object analysis cannot tell whether a change is visible (a font, a nested
form, a colour space replaced). Page content is rendered without annotations: annotations are
judged separately, and later signatures legitimately add widgets.
"""

from __future__ import annotations

import pypdfium2 as pdfium
from PIL import Image, ImageChops

from signing.pdfium_lock import holds_pdfium_lock

RENDER_SCALE = 0.5  # 36 dpi: enough to see replaced words, cheap enough for a backstop
# A changed glyph at this scale moves dozens of pixels; anti-aliasing noise moves a handful.
MIN_CHANGED_PIXELS = 12
PIXEL_TOLERANCE = 24


@holds_pdfium_lock
def _render(data: bytes, index: int) -> Image.Image:
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[index]
        try:
            bitmap = page.render(scale=RENDER_SCALE, grayscale=True, draw_annots=False)
            return bitmap.to_pil().convert("L")
        finally:
            page.close()
    finally:
        pdf.close()


def pages_differ(signed: bytes, signed_index: int, final: bytes, final_index: int) -> bool:
    a = _render(signed, signed_index)
    b = _render(final, final_index)
    if a.size != b.size:
        return True
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > PIXEL_TOLERANCE else 0)
    return diff.histogram()[255] >= MIN_CHANGED_PIXELS
