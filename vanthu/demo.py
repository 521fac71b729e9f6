"""The demo office: units, users, numbering books and the sample PKI, so that every flow works
at once after ``make run``. Passwords are random, shown once and kept in the secrets folder."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from sqlalchemy import select

from registry.audit import append
from registry.credentials import KeyPurpose, KeySource, SigningCredential
from registry.filestore import record_blob
from registry.numbering import BookKind, add_book
from registry.org import Role, Unit, add_unit, add_user
from vanthu.services import Services

UNITS = [
    ("VP", "Văn phòng UBND tỉnh", None),
    ("TH", "Phòng Tổng hợp", "VP"),
    ("KT", "Phòng Kinh tế", "VP"),
    ("KGVX", "Phòng Khoa giáo - Văn xã", "VP"),
    ("NC", "Phòng Nội chính", "VP"),
    ("HCTC", "Phòng Hành chính - Tổ chức", "VP"),
]

# username, full name, title, unit, roles, sample-PKI identity whose key the user signs with
USERS = [
    ("admin", "Quản trị hệ thống", "Quản trị viên", "VP", [Role.ADMIN], None),
    ("vanthu", "Trần Thị Mẫu Hoa", "Văn thư", "HCTC", [Role.CLERK], None),
    ("lanhdao", "Lê Văn Mẫu Bình", "Chánh Văn phòng", "VP", [Role.LEADER], None),
    ("chuyenvien", "Phạm Thị Mẫu Cúc", "Chuyên viên", "KT", [Role.SPECIALIST], None),
    ("chutich", None, None, "VP", [Role.SIGNER, Role.LEADER], "chairman"),
    ("phochutich", None, None, "VP", [Role.SIGNER, Role.LEADER], "vice-chairman"),
]

BOOKS = [
    ("den", "Sổ đăng ký văn bản đến", BookKind.INCOMING, []),
    ("di-hc", "Sổ đăng ký văn bản đi — văn bản hành chính", BookKind.OUTGOING, []),
    ("qppl-qd", "Sổ văn bản quy phạm pháp luật — Quyết định", BookKind.LEGAL, ["QĐ"]),
    ("qppl-nq", "Sổ văn bản quy phạm pháp luật — Nghị quyết", BookKind.LEGAL, ["NQ"]),
    ("sao", "Sổ bản sao văn bản (SY, TrS, SL)", BookKind.COPIES, ["SY", "TrS", "SL"]),
    ("tu-van", "Sổ văn bản của tổ chức tư vấn", BookKind.ADVISORY, []),
]


@dataclass
class DemoResult:
    created: bool
    passwords: dict[str, str]
    credentials_file: Path


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def _load_manifest(pki_dir: Path) -> tuple[Path, dict]:
    generated = pki_dir / "generated"
    manifest = generated / "manifest.json"
    if not manifest.is_file():
        raise FileNotFoundError(
            f"the sample PKI is not generated ({manifest} is missing): run `make pki` first"
        )
    return generated, json.loads(manifest.read_text(encoding="utf-8"))


def _credential(
    services: Services, session, generated: Path, label: str, ident: dict, owner_id: int | None,
    purpose: KeyPurpose,
) -> SigningCredential:
    keys_dir = services.settings.data_dir / "keys"
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    p12 = keys_dir / f"{label}.p12"
    shutil.copyfile(generated / ident["p12"], p12)
    os.chmod(p12, 0o600)
    cert = x509.load_pem_x509_certificate((generated / ident["cert"]).read_bytes())
    image_key = "seal_image" if purpose is KeyPurpose.SEAL else "signature_image"
    image_sha = None
    if ident.get(image_key):
        ref = services.blobs.put((generated / ident[image_key]).read_bytes())
        record_blob(session, ref, "image/png")
        image_sha = ref.sha256
    secret_file = None
    if purpose is KeyPurpose.SEAL:  # the system applies the seal on the clerk's order
        secret_file = services.settings.secrets_dir / f"{label}.pass"
        _write_private(secret_file, ident["password"])
    cred = SigningCredential(
        label=label,
        purpose=purpose.value,
        source=KeySource.PKCS12.value,
        owner_id=owner_id,
        location=str(p12),
        secret_file=str(secret_file) if secret_file else None,
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        cert_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        image_sha256=image_sha,
        image_width_mm=round(ident["seal_size_mm"]) if purpose is KeyPurpose.SEAL else None,
    )
    session.add(cred)
    session.flush()
    return cred


def add_sample_credential(services: Services, session, identity: str, owner_id: int | None,
                          purpose: KeyPurpose) -> SigningCredential:
    """Record one sample-PKI identity's key (copied into the data dir) as a credential."""
    generated, manifest = _load_manifest(services.settings.sample_pki_dir)
    return _credential(services, session, generated, identity, manifest["identities"][identity],
                       owner_id, purpose)


def init_demo(services: Services) -> DemoResult:
    """Create the demo office unless it exists; idempotent."""
    creds_file = services.settings.secrets_dir / "demo-users.txt"
    with services.transaction() as session:
        if session.scalar(select(Unit).where(Unit.code == "VP")) is not None:
            return DemoResult(False, {}, creds_file)
        generated, manifest = _load_manifest(services.settings.sample_pki_dir)
        identities = manifest["identities"]

        units: dict[str, Unit] = {}
        for code, name, parent in UNITS:
            units[code] = add_unit(session, code, name, units.get(parent) if parent else None)

        passwords: dict[str, str] = {}
        for username, name, title, unit, roles, identity in USERS:
            ident = identities[identity] if identity else None
            password = secrets.token_urlsafe(12)
            user = add_user(
                session, username, name or ident["name"], [r.value for r in roles],
                password=password, unit=units[unit], title=title or ident.get("title", ""),
            )
            passwords[username] = password
            append(session, "demo-init", "user.added", "user", user.id,
                   {"username": username, "roles": user.role_names()})
            if ident:
                _credential(services, session, generated, identity, ident, user.id,
                            KeyPurpose.OFFICIAL)

        _credential(services, session, generated, "seal", identities["seal"], None, KeyPurpose.SEAL)
        for code, name, kind, types in BOOKS:
            add_book(session, code, name, kind, types)

        trust = services.settings.trust_dir
        trust.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(generated / manifest["root"], trust / "sample-root.pem")
        append(session, "demo-init", "demo.initialized", "office", "demo",
               {"units": len(UNITS), "users": len(USERS), "books": len(BOOKS)})

    _write_private(
        creds_file,
        "# Demo users of this vanthu instance (SAMPLE — for demos only)\n"
        + "".join(f"{u}\t{p}\n" for u, p in passwords.items()),
    )
    return DemoResult(True, passwords, creds_file)
