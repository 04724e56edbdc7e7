"""`remise report` and `remise compare` (registered on the main app)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

out = Console()
err = Console(stderr=True)


class Lang(str, Enum):
    fr = "fr"
    en = "en"


LangOption = typer.Option(Lang.fr, "--lang", help="Language of the report: fr (default) or en.")


def report(
    plan_dir: Path = typer.Argument(..., help="Plan folder written by `remise plan` or `remise compare`."),
    lang: Lang = LangOption,
) -> None:
    """Re-render report.html in a plan folder from its files, without solving."""
    from ..report.workload import NotAPlanFolder, write_report

    try:
        write_report(plan_dir, lang.value)
    except NotAPlanFolder as exc:
        err.print(f"[bold red]Cannot write the report:[/bold red] {exc}", highlight=False)
        raise typer.Exit(code=2)
    out.print(f"Report written to {plan_dir / 'report.html'}", highlight=False)


def compare(
    inputs: List[Path] = typer.Argument(
        ..., help="Two or more scenario YAML files (planned now) or plan folders; the first is the reference.",
        show_default=False,
    ),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Comparison folder (default: reports/compare-<first>-vs-<second>/)."),
    lang: Lang = LangOption,
    time_limit: float = typer.Option(60.0, "--time-limit", min=0.1, help="Seconds for each scenario to plan."),
    workers: int = typer.Option(8, "--workers", min=1, help="CP-SAT workers."),
    seed: int = typer.Option(0, "--seed", help="CP-SAT random seed."),
    deterministic: bool = typer.Option(False, "--deterministic", help="Reproducible search (same plans for the same seed and workers)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing comparison folder."),
) -> None:
    """Put staffing choices side by side: the same figures for each scenario, and what changes."""
    from ..check import check_plan
    from .app import _load, _publish
    from ..report.comparison import Candidate, default_folder, unique_names, write_comparison
    from ..planfolder.folder import write_plan_files
    from ..report.workload import NotAPlanFolder, read_plan_folder, write_report
    from ..solvers.cpsat import SolveOptions, solve

    if len(inputs) < 2:
        err.print("compare needs at least two scenarios or plan folders.", highlight=False)
        raise typer.Exit(code=2)
    candidates: list[Candidate] = []
    for path in inputs:
        if path.is_dir():
            try:
                candidates.append(Candidate(name="", source=path, folder=read_plan_folder(path)))
            except NotAPlanFolder as exc:
                err.print(f"[bold red]Not a plan folder:[/bold red] {exc}", highlight=False)
                raise typer.Exit(code=2)
        elif path.exists():
            loaded, _ = _load(path)
            candidates.append(Candidate(name="", source=path, scenario=loaded))
        else:
            err.print(f"{path} does not exist (expected a scenario YAML file or a plan folder).", highlight=False)
            raise typer.Exit(code=2)
    unique_names(candidates)
    target = out_dir or default_folder(candidates)
    if target.exists() and not force:
        err.print(f"{target} already exists; use --force to replace it.", highlight=False)
        raise typer.Exit(code=2)

    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    for candidate in candidates:
        if candidate.scenario is None:
            continue
        with err.status(f"planning {candidate.name}…"):
            candidate.result = solve(candidate.scenario, options)
        checked = check_plan(candidate.scenario, candidate.result.plan)
        if not checked.ok:
            err.print(f"[bold red]Bug: the plan of {candidate.name} fails the checker; nothing was written.[/bold red]")
            for violation in checked.violations:
                err.print(f"  {violation}", markup=False, highlight=False)
            raise typer.Exit(code=3)

    said: list[str] = []

    def write(folder: Path) -> None:
        for candidate in candidates:
            if candidate.scenario is None:
                continue
            plan_dir = folder / "plans" / candidate.name
            plan_dir.mkdir(parents=True)
            write_plan_files(plan_dir, candidate.scenario, candidate.result)
            write_report(plan_dir, lang.value)
            candidate.folder = read_plan_folder(plan_dir)
            candidate.link = f"plans/{candidate.name}/report.html"
        said[:] = write_comparison(folder, target, candidates, lang.value)

    _publish(target, force, write)
    for line in said:
        out.print(line, highlight=False)
    out.print(f"Comparison written to {target}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the report commands to the app."""
    app.command()(report)
    app.command()(compare)
