"""Every table of the registry, imported in one place so that the metadata is complete."""

from registry.audit import AuditEvent, AuditHead
from registry.credentials import SigningCredential
from registry.documents import Assignment, IncomingDocument, IncomingText, OutgoingDocument
from registry.filestore import Blob
from registry.jobs import Job
from registry.numbering import Book, BookCounter
from registry.org import ApiToken, Unit, User, UserRole
from registry.orm import Base
from registry.sessions import WebSession
from registry.textbands import IncomingTextBand

metadata = Base.metadata

__all__ = [
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Blob",
    "Book",
    "BookCounter",
    "Job",
    "IncomingDocument",
    "IncomingText",
    "IncomingTextBand",
    "OutgoingDocument",
    "SigningCredential",
    "Unit",
    "User",
    "UserRole",
    "WebSession",
    "metadata",
]
