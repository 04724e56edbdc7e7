"""The `remise` command: one module per command group, each only parsing options, calling
one function of `runs` (or of a stage) and printing what came back. `common.py` holds the
consoles, the scenario loading and the exit codes every command shares."""

import sys
from importlib import metadata

import typer

from ..solvers.result import solver_version
from . import generate, planning, platform, reports, whatif
from .common import begin_command, say

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="remise: plan safe in-person handovers of goods sold online inside police stations.",
    pretty_exceptions_enable=False,
)
for group in (planning, whatif, reports, platform, generate):
    app.add_typer(group.app)


def _version(asked: bool) -> None:
    if asked:
        say(f"remise {remise_version()} ({solver_version()}, Python {sys.version.split()[0]})")
        raise typer.Exit()


@app.callback()
def _start(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                 help="Print remise's version and exit."),
) -> None:
    begin_command()


def remise_version() -> str:
    try:
        return metadata.version("remise")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def main() -> None:
    app()


__all__ = ["app", "main"]
