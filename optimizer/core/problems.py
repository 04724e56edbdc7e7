"""Input problems that name the file, the entry and the field.

Loading collects every problem it finds before giving up, so that a planner
fixes an export in one pass instead of one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str  # e.g. "request 'lbc-000123' (line 42)" or "policy"
    field: str  # e.g. "windows[1]"; "" when the whole entry is at fault
    message: str

    def __str__(self) -> str:
        where = f"{self.entry}, field '{self.field}'" if self.field else self.entry
        return f"{self.file}: {where}: {self.message}"


class ScenarioError(Exception):
    """Raised with every problem found; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(Exception):
    """Bad input that one sentence explains (a folder in the way, a file that is not a plan): exit 2."""


def display_path(path: Path | str) -> str:
    """Paths relative to the working folder when possible, as a user typed them."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
