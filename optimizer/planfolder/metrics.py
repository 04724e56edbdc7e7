"""Workload figures computed from a plan: per officer and per station.

These are the numbers the unions ask about (officer-minutes taken from core
duties), so they are computed once, here, from the plan rows alone, and the
CSV files, the terminal summary and the report all read them from here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..plan.rows import Handover, Plan
from ..scenario.schema import Scenario


@dataclass(frozen=True)
class OfficerLoad:
    officer: str
    station: str
    shift_minutes: int  # the part of the shift on the planning day
    supervised_minutes: int
    cap: int
    handovers: int
    share_of_shift: float  # supervised_minutes / shift_minutes
    first_start: int | None
    last_end: int | None
    shift_start: int
    shift_end: int


@dataclass(frozen=True)
class StationLoad:
    station: str
    handovers: int
    room_utilisation: float | None  # handover minutes in rooms / (rooms x opening minutes); None: no room
    bay_utilisation: float | None
    peak_visitors: int


def officer_loads(scenario: Scenario, plan: Plan) -> list[OfficerLoad]:
    by_officer = defaultdict(list)
    for h in plan.handovers:
        by_officer[h.officer].append(h)
    rows = []
    for officer in scenario.officers:
        handovers = by_officer.get(officer.id, [])
        start, end = officer.on_duty
        shift = end - start
        supervised = sum(h.end - h.start for h in handovers)
        rows.append(OfficerLoad(
            officer=officer.id,
            station=officer.station,
            shift_minutes=shift,
            supervised_minutes=supervised,
            cap=scenario.supervision_cap(officer),
            handovers=len(handovers),
            share_of_shift=round(supervised / shift, 4) if shift else 0.0,
            first_start=min((h.start for h in handovers), default=None),
            last_end=max((h.end for h in handovers), default=None),
            shift_start=start,
            shift_end=end,
        ))
    return rows


def peak_visitors(scenario: Scenario, handovers: list[Handover]) -> int:
    """Most people inside a station at once (`handovers`: the station's): room handovers bring
    their party, bays nobody."""
    events = []
    for h in handovers:
        if scenario.place_index.get(h.place, ("", ""))[1] != "room":
            continue
        size = scenario.request_by_id[h.request_id].party_size
        events += [(h.start, size), (h.end, -size)]
    peak = inside = 0
    for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
        inside += delta
        peak = max(peak, inside)
    return peak


def station_loads(scenario: Scenario, plan: Plan) -> list[StationLoad]:
    at: dict[str, list[Handover]] = defaultdict(list)  # one pass: a national day has 1,000 stations
    for h in plan.handovers:
        at[h.station].append(h)
    rows = []
    for station in scenario.stations:
        opening = sum(end - start for start, end in station.hours)
        handovers = at.get(station.id, [])
        minutes = {"room": 0, "bay": 0}
        for h in handovers:
            kind = scenario.place_index[h.place][1]
            minutes[kind] += h.end - h.start

        def share(kind: str) -> float | None:
            count = len(station.places(kind))
            return round(minutes[kind] / (count * opening), 4) if count and opening else None

        rows.append(StationLoad(
            station=station.id,
            handovers=len(handovers),
            room_utilisation=share("room"),
            bay_utilisation=share("bay"),
            peak_visitors=peak_visitors(scenario, handovers),
        ))
    return rows
