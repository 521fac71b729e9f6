"""Time: stored in UTC, shown and counted (numbering years) in Asia/Ho_Chi_Minh.

A ``Clock`` is any callable returning an aware UTC datetime; tests inject a fixed one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC datetime; a naive value (as SQLite returns it) is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def vn_year(moment: datetime) -> int:
    """The calendar year in Vietnam at that moment: numbering books restart on 1 January there."""
    return as_utc(moment).astimezone(VN_TZ).year


def fixed_clock(moment: datetime) -> Clock:
    value = as_utc(moment)
    return lambda: value
