"""The one CSV writer: every table remise writes goes through `write_csv`.

UTF-8, comma-separated, `\n` line ends, a header row. A missing value is an empty
cell; a list is written as its values separated by `|`, as the scenario's CSV
sections hold them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "|".join(cell(v) for v in value)
    return str(value)


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """A header of `columns`, then one line per row (keys outside `columns` are not written)."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(column)) for column in columns])
