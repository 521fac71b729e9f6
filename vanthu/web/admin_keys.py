"""Administration of trust and keys: the trust anchors verification starts from (files in the
trust folder) and the signing credentials — where each key is (a PKCS#12 file, a PKCS#11 token,
a remote service), whose it is, and until when. Never a secret: not a password, not a PIN, not
even the path of the file that holds the seal's password."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from registry.audit import append
from registry.credentials import SigningCredential
from registry.errors import NotFound
from registry.org import Role, User, has_role
from signing.workflow.config import ANCHOR_SUFFIXES
from vanthu.web.render import render

router = APIRouter(include_in_schema=False)
MAX_ANCHOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Anchor:
    file: str
    subject: str
    issuer: str
    not_after: datetime
    sha256: str
    is_ca: bool


def certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM file (one or several) or of a DER file; [] when none."""
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        return []


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _anchor(name: str, cert: x509.Certificate) -> Anchor:
    der = cert.public_bytes(serialization.Encoding.DER)
    return Anchor(name, cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(),
                  cert.not_valid_after_utc, hashlib.sha256(der).hexdigest(), _is_ca(cert))


def anchors(trust_dir: Path) -> list[Anchor]:
    if not trust_dir.is_dir():
        return []
    found = []
    for path in sorted(trust_dir.iterdir()):
        if path.suffix.lower() in ANCHOR_SUFFIXES and path.is_file():
            found += [_anchor(path.name, c) for c in certificates(path.read_bytes())]
    return found


def _trust(request: Request, status_code: int = 200, **extra) -> HTMLResponse:  # noqa: ANN003
    services = request.app.state.services
    return render(request, "admin_trust.html", status_code=status_code,
                  anchors=anchors(services.settings.trust_dir), now=services.clock(),
                  done=request.query_params.get("done"), **extra)


@router.get("/admin/trust", response_class=HTMLResponse)
def trust_page(request: Request) -> HTMLResponse:
    return _trust(request)


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@router.post("/admin/trust", response_class=HTMLResponse)
def add_anchor(request: Request, file: UploadFile | None = File(None)) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    data = file.file.read(MAX_ANCHOR_BYTES + 1) if file is not None and file.filename else b""
    certs = certificates(data) if len(data) <= MAX_ANCHOR_BYTES else []
    if not certs:
        return _trust(request, 422, error_key="admin.not_a_certificate")
    trust_dir = services.settings.trust_dir
    trust_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(file.filename).stem).strip(".-") or "anchor"
    name = f"{stem[:60]}.pem"
    if (trust_dir / name).exists():
        name = f"{stem[:50]}-{_anchor(name, certs[0]).sha256[:8]}.pem"
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
    _write_durably(trust_dir / name, pem)
    with services.transaction() as session:
        append(session, actor.username, "trust.added", "trust", name,
               {"subjects": [c.subject.rfc4514_string() for c in certs],
                "sha256": [_anchor(name, c).sha256 for c in certs]}, clock=services.clock)
    return RedirectResponse("/admin/trust?done=anchor_added", status_code=303)


@router.post("/admin/trust/{name}/remove")
def remove_anchor(request: Request, name: str) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    trust_dir = services.settings.trust_dir
    listed = {a.file for a in anchors(trust_dir)}
    if name not in listed:  # only a file the page lists: no path ever reaches the file system
        raise NotFound(f"no trust anchor file {name!r}")
    removed = [a for a in anchors(trust_dir) if a.file == name]
    (trust_dir / name).unlink()
    with services.transaction() as session:
        append(session, actor.username, "trust.removed", "trust", name,
               {"subjects": [a.subject for a in removed], "sha256": [a.sha256 for a in removed]},
               clock=services.clock)
    return RedirectResponse("/admin/trust?done=anchor_removed", status_code=303)


@router.get("/admin/keys", response_class=HTMLResponse)
def keys_page(request: Request) -> HTMLResponse:
    return render_keys(request)


def render_keys(request: Request, status_code: int = 200, **extra) -> HTMLResponse:  # noqa: ANN003
    services = request.app.state.services
    with services.sessions() as session:
        creds = list(session.scalars(select(SigningCredential).order_by(
            SigningCredential.purpose, SigningCredential.label)))
        owners = {u.id: u for u in session.scalars(select(User))}
        signers = [u for u in owners.values() if u.active and has_role(u, Role.SIGNER)]
        return render(request, "admin_keys.html", status_code=status_code, creds=creds,
                      owners=owners, signers=signers, now=services.clock(),
                      done=request.query_params.get("done"), **extra)


@router.post("/admin/keys/{cred_id}/active")
def key_active(request: Request, cred_id: int, active: bool = Form(...)) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    with services.transaction() as session:
        cred = session.get(SigningCredential, cred_id)
        if cred is None:
            raise NotFound(f"no signing credential {cred_id}")
        cred.active = active
        append(session, actor.username,
               "credential.activated" if active else "credential.deactivated", "credential",
               cred.id, {"label": cred.label, "cert_sha256": cred.cert_sha256},
               clock=services.clock)
    return RedirectResponse(f"/admin/keys?done={'key_on' if active else 'key_off'}",
                            status_code=303)
