"""Limits that keep a hostile or broken input from using unbounded time or memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 512 * 1024 * 1024  # input file size
    max_pages: int = 2000
    max_image_pixels: int = 150_000_000  # one page image or embedded image (~600 dpi A3)
    max_inflated_stream: int = 256 * 1024 * 1024  # one decompressed PDF stream
    worker_memory: int = 3 * 1024 * 1024 * 1024  # address space of a worker process
    page_timeout: float = 120.0  # seconds for one page, OCR included
