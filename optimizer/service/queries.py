"""What the platform shows without changing anything: open days, categories, the roster,
the day's current plan, an officer's appointments. Each reads one consistent snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..core.findings import Finding
from ..core.i18n import _
from ..scenario.schema import Category
from .bookings import NotFound
from .days import find_day, live_requests, open_day
from .db.engine import reading
from .db.tables import Day, PlanRun


def open_days(url: str) -> list[tuple[date, str]]:
    with reading(url) as session:
        return [(d.date, d.name) for d in session.scalars(select(Day).where(Day.open).order_by(Day.date))]


def day_name(url: str, day_date: date) -> str:
    with reading(url) as session:
        return _day(session, day_date).name


def categories(url: str, day_date: date) -> dict[str, Category]:
    with reading(url) as session:
        day = open_day(session, day_date)
        return {name: Category.model_validate(c) for name, c in day.policy.get("categories", {}).items()}


@dataclass(frozen=True)
class StationView:
    id: str
    name: str | None
    hours: list[str]
    rooms: list[str]
    bays: list[str]


@dataclass(frozen=True)
class OfficerView:
    id: str
    station: str
    shift: str
    skills: list[str]


def stations(url: str, day_date: date) -> list[StationView]:
    with reading(url) as session:
        day = open_day(session, day_date)
        return [StationView(s.station_id, s.name, s.hours, s.rooms, s.bays) for s in day.stations]


def roster(url: str, day_date: date) -> tuple[list[StationView], list[OfficerView]]:
    with reading(url) as session:
        day = _day(session, day_date)
        return ([StationView(s.station_id, s.name, s.hours, s.rooms, s.bays) for s in day.stations],
                [OfficerView(o.officer_id, o.station_id, o.shift, o.skills) for o in day.officers])


def _day(session, day_date: date) -> Day:
    day = find_day(session, day_date)
    if day is None:
        raise NotFound(_("no day {date} in the database").format(date=day_date.isoformat()))
    return day


@dataclass(frozen=True)
class Assignment:
    request_id: str
    origin: str
    status: str
    category: str
    station: str | None
    place: str | None
    officer: str | None
    start: int | None
    end: int | None
    reason: str | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class DayPlan:
    date: date
    assignments: list[Assignment]
    summary: dict | None  # of the latest nightly plan, if any
    planned_at: str | None


def day_plan(url: str, day_date: date) -> DayPlan:
    """Where every live request of the day stands now, and the latest nightly plan's summary."""
    with reading(url) as session:
        day = _day(session, day_date)
        rows = [Assignment(r.request_id, r.origin, r.status, r.category, r.station, r.place, r.officer, r.start, r.end,
                           r.reason, tuple(Finding.from_json(f) for f in r.findings or ()))
                for r in live_requests(session, day)]
        run = session.scalars(select(PlanRun).where(PlanRun.day_id == day.id).order_by(PlanRun.id.desc())).first()
        return DayPlan(day.date, rows, run.summary if run else None,
                       run.created_at.isoformat() if run else None)


def officer_day(url: str, day_date: date, officer: str) -> tuple[list[Assignment], dict[str, str]]:
    """An officer's handovers of the day, and the station names (for the calendar)."""
    plan = day_plan(url, day_date)
    with reading(url) as session:
        day = _day(session, day_date)
        if all(o.officer_id != officer for o in day.officers):
            raise NotFound(_("no officer '{officer}' on {date}").format(officer=officer[:40], date=day_date.isoformat()))
        names = {s.station_id: s.name or s.station_id for s in day.stations}
    return [a for a in plan.assignments if a.officer == officer and a.start is not None], names
