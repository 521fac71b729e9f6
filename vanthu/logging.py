"""Structured logging (structlog): JSON lines in production, readable lines at a terminal.

Secrets never reach the log: any event key that names one is replaced before rendering.
"""

from __future__ import annotations

import logging
import sys

import structlog

SECRET_KEYS = ("password", "pin", "secret", "token", "private_key", "passphrase")


def _redact(_logger, _name, event_dict: dict) -> dict:  # noqa: ANN001
    for key in list(event_dict):
        if any(word in key.lower() for word in SECRET_KEYS):
            event_dict[key] = "***"
    return event_dict


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(message)s")
    # Libraries' chatter (each HTTP request, each migration step) stays out of the service log.
    for noisy in ("httpx", "httpcore", "alembic", "pyhanko", "fontTools"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str = "vanthu") -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
