"""The shape of a register book (sổ) for a period: the incoming, tracking and outgoing registers
are all this, so that one set of writers prints them (``intake.register_files``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class Register:
    title: str
    columns: list[str]
    rows: list[list[str]]
    period_from: date
    period_to: date
    first_number: int | None
    last_number: int | None
    year: int
