"""Configuration, read once: ``VANTHU_*`` environment variables over an optional TOML file.

Nothing else in vanthu reads the environment; the ``Settings`` object is passed down explicitly.
The TOML file is ``$VANTHU_CONFIG`` when set, else ``./vanthu.toml`` when it exists.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VANTHU_", extra="forbid")

    data_dir: Path = Field(Path("vanthu-data"), description="Database, file store, keys, logs.")
    database_url: str = Field("", description="SQLAlchemy URL; default: SQLite in data_dir.")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = False

    organization_name: str = "ỦY BAN NHÂN DÂN TỈNH AN GIANG"
    organization_abbreviation: str = "UBND"
    parent_organization: str = ""
    place_name: str = "An Giang"

    # Trust anchors (PEM/DER); empty means data_dir/trust.
    trust_dir: Path = Path("")
    sample_pki_dir: Path = REPO_ROOT / "certs-sample"
    pki_services_url: str = "http://127.0.0.1:9786"

    verify_max_bytes: int = 50 * 1024 * 1024
    verify_time_budget_s: float = 30.0
    verify_rate_limit_per_minute: int = 30
    verify_offline: bool = False

    tsa_url: str = ""  # time-stamping authority for signatures (B-T and above)
    outgoing_level: str = "B-LT"  # PAdES level of the organization's seal signature
    public_url: str = ""  # base of links printed on issued documents; default http://host:port
    outgoing_font: Path | None = None  # font for number and date; default: the draft's own

    upload_max_bytes: int = 200 * 1024 * 1024
    workers: int = 2  # background worker threads in `vanthu serve` (0: none)

    @model_validator(mode="after")
    def _derive_paths(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'vanthu.db'}"
        if str(self.trust_dir) in ("", "."):
            self.trust_dir = self.data_dir / "trust"
        return self

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / "secrets"


def _toml_values(env: dict[str, str]) -> dict[str, Any]:
    path = Path(env["VANTHU_CONFIG"]) if env.get("VANTHU_CONFIG") else Path("vanthu.toml")
    if not path.is_file():
        if env.get("VANTHU_CONFIG"):
            raise FileNotFoundError(f"VANTHU_CONFIG names a file that does not exist: {path}")
        return {}
    with path.open("rb") as fh:
        values = tomllib.load(fh)
    # Environment variables win over the file.
    return {k: v for k, v in values.items() if f"VANTHU_{k.upper()}" not in env}


def load_settings(**overrides: Any) -> Settings:
    """Settings from TOML file and environment; explicit overrides win over both."""
    values = _toml_values(dict(os.environ))
    values.update(overrides)
    return Settings(**values)
