"""A run of remise, end to end: what the commands (and the booking service) call.

Each function takes validated data and options, does one whole job (plan, re-plan,
compare, sweep, offer) and returns what happened; none prints. Faults are exceptions
that the edges turn into exit codes or HTTP statuses: `ScenarioError` and `InputError`
for bad input (exit 2), `PlanRejected` when remise's own plan fails its checker (exit 3,
a bug, nothing written).
"""

from __future__ import annotations

import time
from concurrent.futures import Executor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Callable, Iterator

from .check import check_plan
from .core.i18n import _, current, ngettext
from .core.problems import InputError, PlanRejected
from .plan.changes import Change
from .plan.rows import Plan
from .planfolder.folder import (
    NotAPlanFolder,
    check_folder,
    parties_redacted,
    read_folder,
    read_plan,
    restore_parties,
    write_plan_files,
)
from .planfolder.publish import (
    OutputBusy,
    OutputExists,
    check_target,
    publish,
    reserved,
)
from .report.comparison import Candidate, write_comparison
from .report.sweep import SWEEP_CSV, SWEEP_HTML, write_sweep_csv, write_sweep_html
from .report.workload import STATIONS_CHARTED, write_report
from .scenario.schema import Request, Scenario
from .screening import screen
from .solvers.day import BLOCK_LIMIT, can_cut, plan_day
from .solvers.greedy import best_greedy, solve_greedy
from .solvers.groups import components, ready
from .solvers.parallel import ClusterError, check_cluster, executor, start_workers
from .solvers.result import Progress, SolveOptions, SolveResult
from .solvers.stop import Deadline, stopped
from .whatif.explain import DISPLACEMENT_LARGEST, explain_unserved
from .whatif.offer import Offers, offers
from .whatif.replan import replan
from .whatif.sweep import Sweep, run_sweep


class Stage(StrEnum):
    """What a run is doing, for a progress line."""

    SOLVING = "solving"
    SOLVING_GROUPS = "solving_groups"
    EXPLAINING = "explaining"


@dataclass(frozen=True)
class PlanSettings:
    """How to plan a day, beyond the solver's options."""

    greedy: bool = False  # the first-come-first-served baseline instead of CP-SAT
    explain: bool = True  # name what keeps each `capacity` request out
    explain_time: float = 30.0
    redact_parties: bool = False  # sellers and buyers written as pseudonyms
    processes: int = 1  # local processes for independent groups and blocks
    cluster: str | None = None  # a Dask scheduler instead of local processes
    block_size: int = BLOCK_LIMIT


@dataclass
class PlanRun:
    result: SolveResult
    changes: list[Change] | None = None  # a re-plan's moves against the published plan


@contextmanager
def workers(cluster: str | None, processes: int) -> Iterator[Executor]:
    """Local processes, or the Dask cluster; an unreachable cluster is an input error."""
    try:
        if cluster:
            check_cluster(cluster)
        manager = executor(cluster, processes)
        pool = manager.__enter__()
        start_workers(pool, ready)
    except (OSError, ValueError, TimeoutError) as exc:  # ClusterError is a ValueError
        raise InputError(_("cannot use the cluster at {cluster}: {error}").format(cluster=cluster, error=exc)) from None
    try:
        yield pool
    finally:
        manager.__exit__(None, None, None)


def use_cluster(cluster: str | None) -> None:
    """Before any work: a --cluster is a Dask scheduler that answers, whether the day turns out
    to need it or not (a typo must not pass silently); an input error otherwise."""
    if cluster:
        try:
            check_cluster(cluster)
        except ClusterError as exc:
            raise InputError(str(exc)) from None


def _noop(stage: Stage) -> None:
    pass


# The share of the time limit the explanations may take (at most --explain-time, and about
# what the requests greedy leaves out need: the pilot explains 7 in under 2 s; larger days get
# the insertion analysis alone, see whatif/explain.py).
EXPLAIN_SHARE = 0.25
EXPLAIN_SECONDS, EXPLAIN_PER_REQUEST, INSERTION_PER_REQUEST = 1.0, 0.25, 0.01
# The time kept for checking and writing the folder, report included, measured on generated
# days written from a greedy plan on the machine of 2026-12-05's seventh session (an Intel Xeon,
# 2 cores): the pilot 0.35 s, paris (1,000 requests, 20 stations) 1.7 s, region (5,000, 100)
# 3.4 s, national (50,000, 1,000) 17.7 s. A drawn station costs about 0.05 s (at most
# STATIONS_CHARTED are), a request 0.0003 s; twice that is kept, times how much slower than
# that machine this one runs Python (`slowness`). The AMD EPYC of the earlier sessions wrote
# the same days 3 to 4 times slower (paris 6.5 to 7 s), and a fixed reserve measured there kept
# a paris night's search 7 s from its deadline here.
WRITE_SECONDS, WRITE_PER_STATION, WRITE_PER_REQUEST, WRITE_MARGIN = 0.4, 0.05, 0.0003, 2.0
# A fixed piece of pure Python (`_probe`) took PROBE_SECONDS on that machine; the best of
# three runs here, against it, says how much slower this one is now (never less than 1:
# a faster machine keeps the reserve).
PROBE_LOOPS, PROBE_SECONDS = 300_000, 0.014


def _probe() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(PROBE_LOOPS):
        total += i * i % 7
    return time.perf_counter() - started


@cache
def slowness() -> float:
    """How many times slower than the machine the reserve was measured on this one runs Python
    (measured once per process, before any worker starts, in about 45 ms)."""
    return max(1.0, min(_probe() for _attempt in range(3)) / PROBE_SECONDS)


def write_reserve(scenario: Scenario) -> float:
    drawn = min(len(scenario.stations), STATIONS_CHARTED)
    seconds = WRITE_SECONDS + WRITE_PER_STATION * drawn + WRITE_PER_REQUEST * len(scenario.requests)
    return WRITE_MARGIN * slowness() * seconds


def make_plan(scenario: Scenario, options: SolveOptions, settings: PlanSettings = PlanSettings(), *,
              previous: Plan | None = None, progress: Progress | None = None,
              stage: Callable[[Stage], None] = _noop, deadline: Deadline | None = None) -> PlanRun:
    """Solve, explain and check one day: the one path every planning command takes.

    `options.time_limit` bounds the whole job, by `deadline` when the command started the clock
    earlier (loading counts): the solver gets what is left once the explanations' share and
    the time to check and write the folder are set aside, and the explanations get what the
    solver leaves, up to `explain_time`. With `deterministic`, the solver's limit is its
    deterministic time (`time_limit` whole, so plans repeat) and the clock is not bounded.
    """
    deadline = deadline or Deadline.after(options.time_limit)
    slowness()  # measured now, before the worker processes take the cores
    parallel = previous is None and not settings.greedy and (settings.processes > 1 or settings.cluster) and (
        (len(scenario.requests) > settings.block_size and can_cut(scenario)) or len(components(scenario)) > 1)
    if not parallel:
        return _make_plan(scenario, options, settings, previous, progress, stage, deadline, None)
    # The worker processes start first: they import the solver while this one screens the day.
    with workers(settings.cluster, settings.processes) as pool:
        return _make_plan(scenario, options, settings, previous, progress, stage, deadline, pool)


def _make_plan(scenario: Scenario, options: SolveOptions, settings: PlanSettings, previous: Plan | None,
               progress: Progress | None, stage: Callable[[Stage], None], deadline: Deadline,
               pool: Executor | None) -> PlanRun:
    screening = screen(scenario)
    explain_share = 0.0
    greedy = None  # the search's start, built once (24 s on a national day)
    if settings.explain and not settings.greedy:
        # Explaining takes bounded re-solves only where a plannable request may be left out.
        greedy = best_greedy(scenario, screening)
        left_out = len(screening.options) - len(greedy.handovers)
        per_request = EXPLAIN_PER_REQUEST if len(screening.options) <= DISPLACEMENT_LARGEST else INSERTION_PER_REQUEST
        if left_out:
            explain_share = min(settings.explain_time, EXPLAIN_SHARE * options.time_limit,
                                EXPLAIN_SECONDS + per_request * left_out)
    solve_limit = options.time_limit if options.deterministic else \
        max(0.5, deadline.left() - write_reserve(scenario) - explain_share)
    recorded, options = options, replace(options, time_limit=solve_limit)
    stage(Stage.SOLVING)
    moved = None
    if previous is not None:
        result, moved = replan(scenario, previous, options, screening=screening, progress=progress)
    elif settings.greedy:
        result = solve_greedy(scenario, screening, options)
    elif pool is not None:
        stage(Stage.SOLVING_GROUPS)
        result = plan_day(scenario, options, pool, settings.block_size, settings.processes, progress=progress,
                          screening=screening, start=greedy)
    else:
        result = plan_day(scenario, options, None, progress=progress, screening=screening, start=greedy)
    result.options = recorded
    if settings.explain and stopped() is None:
        stage(Stage.EXPLAINING)
        budget = settings.explain_time if options.deterministic else \
            min(settings.explain_time, deadline.left() - write_reserve(scenario))
        # Displacement re-solves compare against an optimum: meaningless for greedy.
        result.plan = explain_unserved(
            scenario, screening, result.plan, budget=budget, workers=options.workers, seed=options.seed,
            solve_checks=not settings.greedy, deterministic=options.deterministic,
        )
    report = check_plan(scenario, result.plan)
    if not report.ok:
        raise PlanRejected(report.violations, scenario.name)
    return PlanRun(result, moved)


def write_plan_folder(target: Path, force: bool, scenario: Scenario, run: PlanRun, lang: str = "fr",
                      keep: tuple[Path, ...] = (), redact_parties: bool = False) -> None:
    """Publish the plan folder, report included, whole or not at all (never over `keep`)."""
    def write(folder: Path) -> None:
        written = write_plan_files(folder, scenario, run.result, run.changes, redact_parties=redact_parties)
        write_report(folder, lang, written)

    publish_folder(target, force, write, keep=keep)


@contextmanager
def _output_errors(target: Path) -> Iterator[None]:
    """An output that may not be replaced, is being written, or cannot be written (a parent
    that cannot be made, a read-only folder) is an input error."""
    try:
        yield
    except (OutputExists, OutputBusy) as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(_("cannot write {target}: {error}").format(target=target, error=exc.strerror or exc)) from None


def publish_folder(target: Path, force: bool, write: Callable[[Path], None], kind: str = "plan",
                   keep: tuple[Path, ...] = ()) -> None:
    """Publish a folder; one that may not be replaced, is being written, or cannot be written
    is an input error."""
    with _output_errors(target):
        publish(target, force, write, kind, keep)


@contextmanager
def reserved_output(target: Path, force: bool, keep: tuple[Path, ...] = ()) -> Iterator[None]:
    """Around a command's whole work: an output that exists (without --force), that --force
    may not replace, or that another process is writing stops the run before the solve, and
    no other process may start writing it until this one has published."""
    with ExitStack() as stack:
        with _output_errors(target):
            stack.enter_context(reserved(target))
            check_target(target, force, keep)
        yield


def read_previous(folder: Path, scenario: Scenario | None = None) -> Plan:
    """A plan folder's plan, once the whole folder passes the checker: against `scenario`, or
    against the scenario it was made for (its copy). A plan is never taken on trust: a
    tampered folder (a ghost request, a duplicated row, an edited table) is an input error."""
    if not Path(folder).is_dir():
        raise InputError(_("{folder} is not a plan folder (no such folder)").format(folder=folder))
    redacted = parties_redacted(folder)
    if redacted and scenario is None:
        raise InputError(_("{folder} was written with --redact-parties: its sellers and buyers are pseudonyms, so it "
                           "cannot be re-planned; re-plan from the folder written without that option").format(
            folder=folder))
    report = check_folder(scenario, folder)
    if not report.ok:
        count, hidden = len(report.violations), len(report.violations) - 5
        examples = "".join(f"\n  {v}" for v in report.violations[:5])
        more = ("\n  " + ngettext("… and {n} more", "… and {n} more", hidden).format(n=hidden)) if hidden > 0 else ""
        refusal = (ngettext("{folder} does not pass the checker against this scenario ({n} problem):",
                            "{folder} does not pass the checker against this scenario ({n} problems):", count)
                   if scenario is not None else
                   ngettext("{folder} does not pass the checker against the scenario it was made for ({n} problem):",
                            "{folder} does not pass the checker against the scenario it was made for ({n} problems):",
                            count))
        raise InputError(refusal.format(folder=folder, n=count) + examples + more)
    return restore_parties(read_plan(folder), scenario) if redacted else read_plan(folder)


# --------------------------------------------------------------------------- offer


@dataclass
class OfferRun:
    request: Request
    offers: Offers


def offer(scenario: Scenario, plan_dir: Path, request: Request, top: int) -> OfferRun:
    """Options for one new request beside a plan folder's plan, which must pass the checker."""
    current = read_previous(plan_dir, scenario)
    return OfferRun(request, offers(scenario, current, request, top))


# --------------------------------------------------------------------------- compare


def existing_plan(path: Path) -> Candidate:
    try:
        return Candidate(name="", source=path, folder=read_folder(path))
    except NotAPlanFolder as exc:
        raise InputError(_("Not a plan folder: {problem}").format(problem=exc)) from None


def compare(candidates: list[Candidate], target: Path, force: bool, options: SolveOptions, lang: str = "fr",
            stage: Callable[[str], None] = lambda name: None) -> list[str]:
    """Plan each scenario not yet planned, then write the comparison folder; returns the answers."""
    for candidate in candidates:
        if candidate.scenario is None:
            continue
        stage(candidate.name)
        candidate.result = make_plan(candidate.scenario, options, PlanSettings(explain=False)).result
    said: list[str] = []

    def write(folder: Path) -> None:
        for candidate in candidates:
            if candidate.scenario is None:
                continue
            plan_dir = folder / "plans" / candidate.name
            plan_dir.mkdir(parents=True)
            written = write_plan_files(plan_dir, candidate.scenario, candidate.result)
            write_report(plan_dir, lang, written)
            candidate.folder = read_folder(plan_dir, written)
            candidate.link = f"plans/{candidate.name}/report.html"
        said[:] = write_comparison(folder, target, candidates, lang)

    publish_folder(target, force, write, kind="comparison")
    return said


# --------------------------------------------------------------------------- sweep


def sweep(scenario: Scenario, ranges: dict[str, range], target_share: float, options: SolveOptions, target: Path,
          force: bool, processes: int = 2, cluster: str | None = None, all_levels: bool = False,
          counted: Callable[[int, int], None] | None = None) -> Sweep:
    """Plan every roster in the ranges and write sweep.csv and sweep.html."""
    with workers(cluster, processes) as pool:
        result = run_sweep(scenario, ranges, target_share, options, pool, all_levels, counted)

    def write(folder: Path) -> None:
        write_sweep_csv(result, folder / SWEEP_CSV)
        write_sweep_html(result, folder / SWEEP_HTML, scenario.name, current())

    publish_folder(target, force, write, kind="sweep")
    return result
