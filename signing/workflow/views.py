"""What the API and the CLI show of an outgoing document, and its verification report."""

from __future__ import annotations

from typing import Any

from registry.documents import OutgoingDocument
from registry.filestore import BlobStore
from signing.verification import Report, Trust, verify
from signing.workflow.config import WorkflowSettings
from signing.workflow.register import symbol_of


def document_json(doc: OutgoingDocument, cfg: WorkflowSettings | None = None) -> dict[str, Any]:
    out = {
        "id": doc.id, "status": doc.status, "type": doc.doc_type, "subject": doc.subject,
        "number": doc.number, "year": doc.number_year, "number_symbol": symbol_of(doc) or None,
        "notation": doc.code_notation, "issued_date": _iso(doc.issued_date),
        "signer_id": doc.signer_id, "signer_name": doc.signer_name,
        "signer_position": doc.signer_position, "recipients": list(doc.recipients),
        "urgency": doc.urgency, "book_kind": doc.book_kind, "signed_at": _iso(doc.signed_at),
        "issued_at": _iso(doc.issued_at), "draft_sha256": doc.draft_sha256,
        "prepared_sha256": doc.prepared_sha256, "signed_sha256": doc.signed_sha256,
        "issued_sha256": doc.issued_sha256,
        "appendices": [{"name": a.get("name"), "issued_sha256": a.get("issued_sha256")}
                       for a in doc.appendices],
    }
    if cfg is not None and doc.verify_code:
        out["verify_url"] = cfg.verify_url(doc.verify_code)
    return out


def _iso(value) -> str | None:  # noqa: ANN001
    return value.isoformat() if value is not None else None


def verification_reports(blobs: BlobStore, cfg: WorkflowSettings, doc: OutgoingDocument
                         ) -> list[tuple[str, Report]]:
    """(file name, report) for the issued document and each signed appendix."""
    trust = cfg.trust_settings()
    anchors = Trust(anchors=tuple(trust.trust_roots) if trust else ())
    files = [("document", doc.issued_sha256)] + [
        (a.get("name") or f"appendix-{i + 1}", a.get("issued_sha256"))
        for i, a in enumerate(doc.appendices)
    ]
    return [(name, verify(blobs.get(sha), anchors)) for name, sha in files if sha]
