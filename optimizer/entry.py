"""The `remise` command's entry point: Ctrl-C while the package loads (a second or more on a
busy machine) ends the command quietly with 130, as it does once the command runs, rather
than with a traceback from deep inside an import, or a death by signal."""

import sys

try:
    from .cli import app
except KeyboardInterrupt:
    sys.exit(130)


def main() -> None:
    # Typer turns Ctrl-C into exit 130 while a command runs; before it (building the commands
    # from their options takes a moment on a busy machine) it would escape as a signal death.
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
