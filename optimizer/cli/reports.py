"""`remise report` and `remise compare`: the pages analysts and commissaires read."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..core.i18n import _, ngettext
from ..planfolder.folder import REPORT, NotAPlanFolder
from ..report.comparison import Candidate, default_comparison_folder, unique_names
from ..report.workload import write_report
from ..runs import compare as compare_run
from ..runs import existing_plan, reserved_output
from ..solvers.result import SolveOptions
from . import common
from .common import CsvDialect, Lang

app = typer.Typer(add_completion=False)


@app.command(help=_("Re-render report.html in a plan folder from its files, without solving."))
def report(
    plan_dir: Path = typer.Argument(..., help=_("Plan folder written by `remise plan` or `remise compare`.")),
    lang: Lang = common.LangOption,
) -> None:
    common.speak(lang)
    try:
        problems = write_report(plan_dir, lang.value)
    except NotAPlanFolder as exc:
        common.warn(_("Cannot write the report: {why}").format(why=exc))
        raise typer.Exit(code=2)
    if problems:
        common.warn(ngettext("{folder} fails the checker ({n} problem: {first}); the report says so at the top. "
                      "`remise check` lists them all.",
                      "{folder} fails the checker ({n} problems, e.g. {first}); the report says so at the top. "
                      "`remise check` lists them all.", len(problems)).format(
            folder=plan_dir, n=len(problems), first=problems[0]))
    common.say(_("Report written to {file}").format(file=plan_dir / REPORT))


@app.command(help=_("Put staffing choices side by side: the same figures for each scenario, and what changes."))
def compare(
    inputs: List[Path] = typer.Argument(
        ..., help=_("Two or more scenario YAML files (planned now) or plan folders; the first is the reference."),
        show_default=False,
    ),
    out_dir: Optional[Path] = typer.Option(None, "--out", help=_("Comparison folder (default: reports/compare-<first>-vs-<second>/).")),
    lang: Lang = common.LangOption,
    time_limit: float = common.TimeLimitOption(60.0, _("Seconds for each scenario to plan.")),
    workers: int = common.WorkersOption(),
    seed: int = common.SeedOption,
    deterministic: bool = typer.Option(False, "--deterministic", help=_("Reproducible search (same plans for the same seed and workers).")),
    force: bool = typer.Option(False, "--force", help=_("Replace an existing comparison folder.")),
    csv_dialect: CsvDialect = common.DialectOption,
) -> None:
    common.speak(lang, csv_dialect)
    if len(inputs) < 2:
        common.warn(_("compare needs at least two scenarios or plan folders."))
        raise typer.Exit(code=2)
    candidates: list[Candidate] = []
    for path in inputs:
        if path.is_dir():
            with common.exits():
                candidates.append(existing_plan(path))
        elif path.exists():
            loaded, _origins = common.load(path)
            candidates.append(Candidate(name="", source=path, scenario=loaded))
        else:
            common.warn(_("{path} does not exist (expected a scenario YAML file or a plan folder).").format(path=path))
            raise typer.Exit(code=2)
    unique_names(candidates)
    target = out_dir or default_comparison_folder(candidates, common.output_root())
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    with common.exits(), reserved_output(target, force):
        with common.activity(_("planning…")) as doing:
            said = compare_run(candidates, target, force, options, lang.value,
                               stage=lambda name: doing.stage(_("planning {name}…").format(name=name)))
    for line in said:
        common.out.print(line, highlight=False)
    common.say(_("Comparison written to {folder}").format(folder=target))
