"""Accuracy of ``ocr.read`` on the generated corpus (tests/corpus), per degradation level.

Prints, per level: CER of the page text, per-field accuracy, number+symbol exact, abstract CER,
and the share of fields that were wrong while reported with confidence ≥ 0.9.

    .venv/bin/python bench/ocr_eval.py --docs 30 --levels digital scan300 scan200 hard150

``--hand-only`` makes every scan one with a handwritten number (other documents than the
usual run's, from the same generator): a focused measure of ``ocr.handnumber``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ocr  # noqa: E402
from tests.corpus import degrade  # noqa: E402
from tests.corpus.build import Sample, make_born_digital, make_scan  # noqa: E402
from tests.corpus.metrics import cer, field_equal  # noqa: E402

FIELDS = ocr.FIELD_NAMES


def _sample(level: str, seed: int, pages: int) -> Sample:
    if level == "digital":
        return make_born_digital(seed, pages)
    return make_scan(seed, level, pages)


def evaluate(level: str, docs: int, seed0: int, show_errors: bool) -> dict[str, float]:
    # Documents of 1 page mostly, every fifth one of 2 pages (signature on page 2).
    samples = [_sample(level, seed0 + k, 2 if k % 5 == 4 else 1) for k in range(docs)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as ex:  # two documents in flight keep both workers busy
        readings = list(ex.map(lambda s: ocr.read(s.data), samples))
    elapsed = time.perf_counter() - t0
    edits = chars = 0
    right: dict[str, int] = defaultdict(int)
    confident_wrong = total = 0
    ns_right = abs_edits = abs_chars = ocr_calls = typed = typed_right = hand_right = 0
    hand_conf: dict[float, list[int]] = defaultdict(lambda: [0, 0])  # confidence → right, all
    pages = 0
    for s, r in zip(samples, readings, strict=True):
        pages += len(r.pages)
        ocr_calls += len(r.ocr_pages)
        for page, ref in zip(r.pages, s.page_texts, strict=True):
            e, n = cer(page.text, ref)
            edits, chars = edits + e, chars + n
        truth = s.truth
        for name in FIELDS:
            f = r.fields[name]
            ok = field_equal(name, f.value, truth[name])
            right[name] += ok
            total += 1
            if not ok and f.confidence >= 0.9:
                confident_wrong += 1
            if show_errors and not ok:
                print(f"  {s.name} {name}: got {f.value!r} ({f.confidence:.2f}), "
                      f"want {truth[name]!r}", file=sys.stderr)
        ns_ok = field_equal("number", r.fields["number"].value, truth["number"]) and \
            field_equal("symbol", r.fields["symbol"].value, truth["symbol"])
        ns_right += ns_ok
        if not s.handwritten:
            typed += 1
            typed_right += ns_ok
        else:
            hand_right += ns_ok
            num = r.fields["number"]
            cell = hand_conf[round(num.confidence, 2) if num.value else 0.0]
            cell[0] += field_equal("number", num.value, truth["number"])
            cell[1] += 1
        e, n = cer(str(r.fields["abstract"].value or ""), str(truth["abstract"]))
        abs_edits, abs_chars = abs_edits + e, abs_chars + n
    if show_errors and hand_conf:
        # How often a handwritten number was right at each confidence it was given.
        print(f"  {level} handwritten number by confidence: " + ", ".join(
            f"{c:.2f}: {r}/{n}" for c, (r, n) in sorted(hand_conf.items())), file=sys.stderr)
    out = {f"acc_{k}": right[k] / docs for k in FIELDS}
    out.update(cer=edits / max(1, chars), number_symbol=ns_right / docs,
               number_symbol_typed=typed_right / max(1, typed), handwritten=docs - typed,
               number_symbol_hand=hand_right / max(1, docs - typed),
               abstract_cer=abs_edits / max(1, abs_chars),
               confident_wrong=confident_wrong / max(1, total), seconds=elapsed,
               pages=pages, ocr_pages=ocr_calls)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=30)
    ap.add_argument("--levels", nargs="+", default=["digital", "scan300", "scan200", "hard150"])
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--errors", action="store_true", help="list every wrong field on stderr")
    ap.add_argument("--hand-only", action="store_true",
                    help="every scan has a handwritten number")
    args = ap.parse_args()
    if args.hand_only:
        for lv in args.levels:
            if lv in degrade.LEVELS:
                degrade.LEVELS[lv] = dataclasses.replace(degrade.LEVELS[lv], hand_share=1.0)
    results = {lv: evaluate(lv, args.docs, args.seed, args.errors) for lv in args.levels}
    levels = list(results)
    print(f"{'metric':<24}" + "".join(f"{lv:>11}" for lv in levels))
    rows = ["cer", "number_symbol", "number_symbol_typed", "number_symbol_hand", "handwritten",
            "abstract_cer",
            "confident_wrong"] + [f"acc_{k}" for k in FIELDS] + ["pages", "ocr_pages", "seconds"]
    for row in rows:
        cells = []
        for lv in levels:
            v = results[lv][row]
            cells.append(f"{v:>11.0f}" if row in ("pages", "ocr_pages", "handwritten") else
                         f"{v:>11.2f}" if row == "seconds" else f"{100 * v:>10.2f}%")
        print(f"{row:<24}" + "".join(cells))
    print(f"(documents per level: {args.docs}; targets at 200–300 dpi: CER ≤ 1%, number+symbol "
          "≥ 97%, date ≥ 98%, type ≥ 99%, issuing org ≥ 97%, abstract CER ≤ 2%, confident "
          "wrong < 1%)")


if __name__ == "__main__":
    main()
