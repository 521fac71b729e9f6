"""Decree-30 stamps, checked on the rendered page (pdftoppm) — what a reader actually sees."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from signing.errors import BlockNotFoundError
from signing.pades import SignOptions, sign_pdf
from signing.placement import MM
from signing.stamp import (
    VN_TZ,
    AppendixStamp,
    CopyForm,
    CopyStamp,
    OfficialStamp,
    SealStamp,
    format_signing_time,
)
from tests.signing import throwaway
from tests.signing.docgen import NAME, TITLE, make_directive

DPI = 100
SCALE = DPI / 72


def render(pdf: Path, out: Path, dpi: int = DPI) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-cropbox", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(out)],
        check=True,
    )
    return Image.open(f"{out}.png").convert("RGB")


def bbox_of(im: Image.Image, pred) -> tuple[int, int, int, int] | None:
    """Bounding box (left, top, right, bottom) of pixels matching ``pred`` (on an RGB array)."""
    a = np.asarray(im.convert("RGB")).astype(int)
    ys, xs = np.nonzero(pred(a[..., 0], a[..., 1], a[..., 2]))
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _px(pred):
    return lambda p: bool(pred(np.int64(p[0]), np.int64(p[1]), np.int64(p[2])))


def is_blue(r, g, b):
    return (b > 140) & (r < 110) & (g < 130)


def is_red(r, g, b):
    return (r > 150) & (g < 110) & (b < 110)


@pytest.fixture(scope="module")
def test_signature_png(tmp_path_factory) -> Path:
    # left half a solid block, right half a thin line: shows whether the image is upright
    return throwaway.make_signature_png(tmp_path_factory.mktemp("img") / "sig.png")


@pytest.mark.parametrize(
    "rotate,crop",
    [(0, None), (90, None), (180, (40, 30, 635, 872)), (270, (30, 20, 872, 615))],
    ids=["plain", "rotate90", "rotate180-crop", "rotate270-crop"],
)
def test_official_image_upright_between_title_and_name(
    tmp_path, chairman, test_signature_png, rotate, crop
):
    src = tmp_path / "in.pdf"
    make_directive(src, rotate=rotate, crop=crop)
    out = tmp_path / "out.pdf"
    sign_pdf(
        src, out, chairman, stamp=OfficialStamp(image=test_signature_png, title=TITLE, name=NAME)
    )
    im = render(out, tmp_path / "r")
    assert abs(im.width - 595 * SCALE) < 2 and abs(im.height - 842 * SCALE) < 2
    box = bbox_of(im, is_blue)
    assert box is not None, "no blue signature on the page"
    left, top, right, bottom = box
    # docgen puts the title baseline at 420 pt and the name at 300 pt from the bottom
    title_row, name_row = im.height - 420 * SCALE, im.height - 300 * SCALE
    assert title_row < top and bottom < name_row - 8 * SCALE
    # upright: image aspect kept, solid block on the left, thin line on the right
    assert (right - left) / (bottom - top) == pytest.approx(300 / 120, rel=0.1)
    mid = (left + right) // 2
    row = top + (bottom - top) // 4  # upper quarter: the block is there, the line is not
    blue_left = sum(_px(is_blue)(im.getpixel((x, row))) for x in range(left, mid))
    blue_right = sum(_px(is_blue)(im.getpixel((x, row))) for x in range(mid, right))
    assert blue_left > 5 * max(blue_right, 1)
    # centred on the name line (name starts at x=370)
    assert 370 * SCALE < (left + right) / 2 < 500 * SCALE


def test_block_not_found_is_a_clear_error(directive, tmp_path, chairman, test_signature_png):
    dst = tmp_path / "o.pdf"
    with pytest.raises(BlockNotFoundError, match="Nguyễn Văn Không"):
        sign_pdf(
            directive,
            dst,
            chairman,
            stamp=OfficialStamp(image=test_signature_png, title=TITLE, name="Nguyễn Văn Không"),
        )
    assert not dst.exists()


def test_explicit_page_and_box(directive, tmp_path, chairman, test_signature_png):
    out = tmp_path / "o.pdf"
    res = sign_pdf(
        directive,
        out,
        chairman,
        stamp=OfficialStamp(image=test_signature_png, page=0, box=(72, 100, 222, 160)),
    )
    assert res.box == (72, 100, 222, 160)
    left, top, right, bottom = bbox_of(render(out, tmp_path / "r"), is_blue)
    assert left >= 72 * SCALE - 2 and right <= 222 * SCALE + 2
    assert top >= (842 - 160) * SCALE - 2 and bottom <= (842 - 100) * SCALE + 2


def test_seal_at_real_size_over_left_third(directive, tmp_path, chairman, sample_pki):
    seal = sample_pki.identity("seal")
    sig = sample_pki.identity("chairman").signature_image
    o1, o2 = tmp_path / "o1.pdf", tmp_path / "o2.pdf"
    r1 = sign_pdf(
        directive,
        o1,
        chairman,
        SignOptions(field_name="A"),
        stamp=OfficialStamp(image=sig, title=TITLE, name=NAME),
    )
    sign_pdf(
        o1,
        o2,
        chairman,
        SignOptions(field_name="B"),
        stamp=SealStamp(image=seal.seal_image, over=r1.box),  # size from the PNG's dpi
    )
    dpi = 150
    red = bbox_of(render(o2, tmp_path / "r", dpi), is_red)
    assert red is not None
    px_per_mm = dpi / 25.4
    assert (red[2] - red[0]) / px_per_mm == pytest.approx(seal.seal_size_mm, rel=0.04)
    assert (red[3] - red[1]) / px_per_mm == pytest.approx(seal.seal_size_mm, rel=0.04)
    off_left = r1.box[0] * dpi / 72
    off_w = (r1.box[2] - r1.box[0]) * dpi / 72
    assert red[2] == pytest.approx(off_left + off_w / 3, abs=4)


def _ocr(im: Image.Image) -> str:
    import pytesseract

    return pytesseract.image_to_string(im, lang="vie", config="--psm 6")


def test_appendix_stamp_renders_vietnamese_top_right(directive, tmp_path, chairman):
    out = tmp_path / "pl.pdf"
    res = sign_pdf(
        directive,
        out,
        chairman,
        SignOptions(field_name="PhuLuc"),
        stamp=AppendixStamp("ỦY BAN NHÂN DÂN TỈNH AN GIANG", "45/QĐ-UBND"),
    )
    x1, y1, x2, y2 = res.box
    assert x2 == pytest.approx(595 - 15 * MM, abs=1.5)
    assert y2 == pytest.approx(842 - 8 * MM, abs=1.5)
    dpi = 300
    im = render(out, tmp_path / "r", dpi)
    s = dpi / 72
    crop = im.crop(
        (int(x1 * s) - 5, int((842 - y2) * s) - 5, int(x2 * s) + 5, int((842 - y1) * s) + 5)
    )
    ink = bbox_of(crop, lambda r, g, b: (r < 90) & (g < 90) & (b < 90))  # black text
    assert ink is not None
    text = " ".join(_ocr(crop).split())
    assert "ỦY BAN NHÂN DÂN TỈNH AN GIANG" in text, text
    assert "45/QĐ-UBND" in text.replace(" ", "").replace("45/", "45/"), text
    assert format_signing_time(res.signing_time)[:10] in text, text
    assert "+07:00" in text, text


def test_copy_stamp_renders_form_and_organization(directive, tmp_path, chairman):
    out = tmp_path / "sao.pdf"
    res = sign_pdf(
        directive,
        out,
        chairman,
        SignOptions(field_name="SaoLuc"),
        stamp=CopyStamp(CopyForm.SAO_LUC, "VĂN PHÒNG UBND TỈNH AN GIANG"),
    )
    dpi = 300
    s = dpi / 72
    x1, y1, x2, y2 = res.box
    im = render(out, tmp_path / "r", dpi).crop(
        (int(x1 * s) - 5, int((842 - y2) * s) - 5, int(x2 * s) + 5, int((842 - y1) * s) + 5)
    )
    text = " ".join(_ocr(im).split())
    assert "SAO LỤC" in text and "VĂN PHÒNG UBND TỈNH AN GIANG" in text, text


def test_signing_time_format():
    t = datetime(2025, 3, 5, 2, 30, 15, 999, tzinfo=VN_TZ).replace(tzinfo=None)
    with pytest.raises(Exception, match="time zone"):
        format_signing_time(t)
    from datetime import UTC

    utc = datetime(2025, 3, 5, 2, 30, 15, 123456, tzinfo=UTC)
    assert format_signing_time(utc) == "2025-03-05T09:30:15+07:00"
