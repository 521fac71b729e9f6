"""The signing tray names the official's key by the person its certificate names (its common
name), not by the certificate's whole distinguished name; the whole name stays one hover away."""

from __future__ import annotations

import html
import re

from cryptography import x509
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from registry.credentials import SigningCredential
from registry.org import User
from tests.signing.docgen import make_directive
from tests.web.conftest import sign_in
from tests.web.outgoing_office import browser
from tests.web.test_outgoing_pages import _submit


def _key_of(services, username: str) -> SigningCredential:  # noqa: ANN001
    with services.sessions() as s:
        owner = s.scalar(select(User.id).where(User.username == username))
        return s.scalar(select(SigningCredential).where(SigningCredential.owner_id == owner))


def test_the_tray_shows_the_person_on_the_certificate_and_keeps_the_full_name(
        outgoing_app, demo, sqlite_services):
    key = _key_of(sqlite_services, "chutich")
    cert = x509.load_pem_x509_certificate(key.cert_pem.encode())
    person = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert key.subject.startswith("CN=") and "," in key.subject  # a whole DN, as stored
    with browser(outgoing_app) as specialist:  # a draft waiting, so that the tray offers the key
        csrf = sign_in(specialist, "chuyenvien")
        assert _submit(specialist, csrf, make_directive()).status_code == 303
    with browser(outgoing_app) as official:
        sign_in(official, "chutich")
        page = official.get("/tray").text
    visible = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert person in visible
    assert "CN=" not in visible and "O=" not in visible
    assert f'title="{html.escape(key.subject)}"' in page
