"""Screening: what each request could ever get, before any solve.

A request is `forbidden_item` (the charter bans its category) or
`no_feasible_slot` (no station, place, officer and window fit it even if it
were alone), or it gets its options: per acceptable station, the officers who
could supervise it and the grid starts each of them allows. The model is built
from these options only, so its domains are already windows ∩ hours ∩ shift.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .core.codes import Reason
from .core.findings import Finding, Why, finding
from .core.times import Range, grid_starts, intersect
from .scenario.schema import PlaceKind, Request, Scenario


@dataclass(frozen=True)
class Option:
    """One acceptable station for a request, with who could supervise it and when."""

    station: str
    rank: int  # position in the request's station list, 0 for the first
    kind: PlaceKind
    officer_starts: dict[str, list[Range]]  # officer id -> inclusive (first, last) grid starts

    def starts(self) -> list[Range]:
        """Union of the officers' start intervals (inclusive bounds)."""
        spans = sorted(span for spans in self.officer_starts.values() for span in spans)
        merged: list[list[int]] = []
        for first, last in spans:
            if merged and first <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        return [(a, b) for a, b in merged]


@dataclass
class Screening:
    options: dict[str, list[Option]] = field(default_factory=dict)  # plannable requests only
    unserved: dict[str, tuple[Reason, tuple[Finding, ...]]] = field(default_factory=dict)  # id -> (reason, why)


def _spans(ranges: list[Range]) -> list[list[int]]:
    return [[a, b] for a, b in ranges]


def screen_request(scenario: Scenario, request: Request) -> tuple[list[Option], tuple[Finding, ...]]:
    """Options of one request, and why each rejected station was rejected."""
    category = scenario.category(request)
    kind = category.place
    minutes = scenario.minutes(request)
    slot = scenario.policy.slot_minutes
    options: list[Option] = []
    reasons: list[Finding] = []
    if not request.stations:
        return [], (finding(Why.NO_STATION_LEFT),)
    for rank, station_id in enumerate(request.stations):
        station = scenario.station_by_id[station_id]
        if not station.places(kind):
            reasons.append(finding(Why.NO_PLACE_OF_KIND, station=station_id, kind=kind))
            continue
        if kind == "room" and station.max_visitors is not None and request.party_size > station.max_visitors:
            reasons.append(finding(Why.PARTY_OVER_VISITORS, station=station_id, party=request.party_size,
                                   max_visitors=station.max_visitors))
            continue
        open_windows = intersect(request.windows, station.hours)
        if not grid_starts(open_windows, minutes, slot):
            reasons.append(finding(Why.NO_SLOT_IN_HOURS, station=station_id, minutes=minutes,
                                   windows=_spans(request.windows), hours=_spans(station.hours)))
            continue
        skilled = [o for o in scenario.officers_at(station_id) if not category.skill or category.skill in o.skills]
        if not skilled:
            reasons.append(finding(Why.NO_OFFICER, station=station_id, skill=category.skill))
            continue
        capped = [o for o in skilled if scenario.supervision_cap(o) >= minutes]
        if not capped:
            reasons.append(finding(Why.OVER_EVERY_CAP, station=station_id, minutes=minutes, skill=category.skill))
            continue
        officer_starts = {}
        for officer in capped:
            starts = grid_starts(intersect(open_windows, [officer.on_duty]), minutes, slot)
            if starts:
                officer_starts[officer.id] = starts
        if not officer_starts:
            reasons.append(finding(Why.NO_OFFICER_ON_SHIFT, station=station_id, minutes=minutes,
                                   skill=category.skill, between=_spans(open_windows)))
            continue
        options.append(Option(station_id, rank, kind, officer_starts))
    return options, tuple(reasons)


def screen(scenario: Scenario) -> Screening:
    result = Screening()
    for request in scenario.requests:
        category = scenario.category(request)
        if category.forbidden is not None:
            result.unserved[request.id] = (Reason.FORBIDDEN_ITEM, (finding(Why.CHARTER, charter=category.forbidden),))
            continue
        options, why = screen_request(scenario, request)
        if options:
            result.options[request.id] = options
        else:
            result.unserved[request.id] = (Reason.NO_FEASIBLE_SLOT, why)
    return result


def supervisable_minutes(scenario: Scenario, officer_id: str) -> int:
    """Minutes an officer could supervise: on duty while the station is open, up to the cap."""
    officer = scenario.officer_by_id[officer_id]
    station = scenario.station_by_id[officer.station]
    open_minutes = sum(e - s for s, e in intersect(station.hours, [officer.on_duty]))
    return min(open_minutes, scenario.supervision_cap(officer))


def first_choice_demand(scenario: Scenario, screening: Screening) -> dict[str, int]:
    """Handover minutes asked of each station by the plannable requests that list it first."""
    demand: dict[str, int] = {}
    for rid, options in screening.options.items():
        station = options[0].station
        demand[station] = demand.get(station, 0) + scenario.minutes(scenario.request_by_id[rid])
    return demand
