"""A one-page directive in a chosen font and size (docgen's directive always uses the default
font): to check that the number and date are written in the draft's own font."""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PdfFileWriter

from signing.fonts import font_engine


def directive_in(font_path: str, size: float) -> bytes:
    w = PdfFileWriter()
    font = font_engine(w, font_path, size)

    def line(x: float, y: float, text: str) -> bytes:
        ops = font.shape(text, with_actual_text=False).graphics_ops
        return b"BT /F1 %g Tf 1 0 0 1 %g %g Tm %s ET" % (size, x, y, ops)

    ops = [b"0 g", line(60, 770, "ỦY BAN NHÂN DÂN TỈNH AN GIANG"),
           line(70, 730, "Số:            /TB-UBND"),
           line(300, 730, "An Giang, ngày      tháng      năm 2026"),
           line(250, 690, "THÔNG BÁO"), line(70, 660, "Kết luận của Chủ tịch tại cuộc họp."),
           line(380, 420, "CHỦ TỊCH"), line(370, 300, "Lâm Quốc Thịnh")]
    page = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Page"),
        pdf_name("/MediaBox"): generic.ArrayObject([generic.NumberObject(v)
                                                    for v in (0, 0, 595, 842)]),
        pdf_name("/Contents"): w.add_object(generic.StreamObject(stream_data=b"\n".join(ops))),
        pdf_name("/Resources"): generic.DictionaryObject({
            pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font.as_resource()})}),
    })
    w.insert_page(page)
    buf = BytesIO()
    w.write(buf)
    return buf.getvalue()
