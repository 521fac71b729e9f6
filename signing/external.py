"""Split signing for remote signing services: digest out, signature value in, embedded.

Services such as a national remote-signing platform hold the key and sign a hash on the user's
phone. The flow:

1. :func:`begin_external` prepares the document (field, stamp, signature placeholder), computes
   the PDF digest and the CMS signed attributes, and returns a :class:`PendingSignature`.
   Send ``pending.to_be_signed_digest`` (SHA-256 of ``pending.to_be_signed``) to the service —
   or ``to_be_signed`` itself if the service hashes.
2. :func:`finish_external` takes the signature value the service returned, checks it against the
   certificate's public key, adds the signature timestamp (B-T) and writes the output
   atomically. A wrong value is refused and nothing is written.
3. :meth:`PendingSignature.abort` drops a pending signature.

Levels B-B and B-T. The pending state lives in memory (a temporary file next to the output).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from asn1crypto import cms, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign.signers import ExternalSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import NoOpStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.errors import SigningError
from signing.keys import check_certificate
from signing.pades import (
    Level,
    SignOptions,
    SignResult,
    _error_from,
    _now,
    _TimedSigner,
    signature_metadata,
)
from signing.pdfio import clone_into, open_for_update
from signing.prepare import Stamp, prepare_writer
from signing.trust import http_session

__all__ = ["PendingSignature", "begin_external", "finish_external"]


@dataclass
class PendingSignature:
    """A prepared document waiting for its signature value."""

    to_be_signed: bytes
    to_be_signed_digest: bytes
    digest_algorithm: str
    document_digest: bytes
    dst: Path
    _state: dict[str, Any] = field(repr=False, default_factory=dict)

    def abort(self) -> None:
        out: IO[bytes] | None = self._state.pop("out", None)
        if out is not None:
            out.close()
            with contextlib.suppress(OSError):
                os.unlink(self._state["tmp"])


def _reserve(cert: x509.Certificate, chain: list[x509.Certificate], level: Level) -> int:
    der = len(cert.dump()) + sum(len(c.dump()) for c in chain) + 3000
    if level.needs_tsa:
        der += 9000
    n = 2 * der
    return n + (-n % 1024)


def _sig_len(cert: x509.Certificate) -> int:
    algo = cert.public_key.algorithm
    if algo == "rsa":
        return (cert.public_key.bit_size + 7) // 8
    return 2 * ((cert.public_key.bit_size + 7) // 8) + 9


def begin_external(
    src: str | Path,
    dst: str | Path,
    certificate: x509.Certificate,
    chain: Iterable[x509.Certificate] = (),
    options: SignOptions | None = None,
    stamp: Stamp | None = None,
) -> PendingSignature:
    """Prepare ``src`` for a signature made elsewhere; see the module docstring."""
    options = options or SignOptions()
    options.check()
    if options.level.needs_revinfo:
        raise SigningError("the split flow signs at B-B or B-T; extend to B-LT/B-LTA afterwards")
    check_certificate(certificate)
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        raise SigningError(f"refusing to overwrite the input {src.name}")
    chain = [c for c in chain if c.dump() != certificate.dump()]
    registry = SimpleCertificateStore()
    registry.register_multiple(chain)
    signing_time = _now()
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".pending", dir=dst.parent)
    out = os.fdopen(fd, "w+b")
    try:
        with open(src, "rb") as inf:
            clone_into(inf, out)  # sign the copy in place, as signing.pades does
            writer = open_for_update(src, out)
            placement = prepare_writer(src, writer, options.field_name, stamp, signing_time)
            ext = ExternalSigner(
                certificate, registry, signature_value=bytes(_sig_len(certificate))
            )
            pdf_signer = _TimedSigner(
                signature_metadata(options, None),
                ext,
                stamp_style=NoOpStampStyle(),
                signing_time=signing_time,
            )
            session = pdf_signer.init_signing_session(writer, existing_fields_only=True)
            tbs = session.prepare_tbs_document(
                validation_info=None, bytes_reserved=_reserve(certificate, chain, options.level)
            )
            prepared, _ = tbs.digest_tbs_document(in_place=True, chunk_size=1 << 20)
        signed_attrs = asyncio.run(
            ext.signed_attrs(
                prepared.document_digest,
                options.md_algorithm,
                attr_settings=PdfCMSSignedAttributes(signing_time=signing_time),
                use_pades=True,
            )
        )
    except SigningError:
        out.close()
        os.unlink(tmp)
        raise
    except Exception as e:
        out.close()
        os.unlink(tmp)
        raise _error_from(e) from None
    tbs_bytes = signed_attrs.dump()
    return PendingSignature(
        to_be_signed=tbs_bytes,
        to_be_signed_digest=hashlib.new(options.md_algorithm, tbs_bytes).digest(),
        digest_algorithm=options.md_algorithm,
        document_digest=prepared.document_digest,
        dst=dst,
        _state={
            "out": out,
            "tmp": tmp,
            "prepared": prepared,
            "signed_attrs": signed_attrs,
            "cert": certificate,
            "registry": registry,
            "options": options,
            "signing_time": signing_time,
            "placement": placement,
        },
    )


def _verify_value(cert: x509.Certificate, data: bytes, value: bytes, md: str) -> None:
    from cryptography import x509 as cx509

    pub = cx509.load_der_x509_certificate(cert.dump()).public_key()
    h = getattr(hashes, md.upper())()
    try:
        if isinstance(pub, rsa.RSAPublicKey):
            pub.verify(value, data, padding.PKCS1v15(), h)
        elif isinstance(pub, ec.EllipticCurvePublicKey):
            pub.verify(value, data, ec.ECDSA(h))
        else:
            raise SigningError(f"unsupported key type {type(pub).__name__} for the split flow")
    except InvalidSignature:
        raise SigningError(
            "the signature value does not match the certificate and the document"
        ) from None


def finish_external(pending: PendingSignature, signature_value: bytes) -> SignResult:
    """Embed ``signature_value`` and write ``pending.dst``; nothing is written if it is wrong."""
    s = pending._state
    if "out" not in s:
        raise SigningError("this pending signature was already finished or aborted")
    options: SignOptions = s["options"]
    _verify_value(s["cert"], pending.to_be_signed, signature_value, pending.digest_algorithm)
    ext = ExternalSigner(s["cert"], s["registry"], signature_value=signature_value)

    async def run() -> None:
        async with http_session() as session:
            timestamper = (
                HTTPTimeStamper(options.tsa_url, timeout=options.tsa_timeout, session=session)
                if options.level.needs_tsa
                else None
            )
            content: cms.ContentInfo = await ext.async_sign_prescribed_attributes(
                pending.digest_algorithm, signed_attrs=s["signed_attrs"], timestamper=timestamper
            )
        await PdfTBSDocument.async_finish_signing(
            s["out"], s["prepared"], content, chunk_size=1 << 20
        )

    try:
        asyncio.run(run())
    except SigningError:
        raise
    except Exception as e:
        raise _error_from(e) from None
    out: IO[bytes] = s.pop("out")
    out.flush()
    os.fsync(out.fileno())
    out.close()
    os.replace(s["tmp"], pending.dst)
    placement = s["placement"]
    return SignResult(
        output=pending.dst,
        field_name=options.field_name,
        level=options.level,
        signing_time=s["signing_time"],
        signer=s["cert"].subject.human_friendly,
        page=placement.page.index if placement else None,
        box=placement.box if placement else None,
    )
