"""The QR code printed on page 1 of a directive, linking to its verification page.

It is drawn before any signature (while the draft is prepared), so both signatures cover it and
no later change to the page is needed. Vector squares, no image: sharp at any zoom and tiny.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
from pyhanko.pdf_utils import generic

from signing.pdfio import atomic_output, open_for_update
from signing.placement import MM, Box, page_geometry

MARGIN_MM = 10.0


def qr_matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_box(pdf: Path, size_mm: float) -> Box:
    """Bottom left of page 1, in the margin (Decree 30's left margin is 30–35 mm)."""
    geo = page_geometry(pdf, 0)
    side, margin = size_mm * MM, MARGIN_MM * MM
    return geo.to_user((margin, margin, margin + side, margin + side))


def _ops(matrix: list[list[bool]], box: Box) -> bytes:
    n = len(matrix)
    cell = (box[2] - box[0]) / n
    parts = [b"q 1 g %.3f %.3f %.3f %.3f re f 0 g" % (box[0], box[1], box[2] - box[0],
                                                        box[3] - box[1])]
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:  # row 0 is the top of the code
                x, y = box[0] + c * cell, box[3] - (r + 1) * cell
                parts.append(b"%.3f %.3f %.3f %.3f re" % (x, y, cell, cell))
    parts.append(b"f Q")
    return b"\n".join(parts)


def add_qr(src: Path, dst: Path, url: str, size_mm: float) -> Box:
    """Write ``src`` with the QR code of ``url`` on page 1 to ``dst``; returns its box."""
    box = qr_box(src, size_mm)
    with open(src, "rb") as inf, atomic_output(dst, src) as out:
        w = open_for_update(src, inf)
        # The page's own content may leave a changed graphics state: isolate it in q … Q.
        before = w.add_object(generic.StreamObject(stream_data=b"q"))
        after = w.add_object(generic.StreamObject(stream_data=b"Q\n" + _ops(qr_matrix(url), box)))
        w.add_stream_to_page(0, before, prepend=True)
        w.add_stream_to_page(0, after)
        w.write(out)
    return box
