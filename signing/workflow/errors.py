"""Exceptions of the outgoing workflow; ``code`` is stable and machine-readable.

PAdES failures (:class:`signing.errors.SigningError`) pass through unchanged: they already say
what went wrong with the key, the TSA or the document.
"""

from __future__ import annotations


class WorkflowError(Exception):
    code = "workflow_error"


class NotPrepared(WorkflowError):
    """The draft cannot be prepared: no signature block, no number or date blank, bad input."""

    code = "draft_not_prepared"


class WrongState(WorkflowError):
    """The document is not at the step the action needs (e.g. issuing an unsigned draft)."""

    code = "wrong_state"


class NotAllowed(WorkflowError):
    """The user may not do this to this document (another person's document or key)."""

    code = "not_allowed"


class NoCredential(WorkflowError):
    """No usable signing credential for the person or the organization."""

    code = "no_credential"


class IssueFailed(WorkflowError):
    """Issuance stopped at a step; nothing was issued and no number was used."""

    code = "issue_failed"

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"issuance stopped at step '{step}': {reason}")
        self.step = step
        self.reason = reason
