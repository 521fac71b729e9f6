"""Opening the key of a credential recorded in the registry — and only for its owner.

An official's key opens with the password or PIN the official types; the organization's seal
opens with the secret in its ``secret_file`` (the system applies it on the clerk's order). The
loaded certificate must be the one the credential names, so a swapped key file is refused.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from sqlalchemy.orm import Session

from registry.credentials import KeyPurpose, KeySource, SigningCredential, credentials_of
from registry.org import User
from signing.cliargs import read_secret_file
from signing.keys import LoadedSigner, load_pkcs12, open_pkcs11
from signing.workflow.errors import NoCredential, NotAllowed


def official_credential(session: Session, user: User, label: str | None = None
                        ) -> SigningCredential:
    creds = credentials_of(session, user.id, KeyPurpose.OFFICIAL.value)
    if label is not None:
        creds = [c for c in creds if c.label == label]
        if not creds:
            raise NotAllowed(f"credential '{label}' is not a signing key of {user.username}")
    if not creds:
        raise NoCredential(f"{user.username} has no active signing credential")
    return creds[0]


def seal_credential(session: Session) -> SigningCredential:
    creds = credentials_of(session, None, KeyPurpose.SEAL.value)
    if not creds:
        raise NoCredential("the organization has no active seal credential")
    return creds[0]


def open_credential(cred: SigningCredential, secret: str | None) -> LoadedSigner:
    """Load the key of ``cred`` with ``secret`` and check that it is the recorded certificate."""
    if cred.source == KeySource.PKCS12.value:
        loaded = load_pkcs12(cred.location, secret)
    elif cred.source == KeySource.PKCS11.value:
        loaded = open_pkcs11(cred.location, token_label=cred.token_label, pin=secret,
                             key_label=cred.key_label)
    else:
        raise NoCredential(f"credential '{cred.label}' signs remotely: use the split flow")
    if hashlib.sha256(loaded.certificate.dump()).hexdigest() != cred.cert_sha256:
        loaded.close()
        raise NotAllowed(
            f"the key of credential '{cred.label}' does not hold the certificate recorded for it")
    return loaded


# The seal's key, once opened, stays loaded: the system applies it on every issuance and
# re-reading a PKCS#12 file costs ~0.1 s (key derivation). A changed credential row, key file or
# secret file (rotation) opens it again.
_seal_lock = threading.Lock()
_seal_cache: dict[tuple, LoadedSigner] = {}


def _stamp(path: str | None) -> tuple[float, int] | None:
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return (st.st_mtime, st.st_size) if st else None


def open_seal(cred: SigningCredential) -> LoadedSigner:
    """The organization's signer (cached; PKCS#12 only — a token session is opened each time).
    Closing the returned signer is harmless for a cached PKCS#12 key."""
    if not cred.secret_file:
        raise NoCredential(f"seal credential '{cred.label}' names no secret file")
    if cred.source != KeySource.PKCS12.value:
        return open_credential(cred, read_secret_file(Path(cred.secret_file)))
    key = (cred.id, cred.cert_sha256, cred.location, _stamp(cred.location), cred.secret_file,
           _stamp(cred.secret_file))
    with _seal_lock:
        loaded = _seal_cache.get(key)
        if loaded is None:
            loaded = open_credential(cred, read_secret_file(Path(cred.secret_file)))
            _seal_cache.clear()
            _seal_cache[key] = loaded
        return loaded
