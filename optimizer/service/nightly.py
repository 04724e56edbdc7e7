"""The nightly plan of a day held in the database.

The day is exported as a scenario (every booking locked on its station and start), planned
as `remise plan` plans any day, the plan folder written as usual, and the database updated
in one transaction: each request's slot (or why it has none) and the slots it holds. While
the plan runs, bookings of that day wait (503, with Retry-After): the plan can then never
collide with a booking made under it. Cancellations and pending requests are still taken;
a request cancelled meanwhile is not given the slot the plan chose for it.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from ..core.i18n import _
from ..core.problems import InputError
from ..planfolder.folder import default_folder, summary
from ..runs import (
    PlanRun,
    PlanSettings,
    Stage,
    make_plan,
    reserved_output,
    write_plan_folder,
)
from ..scenario.schema import Scenario
from ..scenario.writing import write_scenario_file
from ..screening import screen
from ..solvers.result import Progress, SolveOptions, SolveResult, unproven_levels
from ..solvers.stop import Deadline
from .days import export_day, find_day, now, record_plan, standing
from .db.engine import reading, writing
from .db.tables import PlanRun as PlanRow
from .queries import day_name
from .settings import Settings

MARGIN = timedelta(minutes=10)  # beyond the time limit, before a stale "being planned" mark is ignored


def _start(url: str, day_date: date, seconds: float) -> Scenario:
    with writing(url) as session:
        day = find_day(session, day_date, lock=True)
        if day is None:
            raise InputError(_("no day {date} in the database (remise db load opens one)").format(date=day_date.isoformat()))
        if day.planning_until is not None and day.planning_until > now():
            raise InputError(_("{date} is already being planned (until {until})").format(
                date=day_date.isoformat(), until=day.planning_until.isoformat(timespec="seconds")))
        day.planning_until = now() + timedelta(seconds=seconds) + MARGIN
        return export_day(session, day)


def _release(url: str, day_date: date) -> None:
    with writing(url) as session:
        day = find_day(session, day_date, lock=True)
        if day is not None:
            day.planning_until = None


def day_folder(database: str | None, day_date: date, out_dir: Path | None, root: Path) -> tuple[str, Path]:
    """The database's URL (`database`, else REMISE_DB) and the day's plan folder: `out_dir`,
    else the day's name and date under `root`, as for a scenario file."""
    url = Settings.from_env(database).database
    return url, out_dir or default_folder(day_name(url, day_date), day_date, root=root)


def plan_from_db(url: str, day_date: date, options: SolveOptions, settings: PlanSettings, target: Path,
                 force: bool, lang: str = "fr", progress: Progress | None = None,
                 stage: Callable[[Stage], None] = lambda stage: None,
                 deadline: Deadline | None = None) -> tuple[Scenario, PlanRun]:
    """Plan the day, write its plan folder, then record the plan in the database."""
    with reserved_output(target, force):
        return _plan_and_record(url, day_date, options, settings, target, force, lang, progress, stage, deadline)


def _plan_and_record(url: str, day_date: date, options: SolveOptions, settings: PlanSettings, target: Path,
                     force: bool, lang: str, progress: Progress | None, stage: Callable[[Stage], None],
                     deadline: Deadline | None) -> tuple[Scenario, PlanRun]:
    scenario = _start(url, day_date, options.time_limit + settings.explain_time)
    recorded = False
    try:
        run = make_plan(scenario, options, settings, progress=progress, stage=stage, deadline=deadline)
        write_plan_folder(target, force, scenario, run, lang, redact_parties=settings.redact_parties)
        with writing(url) as session:
            day = find_day(session, day_date, lock=True)
            record_plan(session, day, run.result.plan)
            session.add(PlanRow(day_id=day.id, created_at=now(), folder=str(Path(target).resolve()),
                                summary=summary(scenario, run.result)))
            day.planning_until = None
            day.version += 1
        recorded = True
        return scenario, run
    finally:
        if not recorded:
            _release(url, day_date)


def export_files(url: str, day_date: date, out_file: Path, plan_dir: Path | None, force: bool) -> Scenario:
    """The day as a scenario file, and (with `plan_dir`) where every request stands, as a plan folder.

    The plan folder holds the bookings where they were placed, so `remise check` can verify
    that what the platform promised keeps every rule.
    """
    with reserved_output(plan_dir, force) if plan_dir is not None else nullcontext():
        return _export(url, day_date, out_file, plan_dir, force)


def _export(url: str, day_date: date, out_file: Path, plan_dir: Path | None, force: bool) -> Scenario:
    with reading(url) as session:
        scenario = export_day(session, day_date)
        held = standing(session, find_day(session, day_date)) if plan_dir is not None else None
    if held is not None:
        _scenario, plan = held
        result = SolveResult(plan, unproven_levels(scenario, screen(scenario), plan), solver="platform (as booked)")
        write_plan_folder(plan_dir, force, scenario, PlanRun(result))
    write_scenario_file(scenario, out_file, f"Day {scenario.date.isoformat()} exported from the booking platform.")
    return scenario
