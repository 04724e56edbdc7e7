"""The `remise` command: one module per command group, each only parsing options, calling
one function of `runs` (or of a stage) and printing what came back. `common.py` holds the
consoles, the scenario loading and the exit codes every command shares.

The help (`--help`) is written when the commands are defined, before any option is read:
the app is defined, and each command's module imported when the command is first looked up,
in the language of `config.help_language()` (REMISE_LANG, remise.toml..., French by
default), so that their `help=_("...")` speak it; Typer's own words follow it too
(`framework.py`). `--lang` sets what a command says, not its help."""

import importlib
import sys
from collections.abc import Iterator, Mapping
from functools import cache, partial
from importlib import metadata
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from ..core.csvfile import use_dialect
from ..core.i18n import _, language, use_language
from ..solvers.result import solver_version
from .common import begin_command, err, exits, say, set_output_root, setup_logging
from .config import default_map, help_language, settings
from .framework import frame_words, run, speak


def _version(asked: bool) -> None:
    if asked:
        say(f"remise {remise_version()} ({solver_version()}, Python {sys.version.split()[0]})")
        raise typer.Exit()


# The module of each command, imported when the command runs (or when `--help` lists them
# all): `plan` need not load the booking platform's web stack, nor `--version`
# anything (4.8 s to 0.9 s on 2 cores). tests/test_cli.py checks this against the modules. Each
# module's app, built alone, is made with add_completion=False, as this one is.
COMMANDS = {
    "validate": "planning", "plan": "planning", "check": "planning",
    "replan": "whatif", "offer": "whatif", "sweep": "whatif",
    "report": "reports", "compare": "reports",
    "serve": "platform", "db": "platform",
    "generate": "generate", "config": "settings_command",
}


@cache
def command_group(module: str) -> typer.core.TyperCommand | TyperGroup:
    """One module's commands, defined (and so their help written, Typer's frame included) in
    the help's language."""
    with language(help_language()):
        return speak(typer.main.get_command(importlib.import_module(f"{__name__}.{module}").app))


class _LazyCommands(Mapping):
    """The commands by name, each module loaded on the first look at one of its commands."""

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)

    def __getitem__(self, name: str):
        group = command_group(COMMANDS[name])
        # A module with a single command is that command, not a group of one.
        return group.commands[name] if isinstance(group, TyperGroup) else group


class _Commands(TyperGroup):
    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands()
        with language(help_language()):
            speak(self, subcommands=False)  # they speak as they load

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        """As Typer's, with its usage errors in the language of the help (see framework.py)."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        run(partial(super().main, *args, **kwargs), err, help_language())


with language(help_language()):
    frame_words()
    app = typer.Typer(
        cls=_Commands,
        add_completion=False,
        no_args_is_help=True,
        help=_("remise: plan safe in-person handovers of goods sold online inside police stations."),
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _start(
        ctx: typer.Context,
        version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                     help=_("Print remise's version and exit.")),
        quiet: bool = typer.Option(False, "--quiet", "-q",
                                   help=_("No progress on standard error: only warnings and errors.")),
        log_file: Optional[Path] = typer.Option(None, "--log-file", dir_okay=False,
                                                help=_("Also write timestamped progress lines to this file.")),
    ) -> None:
        begin_command()
        with language(help_language()), exits():  # before the settings are read: their language
            setup_logging(quiet, log_file)
            # The defaults of remise.toml, [tool.remise] and REMISE_*, below what the command line says.
            found = settings()
        ctx.default_map = {**(ctx.default_map or {}), **default_map(found)}
        use_language(found["lang"].value)
        use_dialect(found["csv_dialect"].value)
        set_output_root(Path(found["output_root"].value))


def remise_version() -> str:
    try:
        return metadata.version("remise")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


__all__ = ["app"]
