"""The books: schema and migrations, numbering, the file store, the audit chain, users and units.

No HTTP, no PDF, no OCR here: the other slices record their results through these functions.
"""

from registry.errors import (
    BlobCorrupted,
    BlobError,
    BlobMissing,
    NotFound,
    NumberingError,
    RegistryError,
    UserError,
)

__all__ = [
    "BlobCorrupted", "BlobError", "BlobMissing", "NotFound", "NumberingError", "RegistryError",
    "UserError",
]
