"""`remise serve` and `remise db ...`: the booking platform and its database."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

import typer
import uvicorn

from ..core.i18n import _, ngettext
from ..scenario.writing import refuse_overwrite
from ..service.app import create_app
from ..service.days import load_day
from ..service.days import purge as purge_days
from ..service.db.engine import writing
from ..service.nightly import export_files
from ..service.settings import Settings
from .common import exits, load, say

app = typer.Typer(add_completion=False)
db = typer.Typer(help=_("The booking platform's database: open a day from a scenario, export it back, purge old days."),
                 no_args_is_help=True)
app.add_typer(db, name="db")

DbOption = typer.Option(None, "--db", help=_("Database: a SQLite file or a postgresql+psycopg:// URL "
                                            "(default: $REMISE_DB, else remise.db)."), show_default=False)


def _settings(database: Optional[str]) -> Settings:
    with exits():
        return Settings.from_env(database)


def _load(scenario_path: Path, settings: Settings) -> None:
    scenario, _origins = load(scenario_path)
    with exits(), writing(settings.database) as session:
        day, created = load_day(session, scenario)
        kept = sum(1 for r in day.requests if r.origin != "scenario" and r.status != "cancelled")
    facts = {"date": scenario.date.isoformat(), "file": scenario_path, "stations": len(scenario.stations),
             "officers": len(scenario.officers), "requests": len(scenario.requests), "kept": kept}
    text = (_("{date} opened from {file}: {stations} stations, {officers} officers, {requests} requests of the "
              "scenario") if created else
            _("{date} updated from {file}: {stations} stations, {officers} officers, {requests} requests of the "
              "scenario"))
    say(text.format(**facts) + (_(", {kept} bookings and requests of the platform kept").format(**facts) if kept else ""))


@db.command("load", help=_("Open a day for booking from a scenario, or update it (bookings already made are kept)."))
def db_load(
    scenario: Path = typer.Argument(..., help=_("Scenario YAML file of the day to open (or update).")),
    database: Optional[str] = DbOption,
) -> None:
    _load(scenario, _settings(database))


@db.command("export", help=_("Write a day back as a scenario file: bookings become requests locked on their "
                              "station and start."))
def db_export(
    day: datetime = typer.Option(..., "--date", formats=["%Y-%m-%d"], help=_("The day (YYYY-MM-DD).")),
    out_file: Path = typer.Option(..., "--out", help=_("Scenario YAML file to write.")),
    database: Optional[str] = DbOption,
    plan_dir: Optional[Path] = typer.Option(None, "--plan", help=_("Also write, as a plan folder, where every "
                                                                   "request stands now (bookings where they were "
                                                                   "placed).")),
    force: bool = typer.Option(False, "--force", help=_("Replace an existing file (and plan folder).")),
) -> None:
    settings = _settings(database)
    with exits():
        refuse_overwrite(out_file, force)
        scenario = export_files(settings.database, day.date(), out_file, plan_dir, force)
    say(_("wrote {file}: {requests} requests, {confirmed} of them confirmed").format(
        file=out_file, requests=len(scenario.requests), confirmed=sum(1 for r in scenario.requests if r.locked is not None))
        + (_("; and the plan folder {folder}").format(folder=plan_dir) if plan_dir is not None else ""))


@db.command("purge", help=_("Delete the days older than the retention period, with their requests and the party "
                             "ids they hold."))
def db_purge(
    database: Optional[str] = DbOption,
    retention_days: Optional[int] = typer.Option(None, "--retention-days", min=0,
                                                  help=_("Keep days this recent (default: $REMISE_RETENTION_DAYS, "
                                                         "else 30).")),
) -> None:
    settings = _settings(database)
    keep = settings.retention_days if retention_days is None else retention_days
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    with exits(), writing(settings.database) as session:
        gone = purge_days(session, keep, today)
    say(ngettext("purged {n} day before {today} minus {keep} days", "purged {n} days before {today} minus {keep} days",
                 len(gone)).format(n=len(gone), today=today.isoformat(), keep=keep)
        + (": " + ", ".join(d.isoformat() for d in gone) if gone else ""))


@app.command(help=_("Run the booking platform: the booking page at /, the JSON API at /api/v1 (docs at "
                    "/api/docs)."))
def serve(
    scenario: Optional[Path] = typer.Argument(None, help=_("A scenario to open for booking first (optional)."),
                                              show_default=False),
    database: Optional[str] = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help=_("Address to listen on.")),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help=_("Port to listen on.")),
    workers: int = typer.Option(1, "--workers", min=1, max=32, help=_("Server processes (one per core serves most).")),
) -> None:
    settings = _settings(database)
    if scenario is not None:
        _load(scenario, settings)
    with exits():
        application = create_app(settings)
    say(_("remise serves {database} on http://{host}:{port}/ (API docs: /api/docs); Ctrl-C stops it").format(
        database=settings.database, host=host, port=port))
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_level="info", access_log=False)
    else:
        os.environ["REMISE_DB"] = settings.database  # what each worker process reads
        uvicorn.run("optimizer.service.asgi:app", host=host, port=port, workers=workers, log_level="info",
                    access_log=False)
