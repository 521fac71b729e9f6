"""Where things live. Everything is relative to this directory, never to the machine."""

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent
CONFIG_PATH = SAMPLE_DIR / "pki.yml"
PASSWORDS_PATH = SAMPLE_DIR / "sample-passwords.toml"
GENERATED_DIR = SAMPLE_DIR / "generated"
MANIFEST_NAME = "manifest.json"

ARCH_LABEL = "vanthu-sample"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9786
HEALTH_PATH = "/healthz"
