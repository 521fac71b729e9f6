"""Sample PKI for vanthu (demos and tests only): generation, loopback services, SoftHSM2."""

from .errors import FontNotFoundError, SamplePKIError, ToolMissingError
from .generator import ensure_generated
from .manifest import Identity, SamplePKI, load_sample_pki
from .paths import DEFAULT_HOST, DEFAULT_PORT, GENERATED_DIR

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "GENERATED_DIR",
    "FontNotFoundError",
    "Identity",
    "SamplePKI",
    "SamplePKIError",
    "ToolMissingError",
    "ensure_generated",
    "load_sample_pki",
]
