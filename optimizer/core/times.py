"""Clock times as minutes from midnight, and unions of half-open ranges.

Every later stage works in whole minutes on the scenario's date; text only
exists at the edges (loading and writing), so conversions live here once.
"""

from __future__ import annotations

import re
from typing import Iterable, TypeVar

from .i18n import _
from .problems import shown

DAY_END = 24 * 60

_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")  # ASCII digits only: '١٠:٣٠' or '１０:３０' are refused

Range = tuple[int, int]
T = TypeVar("T")


def parse_time(text: str, *, allow_midnight_end: bool = False) -> int:
    """`H:MM` or `HH:MM` to minutes; `24:00` only where it ends a range."""
    if not isinstance(text, str):
        raise ValueError(_("expected a time as text 'HH:MM', got {value}").format(value=shown(text)))
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(_("{value} is not a time 'HH:MM'").format(value=shown(text)))
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60:
        raise ValueError(_("{value} has minutes out of range").format(value=shown(text)))
    if hours == 24 and minutes == 0 and allow_midnight_end:
        return DAY_END
    if hours >= 24:
        raise ValueError(_("{value} is out of range (00:00 to 23:59)").format(value=shown(text)))
    return hours * 60 + minutes


def format_time(minutes: int) -> str:
    """Minutes to zero-padded `HH:MM`; the end of the day is `24:00`."""
    if not 0 <= minutes <= DAY_END:
        raise ValueError(f"{minutes} minutes is outside the day")
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _split(text: str) -> tuple[str, str]:
    if not isinstance(text, str):
        raise ValueError(_("expected a time range as text 'HH:MM-HH:MM', got {value}").format(value=shown(text)))
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(_("{value} is not a range 'HH:MM-HH:MM'").format(value=shown(text)))
    return parts[0], parts[1]


def parse_range(text: str) -> Range:
    """A range within the day: non-empty, not crossing midnight, `24:00` may end it."""
    first, last = _split(text)
    start = parse_time(first)
    end = parse_time(last, allow_midnight_end=True)
    if end == 0:
        raise ValueError(_("{value} ends at 00:00: write 24:00 for the end of the day").format(value=shown(text)))
    if end <= start:
        raise ValueError(_("{value} is empty or ends before it starts").format(value=shown(text)))
    return start, end


def parse_shift(text: str) -> Range:
    """A shift may cross midnight; it is kept as written (end < start when it crosses)."""
    first, last = _split(text)
    start = parse_time(first)
    end = parse_time(last, allow_midnight_end=True)
    if end == start:
        raise ValueError(_("{value} is an empty shift").format(value=shown(text)))
    return start, end


def shift_on_date(shift: Range) -> Range:
    """The part of a shift that falls on the planning day."""
    start, end = shift
    return (start, end) if end > start else (start, DAY_END)


def format_range(value: Range) -> str:
    start, end = value
    return f"{format_time(start)}-{format_time(end)}"


def merge_ranges(ranges: Iterable[Range]) -> list[Range]:
    """Union of half-open ranges; touching ranges merge into one."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def intersect(a: list[Range], b: list[Range]) -> list[Range]:
    """Intersection of two sorted, merged unions of ranges."""
    out: list[Range] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def overlap(ranges: list[Range], a: float, b: float) -> float:
    """Minutes of `[a, b)` that a union of disjoint ranges covers."""
    return sum(max(0, min(e, b) - max(s, a)) for s, e in ranges)


def contains(ranges: list[Range], start: int, end: int) -> bool:
    """Whether `[start, end)` lies wholly inside one range of a merged union."""
    return any(s <= start and end <= e for s, e in ranges)


def grid_starts(ranges: list[Range], minutes: int, slot: int) -> list[Range]:
    """Start times on the slot grid for which `[t, t + minutes)` fits a range.

    Returned as inclusive intervals `(first, last)` of start minutes, each a
    multiple of `slot`, so callers can build solver domains without enumerating.
    """
    out: list[Range] = []
    for s, e in ranges:
        first = -(-s // slot) * slot
        last = ((e - minutes) // slot) * slot
        if first <= last:
            out.append((first, last))
    return out


def maximal_cliques(spans: list[tuple[int, int, T]]) -> list[list[T]]:
    """The maximal sets of spans [a, b) that share a moment (their payloads): a sweep over starts
    and ends. On spans of time, a rule that holds on each of them holds at every moment."""
    events = sorted([(span[0], 1, i) for i, span in enumerate(spans)] + [(span[1], 0, i) for i, span in enumerate(spans)])
    active: set[int] = set()
    cliques, grew = [], False
    for _moment, is_start, i in events:  # at one moment, ends (0) come before starts (1): [a, b) is half-open
        if is_start:
            active.add(i)
            grew = True
        else:
            if grew:
                cliques.append([spans[j][2] for j in sorted(active)])
            grew = False
            active.discard(i)
    return cliques
