"""Build corpus samples: a document, its pages as a born-digital PDF or as a degraded scan, and
the truth (fields and per-page text). Run as a script to write a corpus to a folder:

    python -m tests.corpus.build OUT_DIR --count 20 --level scan300
"""

from __future__ import annotations

import argparse
import json
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ocr.lines import group_lines, page_text
from ocr.model import Box, Word
from tests.corpus.content import Document, make_document
from tests.corpus.degrade import LEVELS, degrade, jpeg_bytes
from tests.corpus.layout import PAGE_H, PAGE_W, Page, Style, Text, lay_out, text_width
from tests.corpus.render import render_page, render_pdf, scan_pdf


@dataclass
class Sample:
    name: str
    level: str
    doc: Document
    data: bytes  # the PDF
    page_texts: list[str]  # truth text of each page, in our reading order
    turns: list[int] = field(default_factory=list)
    skews: list[float] = field(default_factory=list)
    handwritten: bool = False

    @property
    def truth(self) -> dict[str, object]:
        return self.doc.truth()


def truth_text(page: Page) -> str:
    """The page's text in the reading order ``ocr`` uses, from the exact glyph positions."""
    words: list[Word] = []
    for item in page.items:
        if not isinstance(item, Text):
            continue
        x = item.x
        for part in item.text.split(" "):
            w = text_width(part, item.font, item.size)
            if part:
                words.append(Word(part, Box(x / PAGE_W, (item.y - item.size * 0.75) / PAGE_H,
                                            (x + w) / PAGE_W, (item.y + item.size * 0.2)
                                            / PAGE_H), 1.0))
            x += w + text_width(" ", item.font, item.size)
    return page_text(group_lines(words, 1))


def _style(rng: random.Random, hand: bool) -> Style:
    return Style(family=rng.choice(["liberation", "liberation", "noto"]),
                 body_size=rng.choice([13, 14]), header_size=rng.choice([12, 13]),
                 handwritten_number=hand)


def make_born_digital(seed: int, pages: int = 1) -> Sample:
    rng = random.Random(seed)
    doc = make_document(rng, pages=pages)
    laid = lay_out(doc, _style(rng, False), rng)
    return Sample(f"digital-{seed}", "digital", doc, render_pdf(laid),
                  [truth_text(p) for p in laid])


def make_scan(seed: int, level: str, pages: int = 1, stamp_text: str | None = None) -> Sample:
    lv = LEVELS[level]
    rng = random.Random(seed * 7919 + zlib.crc32(level.encode()) % 1000)
    doc = make_document(rng, pages=pages)
    hand = rng.random() < lv.hand_share
    laid = lay_out(doc, _style(rng, hand), rng)
    jpegs, turns, skews = [], [], []
    for i, page in enumerate(laid):
        img = render_page(page, lv.dpi, rng)
        img, turn, skew = degrade(img, lv, rng, page=page, first=i == 0)
        jpegs.append(_as_jpeg(img, lv.dpi))
        turns.append(turn)
        skews.append(skew)
    return Sample(f"{level}-{seed}", level, doc, scan_pdf(jpegs, stamp_text),
                  [truth_text(p) for p in laid], turns, skews, hand)


def _as_jpeg(img: object, dpi: int) -> bytes:
    # degrade() already went through JPEG once; keep those artefacts with a high quality pass.
    return jpeg_bytes(img, dpi, 95)  # type: ignore[arg-type]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--level", default="scan300", choices=[*LEVELS, "digital"])
    ap.add_argument("--pages", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for k in range(args.count):
        seed = args.seed + k
        s = (make_born_digital(seed, args.pages) if args.level == "digital"
             else make_scan(seed, args.level, args.pages))
        (args.out / f"{s.name}.pdf").write_bytes(s.data)
        (args.out / f"{s.name}.json").write_text(json.dumps(
            {"truth": s.truth, "page_texts": s.page_texts, "turns": s.turns,
             "handwritten_number": s.handwritten}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
