"""CLI command groups: each module here defines ``register(app)``; ``vanthu.cli`` loads them."""
