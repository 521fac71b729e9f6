"""Exceptions of the ocr package."""

from __future__ import annotations


class ReadError(Exception):
    """The input cannot be read as a document. ``code`` is machine-readable, the message human."""

    def __init__(self, reason: str, code: str = "unreadable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str]]:
        # Raised in worker processes: keep the code across pickling.
        return (ReadError, (self.reason, self.code))


class ClassifyError(Exception):
    """A classifier cannot be trained, saved or loaded."""
