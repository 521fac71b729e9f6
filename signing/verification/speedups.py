"""Two hot spots of pyHanko and asn1crypto, replaced inside verification workers only.

Profiled, not guessed (``bench/verify.py``, cProfile):

1. pyHanko reads ``<…>`` strings one byte at a time through a generator; a signature's
   ``/Contents`` is 16–64 KB of hex, so that loop alone was about 40 % of a verification.
   ``read_hex_string`` gives the same result and the same errors (PdfStreamError on a non-hex
   byte or an unterminated string) with one regular expression.
2. asn1crypto prepares every name attribute (RFC 4518 string preparation) again each time two
   names are compared or hashed — certificate registries, ESS certificate IDs, CRL issuers.
   The result depends only on the attribute's DER bytes, so a warm worker remembers it.

Workers run nothing but verification, so these changes stay inside processes we own.
"""

from __future__ import annotations

import binascii
import re

from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

_CHUNK = 1 << 16
_NON_HEX = re.compile(rb"[^0-9A-Fa-f\x00\t\n\x0c\r ]")
_WHITESPACE = re.compile(rb"[\x00\t\n\x0c\r ]+")
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
    digits = _WHITESPACE.sub(b"", b"".join(parts))
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


_original_prepped = x509.NameTypeAndValue.prepped_value
_PREPPED: dict[bytes, str] = {}
_PREPPED_MAX = 50_000


def _prepped_value(self) -> str:
    key = self.dump()
    value = _PREPPED.get(key)
    if value is None:
        value = _original_prepped.fget(self)
        if len(_PREPPED) < _PREPPED_MAX:
            _PREPPED[key] = value
    return value


def install() -> None:
    generic.read_hex_string_from_stream = read_hex_string
    x509.NameTypeAndValue.prepped_value = property(_prepped_value)


def uninstall() -> None:
    generic.read_hex_string_from_stream = _original
    x509.NameTypeAndValue.prepped_value = _original_prepped
