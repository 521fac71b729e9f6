"""Draw laid-out pages as images (for scans) or as a born-digital PDF with a real text layer."""

from __future__ import annotations

import ctypes
import io
import random
from functools import lru_cache

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from tests.corpus.layout import PAGE_H, PAGE_W, Page, Rule, Text, font_path


@lru_cache(maxsize=64)
def _font(name: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(name)), px)


def render_page(page: Page, dpi: int, rng: random.Random | None = None) -> Image.Image:
    """An RGB image of the page at ``dpi``."""
    rng = rng or random.Random(0)
    s = dpi / 72
    img = Image.new("RGB", (round(PAGE_W * s), round(PAGE_H * s)), "white")
    draw = ImageDraw.Draw(img)
    for item in page.items:
        if isinstance(item, Rule):
            box = [item.x0 * s, item.y0 * s, item.x1 * s, item.y1 * s]
            width = max(1, round(item.width * s))
            if item.box:
                draw.rectangle(box, outline=item.color, width=width)
            else:
                draw.line(box, fill=item.color, width=width)
        elif item.hand:
            _hand(img, item, s, rng)
        else:
            font = _font(item.font, round(item.size * s))
            draw.text((item.x * s, item.y * s), item.text, font=font, fill=item.color,
                      anchor="ls")
    return img


def _hand(img: Image.Image, item: Text, s: float, rng: random.Random) -> None:
    """Digits written by hand: uneven size, slant and baseline, in ballpoint blue."""
    x = item.x * s
    for ch in item.text:
        px = round(item.size * s * rng.uniform(0.9, 1.2))
        font = _font(item.font, px)
        w = int(font.getlength(ch)) + 8
        tile = Image.new("L", (w, px * 2), 0)
        ImageDraw.Draw(tile).text((4, px * 1.5), ch, font=font, fill=255, anchor="ls")
        tile = tile.rotate(rng.uniform(-12, 12), resample=Image.BICUBIC, expand=True)
        y = item.y * s - px * 1.5 + rng.uniform(-0.1, 0.1) * px
        img.paste(Image.new("RGB", tile.size, item.color), (int(x), int(y)), tile)
        x += w * rng.uniform(0.75, 0.95)


def _runs(page: Page) -> list[Text]:
    """The words of a justified line become one text run, as word processors write them (the
    PDF's lines are ragged; the page images keep the justification)."""
    runs: list[Text] = []
    for item in page.items:
        if not isinstance(item, Text):
            continue
        last = runs[-1] if runs else None
        if (last is not None and not item.hand and not last.hand and last.y == item.y
                and (last.font, last.size, last.color) == (item.font, item.size, item.color)
                and 0 < item.x - last.x):
            runs[-1] = Text(last.x, last.y, f"{last.text} {item.text}", last.font, last.size,
                            last.color)
        else:
            runs.append(item)
    return runs


def _subset(font: str, text: str) -> bytes:
    """The font cut down to the glyphs of ``text``, as word processors embed fonts (a whole
    Liberation or Noto face is 0.3–0.6 MB, and a reader parses it on every first page)."""
    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["FFTM"]  # FontForge's time stamps: fontTools cannot subset them
    sub = subset.Subsetter(opts)
    sub.populate(text=text + " ")
    tt = TTFont(font_path(font))
    sub.subset(tt)
    buf = io.BytesIO()
    tt.save(buf)
    return buf.getvalue()


def render_pdf(pages: list[Page], subset_fonts: bool = True) -> bytes:
    """A born-digital PDF: every text item is a real text object with an embedded font, subset
    to the document's glyphs unless ``subset_fonts`` is false (whole fonts: some generators
    embed them so)."""
    pdf = pdfium.PdfDocument.new()
    fonts: dict[str, tuple[object, object]] = {}
    used: dict[str, set[str]] = {}
    for page in pages:
        for item in page.items:
            if isinstance(item, Text):
                used.setdefault(item.font, set()).update(item.text)
    for page in pages:
        pg = pdf.new_page(PAGE_W, PAGE_H)
        for item in _runs(page):
            if item.font not in fonts:
                data = (_subset(item.font, "".join(sorted(used[item.font]))) if subset_fonts
                        else font_path(item.font).read_bytes())
                buf = ctypes.create_string_buffer(data, len(data))
                handle = raw.FPDFText_LoadFont(pdf.raw, ctypes.cast(buf, ctypes.POINTER(
                    ctypes.c_uint8)), len(data), raw.FPDF_FONT_TRUETYPE, 1)
                fonts[item.font] = (handle, buf)
            handle = fonts[item.font][0]
            obj = raw.FPDFPageObj_CreateTextObj(pdf.raw, handle, ctypes.c_float(item.size))
            wide = ctypes.create_string_buffer(item.text.encode("utf-16-le") + b"\0\0")
            raw.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(ctypes.c_ushort)))
            raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, item.x, PAGE_H - item.y)
            if item.color != (0, 0, 0):
                raw.FPDFPageObj_SetFillColor(obj, *item.color, 255)
            raw.FPDFPage_InsertObject(pg.raw, obj)
        pg.gen_content()
        pg.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def scan_pdf(jpegs: list[bytes], stamp_text: str | None = None) -> bytes:
    """A scanned PDF: each page one JPEG image (passed through, as scanners do), A4; with
    ``stamp_text``, page 1 also carries that text in the top right corner, as a visible
    signature stamp does."""
    pdf = pdfium.PdfDocument.new()
    keep: list[object] = []
    for k, data in enumerate(jpegs):
        # A page fed sideways is scanned as a landscape image on a landscape page (squeezed
        # into a portrait page, its text would be distorted beyond any scanner's output).
        with Image.open(io.BytesIO(data)) as probe:
            wide = probe.width > probe.height
        pw, ph = (PAGE_H, PAGE_W) if wide else (PAGE_W, PAGE_H)
        page = pdf.new_page(pw, ph)
        image = pdfium.PdfImage.new(pdf)
        buf = io.BytesIO(data)
        keep.append(buf)
        image.load_jpeg(buf, inline=True)
        image.set_matrix(pdfium.PdfMatrix().scale(pw, ph))
        page.insert_obj(image)
        if k == 0 and stamp_text:
            font_data = font_path("LiberationSerif-Regular.ttf").read_bytes()
            fbuf = ctypes.create_string_buffer(font_data, len(font_data))
            keep.append(fbuf)
            handle = raw.FPDFText_LoadFont(pdf.raw, ctypes.cast(fbuf, ctypes.POINTER(
                ctypes.c_uint8)), len(font_data), raw.FPDF_FONT_TRUETYPE, 1)
            for i, line in enumerate(stamp_text.splitlines()):
                obj = raw.FPDFPageObj_CreateTextObj(pdf.raw, handle, ctypes.c_float(8))
                wide = ctypes.create_string_buffer(line.encode("utf-16-le") + b"\0\0")
                raw.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(ctypes.c_ushort)))
                raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, PAGE_W - 200, PAGE_H - 20 - 10 * i)
                raw.FPDFPage_InsertObject(page.raw, obj)
        page.gen_content()
        page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()
