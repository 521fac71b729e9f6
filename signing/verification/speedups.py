"""Hot spots of pyHanko and asn1crypto, replaced inside verification workers only.

Profiled, not guessed (``bench/verify.py``, cProfile):

1. pyHanko reads ``<…>`` strings one byte at a time through a generator; a signature's
   ``/Contents`` is 16–64 KB of hex, so that loop alone was about 40 % of a verification.
   ``read_hex_string`` gives the same result and the same errors (PdfStreamError on a non-hex
   byte or an unterminated string) with one regular expression.
2. asn1crypto prepares every name attribute (RFC 4518 string preparation) again each time two
   names are compared or hashed — certificate registries, ESS certificate IDs, CRL issuers.
   The result depends only on the attribute's DER bytes, so a warm worker remembers it.
3. For the same reason whole names: comparing two names (RFC 5280 §7.1) and a name's hashable
   form depend only on their DER bytes, yet pyHanko compares the same issuer names a dozen
   times per signature (ESS certificate IDs twice, path building, CRL issuers). Remembered by
   DER; a comparison that raises is not remembered and raises again.
4. pyHanko hands out a deep copy of every embedded certificate each time it looks at a
   signature's certificates (``c.chosen.untag()``: two or three times per signature and per
   timestamp token), so whatever asn1crypto had worked out about them (extensions, key
   identifiers, names, hashes) is worked out again. ``extract_certificate_info`` gives the
   worker's cached certificate with the same DER instead (``warm.py``); attribute
   certificates, which are tagged, are still untagged copies.
5. pyHanko reads every PDF name (``/Type``, ``/ByteRange``…: most of the tokens of a
   document's dictionaries) one byte at a time through a generator and decodes it byte by
   byte. ``read_name`` finds the name's end with one regular expression and, for the usual
   printable name without ``#`` escapes, builds it directly; anything else goes through
   pyHanko's own decoder, so errors and escapes come out exactly as before.
6. pyHanko checks the signing-certificate attribute (ESS certificate ID: a hash of the
   certificate and its issuer and serial) twice per signature and per timestamp token, and
   the same officials' certificate IDs come back in every document. The answer depends only
   on the certificate (its SHA-256) and the encoded certificate ID, so it is remembered;
   a check that raises is not remembered and raises again.

8. asn1crypto takes a header ending in byte 0x80 for an indefinite length — but a definite
   length of exactly 128 bytes (``81 80``) ends the same way — and then re-encodes the value
   and marks everything above it as modified. pyHanko re-encodes the signing-certificate
   attribute to read it (``_grab_signing_cert_attr``), so a 128-byte attribute made the whole
   signed attributes "modified", and pyHanko re-encoded them too (~15 ms) before checking
   the signature. ``get_signing_cert_attr`` reads the attribute from a copy of the signed
   attributes made from their own bytes, so the signed attributes stay as they were read.

Workers run nothing but verification, so these changes stay inside processes we own.
"""

from __future__ import annotations

import binascii
import os
import re

from asn1crypto import cms, x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfReadError, PdfStreamError
from pyhanko.sign import general
from pyhanko.sign.validation import generic_cms

from .warm import adopt

_CHUNK = 1 << 16
_NON_HEX = re.compile(rb"[^0-9A-Fa-f\x00\t\n\x0c\r ]")
_WHITESPACE = b"\x00\t\n\x0c\r "
_original = generic.read_hex_string_from_stream


def read_hex_string(stream):
    start = stream.tell()
    stream.read(1)  # the opening '<'
    parts = []
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            raise PdfStreamError("Stream has ended unexpectedly")
        end = chunk.find(b">")
        body = chunk if end < 0 else chunk[:end]
        bad = _NON_HEX.search(body)
        if bad is not None:
            stream.seek(start)  # let pyHanko's own reader raise its usual message
            return _original(stream)
        parts.append(body)
        if end >= 0:
            stream.seek(stream.tell() - len(chunk) + end + 1)
            break
    digits = b"".join(parts).translate(None, _WHITESPACE)  # deleting is faster than re.sub
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def _remembered(cache: dict, limit: int, key, compute):  # noqa: ANN001, ANN202
    """``compute()``, remembered under ``key`` while the cache holds fewer than ``limit``
    answers (a worker verifies many documents: its memory must stay bounded)."""
    value = cache.get(key)
    if value is None:
        value = compute()
        if len(cache) < limit:
            cache[key] = value
    return value


_original_prepped = x509.NameTypeAndValue.prepped_value
_PREPPED: dict[bytes, str] = {}
_PREPPED_MAX = 50_000


def _prepped_value(self) -> str:
    return _remembered(_PREPPED, _PREPPED_MAX, self.dump(),
                       lambda: _original_prepped.fget(self))


_original_name_eq = x509.Name.__eq__
_original_name_hashable = x509.Name.hashable
_NAME_EQ: dict[tuple[bytes, bytes], bool] = {}
_NAME_HASHABLE: dict[bytes, str] = {}
_NAMES_MAX = 20_000


def _name_eq(self, other) -> bool:
    if not isinstance(other, x509.Name):
        return False
    return _remembered(_NAME_EQ, _NAMES_MAX, (self.dump(), other.dump()),
                       lambda: _original_name_eq(self, other))


def _name_hashable(self) -> str:
    return _remembered(_NAME_HASHABLE, _NAMES_MAX, self.dump(),
                       lambda: _original_name_hashable.fget(self))


_original_read_name = generic.NameObject.read_from_stream
_NAME_END = re.compile(rb"[ \n\r\t\f\x00()<>\[\]{}/%]")  # PDF whitespace and delimiters
_PLAIN_NAME = re.compile(rb"[\x21\x22\x24-\x7e]*")  # printable ASCII, no '#' escape
_NAME_CHUNK = 128


def read_name(stream):
    if stream.read(1) != b"/":
        raise PdfReadError("Name object should start with /")
    parts = []
    while True:
        chunk = stream.read(_NAME_CHUNK)
        if not chunk:
            break  # the end of the stream ends the name, as in pyHanko
        end = _NAME_END.search(chunk)
        if end is None:
            parts.append(chunk)
            continue
        parts.append(chunk[: end.start()])
        stream.seek(end.start() - len(chunk), os.SEEK_CUR)  # back to the delimiter
        break
    raw = b"".join(parts)
    if _PLAIN_NAME.fullmatch(raw):
        return generic.NameObject("/" + raw.decode("ascii"))
    return generic._decode_name(raw)


_original_extract = generic_cms.extract_certificate_info


def extract_certificate_info(signed_data) -> general.SignedDataCerts:
    certs, attr_certs = [], []
    for choice in signed_data["certificates"]:
        chosen = choice.chosen
        if choice.name == "certificate":
            certs.append(adopt(chosen))
            continue
        copy = chosen.untag()  # as pyHanko does, so that a broken alternative fails alike
        if choice.name == "v2_attr_cert":
            attr_certs.append(copy)
    signer_cert, other_certs = general._partition_certs(
        certs, general.extract_signer_info(signed_data)
    )
    return general.SignedDataCerts(
        signer_cert=signer_cert, other_certs=other_certs, attribute_certs=attr_certs
    )


_original_check_ess = generic_cms.check_ess_certid
_ESS: dict[tuple[bytes, bytes], bool] = {}


def check_ess_certid(cert, certid) -> bool:
    return _remembered(_ESS, _NAMES_MAX,
                       (cert.sha256, type(certid).__name__.encode() + certid.dump()),
                       lambda: _original_check_ess(cert, certid))


_original_get_signing_cert_attr = generic_cms.get_signing_cert_attr


def get_signing_cert_attr(signed_attrs):
    try:
        body = signed_attrs.contents  # the bytes as read, while nothing is marked modified
        if b"\x81\x80" not in body:  # no 128-byte length anywhere: nothing to fear
            return _original_get_signing_cert_attr(signed_attrs)
        copy = cms.CMSAttributes.load(b"\x31" + _der_length(len(body)) + body)
    except Exception:  # noqa: BLE001 — unreadable: let pyHanko's reader say so
        copy = signed_attrs
    return _original_get_signing_cert_attr(copy)


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def install() -> None:
    generic.read_hex_string_from_stream = read_hex_string
    x509.NameTypeAndValue.prepped_value = property(_prepped_value)
    x509.Name.__eq__ = _name_eq
    x509.Name.hashable = property(_name_hashable)
    generic_cms.extract_certificate_info = extract_certificate_info
    generic.NameObject.read_from_stream = staticmethod(read_name)
    generic_cms.check_ess_certid = check_ess_certid
    generic_cms.get_signing_cert_attr = get_signing_cert_attr


def uninstall() -> None:
    generic.read_hex_string_from_stream = _original
    x509.NameTypeAndValue.prepped_value = _original_prepped
    x509.Name.__eq__ = _original_name_eq
    x509.Name.hashable = _original_name_hashable
    generic_cms.extract_certificate_info = _original_extract
    generic.NameObject.read_from_stream = staticmethod(_original_read_name)
    generic_cms.check_ess_certid = _original_check_ess
    generic_cms.get_signing_cert_attr = _original_get_signing_cert_attr
