"""What every command shares: the consoles, loading a scenario, and turning faults into exit codes.

Exit codes: 0 success, 1 `check` found violations, 2 bad input (every problem listed,
no traceback), 3 remise's own plan failed its checker (a bug; nothing written).
"""

from __future__ import annotations

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
from ..core.csvfile import use_dialect
from ..core.i18n import use_language
from ..core.problems import InputError, ScenarioError, printable
from ..runs import PlanRejected
from ..scenario.loading import load_scenario
from ..scenario.origins import Origins
from ..scenario.schema import Scenario

out = Console()
err = Console(stderr=True)

# Bounds of the numeric options: CP-SAT's seed is a 32-bit integer, and a day is a day.
MAX_SEED, MAX_SECONDS, MAX_WORKERS = 2**31 - 1, 24 * 3600, 64

ScenarioArg = typer.Argument(None, help="Scenario YAML file (default: scenarios/paris-pilot.yaml).", show_default=False)


class Lang(str, Enum):
    fr = "fr"
    en = "en"


class CsvDialect(str, Enum):
    csv = "csv"
    excel_fr = "excel-fr"


LangOption = typer.Option(Lang.fr, "--lang", help="Language of what remise prints and writes for people: fr (default) or en.")
DialectOption = typer.Option(CsvDialect.csv, "--csv-dialect", help="CSV files written: csv (comma, decimal point) or excel-fr (semicolon, decimal comma, BOM: French Excel).")
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
    err.print(f"[bold red]Invalid scenario[/bold red] ({count} problem{'s' if count > 1 else ''}):", highlight=False)
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
        whose = f" of {exc.name}" if exc.name else ""
        err.print(f"[bold red]Bug: the plan{whose} fails the checker; nothing was written.[/bold red]"
                  " Please report it with the scenario.")
        for violation in exc.violations:
            warn(f"  {violation}")
        raise typer.Exit(code=3)


def load(path: Optional[Path]) -> tuple[Scenario, Origins]:
    """The scenario at `path` (the bundled pilot by default, said in one line), validated;
    exits 2 with every problem."""
    if path is None:
        path = default_scenario()
        warn(f"No scenario given: using the bundled pilot day ({path}).")
    with exits():
        return load_scenario(path)
