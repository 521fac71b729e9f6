"""Cryptographic and trust checks of one embedded signature, mapped to ETSI indications.

pyHanko's classic validator does the CMS and path work (with ``skip_diff``: our own change
analysis replaces its diff policy); this module feeds it the document's embedded validation data,
turns its statuses and exceptions into indications, and collects what the report shows.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from asn1crypto import x509
from pyhanko.sign.general import find_unique_cms_attribute
from pyhanko.sign.validation import pdf_embedded
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.api import FetchLimits
from pyhanko_certvalidator.registry import SimpleTrustManager

from . import model as m
from .certs import fill_cert_info
from .embedded import (
    EmbeddedData,
    covered,
    only_relevant,
    revinfo_archival,
)
from .lean import validate_signature
from .model import Algorithms, CertInfo, Revocation
from .trust import Trust
from .warm import ALGORITHM_POLICY

_LOOPS = threading.local()


def _run_async(coro):
    """One event loop per thread, reused: ``asyncio.run`` per signature costs milliseconds."""
    loop = getattr(_LOOPS, "loop", None)
    if loop is None or loop.is_closed():
        loop = _LOOPS.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coro)


@dataclass
class CryptoResult:
    indication: str
    subindication: str | None
    intact: bool | None = None
    signer_cert: x509.Certificate | None = None
    chain: list[CertInfo] = field(default_factory=list)
    anchor: str | None = None
    signing_time: datetime | None = None
    timestamp_time: datetime | None = None
    timestamp_ok: bool = False
    revocation: Revocation = field(default_factory=Revocation)
    algorithms: Algorithms = field(default_factory=Algorithms)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_signature(
    emb: pdf_embedded.EmbeddedPdfSignature, trust: Trust, embedded: EmbeddedData, now: datetime
) -> CryptoResult:
    is_ts = emb.sig_object_type == "/DocTimeStamp"
    claimed = _claimed_time(emb)
    tst_time = _embedded_tst_time(emb)
    moment = trust.fixed_time()
    if moment is None and trust.at == "signing":
        moment = tst_time or claimed or now
    if not is_ts and _digest_mismatch(emb):
        # The signed bytes were altered: no trust evaluation can change that verdict.
        res = CryptoResult(m.TOTAL_FAILED, m.HASH_FAILURE, intact=False, signing_time=claimed)
        res.errors.append("the digest of the signed bytes does not match the signature")
        fill_cert_info(res, emb)
        return res
    archived_crls, archived_ocsps = revinfo_archival(emb)
    full = embedded
    embedded = only_relevant(emb, embedded)
    res = _run(emb, is_ts, trust, embedded, moment, claimed, archived_crls, archived_ocsps, now)
    if res.subindication == m.NO_CERTIFICATE_CHAIN_FOUND and len(full.certs) > len(
        embedded.certs
    ):
        # the byte-level filter may miss a chain whose names are encoded differently
        res = _run(emb, is_ts, trust, full, moment, claimed, archived_crls, archived_ocsps, now)
    return res


# URLs to fetch come from the (possibly hostile) document: a handful of requests is plenty.
FETCH_LIMITS = FetchLimits(max_requests=12, max_cert_requests=4, max_aia_urls_per_object=2)


def _run(emb, is_ts, trust, embedded, moment, claimed, archived_crls, archived_ocsps, now):
    backend = fetchers = None
    if not trust.offline:
        backend = AIOHttpFetcherBackend(
            per_request_timeout=trust.fetch_timeout_s, limits=FETCH_LIMITS
        )
        fetchers = backend.get_fetchers()
    try:
        return _validate(emb, is_ts, trust, embedded, moment, claimed, archived_crls,
                         archived_ocsps, now, fetchers)
    finally:
        if backend is not None:
            try:
                _run_async(backend.close())
            except Exception:  # noqa: BLE001 — closing a session must not change the verdict
                pass


def _validate(emb, is_ts, trust, embedded, moment, claimed, archived_crls, archived_ocsps, now,
              fetchers):
    vc = _context(trust, embedded, moment, archived_crls, archived_ocsps, fetchers)
    # A second context (validation context init is costly) only when the times differ.
    ts_vc = vc if moment is None else _context(trust, embedded, None, archived_crls,
                                               archived_ocsps, fetchers)
    try:
        if is_ts:
            status = _run_async(
                pdf_embedded.async_validate_pdf_timestamp(
                    emb, validation_context=vc, skip_diff=True
                )
            )
        else:
            status = _run_async(
                validate_signature(
                    emb, vc, ts_vc, KeyUsageConstraints(key_usage={"non_repudiation"})
                )
            )
    except SignatureValidationError as exc:
        sub = exc.ades_subindication
        name = sub.standard_name if sub is not None else m.GENERIC
        status_name = sub.status.name if sub is not None else "INDETERMINATE"
        indication = m.TOTAL_FAILED if status_name == "FAILED" else m.INDETERMINATE
        res = CryptoResult(indication, name, signing_time=claimed)
        res.errors.append(f"signature rejected: {exc.failure_message}")
        fill_cert_info(res, emb)
        return res
    except Exception as exc:  # noqa: BLE001 — never crash: report the library's failure
        res = CryptoResult(m.INDETERMINATE, m.GENERIC, signing_time=claimed)
        res.errors.append(f"validation failed inside pyHanko: {type(exc).__name__}: {exc}")
        fill_cert_info(res, emb)
        return res
    return _from_status(status, emb, is_ts, claimed, vc, embedded, archived_crls, archived_ocsps,
                        now, fetchers)


def _digest_mismatch(emb) -> bool:
    try:
        claimed = find_unique_cms_attribute(emb.signer_info["signed_attrs"], "message_digest")
        return bytes(claimed.native) != emb.compute_digest()
    except Exception:  # noqa: BLE001 — let the full validation explain what is wrong
        return False


_TRUST_MANAGERS: dict[tuple[bytes, ...], SimpleTrustManager] = {}


def _trust_manager(anchors: tuple[x509.Certificate, ...]) -> SimpleTrustManager:
    """Built once per set of anchors: it is read-only during validation, and building it
    (names, key identifiers) costs as much as a small validation."""
    key = tuple(cert.sha256 for cert in anchors)
    manager = _TRUST_MANAGERS.get(key)
    if manager is None:
        manager = SimpleTrustManager.build(trust_roots=list(anchors))
        if len(_TRUST_MANAGERS) < 32:
            _TRUST_MANAGERS[key] = manager
    return manager


def _context(trust: Trust, embedded: EmbeddedData, moment, crls, ocsps, fetchers
             ) -> ValidationContext:
    return ValidationContext(
        trust_manager=_trust_manager(trust.anchors),
        other_certs=list(embedded.certs),
        crls=[*embedded.crls, *crls],
        ocsps=[*embedded.ocsps, *ocsps],
        allow_fetching=not trust.offline,
        revocation_mode=trust.revocation,
        moment=moment,
        retroactive_revinfo=moment is not None,
        fetchers=fetchers,
        algorithm_usage_policy=ALGORITHM_POLICY,
    )


def _from_status(status, emb, is_ts, claimed, vc, embedded, arch_crls, arch_ocsps, now,
                 fetchers):
    res = CryptoResult(m.TOTAL_PASSED, None, intact=status.intact, signing_time=claimed)
    res.signer_cert = status.signing_cert
    fill_cert_info(res, emb, status)
    if is_ts:
        res.timestamp_time = getattr(status, "timestamp", None)
        res.timestamp_ok = bool(status.intact and status.valid and status.trusted)
    else:
        tsv = getattr(status, "timestamp_validity", None)
        if tsv is not None:
            res.timestamp_time = tsv.timestamp
            res.timestamp_ok = bool(tsv.intact and tsv.valid and tsv.trusted)
            if not (tsv.intact and tsv.valid):
                res.warnings.append("the signature timestamp does not verify; it is ignored")
            elif not tsv.trusted:
                res.warnings.append("the signature timestamp's authority is not trusted")
        srt = getattr(status, "signer_reported_dt", None)
        if srt is not None:
            res.signing_time = srt
    if not status.intact:
        res.indication, res.subindication = m.TOTAL_FAILED, m.HASH_FAILURE
        res.errors.append("the digest of the signed bytes does not match the signature")
        return res
    if not status.valid:
        res.indication, res.subindication = m.TOTAL_FAILED, m.SIG_CRYPTO_FAILURE
        res.errors.append("the signature value does not verify with the signer's key")
        return res
    _revocation(res, status, fetchers, embedded, arch_crls, arch_ocsps)
    problem = status.trust_problem_indic
    if problem is not None:
        name = problem.standard_name
        if name == m.REVOKED_NO_POE:
            revoked_at = res.revocation.revoked_at
            best = res.timestamp_time if res.timestamp_ok else (vc.moment or now)
            if revoked_at is not None and best is not None and revoked_at <= best:
                name = m.REVOKED
        res.subindication = name
        res.indication = m.TOTAL_FAILED if name == m.REVOKED else m.INDETERMINATE
        res.errors.append(_trust_error(name))
    sv_error = getattr(status, "seed_value_constraint_error", None)
    if sv_error is not None:
        res.errors.append(f"the signature breaks its field's seed-value constraints: {sv_error}")
        if res.indication == m.TOTAL_PASSED:
            res.indication, res.subindication = m.INDETERMINATE, "SIG_CONSTRAINTS_FAILURE"
    if res.algorithms.weak and res.indication == m.TOTAL_PASSED:
        res.indication, res.subindication = m.INDETERMINATE, m.CRYPTO_CONSTRAINTS_FAILURE
    for weak in res.algorithms.weak:
        res.warnings.append(f"weak algorithm: {weak}")
    return res


def _trust_error(name: str) -> str:
    from .texts import reason_pair

    return reason_pair(name)[1]


def _revocation(res: CryptoResult, status, fetchers, embedded, arch_crls, arch_ocsps) -> None:
    rev = res.revocation
    details = getattr(status, "revocation_details", None)
    cert = status.signing_cert
    embedded_hit = covered(cert, [*embedded.crls, *arch_crls], [*embedded.ocsps, *arch_ocsps])
    fetched_hit = False
    try:
        if fetchers is not None:
            fetched_hit = covered(
                cert,
                list(fetchers.crl_fetcher.fetched_crls()),
                list(fetchers.ocsp_fetcher.fetched_responses()),
            )
    except Exception:  # noqa: BLE001
        fetched_hit = False
    rev.source = "embedded" if embedded_hit else "fetched" if fetched_hit else "none"
    if details is not None:
        rev.status = "revoked"
        rev.revoked_at = details.revocation_date
        try:
            rev.reason = details.revocation_reason.human_friendly
        except Exception:  # noqa: BLE001
            rev.reason = str(details.revocation_reason)
    elif status.trust_problem_indic is None and rev.source != "none":
        rev.status = "good"
    elif status.trust_problem_indic is None:
        rev.status = "not_checked" if not _has_revocation_pointers(cert) else "unknown"
        if rev.status == "unknown":
            how = "offline mode fetches nothing" if fetchers is None else "none could be fetched"
            res.warnings.append(
                "the revocation status of the signer's certificate is unknown: the document "
                f"embeds none and {how} (accepted under soft-fail)"
            )


def _has_revocation_pointers(cert: x509.Certificate) -> bool:
    return bool(cert.crl_distribution_points or cert.ocsp_urls)


def _claimed_time(emb) -> datetime | None:
    try:
        attr = find_unique_cms_attribute(emb.signer_info["signed_attrs"], "signing_time")
        return attr.native
    except Exception:  # noqa: BLE001
        pass
    try:
        return emb.self_reported_timestamp
    except Exception:  # noqa: BLE001
        return None


def _embedded_tst_time(emb) -> datetime | None:
    try:
        if emb.sig_object_type == "/DocTimeStamp":
            tst = emb.signed_data
        else:
            token = find_unique_cms_attribute(
                emb.signer_info["unsigned_attrs"], "signature_time_stamp_token"
            )
            tst = token["content"]
        info = tst["encap_content_info"]["content"].parsed
        return info["gen_time"].native.astimezone(UTC)
    except Exception:  # noqa: BLE001
        return None


