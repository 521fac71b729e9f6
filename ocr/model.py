"""The values ``ocr.read`` returns. Boxes are fractions of the page (0..1, origin top left), so
that text-layer pages and OCR'd pages of any dpi compare directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(slots=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0),
                   max(self.x1, other.x1), max(self.y1, other.y1))


@dataclass(slots=True)
class Word:
    text: str
    box: Box
    confidence: float  # 0..1; 1.0 for text-layer words
    weight: int = 0  # font weight from the text layer (700 bold); 0 when unknown (OCR)


@dataclass
class Line:
    """A run of words on one baseline, not crossing a column gap."""

    words: list[Word]
    page: int  # 1-based

    @cached_property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @cached_property
    def box(self) -> Box:
        ws = self.words
        return Box(min(w.box.x0 for w in ws), min(w.box.y0 for w in ws),
                   max(w.box.x1 for w in ws), max(w.box.y1 for w in ws))

    @property
    def confidence(self) -> float:
        return min(w.confidence for w in self.words)


@dataclass
class PageReading:
    number: int  # 1-based
    source: str  # "text" (text layer) or "ocr"
    text: str
    lines: list[Line]
    text_coverage: float  # share of the page's ink explained by the text layer
    rotation: int = 0  # degrees the page was turned clockwise before OCR
    skew: float = 0.0  # degrees of skew corrected before OCR
    dpi: int = 0
    confidence: float = 1.0  # mean word confidence
    searchable_pdf: bytes | None = field(default=None, repr=False)


@dataclass
class Field:
    name: str
    value: str | list[str] | None
    confidence: float
    page: int | None = None
    box: Box | None = None

    def as_json(self) -> dict[str, object]:
        return {"value": self.value, "confidence": round(self.confidence, 3)}


@dataclass
class Reading:
    pages: list[PageReading]
    fields: dict[str, Field]
    kind: str  # "pdf", "png", "jpeg", "tiff"

    @property
    def text(self) -> str:
        return "\n\f".join(p.text for p in self.pages)

    @property
    def ocr_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.source == "ocr"]

    @property
    def doc_type(self) -> str | None:
        f = self.fields.get("doc_type")
        return f.value if f and isinstance(f.value, str) else None
