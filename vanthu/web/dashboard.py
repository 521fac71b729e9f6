"""What the dashboard shows: today's arrivals, urgent and overdue work, and the weekly chart.

Everything is limited to what the user may see: the whole register for clerks, admins and
organization-wide leaders; documents assigned to their units for everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from intake.routing import QueueItem, overdue, today
from registry.clock import VN_TZ
from registry.documents import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    IncomingDocument,
    IncomingStatus,
    Urgency,
)
from registry.org import User
from vanthu.permissions import own_units, sees_whole_register

CLOSED = (IncomingStatus.DONE.value, IncomingStatus.RECALLED.value, IncomingStatus.RETURNED.value)
WEEKS = 8


@dataclass
class Week:
    start: date
    arrivals: int = 0
    completions: int = 0


@dataclass
class Dashboard:
    today: list[IncomingDocument]
    urgent: list[IncomingDocument]
    overdue: list[QueueItem]
    to_confirm: int
    weeks: list[Week] = field(default_factory=list)


def _visible(query, user: User):  # noqa: ANN001, ANN202
    if sees_whole_register(user):
        return query
    units = own_units(user) or {-1}
    return query.where(IncomingDocument.id.in_(
        select(Assignment.document_id).where(Assignment.unit_id.in_(units))))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=VN_TZ)


def build(session, user: User, clock) -> Dashboard:  # noqa: ANN001
    now_day = today(clock)
    arrivals_today = list(session.scalars(_visible(
        select(IncomingDocument).where(IncomingDocument.arrival_at >= _midnight(now_day))
        .order_by(IncomingDocument.id.desc()).limit(50), user)))
    urgent = list(session.scalars(_visible(
        select(IncomingDocument).where(IncomingDocument.urgency != Urgency.NORMAL.value,
                                       IncomingDocument.status.not_in(CLOSED))
        .order_by(IncomingDocument.id.desc()).limit(50), user)))
    late = overdue(session, clock)
    if not sees_whole_register(user):
        units = own_units(user)
        late = [i for i in late if i.assignment.unit_id in units]
    to_confirm = len(session.scalars(_visible(
        select(IncomingDocument.id).where(IncomingDocument.status == IncomingStatus.READ.value),
        user)).all())
    return Dashboard(arrivals_today, urgent, late, to_confirm, weekly(session, user, now_day))


def weekly(session, user: User, now_day: date) -> list[Week]:  # noqa: ANN001
    """Arrivals and completed lead assignments for each of the last ``WEEKS`` weeks (Monday
    first, in Vietnam's time)."""
    monday = now_day - timedelta(days=now_day.weekday())
    weeks = [Week(monday - timedelta(weeks=WEEKS - 1 - i)) for i in range(WEEKS)]
    since = _midnight(weeks[0].start)

    def slot(moment: datetime) -> Week | None:
        index = (moment.astimezone(VN_TZ).date() - weeks[0].start).days // 7
        return weeks[index] if 0 <= index < WEEKS else None

    for (arrived,) in session.execute(_visible(
            select(IncomingDocument.arrival_at).where(IncomingDocument.arrival_at >= since), user)):
        if (week := slot(arrived)) is not None:
            week.arrivals += 1
    done = select(Assignment.completed_at).where(
        Assignment.role == AssignmentRole.LEAD.value,
        Assignment.status == AssignmentStatus.DONE.value, Assignment.completed_at >= since)
    if not sees_whole_register(user):
        done = done.where(Assignment.unit_id.in_(own_units(user) or {-1}))
    for (completed,) in session.execute(done):
        if (week := slot(completed)) is not None:
            week.completions += 1
    return weeks


@dataclass
class Bar:
    x: float
    y: float
    height: float
    value: int
    kind: str


def chart_bars(weeks: list[Week], width: float = 480, height: float = 160) -> list[Bar]:
    """Two bars per week, scaled to the busiest week; drawn as an inline SVG by the page."""
    top = max([1] + [max(w.arrivals, w.completions) for w in weeks])
    slot = width / max(1, len(weeks))
    bar = slot * 0.35
    bars = []
    for i, w in enumerate(weeks):
        for j, (kind, value) in enumerate((("arrivals", w.arrivals),
                                           ("completions", w.completions))):
            h = (height - 20) * value / top
            bars.append(Bar(i * slot + 4 + j * (bar + 2), height - 20 - h, h, value, kind))
    return bars
