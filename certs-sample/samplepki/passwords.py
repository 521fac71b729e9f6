"""The committed, plainly-sample passwords and PINs (sample-passwords.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SamplePKIError
from .paths import PASSWORDS_PATH


@dataclass(frozen=True)
class SamplePasswords:
    pkcs12_default: str
    pkcs12_by_label: dict[str, str] = field(default_factory=dict)
    token_label: str = "vanthu-sample"
    so_pin: str = ""
    user_pin: str = ""

    def pkcs12_for(self, label: str) -> str:
        return self.pkcs12_by_label.get(label, self.pkcs12_default)


def load_passwords(path: Path = PASSWORDS_PATH) -> SamplePasswords:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise SamplePKIError(f"sample passwords file missing: {path}") from e
    except tomllib.TOMLDecodeError as e:
        raise SamplePKIError(f"sample passwords file {path} is not valid TOML: {e}") from e
    try:
        p12 = dict(data["pkcs12"])
        default = p12.pop("default")
        hsm = data["softhsm"]
        return SamplePasswords(
            pkcs12_default=default,
            pkcs12_by_label=p12,
            token_label=hsm["token_label"],
            so_pin=hsm["so_pin"],
            user_pin=hsm["user_pin"],
        )
    except KeyError as e:
        raise SamplePKIError(f"sample passwords file {path} lacks the entry {e}") from e
