"""Build the whole sample PKI into generated/: keys, certificates, PKCS#12, CRLs, images,
manifest. Cheap when nothing changed: the manifest records a hash of every input."""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from certomancer.registry import CertLabel, PKIArchitecture

from . import build
from .identities import AUTHORITIES, KEY_TYPES, SIGNERS, TRUSTED_ROOT, UNTRUSTED_ROOT
from .keys import write_keys
from .manifest import MANIFEST_NAME, SCHEMA_VERSION, read_manifest, write_manifest
from .passwords import SamplePasswords, load_passwords
from .paths import (
    ARCH_LABEL,
    CONFIG_PATH,
    DEFAULT_HOST,
    DEFAULT_PORT,
    GENERATED_DIR,
    HEALTH_PATH,
    PASSWORDS_PATH,
)
from .seal import SealSpec, save_seal
from .signature import SignatureSpec, save_signature

_OUTPUT_SUBDIRS = ("keys", "certs", "p12", "crl", "images")
_PACKAGE_DIR = Path(__file__).resolve().parent
# modules whose code shapes the output; editing service.py or softhsm.py must not
# trigger fresh keys (that would leave running servers stale)
_OUTPUT_MODULES = ("build", "fonts", "generator", "identities", "keys", "manifest",
                   "passwords", "paths", "seal", "signature")


def _digest(files: list[Path], extra: str = "") -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    h.update(extra.encode())
    return h.hexdigest()


def keys_digest() -> str:
    """Hash of which keys exist (labels and key types): when it changes, keys are remade."""
    return hashlib.sha256(json.dumps(KEY_TYPES, sort_keys=True).encode()).hexdigest()


# Hashed once, at import: the digest must describe the code this process runs, not
# files edited on disk after it started.
_CODE_DIGEST = _digest([_PACKAGE_DIR / f"{m}.py" for m in _OUTPUT_MODULES])


def inputs_digest(seal_mm: float) -> str:
    """Hash of everything the output depends on (config, passwords, this code, options)."""
    return _digest([CONFIG_PATH, PASSWORDS_PATH], f"code={_CODE_DIGEST};seal_mm={seal_mm:g}")


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One generator at a time (several pytest sessions may start together)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def is_current(out_dir: Path, seal_mm: float) -> bool:
    try:
        data = read_manifest(out_dir)
    except Exception:
        return False
    if data.get("inputs_sha256") != inputs_digest(seal_mm):
        return False
    needed = [data["root"], data["untrusted_root"]]
    for ident in data["identities"].values():
        needed += [ident["cert"], ident["key"], ident["p12"]]
    return all((out_dir / rel).is_file() for rel in needed)


def _keys_reusable(out_dir: Path) -> bool:
    try:
        recorded = read_manifest(out_dir).get("keys_sha256")
    except Exception:
        return False
    return recorded == keys_digest() and all(
        (out_dir / "keys" / f"{label}.key.pem").is_file() for label in KEY_TYPES
    )


def ensure_generated(out_dir: Path = GENERATED_DIR, seal_mm: float = 36.0,
                     force: bool = False) -> Path:
    """Generate unless an up-to-date manifest is already there; return its path.

    Without force, existing keys are kept when only the code or the images changed:
    certomancer signs deterministically, so the certificates come out the same and a
    loopback server that is already running stays valid. force makes fresh keys.
    """
    with _locked(out_dir):
        if force or not is_current(out_dir, seal_mm):
            _generate(out_dir, seal_mm, fresh_keys=force or not _keys_reusable(out_dir))
    return out_dir / MANIFEST_NAME


def _rel(path: Path, out_dir: Path) -> str:
    return path.relative_to(out_dir).as_posix()


def _services(arch: PKIArchitecture) -> dict[str, Any]:
    reg = arch.service_registry
    base = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
    return {
        "base_url": base,
        "health": base + HEALTH_PATH,
        "tsa": reg.list_time_stamping_services()[0].url,
        "ocsp": reg.list_ocsp_responders()[0].url,
        "crl": {repo.label.value: repo.latest_external_url for repo in reg.list_crl_repos()},
    }


def _generate(out_dir: Path, seal_mm: float, fresh_keys: bool) -> None:
    if fresh_keys:
        # everything changes: the manifest goes first and comes back last, so a
        # half-built tree never looks complete
        (out_dir / MANIFEST_NAME).unlink(missing_ok=True)
        for sub in _OUTPUT_SUBDIRS:
            shutil.rmtree(out_dir / sub, ignore_errors=True)
    # else: same keys, so the same certificates; every file is replaced atomically and
    # sessions reading generated/ meanwhile see valid files throughout
    passwords = load_passwords()
    if fresh_keys:
        write_keys(out_dir / "keys", KEY_TYPES)
    arch = build.load_arch(out_dir)

    cert_paths: dict[str, Path] = {}
    facts: dict[str, build.CertFacts] = {}
    for label in [*AUTHORITIES, *(s.label for s in SIGNERS)]:
        cert = arch.get_cert(CertLabel(label))
        cert_paths[label] = out_dir / "certs" / f"{label}.cert.pem"
        build.write_cert(cert, cert_paths[label])
        facts[label] = build.cert_facts(label, cert)

    seal_spec = SealSpec(org_name=facts["seal"].common_name, diameter_mm=seal_mm)
    identities = {
        spec.label: _identity(arch, spec, out_dir, cert_paths, facts[spec.label], passwords,
                              seal_spec)
        for spec in SIGNERS
    }
    authorities = {
        label: {
            "name": facts[label].common_name,
            "cert": _rel(cert_paths[label], out_dir),
            "key": f"keys/{label}.key.pem",
            "sha256": facts[label].sha256,
        }
        for label in AUTHORITIES
    }
    crl_files = {}
    for repo in arch.service_registry.list_crl_repos():
        path = out_dir / "crl" / f"{repo.label.value}.crl"
        build.write_crl(arch, repo.label.value, path)
        crl_files[repo.label.value] = _rel(path, out_dir)

    manifest = {
        "schema": SCHEMA_VERSION,
        "notice": "SAMPLE PKI - FOR DEMOS AND TESTS ONLY - never use for real signatures",
        "arch": ARCH_LABEL,
        "generated_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "inputs_sha256": inputs_digest(seal_mm),
        "keys_sha256": keys_digest(),
        "root": _rel(cert_paths[TRUSTED_ROOT], out_dir),
        "root_sha256": facts[TRUSTED_ROOT].sha256,
        "pki_fingerprint": build.pki_fingerprint(out_dir),
        "intermediate": _rel(cert_paths["interm"], out_dir),
        "untrusted_root": _rel(cert_paths[UNTRUSTED_ROOT], out_dir),
        "identities": identities,
        "authorities": authorities,
        "services": _services(arch),
        "crl_files": crl_files,
        "softhsm": {
            "token_label": passwords.token_label,
            "user_pin": passwords.user_pin,
            "so_pin": passwords.so_pin,
            "key_labels": [s.label for s in SIGNERS if s.on_token],
        },
    }
    write_manifest(out_dir, manifest)


def _identity(arch: PKIArchitecture, spec, out_dir: Path, cert_paths: dict[str, Path],
              facts: build.CertFacts, passwords: SamplePasswords,
              seal_spec: SealSpec) -> dict[str, Any]:
    label = spec.label
    password = passwords.pkcs12_for(label)
    p12_path = out_dir / "p12" / f"{label}.p12"
    build.write_pkcs12(arch, label, password, p12_path)
    chain = build.chain_labels(arch, label)
    entry: dict[str, Any] = {
        "role": spec.role,
        "name": facts.common_name,
        "title": facts.title,
        "organization": facts.organization,
        "status": spec.status,
        "trusted": spec.trusted,
        "key_type": spec.key_type,
        "mechanism": spec.mechanism,
        "cert": _rel(cert_paths[label], out_dir),
        "key": f"keys/{label}.key.pem",
        "p12": _rel(p12_path, out_dir),
        "password": password,
        "chain": [_rel(cert_paths[c], out_dir) for c in chain],
        "chain_labels": chain,
        "not_before": facts.not_before,
        "not_after": facts.not_after,
        "serial": facts.serial,
        "sha256": facts.sha256,
    }
    revocation = arch.get_cert_spec(CertLabel(label)).revocation
    if revocation is not None:
        entry["revoked_since"] = revocation.revoked_since.isoformat()
        entry["revocation_reason"] = revocation.reason.native
    if spec.image == "seal":
        path = save_seal(seal_spec, out_dir / "images" / "seal.png")
        entry["seal_image"] = _rel(path, out_dir)
        entry["seal_size_mm"] = seal_spec.diameter_mm
        entry["seal_dpi"] = seal_spec.dpi
    else:
        path = save_signature(SignatureSpec(seed_text=label),
                              out_dir / "images" / f"signature-{label}.png")
        entry["signature_image"] = _rel(path, out_dir)
    return entry
