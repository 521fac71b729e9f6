"""Exceptions of the intake slice; ``code`` is stable and machine-readable."""

from __future__ import annotations


class IntakeError(Exception):
    code = "intake_error"


class Refused(IntakeError):
    """A file that is not accepted at all (nothing is stored, no number is taken)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class FrozenDocument(IntakeError):
    code = "document_frozen"


class InvalidField(IntakeError):
    code = "invalid_field"
