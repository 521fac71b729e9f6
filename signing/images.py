"""Signature and seal images, decoded and compressed once per process.

:func:`load_image` turns a PNG (transparent background, as Decree 30 asks) into an
:class:`EncodedImage`: the Flate-compressed RGB samples and alpha mask, ready to be added to any
number of PDF writers without decoding or compressing the PNG again (that work costs several ms
per document otherwise). :func:`add_image` puts one into a writer and returns the image XObject.
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from signing.errors import StampError

__all__ = ["EncodedImage", "add_image", "load_image"]


@dataclass(frozen=True)
class EncodedImage:
    """A decoded raster image: pixel size, optional resolution, compressed samples."""

    width_px: int
    height_px: int
    rgb_flate: bytes
    alpha_flate: bytes | None
    dpi: tuple[float, float] | None = None

    @property
    def aspect(self) -> float:
        """Width divided by height."""
        return self.width_px / self.height_px


_cache: dict[tuple[str, int, int], EncodedImage] = {}
_lock = threading.Lock()


def load_image(path: str | Path) -> EncodedImage:
    """Decode a PNG (or any Pillow-readable image) once; later calls reuse the result."""
    from PIL import Image, UnidentifiedImageError

    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        raise StampError(f"image not found: {p.name}") from None
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    try:
        with Image.open(p) as im:
            im.load()
            dpi = im.info.get("dpi")
            rgba = im.convert("RGBA")
    except (UnidentifiedImageError, OSError) as e:
        raise StampError(f"cannot read image {p.name}: {e}") from None
    rgb = rgba.convert("RGB").tobytes()
    alpha = rgba.getchannel("A")
    lo, hi = alpha.getextrema()
    alpha_flate = None if lo == 255 else zlib.compress(alpha.tobytes(), 6)
    enc = EncodedImage(
        width_px=rgba.width,
        height_px=rgba.height,
        rgb_flate=zlib.compress(rgb, 6),
        alpha_flate=alpha_flate,
        dpi=(float(dpi[0]), float(dpi[1])) if dpi and dpi[0] and dpi[1] else None,
    )
    with _lock:
        _cache[key] = enc
    return enc


def add_image(writer: BasePdfFileWriter, image: EncodedImage) -> generic.IndirectObject:
    """Add the image (and its soft mask) to ``writer``; return the image XObject reference."""

    def stream(colour_space: str, data: bytes, extra: dict | None = None) -> generic.StreamObject:
        d = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Image"),
                pdf_name("/Width"): generic.NumberObject(image.width_px),
                pdf_name("/Height"): generic.NumberObject(image.height_px),
                pdf_name("/ColorSpace"): pdf_name(colour_space),
                pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                pdf_name("/Filter"): pdf_name("/FlateDecode"),
            }
        )
        d.update(extra or {})
        return generic.StreamObject(d, encoded_data=data)

    extra = {}
    if image.alpha_flate is not None:
        smask = writer.add_object(stream("/DeviceGray", image.alpha_flate))
        extra[pdf_name("/SMask")] = smask
    return writer.add_object(stream("/DeviceRGB", image.rgb_flate, extra))
