"""Fixtures of the signing tests. The sample-PKI fixtures (``sample_pki``, ``pki_services``,
``softhsm_token``) come from ``tests/pki_fixtures.py``, registered in ``tests/conftest.py``."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from signing.keys import load_pkcs12
from signing.trust import TrustSettings, load_certificates
from tests.signing.docgen import make_directive


@pytest.fixture(scope="session")
def directive_path(tmp_path_factory) -> Path:
    """A one-page directive; copy it before changing it (tests share it read-only)."""
    p = tmp_path_factory.mktemp("docs") / "directive.pdf"
    make_directive(p)
    return p


@pytest.fixture
def directive(tmp_path, directive_path) -> Path:
    p = tmp_path / "in.pdf"
    shutil.copyfile(directive_path, p)
    return p


@pytest.fixture(scope="session")
def chairman(sample_pki):
    ident = sample_pki.identity("chairman")
    return load_pkcs12(ident.p12, ident.password)


@pytest.fixture(scope="session")
def seal_signer(sample_pki):
    ident = sample_pki.identity("seal")
    return load_pkcs12(ident.p12, ident.password)


@pytest.fixture(scope="session")
def trust(sample_pki) -> TrustSettings:
    return TrustSettings(
        trust_roots=load_certificates([sample_pki.root]),
        other_certs=load_certificates([sample_pki.intermediate]),
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pdfsig_valid_count(path: Path) -> tuple[int, int, str]:
    """(CAdES signatures pdfsig reports, of which 'Signature is Valid.', full output).

    poppler 22 does not verify RFC 3161 document timestamps (it says "Signature Type: unknown,
    not yet verified"); those are checked with pyHanko in :mod:`tests.signing.checks`.
    """
    out = subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=False
    ).stdout
    blocks = [b for b in out.split("Signature #")[1:] if "ETSI.CAdES.detached" in b]
    valid = [b for b in blocks if "Signature Validation: Signature is Valid." in b]
    return len(blocks), len(valid), out


def qpdf_ok(path: Path) -> bool:
    r = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    return r.returncode == 0 and "No syntax or stream encoding errors" in r.stdout
