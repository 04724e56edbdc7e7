"""`remise validate`, `plan` and `check`: the nightly plan and its checks."""

from __future__ import annotations

import signal
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..core.codes import BoundBy
from ..core.i18n import N_, _, current, decimal, integer, ngettext
from ..core.lazy import lazy_module
from ..core.problems import printable
from ..core.sentences import bound_label, level_label, level_status, reason_label
from ..planfolder.folder import PLAN, UNSERVED, check_folder
from ..planfolder.folder import default_folder as planfolder_default
from ..planfolder.metrics import officer_loads
from ..runs import (
    PlanRun,
    PlanSettings,
    Stage,
    make_plan,
    reserved_output,
    use_cluster,
    write_plan_folder,
)
from ..scenario.notices import notices
from ..scenario.schema import Scenario
from ..screening import screen
from ..solvers.day import BLOCK_LIMIT
from ..solvers.result import SolveOptions
from ..solvers.stop import Deadline, exit_code, stoppable
from .common import (
    CsvDialect,
    DialectOption,
    ExplainTimeOption,
    Lang,
    LangOption,
    PlainTable,
    ProcessesOption,
    ScenarioArg,
    SeedOption,
    TimeLimitOption,
    WorkersOption,
    activity,
    command_started,
    exits,
    load,
    out,
    output_root,
    say,
    speak,
    warn,
)
from .day_summary import print_summary

app = typer.Typer(add_completion=False)

# `plan --db` plans a day of the booking platform: its database stack (SQLAlchemy, Alembic:
# 0.75 s of a planning command's 3 s start on 2 cores) loads only when that branch runs.
nightly = lazy_module("optimizer.service.nightly")

STAGE_TEXT = {
    Stage.SOLVING: N_("solving…"),
    Stage.SOLVING_GROUPS: N_("solving groups of stations in parallel…"),
    Stage.EXPLAINING: N_("explaining the unserved requests…"),
}


def stage_text(stage: Stage) -> str:
    return _(STAGE_TEXT[stage])


def progress_text(level: str, best: float, bound: float, deadline: Deadline) -> str:
    """The level being solved, its best value, its bound (when one is known yet) and the time left."""
    left = _("{seconds} s left").format(seconds=integer(max(0.0, deadline.left())))
    if bound != bound:  # NaN: no bound yet
        return _("solving {level}: best {best}, no bound yet, {left}").format(
            level=level_label(level), best=integer(best), left=left)
    return _("solving {level}: best {best}, bound {bound}, {left}").format(
        level=level_label(level), best=integer(best), bound=integer(bound), left=left)


class Solver(str, Enum):
    cpsat = "cp-sat"
    greedy = "greedy"


def default_folder(scenario: Scenario, command: str = "plan") -> Path:
    return planfolder_default(scenario.name, scenario.date, command, output_root())


@app.command(help=_("Check a scenario and summarise the day: places, officers, demand, screening."))
def validate(scenario: Optional[Path] = ScenarioArg, lang: Lang = LangOption) -> None:
    speak(lang)
    loaded, origins = load(scenario)
    print_summary(out, loaded, screen(loaded), origins.scenario_file)
    warn_notices(loaded)
    valid = _("The scenario is valid.")
    out.print(f"[green]{escape(valid)}[/green]")


def warn_notices(scenario: Scenario, redacted: bool = False) -> None:
    """What is valid but probably not meant (a wrong date, contact details as party ids)."""
    for sentence in notices(scenario, redacted):
        warn(_("Warning: {sentence}").format(sentence=sentence))


def print_result(scenario: Scenario, run: PlanRun) -> None:
    """The plan in a few lines: served, unserved by reason, officers, and each level's status."""
    result, plan = run.result, run.result.plan
    title = _("Plan for {name} on {date}").format(name=scenario.name, date=scenario.date.isoformat())
    table = PlainTable(title=escape(printable(title)), title_justify="left", show_header=False)
    table.add_column(_("what"))
    table.add_column(_("value"))
    table.add_row(_("served"), _("{served} of {received} requests").format(
        served=integer(len(plan.handovers)), received=integer(len(scenario.requests))))
    reasons = plan.unserved_by_reason()
    table.add_row(_("unserved"), ", ".join(f"{integer(n)} {reason_label(r)}" for r, n in reasons.items()) or _("none"))
    loads = officer_loads(scenario, plan)
    used = [o for o in loads if o.handovers]
    table.add_row(_("officers mobilised"), _("{used} of {rostered}").format(
        used=integer(len(used)), rostered=integer(len(loads))))
    if used:
        busiest = max(used, key=lambda o: (o.supervised_minutes, o.officer))
        table.add_row(_("busiest officer"), _("{officer}: {minutes} of {cap} min").format(
            officer=busiest.officer, minutes=integer(busiest.supervised_minutes), cap=integer(busiest.cap)))
    for level in result.levels:
        table.add_row(level_label(level.name), f"{integer(level.value)} ({level_state(level)})")
    out.print(table)
    if run.changes is not None:
        kinds: dict[str, int] = {}
        for change in run.changes:
            kinds[change.change] = kinds.get(change.change, 0) + 1
        say(_("Changes: {changes}").format(changes=", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or _("none")))


def level_state(level) -> str:
    """A level's status in words (as the report says it), what proved or bounds it, and its time."""
    said = [level_status(level.status, level.gap)]
    if level.bound is not None and level.bound_by not in (None, BoundBy.CPSAT):
        said.append(_("bound {bound} ({method})").format(bound=integer(level.bound), method=bound_label(level.bound_by)))
    said.append(_("{seconds} s").format(seconds=decimal(level.seconds, 1)))
    return ", ".join(said)


def plan_and_write(scenario: Scenario, options: SolveOptions, settings: PlanSettings, target: Path, force: bool,
                   previous=None, keep: tuple[Path, ...] = ()) -> None:
    """Plan with a progress line on the terminal, publish the folder, print the summary."""
    deadline = Deadline.after(options.time_limit, started=command_started())
    with stoppable(), activity(_("solving…")) as doing:
        def progress(level: str, best: float, bound: float, elapsed: float) -> None:
            doing.progress(progress_text(level, best, bound, deadline))

        with exits():
            run = make_plan(scenario, options, settings, previous=previous, progress=progress,
                            stage=lambda stage: doing.stage(stage_text(stage)), deadline=deadline)
        doing.stage(_("writing the plan folder…"))
        with exits():
            write_plan_folder(target, force, scenario, run, current(), keep=keep,
                              redact_parties=settings.redact_parties)
    print_result(scenario, run)
    say(_("Plan written to {folder}").format(folder=target))
    stop_if_interrupted(run)


def stop_if_interrupted(run: PlanRun) -> None:
    """A plan cut short by a signal is written whole, and the exit code says it was cut short."""
    signum = run.result.interrupted
    if signum is not None:
        warn(_("Interrupted by {signal}: the best plan found so far is written, checked, and marked as "
               "interrupted in summary.json.").format(signal=signal.Signals(signum).name))
        raise typer.Exit(code=exit_code(signum))


@app.command(help=_("Plan the day: every request gets a station, place, start and officer, or a reason."))
def plan(
    scenario: Optional[Path] = ScenarioArg,
    out_dir: Optional[Path] = typer.Option(None, "--out", help=_("Plan folder (default: reports/<name>/<date>/).")),
    time_limit: float = TimeLimitOption(60.0, _("Seconds for the whole command: solving, explanations and writing.")),
    workers: int = WorkersOption(),
    seed: int = SeedOption,
    deterministic: bool = typer.Option(False, "--deterministic", help=_("Reproducible search (same files for the same seed and workers).")),
    force: bool = typer.Option(False, "--force", help=_("Replace an existing plan folder.")),
    explain: bool = typer.Option(True, "--explain/--no-explain", help=_("Name the resources that keep each 'capacity' request out.")),
    explain_time: float = ExplainTimeOption(),
    solver: Solver = typer.Option(Solver.cpsat, "--solver", help=_("cp-sat (default), or greedy: the first-come-first-served baseline.")),
    processes: int = ProcessesOption(_("Local processes for independent groups of stations and for blocks.")),
    cluster: Optional[str] = typer.Option(None, "--cluster", help=_("Dask scheduler address (host:port) for independent groups of stations.")),
    block_size: int = typer.Option(BLOCK_LIMIT, "--block-size", min=100, help=_("Above this many requests, plan in rounds of small blocks around the plan so far.")),
    database: Optional[str] = typer.Option(None, "--db", help=_("Plan a day of the booking platform's database instead of a scenario file (with --date).")),
    day: Optional[datetime] = typer.Option(None, "--date", formats=["%Y-%m-%d"], help=_("With --db: the day to plan (YYYY-MM-DD).")),
    redact_parties: bool = typer.Option(False, "--redact-parties", help=_("Write sellers and buyers as pseudonyms (p-0001, ...) in the plan folder.")),
    lang: Lang = LangOption,
    csv_dialect: CsvDialect = DialectOption,
) -> None:
    speak(lang, csv_dialect)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    settings = PlanSettings(greedy=solver == Solver.greedy, explain=explain, explain_time=explain_time,
                            processes=processes, cluster=cluster, block_size=block_size,
                            redact_parties=redact_parties)
    with exits():
        use_cluster(cluster)
    if database is not None or day is not None:
        if database is None or day is None or scenario is not None:
            warn(_("--db and --date go together, without a scenario file: the day comes from the database."))
            raise typer.Exit(code=2)
        plan_database_day(database, day.date(), options, settings, out_dir, force)
        return
    loaded, _origins = load(scenario)
    target = out_dir or default_folder(loaded)
    with exits(), reserved_output(target, force):
        warn_notices(loaded, redacted=redact_parties)
        plan_and_write(loaded, options, settings, target, force)


def plan_database_day(database: str, day: date, options: SolveOptions, settings: PlanSettings, out_dir: Optional[Path],
                      force: bool) -> None:
    """The nightly plan of a day the platform holds: bookings kept, pending requests decided."""
    with exits():
        url, target = nightly.day_folder(database, day, out_dir, output_root())
        with stoppable(), activity(_("solving…")) as doing:
            scenario, run = nightly.plan_from_db(url, day, options, settings, target, force, current(), stage=lambda stage: doing.stage(
                stage_text(stage)), deadline=Deadline.after(options.time_limit, started=command_started()))
    print_result(scenario, run)
    say(_("Plan written to {folder}; the database holds it for {date}").format(folder=target, date=day.isoformat()))
    stop_if_interrupted(run)


@app.command(help=_("Check a plan folder against every hard rule, trusting nothing in it."))
def check(
    scenario: Path = typer.Argument(..., help=_("Scenario YAML file the plan was made for.")),
    plan_dir: Path = typer.Argument(..., help=_("Plan folder with plan.csv and unserved.csv.")),
    lang: Lang = LangOption,
) -> None:
    speak(lang)
    loaded, _origins = load(scenario)
    if not (plan_dir / PLAN).is_file() or not (plan_dir / UNSERVED).is_file():
        warn(_("{folder} is not a plan folder ({plan} and {unserved} are needed).").format(
            folder=plan_dir, plan=PLAN, unserved=UNSERVED))
        raise typer.Exit(code=2)
    report = check_folder(loaded, plan_dir)
    levels = ["  " + level_label(name) + _(": ") + integer(value) for name, value in report.levels.items()]
    if report.ok:
        respected = _("The plan respects every rule.")
        out.print(f"[green]{escape(respected)}[/green] " + escape(_("Levels:")), highlight=False)
        for line in levels:
            say(line)
        return
    count = len(report.violations)
    violations = ngettext("{n} violation:", "{n} violations:", count).format(n=count)
    out.print(f"[bold red]{escape(violations)}[/bold red]")
    for violation in report.violations:
        say(f"  {violation}")
    say(_("Levels recomputed from the plan:"))
    for line in levels:
        say(line)
    raise typer.Exit(code=1)
