"""The `remise` command: one module per command group, each only parsing options, calling
one function of `runs` (or of a stage) and printing what came back. `common.py` holds the
consoles, the scenario loading and the exit codes every command shares."""

import typer

from . import generate, planning, platform, reports, whatif
from .common import begin_command

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="remise: plan safe in-person handovers of goods sold online inside police stations.",
    pretty_exceptions_enable=False,
)
for group in (planning, whatif, reports, platform, generate):
    app.add_typer(group.app)


@app.callback()
def _start() -> None:
    begin_command()


def main() -> None:
    app()


__all__ = ["app", "main"]
