"""Fixtures of the verification tests: a throwaway PKI and the documents made from it."""

from __future__ import annotations

import pytest

from signing.verification import Trust

from . import docs
from .pki import TestPKI, build


@pytest.fixture(scope="session")
def pki() -> TestPKI:
    return build()


@pytest.fixture(scope="session")
def trust(pki: TestPKI) -> Trust:
    """The test root as the only anchor; only embedded revocation data (no network)."""
    return Trust(anchors=(pki.root.cert,), offline=True)


@pytest.fixture(scope="session")
def plain() -> bytes:
    return docs.plain_pdf()


@pytest.fixture(scope="session")
def two_fields(plain: bytes) -> bytes:
    """The Decree 30 layout: the official's and the organization's fields created up front."""
    return docs.add_fields(plain, "NguoiKy", "CoQuan")


@pytest.fixture(scope="session")
def signed(plain: bytes, pki: TestPKI) -> bytes:
    return docs.sign(plain, pki)
