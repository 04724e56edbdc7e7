"""The `remise` command: load and validate, solve, check, write."""

from __future__ import annotations

from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from ..check import check_folder, check_plan
from ..solvers.decompose import BLOCK_LIMIT
from ..core.problems import ScenarioError
from ..scenario.loading import load_scenario
from ..planfolder.folder import OutputExists, publish, write_plan_files
from ..screening import screen
from ..solvers.cpsat import SolveOptions, solve
from .day_summary import print_summary
from ..core.times import format_time

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="remise: plan safe in-person handovers of goods sold online inside police stations.",
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


def default_scenario() -> Path:
    """The bundled pilot, found from the working folder or from this checkout."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidate = base / "scenarios" / "paris-pilot.yaml"
        if candidate.exists():
            return candidate
    return Path("scenarios/paris-pilot.yaml")


class Solver(str, Enum):
    cpsat = "cp-sat"
    greedy = "greedy"


ScenarioArg = typer.Argument(None, help="Scenario YAML file (default: scenarios/paris-pilot.yaml).", show_default=False)


def _load(path: Optional[Path]):
    path = path or default_scenario()
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        err.print(f"[bold red]Invalid scenario[/bold red] ({len(exc.problems)} problem{'s' if len(exc.problems) > 1 else ''}):",
                  highlight=False)
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False)
        raise typer.Exit(code=2)


@app.command()
def validate(scenario: Optional[Path] = ScenarioArg) -> None:
    """Check a scenario and summarise the day: places, officers, demand, screening."""
    loaded, origins = _load(scenario)
    print_summary(out, loaded, screen(loaded), origins.scenario_file)
    out.print("[green]The scenario is valid.[/green]")


def _progress_printer(status):
    def progress(level: str, best: float, bound: float, elapsed: float) -> None:
        status.update(f"solving [bold]{level}[/bold]: best {best:g}, bound {bound:g}, {elapsed:.1f} s")
    return progress


def _print_result(scenario, result) -> None:
    from ..planfolder.metrics import officer_loads

    plan = result.plan
    table = Table(title=f"Plan for {scenario.name} on {scenario.date.isoformat()}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value")
    table.add_row("served", f"{len(plan.handovers)} of {len(scenario.requests)} requests")
    reasons = plan.unserved_by_reason()
    table.add_row("unserved", ", ".join(f"{n} {r}" for r, n in reasons.items()) or "none")
    loads = officer_loads(scenario, plan)
    used = [o for o in loads if o.handovers]
    table.add_row("officers mobilised", f"{len(used)} of {len(loads)}")
    if used:
        busiest = max(used, key=lambda o: (o.supervised_minutes, o.officer))
        table.add_row("busiest officer", f"{busiest.officer}: {busiest.supervised_minutes} of {busiest.cap} min")
    for level in result.levels:
        state = level.status if level.status == "optimal" else f"{level.status}, bound {level.bound}, gap {level.gap:.1%}"
        table.add_row(f"level {level.name}", f"{level.value} ({state}, {level.seconds:.1f} s)")
    out.print(table)


@app.command()
def plan(
    scenario: Optional[Path] = ScenarioArg,
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Plan folder (default: reports/<name>/<date>/)."),
    time_limit: float = typer.Option(60.0, "--time-limit", min=0.1, help="Seconds for all objective levels together."),
    workers: int = typer.Option(8, "--workers", min=1, help="CP-SAT workers."),
    seed: int = typer.Option(0, "--seed", help="CP-SAT random seed."),
    deterministic: bool = typer.Option(False, "--deterministic", help="Reproducible search (same files for the same seed and workers)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing plan folder."),
    explain: bool = typer.Option(True, "--explain/--no-explain", help="Name the resources that keep each 'capacity' request out."),
    explain_time: float = typer.Option(30.0, "--explain-time", min=0.0, help="Seconds for the explanations' bounded solves."),
    solver: Solver = typer.Option(Solver.cpsat, "--solver", help="cp-sat (default), or greedy: the first-come-first-served baseline."),
    processes: int = typer.Option(2, "--processes", min=1, help="Local processes for independent groups of stations and for blocks."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Dask scheduler address (host:port) for independent groups of stations."),
    block_size: int = typer.Option(BLOCK_LIMIT, "--block-size", min=100, help="Above this many requests, plan in rounds of small blocks around the plan so far."),
) -> None:
    """Plan the day: every request gets a station, place, start and officer, or a reason."""
    loaded, _ = _load(scenario)
    target = _target(out_dir, loaded, force)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    _plan_and_write(loaded, options, target, force, explain, explain_time, greedy=solver == Solver.greedy,
                    processes=processes, cluster=cluster, block_size=block_size)


def _publish(target: Path, force: bool, write) -> None:
    """Write a folder atomically; a folder that cannot be written is the user's to fix (exit 2)."""
    try:
        publish(target, force, write)
    except OutputExists as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(code=2)
    except OSError as exc:
        err.print(f"cannot write {target}: {exc}", highlight=False, markup=False)
        raise typer.Exit(code=2)


@contextmanager
def _pool(cluster: Optional[str], processes: int):
    """Local processes, or the Dask cluster; an unreachable cluster is an input error."""
    from ..solvers.parallel import executor

    try:
        manager = executor(cluster, processes)
        pool = manager.__enter__()
    except (OSError, ValueError, TimeoutError) as exc:
        err.print(f"cannot reach the cluster at {cluster}: {exc}", highlight=False, markup=False)
        raise typer.Exit(code=2)
    try:
        yield pool
    finally:
        manager.__exit__(None, None, None)


def _target(out_dir: Optional[Path], scenario, force: bool) -> Path:
    target = out_dir or Path("reports") / scenario.name / scenario.date.isoformat()
    if target.exists() and not force:
        err.print(f"{target} already exists; use --force to replace it.", highlight=False)
        raise typer.Exit(code=2)
    return target


def _plan_and_write(loaded, options, target, force, explain, explain_time, previous=None, greedy=False,
                    processes=1, cluster=None, block_size=BLOCK_LIMIT) -> None:
    """Solve, explain, check, write: the one path every planning command takes."""
    from ..whatif.explain import explain_unserved
    from ..whatif.replan import CHANGE_COLUMNS, change_rows, changes
    from ..planfolder.folder import write_csv

    screening = screen(loaded)
    with err.status("solving…") as status:
        from ..solvers.decompose import components

        if greedy:
            from ..solvers.greedy import solve_greedy

            result = solve_greedy(loaded, screening, options)
        elif previous is None and (len(components(loaded)) > 1 or len(loaded.requests) > block_size) \
                and (processes > 1 or cluster):
            from ..solvers.decompose import plan_day

            status.update("solving groups of stations in parallel…")
            with _pool(cluster, processes) as pool:
                result = plan_day(loaded, options, pool, block_size, processes, screening=screening)
        else:
            result = solve(loaded, options, progress=_progress_printer(status), screening=screening, previous=previous)
        if explain:
            status.update("explaining the unserved requests…")
            # Displacement re-solves compare against an optimum: meaningless for greedy.
            result.plan = explain_unserved(
                loaded, screening, result.plan, budget=explain_time, workers=options.workers, seed=options.seed,
                solve_checks=not greedy,
            )
    report = check_plan(loaded, result.plan)
    if not report.ok:
        err.print("[bold red]Bug: the plan fails the checker; nothing was written.[/bold red] Please report it with the scenario.")
        for violation in report.violations:
            err.print(f"  {violation}", markup=False, highlight=False)
        raise typer.Exit(code=3)
    moved = changes(loaded, previous, result.plan) if previous is not None else None

    def write(folder: Path) -> None:
        from ..report.workload import write_report  # imported here: matplotlib is slow to import

        write_plan_files(folder, loaded, result)
        if moved is not None:
            write_csv(folder / "changes.csv", CHANGE_COLUMNS, change_rows(moved))
        write_report(folder)

    _publish(target, force, write)
    _print_result(loaded, result)
    if moved is not None:
        kinds: dict[str, int] = {}
        for change in moved:
            kinds[change.change] = kinds.get(change.change, 0) + 1
        out.print("Changes: " + (", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"), highlight=False)
    out.print(f"Plan written to {target}", highlight=False)


@app.command()
def replan(
    scenario: Path = typer.Argument(..., help="The changed scenario."),
    previous_dir: Path = typer.Option(..., "--previous", help="The published plan folder to stay close to."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="New plan folder (default: reports/<name>/<date>/)."),
    time_limit: float = typer.Option(60.0, "--time-limit", min=0.1),
    workers: int = typer.Option(8, "--workers", min=1),
    seed: int = typer.Option(0, "--seed"),
    deterministic: bool = typer.Option(False, "--deterministic"),
    force: bool = typer.Option(False, "--force", help="Replace an existing plan folder."),
    explain: bool = typer.Option(True, "--explain/--no-explain"),
    explain_time: float = typer.Option(30.0, "--explain-time", min=0.0),
) -> None:
    """Re-plan a changed day, moving the fewest published appointments; writes changes.csv."""
    from ..check import read_plan

    loaded, _ = _load(scenario)
    try:
        previous = read_plan(previous_dir)
    except ValueError as exc:
        err.print(f"{previous_dir}: not a readable plan folder: {exc}", highlight=False, markup=False)
        raise typer.Exit(code=2)
    target = _target(out_dir, loaded, force)
    if target.resolve() == previous_dir.resolve():
        err.print("--out must differ from --previous: the published plan is kept as it was.", highlight=False)
        raise typer.Exit(code=2)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    _plan_and_write(loaded, options, target, force, explain, explain_time, previous=previous)


@app.command()
def offer(
    scenario: Path = typer.Argument(..., help="The scenario the plan was made for."),
    plan_dir: Path = typer.Option(..., "--plan", help="The current plan folder (kept fixed)."),
    request_file: Path = typer.Option(..., "--request", help="YAML file with the one new request."),
    top: int = typer.Option(5, "--top", min=1, help="How many options at most."),
    as_json: bool = typer.Option(False, "--json", help="Print the options as JSON (for the booking platform)."),
) -> None:
    """Options for one new request beside the current plan, best first."""
    import json

    from ..check import read_plan
    from ..core.problems import ScenarioError
    from ..scenario.loading import load_request
    from ..whatif.offer import offers

    loaded, _ = _load(scenario)
    try:
        request = load_request(request_file, loaded)
    except ScenarioError as exc:
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False)
        raise typer.Exit(code=2)
    try:
        current = read_plan(plan_dir)
    except ValueError as exc:
        err.print(f"{plan_dir}: not a readable plan folder: {exc}", highlight=False, markup=False)
        raise typer.Exit(code=2)
    fixed = check_plan(loaded, current)
    if not fixed.ok:
        err.print(f"{plan_dir} is not a valid plan for this scenario ({len(fixed.violations)} violation(s)), e.g.:",
                  highlight=False, markup=False)
        for violation in fixed.violations[:5]:
            err.print(f"  {violation}", highlight=False, markup=False)
        raise typer.Exit(code=2)
    found, reason = offers(loaded, current, request, top)
    if as_json:
        out.print_json(json.dumps({
            "request_id": request.id,
            "options": [
                {"station": o.station, "start": format_time(o.start), "end": format_time(o.end),
                 "place": o.place, "officer": o.officer} for o in found
            ],
            "reason": reason,
        }))
        return
    if not found:
        out.print(f"No option for {request.id}: {reason}", highlight=False, markup=False)
        return
    table = Table(title=f"Options for {request.id}", title_justify="left")
    for column in ("#", "station", "start", "end", "place", "officer"):
        table.add_column(column)
    for number, o in enumerate(found, start=1):
        table.add_row(str(number), o.station, format_time(o.start), format_time(o.end), o.place, o.officer)
    out.print(table)


@app.command()
def check(
    scenario: Path = typer.Argument(..., help="Scenario YAML file the plan was made for."),
    plan_dir: Path = typer.Argument(..., help="Plan folder with plan.csv and unserved.csv."),
) -> None:
    """Check a plan folder against every hard rule, trusting nothing in it."""
    loaded, _ = _load(scenario)
    if not (plan_dir / "plan.csv").is_file() or not (plan_dir / "unserved.csv").is_file():
        err.print(f"{plan_dir} is not a plan folder (plan.csv and unserved.csv are needed).", highlight=False)
        raise typer.Exit(code=2)
    report = check_folder(loaded, plan_dir)
    levels = ", ".join(f"{name} {value}" for name, value in report.levels.items())
    if report.ok:
        out.print(f"[green]The plan respects every rule.[/green] Levels: {levels}", highlight=False)
        return
    out.print(f"[bold red]{len(report.violations)} violation(s):[/bold red]")
    for violation in report.violations:
        out.print(f"  {violation}", markup=False, highlight=False)
    out.print(f"Levels recomputed from the plan: {levels}", highlight=False)
    raise typer.Exit(code=1)


from .generate import register as _register_perf_commands  # noqa: E402
from .reports import register as _register_report_commands  # noqa: E402

_register_report_commands(app)
_register_perf_commands(app)


@app.command()
def sweep(
    scenario: Path = typer.Argument(..., help="The scenario whose roster is swept."),
    officers: list[str] = typer.Option(..., "--officers", help="STATION=MIN..MAX officers to keep (roster order); repeat per station."),
    target: float = typer.Option(0.95, "--target", min=0.0, max=1.0, help="Share of servable requests to reach."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Folder for sweep.csv and sweep.html (default: reports/<name>/<date>/sweep/)."),
    time_limit: float = typer.Option(10.0, "--time-limit", min=0.1, help="Seconds per variant."),
    workers: int = typer.Option(8, "--workers", min=1, help="CP-SAT workers per variant."),
    seed: int = typer.Option(0, "--seed"),
    deterministic: bool = typer.Option(False, "--deterministic", help="Reproducible search (same results locally and on a cluster)."),
    all_levels: bool = typer.Option(False, "--all-levels", help="Solve every objective level, not only 'served'."),
    processes: int = typer.Option(2, "--processes", min=1, help="Local worker processes."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Dask scheduler address (host:port) to run the variants on."),
    force: bool = typer.Option(False, "--force", help="Replace an existing sweep folder."),
) -> None:
    """How many officers, per station, keep the share of requests served at the target."""
    from ..whatif.sweep import parse_ranges, run_sweep
    from ..report.sweep import answers, write_csv, write_html

    loaded, _ = _load(scenario)
    ranges, problems = parse_ranges(officers, loaded)
    if problems:
        for problem in problems:
            err.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(code=2)
    target_dir = out_dir or Path("reports") / loaded.name / loaded.date.isoformat() / "sweep"
    if target_dir.exists() and not force:
        err.print(f"{target_dir} already exists; use --force to replace it.", highlight=False)
        raise typer.Exit(code=2)
    from ..whatif.sweep import MAX_VARIANTS, variants

    count = len(variants(loaded, ranges)[1])
    if count > MAX_VARIANTS:
        err.print(f"--officers: {count} rosters to plan, more than {MAX_VARIANTS}; narrow the ranges.", highlight=False)
        raise typer.Exit(code=2)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    with err.status("sweeping rosters…"), _pool(cluster, processes) as pool:
        result = run_sweep(loaded, ranges, target, options, pool, all_levels)

    def write(folder: Path) -> None:
        write_csv(result, folder / "sweep.csv")
        write_html(result, folder / "sweep.html", loaded.name)

    _publish(target_dir, force, write)
    for sentence in answers(result):
        out.print(sentence, highlight=False, markup=False)
    out.print(f"Sweep written to {target_dir}", highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
