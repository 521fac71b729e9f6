"""Registering a signing credential: where the key is (a PKCS#12 file on the server, a PKCS#11
token, a remote service), whose it is, and its certificate. The key and its password stay where
they are: the form takes the certificate (to know whose key it is and until when; the signer
checks at every signature that the key holds it) and, for the seal, the path of the file that
holds its password — never the password itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from registry.audit import append
from registry.credentials import KeyPurpose, KeySource, SigningCredential
from registry.errors import RegistryError, UserError
from registry.filestore import record_blob
from registry.org import Role, has_role, user_by_name
from registry.text import nfc
from vanthu.web.admin_keys import certificates, render_keys

router = APIRouter(include_in_schema=False)
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def _check(purpose: str, source: str, location: str, secret_file: str) -> None:
    try:
        KeyPurpose(purpose)
        KeySource(source)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if not location:
        raise UserError("say where the key is (file, token module or service URL)")
    if source in (KeySource.PKCS12, KeySource.PKCS11) and not Path(location).is_file():
        raise UserError(f"there is no file {location} on the server")
    if purpose == KeyPurpose.SEAL and not secret_file:
        raise UserError("the seal needs the file that holds its password or PIN "
                        "(the system applies it on the clerk's order)")


@router.post("/admin/keys")
def add_key(request: Request, label: str = Form(""), purpose: str = Form(""),
            owner: str = Form(""), source: str = Form(""), location: str = Form(""),
            token_label: str = Form(""), key_label: str = Form(""),
            secret_file: str = Form(""), image_width_mm: int | None = Form(None),
            certificate: UploadFile | None = File(None),
            image: UploadFile | None = File(None)) -> Response:
    actor = request.app.state.access.user(request)
    services = request.app.state.services
    label, location, secret_file = nfc(label).strip(), location.strip(), secret_file.strip()
    typed = {"label": label, "purpose": purpose, "owner": owner, "source": source,
             "location": location, "token_label": token_label, "key_label": key_label}
    try:
        if not label:
            raise UserError("a credential needs a label")
        _check(purpose, source, location, secret_file)
        data = certificate.file.read(1024 * 1024) if certificate and certificate.filename else b""
        certs = certificates(data)
        if not certs:
            raise UserError("the certificate file holds no certificate")
        cert = certs[0]
        picture = image.file.read(MAX_IMAGE_BYTES + 1) if image and image.filename else b""
        if picture and not picture.startswith(b"\x89PNG"):
            raise UserError("the signature or seal image must be a PNG file")
        with services.transaction() as session:
            owner_id = None
            if purpose == KeyPurpose.OFFICIAL:
                person = user_by_name(session, owner)
                if not has_role(person, Role.SIGNER):
                    raise UserError(f"{person.username} does not hold the signer role")
                owner_id = person.id
            if session.scalar(select(SigningCredential).where(
                    SigningCredential.label == label)) is not None:
                raise UserError(f"a credential labelled {label!r} exists already")
            image_sha = None
            if picture:
                ref = services.blobs.put(picture)
                record_blob(session, ref, "image/png")
                image_sha = ref.sha256
            der = cert.public_bytes(serialization.Encoding.DER)
            cred = SigningCredential(
                label=label, purpose=purpose, source=source, owner_id=owner_id,
                location=location, token_label=token_label or None,
                key_label=key_label or None, secret_file=secret_file or None,
                cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
                cert_sha256=hashlib.sha256(der).hexdigest(),
                subject=cert.subject.rfc4514_string()[:500], not_after=cert.not_valid_after_utc,
                image_sha256=image_sha, image_width_mm=image_width_mm)
            session.add(cred)
            session.flush()
            append(session, actor.username, "credential.added", "credential", cred.id,
                   {"label": label, "purpose": purpose, "owner": owner or None,
                    "source": source, "cert_sha256": cred.cert_sha256}, clock=services.clock)
    except RegistryError as exc:
        return render_keys(request, status_code=400, error=str(exc), form=typed)
    return RedirectResponse("/admin/keys?done=key_added", status_code=303)
