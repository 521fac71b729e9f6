"""CLI command groups. Each module here defines ``register(app)`` and is loaded by ``vanthu.cli``."""
