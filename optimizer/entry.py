"""The `remise` command's entry point: Ctrl-C while the package loads (a second or more on a
busy machine) ends the command quietly with 130, as it does once the command runs, rather
than with a traceback from deep inside an import."""

import sys

try:
    from .cli import app
except KeyboardInterrupt:
    sys.exit(130)


def main() -> None:
    app()
