"""The one CSV writer: every table remise writes goes through `write_csv`.

UTF-8, comma-separated, `\n` line ends, a header row. A missing value is an empty
cell; a list is written as its values separated by `|`, as the scenario's CSV
sections hold them.

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
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?$")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return safe_text("|".join(_raw(v) for v in value))
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
    """A header of `columns`, then one line per row (keys outside `columns` are not written)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """`csv_text` into a file."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        handle.write(csv_text(columns, rows))
