"""The validation report: plain dataclasses that cross the package boundary.

The vocabulary follows ETSI EN 319 102-1 (indications and sub-indications) and the shape of EU
DSS's simple report, so that a verifier who knows either recognises what they read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# Main indications (EN 319 102-1 §5.1.3), plus the two document-level answers of the brief.
TOTAL_PASSED = "TOTAL-PASSED"
TOTAL_FAILED = "TOTAL-FAILED"
INDETERMINATE = "INDETERMINATE"
NO_SIGNATURE = "NO-SIGNATURE"

# Sub-indications used by this verifier (a subset of EN 319 102-1 Table 5).
FORMAT_FAILURE = "FORMAT_FAILURE"
HASH_FAILURE = "HASH_FAILURE"
SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
REVOKED = "REVOKED"
REVOKED_NO_POE = "REVOKED_NO_POE"
REVOKED_CA_NO_POE = "REVOKED_CA_NO_POE"
NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
NOT_YET_VALID = "NOT_YET_VALID"
TRY_LATER = "TRY_LATER"
NO_POE = "NO_POE"
GENERIC = "GENERIC"

# Worst first: used to combine signature verdicts into the document verdict.
_SEVERITY = {TOTAL_FAILED: 0, INDETERMINATE: 1, TOTAL_PASSED: 2}


def worst(indications: list[str]) -> str:
    return min(indications, key=lambda i: _SEVERITY.get(i, 1)) if indications else TOTAL_PASSED


@dataclass
class Modification:
    """One change made after a signature, described as a reader would notice it."""

    kind: str  # page_added, page_removed, content_replaced, content_overlaid, xobject_replaced,
    # page_changed, rendering_changed, signature_dict_edited, signature_appearance_changed,
    # annotation_added,
    # annotation_changed, form_fill, signature_added, field_added, dss_update,
    # document_timestamp, catalog_changed, metadata_changed, other
    page: int | None  # 1-based page number in the final document, None when not page-bound
    detail: str  # English
    detail_vi: str = ""
    allowed: bool = False  # True when the change is one a signer permits (later signatures…)


@dataclass
class CertInfo:
    subject: str
    issuer: str
    serial: str
    not_before: datetime | None
    not_after: datetime | None
    key_algorithm: str
    key_size: int | None
    sha256: str
    common_name: str | None = None
    organization: str | None = None


@dataclass
class Algorithms:
    digest: str | None = None
    signature: str | None = None
    key: str | None = None
    key_size: int | None = None
    weak: list[str] = field(default_factory=list)


@dataclass
class Revocation:
    status: str = "unknown"  # good, revoked, unknown, not_checked
    source: str = "none"  # embedded, fetched, none
    revoked_at: datetime | None = None
    reason: str | None = None


@dataclass
class SignatureReport:
    field: str
    type: str  # "signature" | "timestamp"
    indication: str
    subindication: str | None
    signer: str | None = None
    signer_role: str | None = None  # "person" | "organization" (Decree 30) | None
    chain: list[CertInfo] = field(default_factory=list)
    anchor: str | None = None
    signing_time: datetime | None = None  # claimed (/M or signingTime attribute)
    timestamp_time: datetime | None = None  # from a trusted signature timestamp
    intact: bool | None = None
    coverage: str = "unknown"  # entire_file, entire_revision, partial, unknown
    revision: int | None = None  # 1-based revision signed
    total_revisions: int | None = None
    modifications: list[Modification] = field(default_factory=list)
    revocation: Revocation = field(default_factory=Revocation)
    level: str | None = None  # PAdES-B-B … PAdES-B-LTA, PKCS7-B…, or None
    long_term: bool = False
    algorithms: Algorithms = field(default_factory=Algorithms)
    certification: str | None = None  # DocMDP permission when this is a certification signature
    reason: str | None = None
    location: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary_vi: str = ""
    summary_en: str = ""


@dataclass
class Report:
    indication: str
    subindication: str | None
    signatures: list[SignatureReport] = field(default_factory=list)
    summary_vi: str = ""
    summary_en: str = ""
    validation_time: datetime | None = None
    pages: int | None = None
    revisions: int | None = None
    decree30_person: bool = False
    decree30_organization: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elapsed_s: float | None = None

    @property
    def decree30_complete(self) -> bool:
        return self.decree30_person and self.decree30_organization

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (times as ISO-8601 strings)."""
        out = _jsonable(asdict(self))
        out["decree30_complete"] = self.decree30_complete
        return out

    def to_brief_dict(self, file: str) -> dict[str, Any]:
        """The one-line shape of ``vanthu verify --json``."""
        return {
            "file": file,
            "indication": self.indication,
            "subindication": self.subindication,
            "summary": {"vi": self.summary_vi, "en": self.summary_en},
            "signatures": [
                {
                    "field": s.field,
                    "type": s.type,
                    "indication": s.indication,
                    "subindication": s.subindication,
                    "signer": s.signer,
                    "signing_time": _jsonable(s.signing_time),
                    "timestamp_time": _jsonable(s.timestamp_time),
                    "intact": s.intact,
                    "coverage": s.coverage,
                    "modifications": [
                        {"kind": m.kind, "page": m.page, "detail": m.detail}
                        for m in s.modifications
                    ],
                    "level": s.level,
                    "algorithms": _jsonable(asdict(s.algorithms)),
                    "warnings": list(s.warnings),
                }
                for s in self.signatures
            ],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
