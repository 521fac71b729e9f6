"""Reading an issued PDF as a recipient would: its text, its fields' boxes, its pixels."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.workflow.prepare import OFFICIAL_FIELD, SEAL_FIELD


def pdftotext(path: Path, page: int = 1) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path),
                           "-"], capture_output=True, text=True, check=True).stdout


def field_boxes(path: Path) -> dict[str, tuple[float, ...]]:
    with open(path, "rb") as fh:
        r = PdfFileReader(fh, strict=False)
        out = {}
        for ref in r.root["/AcroForm"]["/Fields"]:
            f = ref.get_object()
            out[str(f["/T"])] = tuple(float(v) for v in f["/Rect"])
        return {k: out[k] for k in (OFFICIAL_FIELD, SEAL_FIELD)}


def render(path: Path, tmp: Path, page: int, dpi: int) -> Image.Image:
    stem = tmp / f"render-{page}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(path), str(stem)], check=True)
    return Image.open(f"{stem}.png").convert("RGB")


def pixel_box(img: Image.Image, box_pt: tuple[float, ...], dpi: int) -> tuple[int, int, int, int]:
    """A PDF user-space box (origin bottom left, unrotated page) in image pixels."""
    s = dpi / 72
    h = img.height
    return (round(box_pt[0] * s), round(h - box_pt[3] * s), round(box_pt[2] * s),
            round(h - box_pt[1] * s))


def columns_with(img: Image.Image, area: tuple[int, int, int, int], test) -> list[int]:  # noqa: ANN001
    """x of every pixel column in ``area`` holding at least one pixel passing ``test``."""
    px = img.load()
    x0, y0, x1, y1 = area
    return [x for x in range(max(0, x0), min(img.width, x1))
            if any(test(px[x, y]) for y in range(max(0, y0), min(img.height, y1)))]


def is_red(p: tuple[int, int, int]) -> bool:
    return p[0] > 150 and p[1] < 110 and p[2] < 110


def is_blue(p: tuple[int, int, int]) -> bool:
    return p[2] > 110 and p[0] < 90 and p[2] - p[1] > 40
