"""Where each entry of a scenario was written, to name it in a message.

An entry is named by its file and its line (YAML) or row (CSV); the loader records
each one as it reads, and every later check (references, locks) names its culprit
through `Origins.problem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.i18n import N_, _
from ..core.problems import Problem, shown

# An entry of a section named in a message, with where it was written and without.
_PLACED = {"stations": N_("station {id} ({where})"), "officers": N_("officer {id} ({where})"),
           "requests": N_("request {id} ({where})")}
_NAMED = {"stations": N_("station {id}"), "officers": N_("officer {id}"), "requests": N_("request {id}")}
_UNNAMED = {"stations": N_("station ({where})"), "officers": N_("officer ({where})"),
            "requests": N_("request ({where})")}


def entry_name(section: str, entry_id: str | None, where: str | None = None) -> str:
    """"request 'x' (line 3)", "request 'x'", or "request (line 3)" when it has no id, in the user's language."""
    if entry_id is None:
        return _(_UNNAMED[section]).format(where=where)
    if where is None:
        return _(_NAMED[section]).format(id=entry_id)
    return _(_PLACED[section]).format(id=entry_id, where=where)


def at_line(number: int) -> str:
    return _("line {n}").format(n=number)


def at_row(number: int) -> str:
    return _("row {n}").format(n=number)


def at_entry(number: int) -> str:
    return _("entry {n}").format(n=number)


@dataclass
class Origin:
    """Where an entry was written: the file and a line or row."""

    file: str
    where: str  # "line 12", "row 5", in the user's language
    csv: bool = False


@dataclass
class Origins:
    """Where each entry and policy key came from, to name them in messages."""

    scenario_file: str
    entries: dict[tuple[str, str], Origin] = field(default_factory=dict)  # (section, id)
    policy: dict[str, str] = field(default_factory=dict)  # policy key or "categories.NAME" -> file
    files: list[Path] = field(default_factory=list)  # every file read, for the input hash

    def entry_label(self, section: str, entry_id: str) -> tuple[str, str]:
        """(file, "request 'x' (line 3)") for a message about an entry."""
        origin = self.entries.get((section, entry_id))
        if origin is None:
            return self.scenario_file, entry_name(section, shown(entry_id))
        return origin.file, entry_name(section, shown(entry_id), origin.where)

    def problem(self, section: str, entry_id: str, field_name: str, message: str) -> Problem:
        file, label = self.entry_label(section, entry_id)
        origin = self.entries.get((section, entry_id))
        if origin is not None and origin.csv and field_name.startswith("locked."):
            field_name = "locked_" + field_name.split(".", 1)[1]
        return Problem(file, label, field_name, message)
