"""vanthu: composition of the slices — settings, the FastAPI app, the CLI."""

__version__ = "0.1.0"
