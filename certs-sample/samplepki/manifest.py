"""The manifest: one JSON file telling other code where every sample artefact is."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SamplePKIError
from .paths import GENERATED_DIR, MANIFEST_NAME

SCHEMA_VERSION = 1


def write_manifest(out_dir: Path, data: dict[str, Any]) -> Path:
    """Write atomically: readers either see the old complete manifest or the new one."""
    path = out_dir / MANIFEST_NAME
    tmp = path.with_suffix(".json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2, sort_keys=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def read_manifest(out_dir: Path = GENERATED_DIR) -> dict[str, Any]:
    path = out_dir / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise SamplePKIError(
            f"{path} is missing; run `python certs-sample/generate.py` first"
        ) from e
    except json.JSONDecodeError as e:
        raise SamplePKIError(f"{path} is not valid JSON ({e}); regenerate it") from e
    if data.get("schema") != SCHEMA_VERSION:
        raise SamplePKIError(f"{path} has schema {data.get('schema')!r}, expected "
                             f"{SCHEMA_VERSION}; regenerate it")
    return data


@dataclass(frozen=True)
class Identity:
    """One signer of the sample PKI, with absolute paths."""

    label: str
    role: str
    name: str
    title: str | None
    status: str
    trusted: bool
    key_type: str
    mechanism: str
    cert: Path
    key: Path
    p12: Path
    password: str
    chain: list[Path]
    signature_image: Path | None = None
    seal_image: Path | None = None
    seal_size_mm: float | None = None
    revoked_since: str | None = None


@dataclass(frozen=True)
class SamplePKI:
    """The generated sample PKI as seen by tests: paths are absolute."""

    base_dir: Path
    root: Path
    intermediate: Path
    untrusted_root: Path
    identities: dict[str, Identity]
    services: dict[str, Any]
    crl_files: dict[str, Path]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    def identity(self, label: str) -> Identity:
        try:
            return self.identities[label]
        except KeyError as e:
            raise SamplePKIError(
                f"no sample identity {label!r}; have {sorted(self.identities)}"
            ) from e


def load_sample_pki(out_dir: Path = GENERATED_DIR) -> SamplePKI:
    data = read_manifest(out_dir)

    def p(rel: str | None) -> Path | None:
        return None if rel is None else out_dir / rel

    identities = {}
    for label, d in data["identities"].items():
        identities[label] = Identity(
            label=label, role=d["role"], name=d["name"], title=d.get("title"),
            status=d["status"], trusted=d["trusted"], key_type=d["key_type"],
            mechanism=d["mechanism"], cert=out_dir / d["cert"], key=out_dir / d["key"],
            p12=out_dir / d["p12"], password=d["password"],
            chain=[out_dir / c for c in d["chain"]],
            signature_image=p(d.get("signature_image")), seal_image=p(d.get("seal_image")),
            seal_size_mm=d.get("seal_size_mm"), revoked_since=d.get("revoked_since"),
        )
    return SamplePKI(
        base_dir=out_dir,
        root=out_dir / data["root"],
        intermediate=out_dir / data["intermediate"],
        untrusted_root=out_dir / data["untrusted_root"],
        identities=identities,
        services=data["services"],
        crl_files={k: out_dir / v for k, v in data["crl_files"].items()},
        raw=data,
    )
