"""The handwritten-digit classifier: trained from the installed fonts, deterministically, kept
in a cache folder, and able to read digits in a font it never saw."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import digits
from ocr.digitsynth import features, font_files


@pytest.fixture(scope="module")
def cached(tmp_path_factory) -> tuple[digits.DigitModel, object]:
    folder = tmp_path_factory.mktemp("digits-cache")
    return digits.load(folder), folder


def _drawn(ch: str, font: ImageFont.FreeTypeFont, angle: float) -> np.ndarray:
    tile = Image.new("L", (120, 120), 0)
    ImageDraw.Draw(tile).text((60, 60), ch, font=font, fill=255, anchor="mm")
    tile = tile.rotate(angle, resample=Image.BICUBIC).resize((60, 60), Image.BILINEAR)
    return np.asarray(tile, np.float32) / 255


def test_reads_digits_of_a_font_left_out_of_training(cached) -> None:
    model, _ = cached
    # Noto Sans (the corpus hand font's family) is never trained on.
    from tests.corpus.layout import font_path
    font = ImageFont.truetype(str(font_path("NotoSans-Regular.ttf")), 64)
    xs, ys = [], []
    for angle in (-8, 0, 8):
        for d in range(10):
            xs.append(features(_drawn(str(d), font, angle)))
            ys.append(d)
    guess = model.proba(np.stack(xs)).argmax(axis=1)
    assert (guess == np.array(ys)).mean() >= 0.9


def test_training_is_deterministic_and_the_cache_is_reused(cached) -> None:
    model, folder = cached
    saved = list(folder.glob("digits-*.npz"))
    assert len(saved) == 1
    again = digits._read(saved[0])
    assert again is not None
    x = np.random.default_rng(0).random((5, 28 * 28), dtype=np.float32)
    assert np.array_equal(again.proba(x), model.proba(x))
    fresh = digits.train()
    assert np.allclose(fresh.w1, model.w1) and np.allclose(fresh.w2, model.w2)


def test_the_corpus_hand_font_is_not_a_training_font() -> None:
    assert font_files()
    assert not any(p.name.startswith("NotoSans-") for p in font_files())
