"""The one CSV writer: every table remise writes goes through `write_csv`.

UTF-8, `\n` line ends, a header row, in one of two dialects: `csv` (comma-separated, decimal
point, no byte-order mark: what programs expect) or `excel-fr` (semicolon-separated, decimal
comma, a UTF-8 byte-order mark: what French Excel opens right with a double click). A missing
value is an empty cell; a list is written as its values separated by `|`, as the scenario's
CSV sections hold them. Only cells that are numbers (`Number`, floats) take the decimal
comma: an id such as `12.5` stays as written.

A text cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`,
a tab or a carriage return: OWASP's rule for CSV injection) is written with a leading
apostrophe, which spreadsheets show as text; so is a text cell that starts with an
apostrophe, so that `plain()` gives back exactly what was written. Numbers are written as
they are, also as text (`-3`, `+0.25`): a number is not a formula.
"""

from __future__ import annotations

import csv
import io
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .i18n import _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?$")


@dataclass(frozen=True)
class Dialect:
    name: str
    delimiter: str
    decimal: str
    bom: bool


CSV = Dialect("csv", ",", ".", bom=False)
EXCEL_FR = Dialect("excel-fr", ";", ",", bom=True)
DIALECTS = {d.name: d for d in (CSV, EXCEL_FR)}
BOM = "\ufeff"
_current: ContextVar[Dialect] = ContextVar("remise_csv_dialect", default=CSV)


def check_dialect(name: str) -> Dialect:
    if name not in DIALECTS:
        raise ValueError(_("unknown CSV dialect {name} (one of {dialects})").format(
            name=repr(name[:40]), dialects=", ".join(DIALECTS)))
    return DIALECTS[name]


@contextmanager
def csv_dialect(name: str) -> Iterator[Dialect]:
    """Write in dialect `name` in the code it wraps (this thread or task only)."""
    token = _current.set(check_dialect(name))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def use_dialect(name: str) -> None:
    """Write in dialect `name` from now on (a command's choice, for the whole command)."""
    _current.set(check_dialect(name))


def current_dialect() -> Dialect:
    return _current.get()


class Number(str):
    """A number already formatted with a decimal point; written with the dialect's decimal."""


def cell(value: Any, dialect: Dialect = CSV) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return safe_text("|".join(_raw(v) for v in value))
    if isinstance(value, Number):
        return value.replace(".", dialect.decimal)
    if isinstance(value, float):
        return str(value).replace(".", dialect.decimal)
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def _raw(value: Any) -> str:
    return "" if value is None else str(value)


def safe_text(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it."""
    if text.startswith(FORMULA_STARTS + (QUOTE,)) and not _NUMBER.match(text):
        return QUOTE + text
    return text


def plain(text: str) -> str:
    """A cell of a file remise wrote, as it was before `safe_text`."""
    return text[1:] if text.startswith(QUOTE) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A header of `columns`, then one line per row (keys outside `columns` are not written),
    in the current dialect, byte-order mark included."""
    dialect = current_dialect()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column), dialect) for column in columns])
    return (BOM if dialect.bom else "") + buffer.getvalue()


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """`csv_text` into a file."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        handle.write(csv_text(columns, rows))


def sniff(text: str) -> tuple[str, str]:
    """A CSV text without its byte-order mark, and its delimiter: `;` when the header line has
    semicolons and no comma (French Excel's CSV), `,` otherwise."""
    text = text[1:] if text.startswith(BOM) else text
    header = text.split("\n", 1)[0]
    return text, ";" if ";" in header and "," not in header else ","


def number(text: str) -> float:
    """A number cell of either dialect."""
    return float(text.replace(",", "."))
