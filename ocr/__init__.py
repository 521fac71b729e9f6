"""Reading incoming documents: text layer or OCR → text, Decree-30 fields, document type.

A pure library: it takes bytes or paths and returns dataclasses, and imports nothing else of
vanthu's.
"""

from ocr import fields
from ocr.errors import ClassifyError, ReadError
from ocr.fields import FIELD_NAMES
from ocr.limits import Limits
from ocr.model import Box, Field, Line, PageReading, Reading, Word
from ocr.reader import read
from ocr.searchable import searchable_copy

__all__ = ["FIELD_NAMES", "Box", "ClassifyError", "Field", "Limits", "Line", "PageReading",
           "ReadError", "Reading", "Word", "classify", "fields", "read", "searchable_copy"]


def __getattr__(name: str):  # noqa: ANN202
    # ``ocr.classify`` pulls in scikit-learn (2 s at start-up): loaded when first used.
    if name == "classify":
        import importlib

        return importlib.import_module("ocr.classify")
    raise AttributeError(f"module 'ocr' has no attribute {name!r}")
