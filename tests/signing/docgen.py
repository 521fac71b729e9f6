"""Build small Decree-30-like PDFs for the signing tests and benchmarks.

The text is real text (an embedded Vietnamese-capable font), so the signature block can be found
by searching for the signer's title and name, as in documents produced by a word processor.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PdfFileWriter

from signing.fonts import find_vietnamese_font, font_engine

TITLE = "CHỦ TỊCH"
NAME = "Lâm Quốc Thịnh"
BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Theo đề nghị của Chánh Văn phòng Ủy ban nhân dân tỉnh.",
    "Điều 1. Giao Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan triển khai thực hiện.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
)


def make_directive(
    path: Path | None = None,
    pages: int = 1,
    rotate: int = 0,
    crop: tuple[float, float, float, float] | None = None,
    title: str = TITLE,
    name: str = NAME,
    number_blank: bool = True,
) -> bytes:
    """A directive of ``pages`` A4 pages; the signature block closes the last page."""
    w = PdfFileWriter()
    font = font_engine(w, find_vietnamese_font(), 13)
    font_ref = font.as_resource()

    def line(x: float, y: float, text: str, size: int = 13) -> bytes:
        shaped = font.shape(text, with_actual_text=False)
        return b"BT /F1 %d Tf 1 0 0 1 %g %g Tm %s ET" % (size, x, y, shaped.graphics_ops)

    media = (0, 0, 595, 842)
    if rotate in (90, 270):
        media = (0, 0, 842, 595)
    if crop is not None:
        media = (0, 0, crop[2] + 40, crop[3] + 40)
    frame = _frame_matrix(rotate, crop or media)
    for p in range(pages):
        # Content is laid out in the reader's (visual) frame and mapped to user space, so the
        # page reads upright whatever its /Rotate and CropBox.
        ops = [b"%g %g %g %g %g %g cm 0 g" % frame]
        if p == 0:
            ops.append(line(60, 770, "ỦY BAN NHÂN DÂN", 12))
            ops.append(line(60, 755, "TỈNH AN GIANG", 12))
            ops.append(line(300, 770, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12))
            ops.append(line(330, 755, "Độc lập - Tự do - Hạnh phúc", 12))
            if number_blank:
                ops.append(line(70, 730, "Số:            /QĐ-UBND"))
                ops.append(line(320, 730, "An Giang, ngày      tháng      năm 2026"))
            ops.append(line(250, 695, "QUYẾT ĐỊNH", 14))
        y = 665
        for i in range(30 if p < pages - 1 else 8):
            ops.append(line(70, y, BODY[i % len(BODY)][:80], 13))
            y -= 18
        if p == pages - 1:
            ops.append(line(380, 420, title))
            ops.append(line(370, 300, name))
        stream = generic.StreamObject(stream_data=b"\n".join(ops))
        page = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Page"),
                pdf_name("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in media]
                ),
                pdf_name("/Contents"): w.add_object(stream),
                pdf_name("/Resources"): generic.DictionaryObject(
                    {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font_ref})}
                ),
            }
        )
        if rotate:
            page[pdf_name("/Rotate")] = generic.NumberObject(rotate)
        if crop:
            page[pdf_name("/CropBox")] = generic.ArrayObject([generic.FloatObject(v) for v in crop])
        w.insert_page(page)
    buf = BytesIO()
    w.write(buf)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _frame_matrix(rotate: int, crop) -> tuple[float, ...]:
    """The cm matrix mapping the visual frame of a page onto its user space."""
    cx0, cy0, cx1, cy1 = crop
    return {
        0: (1, 0, 0, 1, cx0, cy0),
        90: (0, 1, -1, 0, cx1, cy0),
        180: (-1, 0, 0, -1, cx1, cy1),
        270: (0, -1, 1, 0, cx0, cy1),
    }[rotate]


def write_large_pdf(path: Path, megabytes: int) -> None:
    """A valid PDF of ~``megabytes`` MB: pages each holding a raw RGB image (scan-like)."""
    side = 1024
    img_len = side * side * 3
    pages = max(1, megabytes * 1024 * 1024 // img_len)
    offsets: list[int] = []
    with open(path, "wb") as f:

        def obj(num: int, body: bytes, stream: bytes | None = None) -> None:
            offsets.append(f.tell())
            f.write(b"%d 0 obj\n" % num + body)
            if stream is not None:
                f.write(b"\nstream\n" + stream + b"\nendstream")
            f.write(b"\nendobj\n")

        f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(pages)).encode()
        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids))
        content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
        for i in range(pages):
            p, c, im = 3 + 3 * i, 4 + 3 * i, 5 + 3 * i
            obj(
                p,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /XObject << /Im0 %d 0 R >> >> >>" % (c, im),
            )
            obj(c, b"<< /Length %d >>" % len(content), content)
            obj(
                im,
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                b"/DeviceRGB /BitsPerComponent 8 /Length %d >>" % (side, side, img_len),
                os.urandom(img_len),
            )
        xref = f.tell()
        f.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for off in offsets:
            f.write(b"%010d 00000 n \n" % off)
        f.write(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(offsets) + 1, xref)
        )
