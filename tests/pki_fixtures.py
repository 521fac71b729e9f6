"""pytest plugin: the sample PKI (certs-sample/) for any test that needs certificates,
the loopback TSA/OCSP/CRL services, or a SoftHSM2 token.

Register it in tests/conftest.py with ``pytest_plugins = ["tests.pki_fixtures"]``.
Missing tools make the fixtures fail with a reason; nothing is skipped silently.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "certs-sample"
if str(_SAMPLE_DIR) not in sys.path:
    sys.path.insert(0, str(_SAMPLE_DIR))

from samplepki import (  # noqa: E402
    SamplePKI,
    SamplePKIError,
    ensure_generated,
    load_sample_pki,
    sharing,
)
from samplepki.softhsm import SoftHSMToken, create_token  # noqa: E402


@dataclass(frozen=True)
class PKIServices:
    base_url: str
    tsa: str
    ocsp: str
    crl: dict[str, str]  # CRL repository label ("root", "interm") -> latest.crl URL
    server_pid: int | None
    started_here: bool


@pytest.fixture(scope="session")
def sample_pki() -> SamplePKI:
    """The generated sample PKI (generated on first use; instant when already current)."""
    try:
        ensure_generated()
        return load_sample_pki()
    except SamplePKIError as e:
        pytest.fail(f"sample PKI unavailable: {e}", pytrace=False)


@pytest.fixture(scope="session")
def pki_services(sample_pki: SamplePKI, tmp_path_factory) -> Iterator[PKIServices]:
    """TSA, OCSP and CRLs answering on 127.0.0.1:9786 for the whole session."""
    log = tmp_path_factory.mktemp("pki-services") / "serve.log"
    try:
        lease = sharing.acquire(sample_pki.base_dir, log_path=log)
    except SamplePKIError as e:
        pytest.fail(f"sample PKI services unavailable: {e}", pytrace=False)
    svc = sample_pki.services
    try:
        yield PKIServices(base_url=lease.base_url, tsa=svc["tsa"], ocsp=svc["ocsp"],
                          crl=dict(svc["crl"]), server_pid=lease.server_pid,
                          started_here=lease.started_here)
    finally:
        sharing.release(lease, sample_pki.base_dir)


@pytest.fixture(scope="session")
def softhsm_token(sample_pki: SamplePKI, tmp_path_factory) -> Iterator[SoftHSMToken]:
    """A fresh SoftHSM2 token with the officials' and the seal's keys; SOFTHSM2_CONF is set
    for this process (load the PKCS#11 module only after requesting this fixture)."""
    try:
        token = create_token(tmp_path_factory.mktemp("softhsm"), sample_pki.base_dir)
    except SamplePKIError as e:
        pytest.fail(f"SoftHSM2 token unavailable: {e}", pytrace=False)
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(token.conf_path)
    try:
        yield token
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
