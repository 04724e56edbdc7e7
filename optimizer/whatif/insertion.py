"""What stands in the way of adding one request to a fixed plan.

For every start an acceptable station and officer allow, the rules of the
contract are checked against the handovers already planned, and whatever
blocks is named. With no blocker, the start is an offer (`remise offer`);
with blockers, the kinds that alone would let it in explain why a request
was not served (`unserved.csv`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..plan.rows import Handover, Plan
from ..scenario.schema import Request, Scenario
from ..screening import Option, screen_request

PLACE, OFFICER_BUSY, CAP, COUNT, VISITORS, PARTY = "place", "officer_busy", "cap", "count", "visitors", "party"


@dataclass(frozen=True)
class Blocker:
    kind: str  # one of the constants above
    subject: str  # the place kind, officer id, person id or station id concerned
    other: str = ""  # for PARTY: the request id already booked


@dataclass
class Candidate:
    station: str
    rank: int
    officer: str
    start: int
    place: str | None  # the first free place of the kind, if any
    blockers: list[Blocker] = field(default_factory=list)


class Occupancy:
    """The fixed plan, indexed by place, officer, station and person."""

    def __init__(self, scenario: Scenario, plan: Plan):
        self.scenario = scenario
        self.places: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.officers: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.visitors: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        self.people: dict[str, list[Handover]] = defaultdict(list)
        turnover = scenario.policy.turnover_minutes
        for h in plan.handovers:
            request = scenario.request_by_id[h.request_id]
            kind = scenario.category(request).place
            self.places[h.place].append((h.start, h.end + turnover))
            self.officers[h.officer].append((h.start, h.end, kind))
            if kind == "room":
                self.visitors[h.station].append((h.start, h.end, request.party_size))
            for person in {request.seller, request.buyer}:
                self.people[person].append(h)

    def free_place(self, station: str, kind: str, start: int, end: int) -> str | None:
        for place in self.scenario.station_by_id[station].places(kind):
            if all(e <= start or end <= s for s, e in self.places[place.id]):
                return place.id
        return None

    def officer_free(self, officer: str, kind: str, start: int, end: int) -> bool:
        overlapping = [(s, e, k) for s, e, k in self.officers[officer] if s < end and start < e]
        if kind == "room":
            return not overlapping
        if any(k == "room" for _, _, k in overlapping):
            return False
        limit = self.scenario.policy.bay_handovers_per_officer
        times = {start} | {s for s, _, _ in overlapping if start <= s < end}
        return all(sum(1 for s, e, _ in overlapping if s <= t < e) + 1 <= limit for t in times)

    def load(self, officer: str) -> tuple[int, int]:
        spans = self.officers[officer]
        return sum(e - s for s, e, _ in spans), len(spans)

    def visitors_fit(self, station: str, start: int, end: int, party: int) -> bool:
        cap = self.scenario.station_by_id[station].max_visitors
        if cap is None:
            return True
        inside = [(s, e, p) for s, e, p in self.visitors[station] if s < end and start < e]
        times = {start} | {s for s, _, _ in inside if start <= s < end}
        return all(sum(p for s, e, p in inside if s <= t < e) + party <= cap for t in times)

    def party_conflicts(self, request: Request, station: str, start: int, end: int) -> list[Blocker]:
        travel = self.scenario.policy.party_travel_minutes
        out = []
        for person in sorted({request.seller, request.buyer}):
            for h in self.people[person]:
                if h.request_id == request.id:
                    continue
                gap = 0 if h.station == station else travel
                if h.start < end + gap and start < h.end + gap:
                    out.append(Blocker(PARTY, person, h.request_id))
        return out


def candidates(scenario: Scenario, occupancy: Occupancy, request: Request, options: list[Option] | None = None) -> list[Candidate]:
    """Every (station, officer, grid start) the request allows alone, with what blocks it now."""
    if options is None:
        options, _ = screen_request(scenario, request)
    minutes = scenario.minutes(request)
    turnover = scenario.policy.turnover_minutes
    step = scenario.policy.slot_minutes
    out = []
    for option in options:
        for officer_id, spans in option.officer_starts.items():
            officer = scenario.officer_by_id[officer_id]
            load, count = occupancy.load(officer_id)
            for first, last in spans:
                for start in range(first, last + 1, step):
                    end = start + minutes
                    place = occupancy.free_place(option.station, option.kind, start, end + turnover)
                    blockers = []
                    if place is None:
                        blockers.append(Blocker(PLACE, option.kind))
                    if not occupancy.officer_free(officer_id, option.kind, start, end):
                        blockers.append(Blocker(OFFICER_BUSY, officer_id))
                    if load + minutes > scenario.supervision_cap(officer):
                        blockers.append(Blocker(CAP, officer_id))
                    if officer.max_handovers is not None and count + 1 > officer.max_handovers:
                        blockers.append(Blocker(COUNT, officer_id))
                    if option.kind == "room" and not occupancy.visitors_fit(option.station, start, end, request.party_size):
                        blockers.append(Blocker(VISITORS, option.station))
                    blockers += occupancy.party_conflicts(request, option.station, start, end)
                    out.append(Candidate(option.station, option.rank, officer_id, start, place, blockers))
    return out
