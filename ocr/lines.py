"""Group words into lines and lines into reading order, the same way for text-layer and OCR'd
pages: a line never crosses a column gap (the two header columns stay apart)."""

from __future__ import annotations

import unicodedata

from ocr.model import Line, Word

_BULLETS = set("-–—+•*")


def _meaningful(w: Word) -> bool:
    """Specks read as "ˆ" or "‘" would bridge the header columns; bullets are kept."""
    return any(c.isalnum() and unicodedata.category(c) != "Lm" for c in w.text) \
        or w.text in _BULLETS


def group_lines(words: list[Word], page: int, gap_factor: float = 1.5) -> list[Line]:
    """Words whose centres lie on one row become a line; a horizontal gap wider than
    ``gap_factor`` times the text height splits it (the gap between the header columns,
    Nơi nhận and the signer)."""
    words = [w for w in words if _meaningful(w)]
    if not words:
        return []
    heights = sorted(w.box.y1 - w.box.y0 for w in words)
    typical = heights[len(heights) // 2]
    reach = 0.45 * typical
    keyed = sorted(((w.box.y0 + w.box.y1) / 2, w.box.x0, i) for i, w in enumerate(words))
    rows: list[list[float | list[Word]]] = []  # [sum of centres, count, words]
    for cy, _, i in keyed:
        best = None
        best_d = reach
        for row in rows[-4:]:
            d = abs(row[0] / row[1] - cy)  # type: ignore[operator]
            if d < best_d:
                best, best_d = row, d
        if best is None:
            rows.append([cy, 1, [words[i]]])
        else:
            best[0] += cy  # type: ignore[operator]
            best[1] += 1  # type: ignore[operator]
            best[2].append(words[i])  # type: ignore[union-attr]
    lines: list[Line] = []
    for _, _, row in rows:
        row.sort(key=lambda w: w.box.x0)  # type: ignore[union-attr]
        hs = sorted(w.box.y1 - w.box.y0 for w in row)  # type: ignore[union-attr]
        limit = gap_factor * max(typical * 0.5, hs[len(hs) // 2])
        cur = [row[0]]  # type: ignore[index]
        for w in row[1:]:  # type: ignore[index]
            if w.box.x0 - cur[-1].box.x1 > limit:
                lines.append(Line(cur, page))
                cur = [w]
            else:
                cur.append(w)
        lines.append(Line(cur, page))
    return reading_order(lines)


def reading_order(lines: list[Line]) -> list[Line]:
    """Top to bottom; lines sharing a row go left to right."""
    out: list[Line] = []
    for line in sorted(lines, key=lambda ln: ln.box.cy):
        out.append(line)
    # stable pass: swap neighbours on the same row that are out of x order
    changed = True
    while changed:
        changed = False
        for i in range(len(out) - 1):
            a, b = out[i].box, out[i + 1].box
            same_row = min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * min(a.height, b.height)
            if same_row and b.x0 < a.x0:
                out[i], out[i + 1] = out[i + 1], out[i]
                changed = True
    return out


def page_text(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)
