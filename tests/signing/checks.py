"""Independent checks of a signed file: pyHanko's validator, poppler's pdfsig, qpdf."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from signing.trust import TrustSettings


@dataclass
class SigCheck:
    field: str
    intact: bool
    valid: bool
    trusted: bool
    coverage: str
    modification: str
    has_timestamp: bool
    signer_cn: str


@dataclass
class FileCheck:
    signatures: list[SigCheck]
    doc_timestamps: int
    dss_ocsps: int
    dss_crls: int
    dss_certs: int


def check_file(path: Path, trust: TrustSettings) -> FileCheck:
    with open(path, "rb") as f:
        r = PdfFileReader(f)
        sigs = []
        for es in r.embedded_regular_signatures:
            vc = ValidationContext(
                trust_roots=list(trust.trust_roots),
                other_certs=list(trust.other_certs),
                allow_fetching=False,
                revocation_mode="soft-fail",
            )
            st = validate_pdf_signature(es, vc)
            sigs.append(
                SigCheck(
                    field=es.field_name,
                    intact=st.intact,
                    valid=st.valid,
                    trusted=st.trusted,
                    coverage=st.coverage.name,
                    modification=st.modification_level.name if st.modification_level else "",
                    has_timestamp=st.timestamp_validity is not None and st.timestamp_validity.valid,
                    signer_cn=es.signer_cert.subject.native.get("common_name", ""),
                )
            )
        n_ts = 0
        for ts in r.embedded_timestamp_signatures:
            vc = ValidationContext(
                trust_roots=list(trust.trust_roots),
                other_certs=list(trust.other_certs),
                allow_fetching=False,
                revocation_mode="soft-fail",
            )
            tst = validate_pdf_timestamp(ts, vc)
            assert tst.valid and tst.intact and tst.trusted
            n_ts += 1
        dss = r.root.get("/DSS")
        dss = dss.get_object() if dss is not None else None
        counts = [0, 0, 0]
        if dss is not None:
            for i, key in enumerate(("/OCSPs", "/CRLs", "/Certs")):
                if key in dss:
                    counts[i] = len(dss[key])
        return FileCheck(sigs, n_ts, *counts)
