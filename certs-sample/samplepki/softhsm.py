"""A SoftHSM2 token holding the sample officials' and the seal's keys and certificates.

Uses the command-line tools (softhsm2-util imports key pairs, pkcs11-tool writes the
certificates) rather than loading the PKCS#11 module in this process: a process can
initialise a PKCS#11 module only once, and the caller may want to load it afterwards
with its own SOFTHSM2_CONF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem

from .errors import SamplePKIError, ToolMissingError
from .manifest import read_manifest
from .paths import GENERATED_DIR

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",  # Debian/Ubuntu (softhsm2)
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",  # Fedora
)


@dataclass(frozen=True)
class SoftHSMToken:
    module_path: str
    conf_path: Path
    token_label: str
    user_pin: str
    so_pin: str
    key_labels: list[str]  # each key's certificate has the same label and ID
    chain_labels: list[str] = field(default_factory=list)  # CA certificates, no keys

    def env(self) -> dict[str, str]:
        return {"SOFTHSM2_CONF": str(self.conf_path)}


def find_module() -> str:
    for path in MODULE_CANDIDATES:
        if os.path.isfile(path):
            return path
    raise ToolMissingError("libsofthsm2.so not found (tried " + ", ".join(MODULE_CANDIDATES)
                           + "); install the Debian package softhsm2")


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolMissingError(f"{name} not found; install the Debian package {package}")
    return path


def _run(cmd: list[str], env: dict[str, str], secrets: list[str]) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        shown = " ".join("***" if part in secrets else part for part in cmd)
        output = (proc.stdout + proc.stderr).strip()
        for s in secrets:  # PINs never reach error messages
            output = output.replace(s, "***")
        raise SamplePKIError(f"`{shown}` failed ({proc.returncode}): {output}")


def label_id(label: str) -> str:
    """The PKCS#11 CKA_ID of an object, as hex: the label's UTF-8 bytes."""
    return label.encode("utf-8").hex()


def create_token(token_dir: Path, out_dir: Path = GENERATED_DIR,
                 labels: list[str] | None = None) -> SoftHSMToken:
    """Create a fresh token under token_dir and load the keys and certificates into it.

    labels default to the manifest's softhsm.key_labels (the two officials and the seal).
    """
    module = find_module()
    softhsm_util = _tool("softhsm2-util", "softhsm2")
    pkcs11_tool = _tool("pkcs11-tool", "opensc")
    manifest = read_manifest(out_dir)
    hsm = manifest["softhsm"]
    labels = list(labels or hsm["key_labels"])
    unknown = [lbl for lbl in labels if lbl not in manifest["identities"]]
    if unknown:
        raise SamplePKIError(f"no sample identities {unknown} to put on the token")
    token_label, user_pin, so_pin = hsm["token_label"], hsm["user_pin"], hsm["so_pin"]

    token_dir = token_dir.resolve()
    tokens = token_dir / "tokens"
    if tokens.exists() and any(tokens.iterdir()):
        raise SamplePKIError(f"{tokens} already holds a token; use an empty directory")
    tokens.mkdir(parents=True, exist_ok=True)
    conf = token_dir / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
        "slots.removable = false\n",
        encoding="utf-8",
    )
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))
    secrets = [user_pin, so_pin]
    _run([softhsm_util, "--init-token", "--free", "--label", token_label,
          "--so-pin", so_pin, "--pin", user_pin], env, secrets)

    chain = sorted({c for lbl in labels for c in manifest["identities"][lbl]["chain_labels"]})
    cert_files = {lbl: manifest["identities"][lbl]["cert"] for lbl in labels}
    cert_files |= {c: manifest["authorities"][c]["cert"] for c in chain}
    staging = token_dir / "staging"
    staging.mkdir(exist_ok=True)
    try:
        for lbl in labels:
            key = out_dir / manifest["identities"][lbl]["key"]
            _run([softhsm_util, "--import", str(key), "--token", token_label,
                  "--label", lbl, "--id", label_id(lbl), "--pin", user_pin], env, secrets)
        for lbl, rel in cert_files.items():
            _, _, der = pem.unarmor((out_dir / rel).read_bytes())
            der_path = staging / f"{lbl}.der"
            der_path.write_bytes(der)
            _run([pkcs11_tool, "--module", module, "--token-label", token_label, "--login",
                  "--pin", user_pin, "--write-object", str(der_path), "--type", "cert",
                  "--label", lbl, "--id", label_id(lbl)], env, secrets)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SoftHSMToken(module_path=module, conf_path=conf, token_label=token_label,
                        user_pin=user_pin, so_pin=so_pin, key_labels=labels,
                        chain_labels=chain)
