"""`remise generate`: realistic days of any size, for benchmarks and trials."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..core.i18n import _
from ..scenario.generate import (
    CSV_ABOVE,
    SIZES,
    describe,
    generate,
    generate_fixed_interval,
    peak_overlap,
    section_paths,
    write_scenario,
)
from ..scenario.writing import refuse_overwrite
from .common import MAX_SEED, exits, say

app = typer.Typer(add_completion=False)


class Shape(str, Enum):
    realistic = "realistic"
    fixed_interval = "fixed-interval"


class Size(str, Enum):
    pilot = "pilot"
    paris = "paris"
    region = "region"
    national = "national"


@app.command("generate", help=_("Write a generated planning day: realistic (category mix, durations, windows, "
                                  "neighbours, shifts) or fixed-interval."))
def generate_command(
    size: Size = typer.Option(Size.pilot, "--size", help=_("Named size: pilot (3 stations, 60 requests), paris (20, "
                                                           "1,000), region (100, 5,000), national (1,000, 50,000).")),
    stations: Optional[int] = typer.Option(None, "--stations", min=1, max=10_000,
                                           help=_("Stations (overrides the size).")),
    requests: Optional[int] = typer.Option(None, "--requests", min=0, max=1_000_000,
                                           help=_("Requests (overrides the size).")),
    officers_per_station: Optional[float] = typer.Option(
        None, "--officers-per-station", min=0.01,
        help=_("Average officers per station (default: demand about 1.15 times the supervision caps)."),
    ),
    seed: int = typer.Option(..., "--seed", min=0, max=MAX_SEED, help=_("Random seed: one seed gives one day.")),
    out_file: Path = typer.Option(..., "--out", help=_("Scenario YAML file to write.")),
    csv_sections: Optional[bool] = typer.Option(
        None, "--csv/--no-csv", help=_("Write stations, officers and requests as CSV beside the YAML "
                                       "(default: above 2,000 requests)."), show_default=False,
    ),
    force: bool = typer.Option(False, "--force", help=_("Replace an existing file.")),
    shape: Shape = typer.Option(Shape.realistic, "--shape", help=_(
        "realistic (default), or fixed-interval: every request has one possible start, officers many skills, rooms "
        "for all, objective \\[served, officers] (a roster once the bookings are fixed).")),
) -> None:
    default_stations, default_requests = SIZES[size.value]
    k = stations if stations is not None else default_stations
    n = requests if requests is not None else default_requests
    with exits():
        refuse_overwrite(out_file, force)
        if csv_sections or (csv_sections is None and n > CSV_ABOVE):
            # The section files beside it are replaced only if the file replaced named them.
            named = out_file.read_text(encoding="utf-8", errors="replace") if out_file.exists() else ""
            for section in section_paths(out_file):
                if section.exists() and section.name not in named:
                    refuse_overwrite(section, force=False)
    name = out_file.stem if out_file.suffix in (".yaml", ".yml") else None
    if shape == Shape.fixed_interval:
        data = generate_fixed_interval(k, n, seed, name=name)
    else:
        data = generate(k, n, officers_per_station, seed, name=name)
    written = write_scenario(data, out_file, csv_sections)
    facts = describe(data)
    say(_("{stations} stations, {officers} officers, {requests} requests ({forbidden} forbidden); handover minutes / "
          "supervision caps = {demand_over_caps}").format(**facts)
        + (_("; peak overlap {peak} (officers needed at least)").format(peak=peak_overlap(data))
           if shape == Shape.fixed_interval else ""))
    for path in written:
        say(_("wrote {file}").format(file=path))
