"""`remise replan`, `offer` and `sweep`: what changes around a plan."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..core.i18n import _, integer
from ..core.problems import printable
from ..core.sentences import detail, reason_label
from ..core.times import format_time
from ..report.sweep import answers
from ..runs import PlanSettings, read_previous, reserved_output, use_cluster
from ..runs import offer as offer_run
from ..runs import sweep as sweep_run
from ..scenario.loading import load_request
from ..solvers.result import SolveOptions
from ..whatif.sweep import MAX_VARIANTS, parse_ranges, variants
from .common import (
    CsvDialect,
    DialectOption,
    ExplainTimeOption,
    Lang,
    LangOption,
    PlainTable,
    ProcessesOption,
    SeedOption,
    TimeLimitOption,
    WorkersOption,
    activity,
    exits,
    load,
    out,
    say,
    speak,
    warn,
)
from .planning import default_folder, plan_and_write

app = typer.Typer(add_completion=False)


@app.command(help=_("Re-plan a changed day, moving the fewest published appointments; writes changes.csv."))
def replan(
    scenario: Path = typer.Argument(..., help=_("The changed scenario.")),
    previous_dir: Path = typer.Option(..., "--previous", help=_("The published plan folder to stay close to.")),
    out_dir: Optional[Path] = typer.Option(None, "--out", help=_("New plan folder (default: reports/<name>/<date>-replan/, beside the plan's).")),
    time_limit: float = TimeLimitOption(60.0, _("Seconds for the whole command, explanations and writing included.")),
    workers: int = WorkersOption(),
    seed: int = SeedOption,
    deterministic: bool = typer.Option(False, "--deterministic", help=_("Reproducible search (same files for the same seed and workers).")),
    force: bool = typer.Option(False, "--force", help=_("Replace an existing plan folder that remise wrote.")),
    explain: bool = typer.Option(True, "--explain/--no-explain", help=_("Name the resources that keep each 'capacity' request out.")),
    explain_time: float = ExplainTimeOption(),
    lang: Lang = LangOption,
    csv_dialect: CsvDialect = DialectOption,
) -> None:
    speak(lang, csv_dialect)
    loaded, _origins = load(scenario)
    target = out_dir or default_folder(loaded, "replan")
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
    # The published plan is kept as it was: --out may be neither it nor a folder holding it.
    with exits(), reserved_output(target, force, keep=(previous_dir,)):
        previous = read_previous(previous_dir)
        plan_and_write(loaded, options, PlanSettings(explain=explain, explain_time=explain_time), target, force,
                       previous=previous, keep=(previous_dir,))


@app.command(help=_("Options for one new request beside the current plan, best first."))
def offer(
    scenario: Path = typer.Argument(..., help=_("The scenario the plan was made for.")),
    plan_dir: Path = typer.Option(..., "--plan", help=_("The current plan folder (kept fixed).")),
    request_file: Path = typer.Option(..., "--request", help=_("YAML file with the one new request.")),
    top: int = typer.Option(5, "--top", min=1, max=100, help=_("How many options at most.")),
    as_json: bool = typer.Option(False, "--json", help=_("Print the options as JSON (for the booking platform).")),
    lang: Lang = LangOption,
) -> None:
    speak(lang)
    loaded, _origins = load(scenario)
    with exits():
        request = load_request(request_file, loaded)
        run = offer_run(loaded, plan_dir, request, top)
    found = run.offers
    sentence = detail(found.findings) if found.reason else ""
    reason = f"{reason_label(found.reason)}: {sentence}" if found.reason else ""
    if as_json:
        # The reason as a code (for programs) and a sentence in the command's language (for people).
        out.print_json(json.dumps({
            "request_id": request.id,
            "date": loaded.date.isoformat(),
            "options": [
                {"date": loaded.date.isoformat(), "station": o.station, "start": format_time(o.start),
                 "end": format_time(o.end), "place": o.place, "officer": o.officer} for o in found.options
            ],
            "reason": str(found.reason) if found.reason else None,
            "reason_text": sentence or None,
        }))
        return
    if not found.options:
        say(_("No option for {request}: {reason}").format(request=request.id, reason=reason))
        return
    table = PlainTable(title=escape(printable(_("Options for {request}").format(request=request.id))), title_justify="left")
    for column in ("#", _("station"), _("start"), _("end"), _("place"), _("officer")):
        table.add_column(column)
    for number, o in enumerate(found.options, start=1):
        table.add_row(str(number), o.station, format_time(o.start), format_time(o.end), o.place, o.officer)
    out.print(table)


@app.command(help=_("How many officers, per station, keep the share of requests served at the target."))
def sweep(
    scenario: Path = typer.Argument(..., help=_("The scenario whose roster is swept.")),
    officers: list[str] = typer.Option(..., "--officers", help=_("STATION=MIN..MAX officers to keep (roster order); repeat per station.")),
    target: float = typer.Option(0.95, "--target", min=0.0, max=1.0, help=_("Share of servable requests to reach.")),
    out_dir: Optional[Path] = typer.Option(None, "--out", help=_("Folder for sweep.csv and sweep.html (default: reports/<name>/<date>-sweep/, beside the plan's).")),
    time_limit: float = TimeLimitOption(10.0, _("Seconds per variant.")),
    workers: int = WorkersOption(_("CP-SAT workers per variant.")),
    seed: int = SeedOption,
    deterministic: bool = typer.Option(False, "--deterministic", help=_("Reproducible search (same results locally and on a cluster).")),
    all_levels: bool = typer.Option(False, "--all-levels", help=_("Solve every objective level, not only 'served'.")),
    processes: int = ProcessesOption(_("Local worker processes.")),
    cluster: Optional[str] = typer.Option(None, "--cluster", help=_("Dask scheduler address (host:port) to run the variants on.")),
    force: bool = typer.Option(False, "--force", help=_("Replace an existing sweep folder.")),
    lang: Lang = LangOption,
    csv_dialect: CsvDialect = DialectOption,
) -> None:
    speak(lang, csv_dialect)
    loaded, _origins = load(scenario)
    ranges, problems = parse_ranges(officers, loaded)
    if problems:
        for problem in problems:
            warn(f"  {problem}")
        raise typer.Exit(code=2)
    target_dir = out_dir or default_folder(loaded, "sweep")
    with exits(), reserved_output(target_dir, force):
        use_cluster(cluster)
        count = len(variants(loaded, ranges)[1])
        if count > MAX_VARIANTS:
            warn(_("--officers: {count} rosters to plan, more than {most}; narrow the ranges.").format(
                count=count, most=MAX_VARIANTS))
            raise typer.Exit(code=2)
        options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic)
        started = time.monotonic()
        with activity(_("sweeping rosters…")) as doing:
            def counted(finished: int, total: int) -> None:
                # The rosters left at the pace of those done: an estimate, said as one.
                left = (time.monotonic() - started) / finished * (total - finished) if finished else 0.0
                doing.stage(_("roster {finished} of {total} planned, about {seconds} s left").format(
                    finished=finished, total=total, seconds=integer(left)))

            result = sweep_run(loaded, ranges, target, options, target_dir, force, processes, cluster, all_levels,
                               counted)
    for sentence in answers(result):
        say(sentence)
    say(_("Sweep written to {folder}").format(folder=target_dir))
