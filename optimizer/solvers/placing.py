"""Concrete rooms and bays for handovers the model placed in a cumulative.

Intervals on a line whose overlap never exceeds k can be given k colours by
taking them in start order and handing each the first free place: exact for
interval graphs, so the cumulative loses nothing.
"""

from __future__ import annotations

from collections import defaultdict

from ..scenario.schema import Scenario


def assign_places(
    scenario: Scenario, stays: list[tuple[str, str, int, int]], fixed: dict[str, str]
) -> dict[str, str]:
    """(request, station, start, end) -> place id; `fixed` holds places already decided.

    `end` here includes turnover. Raises AssertionError if the places were overbooked,
    which would be a bug in the model.
    """
    groups: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    result = dict(fixed)
    busy_until: dict[str, int] = defaultdict(int)
    for rid, station_id, start, end in stays:
        if rid in fixed:
            continue
        kind = scenario.category(scenario.request_by_id[rid]).place
        groups[station_id, kind].append((start, end, rid))
    for (station_id, kind), items in sorted(groups.items()):
        places = [p.id for p in scenario.station_by_id[station_id].places(kind)]
        for start, end, rid in sorted(items):
            free = next((p for p in places if busy_until[p] <= start), None)
            assert free is not None, f"no free {kind} at {station_id} for {rid}: model overbooked"
            result[rid] = free
            busy_until[free] = end
    return result
