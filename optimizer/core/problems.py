"""Input problems that name the file, the entry and the field.

Loading collects every problem it finds before giving up, so that a planner
fixes an export in one pass instead of one error per run.
"""

from __future__ import annotations

import reprlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .i18n import N_, _, decimal

QUOTE_LIMIT = 80  # characters of a value a message quotes: enough to recognise it, never a flood
LINE_LIMIT = 1000  # characters of any one line remise prints
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = QUOTE_LIMIT
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 2, 4, 4


def escaped(text: str) -> str:
    """Control and invisible characters written as escapes (a terminal sees text, never a command)."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char.isprintable() or unicodedata.category(char) == "Zs":  # French numbers hold no-break spaces
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def shown(value: object) -> str:
    """A value quoted in a message: at most QUOTE_LIMIT characters, control characters escaped."""
    if isinstance(value, str):
        text = value if len(value) <= QUOTE_LIMIT else f"{value[:QUOTE_LIMIT]}… ({len(value):,} characters)"
    else:
        text = _REPR.repr(value)  # bounded however large or deep the value is
    return f"'{escaped(text)}'"


def printable(text: str, limit: int = LINE_LIMIT) -> str:
    """A line as remise prints it: escaped, and cut at `limit` characters."""
    text = escaped(str(text))
    return text if len(text) <= limit else f"{text[:limit]}… (cut at {limit:,} characters)"


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str  # e.g. "request 'lbc-000123' (line 42)" or "policy"
    field: str  # e.g. "windows[1]"; "" when the whole entry is at fault
    message: str

    def __str__(self) -> str:
        where = _("{entry}, field '{field}'").format(entry=self.entry, field=self.field) if self.field else self.entry
        return _("{file}: {where}: {message}").format(file=self.file, where=where, message=self.message)


class ScenarioError(Exception):
    """Raised with every problem found; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(Exception):
    """Bad input that one sentence explains (a folder in the way, a file that is not a plan): exit 2."""


class PlanRejected(Exception):
    """remise's own plan failed the checker: a bug; nothing was written."""

    def __init__(self, violations: list[str], name: str | None = None):
        self.violations = violations
        self.name = name
        super().__init__("\n".join(violations))


def display_path(path: Path | str) -> str:
    """Paths relative to the working folder when possible, as a user typed them."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# Pydantic's messages by error type, in the user's language; its English is the fallback.
_PYDANTIC = {
    "missing": N_("required field is missing"),
    "extra_forbidden": N_("unknown field (check the spelling against the scenario format)"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "string_type": N_("must be text"),
    "string_too_short": N_("may not be empty"),
    "string_too_long": N_("must be at most {max_length} characters"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "dict_type": N_("must be a mapping"),
    "model_type": N_("must be a mapping"),
    "model_attributes_type": N_("must be a mapping"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "literal_error": N_("must be one of {expected}"),
    "enum": N_("must be one of {expected}"),
    "date_parsing": N_("is not a date written YYYY-MM-DD (AAAA-MM-JJ)"),
    "date_from_datetime_parsing": N_("is not a date written YYYY-MM-DD (AAAA-MM-JJ)"),
    "date_type": N_("is not a date written YYYY-MM-DD (AAAA-MM-JJ)"),
    "too_short": N_("must have at least {min_length} item(s)"),
    "too_long": N_("must have at most {max_length} item(s)"),
}


def _shown_number(value: int | float | str) -> int | str:
    """A bound as the language writes it: 0,1 in French; a whole float as a whole number."""
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return int(value) if value.is_integer() else decimal(value, digits=len(repr(value).partition(".")[2]))
    return value


def pydantic_message(item: dict) -> str:
    """One pydantic error as a sentence: ours (a validator's ValueError, already in the user's
    language), or its type's message, or pydantic's own English if the type is not listed."""
    if item["type"] == "value_error":
        return str(item.get("ctx", {}).get("error", item["msg"]))
    template = _PYDANTIC.get(item["type"])
    if template is None:
        return item["msg"]
    try:
        return _(template).format(**{k: _shown_number(v) for k, v in item.get("ctx", {}).items()
                                     if isinstance(v, (int, float, str))})
    except (KeyError, IndexError):
        return item["msg"]
