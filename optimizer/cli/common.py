"""What every command shares: the consoles, loading a scenario, and turning faults into exit codes.

Exit codes: 0 success, 1 `check` found violations, 2 bad input (every problem listed,
no traceback), 3 remise's own plan failed its checker (a bug; nothing written).
"""

from __future__ import annotations

import logging
import sys
import time
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .. import STARTED
from ..core.csvfile import CSV, DIALECTS, use_dialect
from ..core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, ngettext, use_language
from ..core.problems import InputError, PlanRejected, ScenarioError, printable
from ..scenario.loading import load_scenario
from ..scenario.origins import Origins
from ..scenario.schema import Scenario

out = Console()
err = Console(stderr=True)

# Bounds of the numeric options: CP-SAT's seed is a 32-bit integer, and a day is a day.
MAX_SEED, MAX_SECONDS, MAX_WORKERS = 2**31 - 1, 24 * 3600, 64

# The help texts here and in the commands are translated at import, in the help's language
# (`config.help_language()`, see `cli/__init__.py`), not in the command's --lang.
ScenarioArg = typer.Argument(None, help=_("Scenario YAML file (default: scenarios/paris-pilot.yaml)."),
                             show_default=False)


# The choices of --lang and --csv-dialect, from the one list of each (i18n, csvfile).
Lang = Enum("Lang", {code: code for code in LANGUAGES}, type=str)
CsvDialect = Enum("CsvDialect", {name.replace("-", "_"): name for name in DIALECTS}, type=str)


def TimeLimitOption(default: float, help: str):  # noqa: N802 - reads as the typer.Option it returns
    return typer.Option(default, "--time-limit", min=0.1, max=MAX_SECONDS, help=help)


def WorkersOption(help: str | None = None):  # noqa: N802
    return typer.Option(8, "--workers", min=1, max=MAX_WORKERS, help=help or _("CP-SAT workers."))


def ProcessesOption(help: str):  # noqa: N802
    return typer.Option(2, "--processes", min=1, max=MAX_WORKERS, help=help)


def ExplainTimeOption():  # noqa: N802
    return typer.Option(30.0, "--explain-time", min=0.0, max=MAX_SECONDS, help=_("Seconds for the explanations' bounded solves."))


SeedOption = typer.Option(0, "--seed", min=0, max=MAX_SEED, help=_("CP-SAT random seed."))
LangOption = typer.Option(Lang(DEFAULT_LANGUAGE), "--lang",
                          help=_("Language of what remise prints and writes for people: fr (default) or en."))
DialectOption = typer.Option(CsvDialect(CSV.name), "--csv-dialect",
                             help=_("CSV files written: csv (comma, decimal point) or excel-fr (semicolon, decimal "
                                    "comma, BOM: French Excel)."))
_output_root = Path("reports")


def speak(lang: Lang, dialect: CsvDialect | None = None) -> str:
    """Use the command's language (and CSV dialect) for everything it prints and writes."""
    use_language(lang.value)
    if dialect is not None:
        use_dialect(dialect.value)
    return lang.value


def set_output_root(root: Path) -> None:
    global _output_root
    _output_root = root


def output_root() -> Path:
    """The folder that holds the default output folders (`output_root` in remise.toml)."""
    return _output_root


# Typer labels flags `<bool>` in --help as if they took a value; a flag takes none.
_display_type = typer.core.TyperOption.display_type_rich
typer.core.TyperOption.display_type_rich = lambda self, ctx: None if self.is_flag else _display_type(self, ctx)


_command_started = STARTED
_commands = 0


def begin_command() -> None:
    """Mark the start of a command, the moment its --time-limit counts from: the process's
    start for its first command (so that imports count), the call itself for any later one
    (tests run many commands in one process)."""
    global _command_started, _commands
    if _commands:
        _command_started = time.monotonic()
    _commands += 1


def command_started() -> float:
    return _command_started


def default_scenario() -> Path:
    """The bundled pilot, found from the working folder or from this checkout."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidate = base / "scenarios" / "paris-pilot.yaml"
        if candidate.exists():
            return candidate
    return Path("scenarios/paris-pilot.yaml")


log = logging.getLogger("remise")
_quiet = False
PROGRESS_EVERY = 10.0  # seconds between two progress lines in a log (a terminal shows every change)


def setup_logging(quiet: bool, log_file: Optional[Path]) -> None:
    """Where the progress of a command goes: a live line on a terminal; timestamped lines of the
    standard `logging` module on standard error without one (cron, CI), and in `log_file`.
    `quiet` keeps standard error for warnings and errors only."""
    global _quiet
    _quiet = quiet
    log.handlers.clear()
    log.setLevel(logging.INFO)
    log.propagate = False
    stamped = logging.Formatter("%(asctime)s remise %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    if not quiet and not err.is_terminal:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(stamped)
        log.addHandler(handler)
    if log_file is not None:
        try:
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise InputError(_("--log-file {path}: cannot be written ({error})").format(
                path=log_file, error=exc.strerror or exc)) from None
        handler.setFormatter(stamped)
        log.addHandler(handler)


class Activity:
    """What a long command is doing, said where the user can follow it: the live line of a
    terminal, and the log (a change of stage at once, progress at most every PROGRESS_EVERY s)."""

    def __init__(self, status, text: str) -> None:
        self._status = status
        self._logged = time.monotonic()
        self._last = text

    def stage(self, text: str) -> None:
        if self._status is not None:
            self._status.update(escape(text))
        if text != self._last:
            log.info(text)
        self._logged, self._last = time.monotonic(), text

    def progress(self, text: str) -> None:
        if self._status is not None:
            self._status.update(escape(text))
        if time.monotonic() - self._logged >= PROGRESS_EVERY:
            log.info(text)
            self._logged, self._last = time.monotonic(), text


@contextmanager
def activity(text: str) -> Iterator[Activity]:
    """An `Activity` for the code it wraps, starting with `text`."""
    live = err.is_terminal and not _quiet
    if live:
        with err.status(escape(text)) as status:
            yield Activity(status, text)
    else:
        log.info(text)
        yield Activity(None, text)


def say(text: str) -> None:
    """A line for the user on standard output, printed as written: ids are never markup, and
    control characters from the input are shown escaped, never sent to the terminal."""
    out.print(printable(text), highlight=False, markup=False)


def warn(text: str) -> None:
    err.print(printable(text), highlight=False, markup=False)


class PlainTable(Table):
    """A table whose cells are plain text: ids and reasons from the input are never markup,
    and their control characters are shown escaped."""

    def add_row(self, *cells, **kwargs) -> None:
        super().add_row(*(escape(printable(str(c))) for c in cells), **kwargs)


def print_problems(exc: ScenarioError) -> None:
    count = len(exc.problems)
    heading = ngettext("Invalid scenario ({n} problem):", "Invalid scenario ({n} problems):", count).format(n=count)
    err.print(f"[bold red]{escape(heading)}[/bold red]", highlight=False)
    for problem in exc.problems:
        warn(f"  {problem}")


@contextmanager
def exits() -> Iterator[None]:
    """Bad input exits 2 with its message; a plan that fails remise's own checker exits 3."""
    try:
        yield
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(code=2)
    except InputError as exc:
        warn(str(exc))
        raise typer.Exit(code=2)
    except PlanRejected as exc:
        heading = (_("Bug: the plan of {name} fails the checker; nothing was written.").format(name=exc.name)
                   if exc.name else _("Bug: the plan fails the checker; nothing was written."))
        err.print(f"[bold red]{escape(printable(heading))}[/bold red] " + escape(_("Please report it with the scenario.")),
                  highlight=False)
        for violation in exc.violations:
            warn(f"  {violation}")
        raise typer.Exit(code=3)


def load(path: Optional[Path]) -> tuple[Scenario, Origins]:
    """The scenario at `path` (the bundled pilot by default, said in one line), validated;
    exits 2 with every problem."""
    if path is None:
        path = default_scenario()
        warn(_("No scenario given: using the bundled pilot day ({path}).").format(path=path))
    with exits():
        return load_scenario(path)
