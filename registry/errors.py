"""Exceptions of the registry (the books). Each carries a stable machine-readable ``code``."""

from __future__ import annotations


class RegistryError(Exception):
    code = "registry_error"


class NotFound(RegistryError):
    code = "not_found"


class NumberingError(RegistryError):
    code = "numbering_error"


class BlobError(RegistryError):
    code = "blob_error"


class BlobMissing(BlobError):
    code = "blob_missing"


class BlobCorrupted(BlobError):
    code = "blob_corrupted"


class UserError(RegistryError):
    code = "user_error"
