"""pyHanko's ``async_validate_pdf_signature`` without the parts this verifier does not use.

The same building blocks in the same order (subfilter check, timing information, CMS and
trust validation, seed-value constraints), minus the byte-coverage and diff work that the
rules of ``changes/`` replace, and minus attribute-certificate processing (no validation
context for attribute authorities is configured, so pyHanko would only parse them).
Returns a plain namespace with the same field names as ``PdfSignatureStatus``.
"""

from __future__ import annotations

from types import SimpleNamespace

from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import generic_cms, pdf_embedded
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus

_SUBFILTERS = (
    SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
    SigSeedSubFilter.PADES,
    SigSeedSubFilter.PBAD_PADES,
)


async def validate_signature(emb, vc, ts_vc, key_usage: KeyUsageConstraints) -> SimpleNamespace:
    if emb.sig_object_type != "/Sig":
        raise SignatureValidationError("Signature object type must be /Sig")
    subfilter = emb.sig_object.get("/SubFilter", None)
    pdf_embedded._validate_subfilter(
        subfilter, _SUBFILTERS, "%s is not a recognized SubFilter type in signatures."
    )
    kwargs: dict = {}
    kwargs.update(
        await generic_cms.collect_timing_info(
            emb.signer_info, ts_vc, raw_digest=emb.compute_digest
        )
    )
    if "signer_reported_dt" not in kwargs:
        reported = emb.self_reported_timestamp
        if reported is not None:
            kwargs["signer_reported_dt"] = reported
    kwargs = await generic_cms.cms_basic_validation(
        emb.signed_data,
        raw_digest=emb.compute_digest(),
        validation_context=vc,
        status_kwargs=kwargs,
        key_usage_settings=PdfSignatureStatus.default_usage_constraints(key_usage),
    )
    tst = kwargs.get("timestamp_validity")
    found = tst is not None and tst.valid and tst.trusted
    kwargs.update(pdf_embedded.report_seed_value_validation(emb, kwargs["validation_path"], found))
    kwargs.setdefault("timestamp_validity", None)
    kwargs.setdefault("signer_reported_dt", None)
    return SimpleNamespace(**kwargs)
