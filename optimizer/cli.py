"""The `remise` command: load and validate, solve, check, write."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .check import check_folder, check_plan
from .errors import ScenarioError
from .loading import load_scenario
from .output import OutputExists, publish, write_plan_files
from .screening import screen
from .solve import SolveOptions, solve
from .summary import print_summary
from .timeutil import format_time

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
    for base in (Path.cwd(), Path(__file__).resolve().parent.parent):
        candidate = base / "scenarios" / "paris-pilot.yaml"
        if candidate.exists():
            return candidate
    return Path("scenarios/paris-pilot.yaml")


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
    from .metrics import officer_loads

    plan = result.plan
    table = Table(title=f"Plan for {scenario.name} on {scenario.date.isoformat()}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value")
    table.add_row("served", f"{len(plan.handovers)} of {len(scenario.requests)} requests")
    reasons: dict[str, int] = {}
    for row in plan.unserved:
        reasons[row.reason] = reasons.get(row.reason, 0) + 1
    table.add_row("unserved", ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) or "none")
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
) -> None:
    """Plan the day: every request gets a station, place, start and officer, or a reason."""
    loaded, origins = _load(scenario)
    target = out_dir or Path("reports") / loaded.name / loaded.date.isoformat()
    if target.exists() and not force:
        err.print(f"{target} already exists; use --force to replace it.", highlight=False)
        raise typer.Exit(code=2)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    with err.status("solving…") as status:
        result = solve(loaded, options, progress=_progress_printer(status))
    report = check_plan(loaded, result.plan)
    if not report.ok:
        err.print("[bold red]Bug: the plan fails the checker; nothing was written.[/bold red] Please report it with the scenario.")
        for violation in report.violations:
            err.print(f"  {violation}", markup=False, highlight=False)
        raise typer.Exit(code=3)
    try:
        publish(target, force, lambda folder: write_plan_files(folder, loaded, result))
    except OutputExists as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(code=2)
    _print_result(loaded, result)
    out.print(f"Plan written to {target}", highlight=False)


@app.command()
def check(
    scenario: Path = typer.Argument(..., help="Scenario YAML file the plan was made for."),
    plan_dir: Path = typer.Argument(..., help="Plan folder with plan.csv and unserved.csv."),
) -> None:
    """Check a plan folder against every hard rule, trusting nothing in it."""
    loaded, _ = _load(scenario)
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


from .cli_report import register as _register_report_commands  # noqa: E402

_register_report_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
