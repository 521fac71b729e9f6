"""PAdES signing: B-B, B-T, B-LT, B-LTA, visible Decree-30 stamps, batches.

Public API (``from signing.pades import ...``):

- :class:`Level` — ``B-B``, ``B-T``, ``B-LT``, ``B-LTA``.
- :class:`SignOptions` — level, TSA URL and timeout, :class:`~signing.trust.TrustSettings`
  (trust roots and revocation sources; needed for B-LT/B-LTA), field name, reason, location,
  certification.
- :func:`sign_pdf` / :func:`async_sign_pdf` — sign ``src`` into ``dst`` with a
  :class:`~signing.keys.LoadedSigner`, optionally with a stamp from :mod:`signing.stamp`. If the
  field named in the options already exists (pre-created by :func:`signing.fields.add_fields`)
  it is used and the stamp is drawn into its box; otherwise the field is created from the stamp's
  placement (invisible when there is no stamp). Returns a :class:`SignResult`.
- :func:`sign_batch` — many documents, one key unlock, one TSA session, signer checked once.

Guarantees: ``dst`` is written (atomically, fsync'd) only when signing succeeded; ``src`` is
never modified; every failure is a :class:`~signing.errors.SigningError` with a clear reason.

Two signatures on one document (official, then organization): create both fields first
(:func:`signing.fields.add_fields`), sign the official's field (an approval signature, so form
filling stays allowed), write number and date with :func:`signing.fields.fill_text_fields`, then
sign the seal field. No signature invalidates an earlier one.

Why it is fast: the key is parsed once (:mod:`signing.keys`); the signature container size is
reserved from the certificate sizes instead of pyHanko's dry-run signature; images are decoded
once (:mod:`signing.images`); the visible appearance is our own small XObject, not a stamp style.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiohttp
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError as PhSigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import NoOpStampStyle
from pyhanko_certvalidator import ValidationContext

from signing import stamp as st
from signing.errors import (
    CertificateUnusableError,
    DocumentError,
    RevocationError,
    SigningError,
    TimestampError,
)
from signing.keys import LoadedSigner, check_certificate
from signing.pdfio import atomic_output, clone_into, open_for_update
from signing.prepare import Stamp, prepare_writer
from signing.trust import (
    TrustSettings,
    check_signer_status,
    http_session,
    make_validation_context,
)

__all__ = [
    "Level",
    "SignJob",
    "SignOptions",
    "SignResult",
    "Stamp",
    "async_sign_pdf",
    "sign_batch",
    "sign_pdf",
]

# Copy and hash in 1 MiB pieces: pyHanko's 4 KiB default costs ~1 s of Python overhead on a
# 200 MB file.
_CHUNK = 1 << 20


class Level(enum.StrEnum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def needs_tsa(self) -> bool:
        return self is not Level.B_B

    @property
    def needs_revinfo(self) -> bool:
        return self in (Level.B_LT, Level.B_LTA)


@dataclass(frozen=True)
class SignOptions:
    """How to sign. ``trust`` also turns on the pre-signing revocation check of the signer
    (``TrustSettings.check_revocation``); ``certify`` makes a certification signature with
    ``docmdp`` permissions (only the first signature of a document may certify)."""

    level: Level = Level.B_B
    tsa_url: str | None = None
    tsa_timeout: float = 10.0
    trust: TrustSettings | None = None
    field_name: str = "Signature1"
    reason: str | None = None
    location: str | None = None
    contact_info: str | None = None
    certify: bool = False
    docmdp: MDPPerm = MDPPerm.FILL_FORMS
    md_algorithm: str = "sha256"

    def check(self) -> None:
        if self.level.needs_tsa and not self.tsa_url:
            raise SigningError(f"level {self.level} needs a time-stamping authority URL")
        if self.level.needs_revinfo and self.trust is None:
            raise SigningError(f"level {self.level} needs trust roots and revocation sources")


@dataclass(frozen=True)
class SignResult:
    """What was signed: the output, the field, the signing time (+07:00, the CMS signing-time
    and the time shown by text stamps), the signer's subject, the stamp's page and box."""

    output: Path
    field_name: str
    level: Level
    signing_time: datetime
    signer: str
    page: int | None
    box: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class SignJob:
    """One document of a batch; ``options`` overrides the batch options (e.g. the field name)."""

    src: Path
    dst: Path
    stamp: Stamp | None = None
    options: SignOptions | None = None


class _TimedSigner(signers.PdfSigner):
    """A PdfSigner whose signing time is fixed by us, so the stamp shows the CMS signing time."""

    def __init__(self, *args, signing_time: datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


def _reserve(loaded: LoadedSigner, level: Level) -> int:
    """Bytes (hex digits) to reserve for the CMS container: certificates + margin, no dry run."""
    certs = len(loaded.certificate.dump()) + sum(len(c.dump()) for c in loaded.chain)
    der = certs + 3000
    if level.needs_tsa:
        der += 9000  # the timestamp token carries the TSA's own chain
    n = 2 * der
    return n + (-n % 1024)


def _now() -> datetime:
    return datetime.now(st.VN_TZ).replace(microsecond=0)


def _error_from(e: BaseException) -> SigningError:
    """Turn a pyHanko / network failure into one of ours, with the reason."""
    chain = []
    cur: BaseException | None = e
    while cur is not None and len(chain) < 8:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    for c in chain:
        if isinstance(c, TimestampRequestError | aiohttp.ClientError | TimeoutError):
            return TimestampError(f"the time-stamping authority could not be reached: {c}")
    text = "; ".join(str(c) for c in chain if str(c))
    if "revocation" in text.lower() or "revinfo" in text.lower():
        return RevocationError(f"revocation information unavailable: {text}")
    if "certificate" in text.lower() and "valid" in text.lower():
        return CertificateUnusableError(f"the signer's certificate was refused: {text}")
    return SigningError(f"signing failed: {text or type(e).__name__}")


def signature_metadata(
    options: SignOptions, vc: ValidationContext | None
) -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(
        field_name=options.field_name,
        md_algorithm=options.md_algorithm,
        subfilter=SigSeedSubFilter.PADES,
        reason=options.reason,
        location=options.location,
        contact_info=options.contact_info,
        certify=options.certify,
        docmdp_permissions=options.docmdp,
        embed_validation_info=options.level.needs_revinfo,
        use_pades_lta=options.level is Level.B_LTA,
        validation_context=vc if options.level.needs_revinfo else None,
        signer_key_usage=set(),  # checked by us: digitalSignature or nonRepudiation
    )


async def _sign_into(
    src: Path,
    dst: Path,
    loaded: LoadedSigner,
    options: SignOptions,
    stamp: Stamp | None,
    vc: ValidationContext | None,
    session: aiohttp.ClientSession | None,
    reserve: int,
) -> SignResult:
    signing_time = _now()
    with open(src, "rb") as inf, atomic_output(dst, src) as out:
        # Sign a copy in place: the kernel copies, pyHanko only appends and hashes.
        clone_into(inf, out)
        writer = open_for_update(src, out)
        try:
            placement = prepare_writer(src, writer, options.field_name, stamp, signing_time)
        except SigningError:
            raise
        except Exception as e:  # a hostile or broken file can fail anywhere in the parser
            raise DocumentError(
                f"{src.name} could not be prepared for signing: {type(e).__name__}: {e}"
            ) from None
        meta = signature_metadata(options, vc)
        timestamper = None
        if options.level.needs_tsa:
            timestamper = HTTPTimeStamper(
                options.tsa_url, timeout=options.tsa_timeout, session=session
            )
        pdf_signer = _TimedSigner(
            meta,
            loaded.signer,
            timestamper=timestamper,
            stamp_style=NoOpStampStyle(),
            signing_time=signing_time,
        )
        try:
            await pdf_signer.async_sign_pdf(
                writer,
                existing_fields_only=True,
                bytes_reserved=reserve,
                in_place=True,
                chunk_size=_CHUNK,
            )
        except SigningError:
            raise
        except (PdfError, KeyError, IndexError, TypeError) as e:
            if isinstance(e, PhSigningError) or "larger than expected" in str(e):
                raise _error_from(e) from None
            raise DocumentError(f"{src.name} could not be signed: {e}") from None
        except Exception as e:  # pyHanko, aiohttp and asn1crypto raise many types
            raise _error_from(e) from None
    return SignResult(
        output=dst,
        field_name=options.field_name,
        level=options.level,
        signing_time=signing_time,
        signer=loaded.subject_name,
        page=placement.page.index if placement else None,
        box=placement.box if placement else None,
    )


class _Context:
    """What a call or a batch shares: validation context, TSA session, signer check."""

    def __init__(self, loaded: LoadedSigner, options: SignOptions) -> None:
        self.loaded = loaded
        self.options = options
        self.vc: ValidationContext | None = None
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> _Context:
        check_certificate(self.loaded.certificate)
        if self.options.level.needs_tsa or self.options.trust is not None:
            # one session for TSA, OCSP and CRL requests of the whole call or batch
            self.session = http_session()
        try:
            if self.options.trust is not None:
                self.vc = make_validation_context(self.options.trust, self.session)
                if self.options.trust.check_revocation:
                    await check_signer_status(self.loaded.certificate, self.loaded.chain, self.vc)
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        if self.vc is not None:
            await self.vc.aclose()
        if self.session is not None:
            await self.session.close()

    async def sign(self, src: Path, dst: Path, stamp: Stamp | None, options: SignOptions):
        options.check()
        reserve = _reserve(self.loaded, options.level)
        try:
            return await _sign_into(
                src, dst, self.loaded, options, stamp, self.vc, self.session, reserve
            )
        except SigningError as e:
            if "larger than expected" not in str(e):
                raise
        # A generous second try if the reservation was too small (very long chains).
        return await _sign_into(
            src, dst, self.loaded, options, stamp, self.vc, self.session, reserve * 3
        )


async def async_sign_pdf(
    src: str | Path,
    dst: str | Path,
    loaded: LoadedSigner,
    options: SignOptions | None = None,
    stamp: Stamp | None = None,
) -> SignResult:
    options = options or SignOptions()
    options.check()
    async with _Context(loaded, options) as ctx:
        return await ctx.sign(Path(src), Path(dst), stamp, options)


def sign_pdf(
    src: str | Path,
    dst: str | Path,
    loaded: LoadedSigner,
    options: SignOptions | None = None,
    stamp: Stamp | None = None,
) -> SignResult:
    """Sign ``src`` into ``dst``. See the module docstring."""
    return asyncio.run(async_sign_pdf(src, dst, loaded, options, stamp))


def sign_batch(
    jobs: Sequence[SignJob],
    loaded: LoadedSigner,
    options: SignOptions | None = None,
    concurrency: int = 4,
) -> list[SignResult | SigningError]:
    """Sign many documents with one key unlock; one result or error per job, in order.

    With a TSA, ``concurrency`` requests are in flight at once, so the TSA works while we
    prepare the next document.
    """
    options = options or SignOptions()
    options.check()

    async def run() -> list[SignResult | SigningError]:
        sem = asyncio.Semaphore(max(1, concurrency))
        async with _Context(loaded, options) as ctx:

            async def one(job: SignJob) -> SignResult | SigningError:
                async with sem:
                    try:
                        return await ctx.sign(
                            Path(job.src), Path(job.dst), job.stamp, job.options or options
                        )
                    except SigningError as e:
                        return e

            return list(await asyncio.gather(*(one(j) for j in jobs)))

    return asyncio.run(run())
