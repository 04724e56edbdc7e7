"""What the handovers of a plan occupy, and whether one more fits beside them.

One structure answers the conflict queries of the hard rules against bookings kept
sorted by start, per place (turnover included), officer (a room handover alone, bays up
to the policy's limit; minutes and count for the caps), station (visitors of room
handovers) and person (overlaps and the travel gap between stations). The greedy
baseline books into it as it goes; the offers and the explanations build it from a
fixed plan and ask what blocks each start.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterator

from ..scenario.schema import Request, Scenario
from .rows import Plan


@dataclass
class _Spans:
    """Bookings on one resource, sorted by start: (start, end, payload)."""

    items: list[tuple[int, int, object]] = field(default_factory=list)
    longest: int = 0  # longest booking, to bound the search for overlaps

    def add(self, start: int, end: int, payload: object) -> None:
        insort(self.items, (start, end, payload))
        self.longest = max(self.longest, end - start)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, object]]:
        """Bookings that intersect [start, end)."""
        items = self.items
        hi = bisect_left(items, (end,))
        lo = bisect_left(items, (start - self.longest,), 0, hi)
        return [item for item in items[lo:hi] if item[1] > start]

    def disjoint_free(self, start: int, end: int) -> bool:
        """For bookings that never overlap each other: is [start, end) free?"""
        i = bisect_left(self.items, (end,))
        return i == 0 or self.items[i - 1][1] <= start


def _peak(spans: list[tuple[int, int, object]], start: int, end: int, weight) -> int:
    """Largest total weight of `spans` in progress at one minute of [start, end) (a sweep:
    ends before starts at the same minute, as the ranges are half-open)."""
    events = []
    for item in spans:
        w = weight(item)
        events.append((max(item[0], start), w))
        events.append((min(item[1], end), -w))
    events.sort(key=lambda event: (event[0], event[1]))
    peak = total = 0
    for _, delta in events:
        total += delta
        peak = max(peak, total)
    return peak


class Occupancy:
    """Every resource's bookings, and the rules that read them."""

    def __init__(self, scenario: Scenario, plan: Plan | None = None):
        policy = scenario.policy
        self.scenario = scenario
        self.turnover = policy.turnover_minutes
        self.travel = policy.party_travel_minutes
        self.bay_limit = policy.bay_handovers_per_officer
        self._places: dict[str, _Spans] = defaultdict(_Spans)  # place -> [start, end + turnover)
        self._duty: dict[str, _Spans] = defaultdict(_Spans)  # officer -> [start, end), payload kind
        self._visits: dict[str, _Spans] = defaultdict(_Spans)  # station -> room handovers, payload party size
        self._people: dict[str, _Spans] = defaultdict(_Spans)  # person -> [start, end), (station, request)
        self._minutes: dict[str, int] = defaultdict(int)  # officer -> supervised minutes
        self._count: dict[str, int] = defaultdict(int)  # officer -> handovers
        self._place_ids: dict[tuple[str, str], list[str]] = {}
        for h in (plan.handovers if plan is not None else ()):
            self.book(scenario.request_by_id[h.request_id], h.station, h.place, h.officer, h.start, h.end)

    def book(self, request: Request, station: str, place: str, officer: str, start: int, end: int) -> None:
        kind = self.scenario.category(request).place
        self._places[place].add(start, end + self.turnover, "")
        self._duty[officer].add(start, end, kind)
        if kind == "room":
            self._visits[station].add(start, end, request.party_size)
        self.book_parties(request, station, start, end)
        self._minutes[officer] += end - start
        self._count[officer] += 1

    def book_parties(self, request: Request, station: str, start: int, end: int) -> None:
        """The parties' time alone: where no place or officer is chosen yet (`relaxed.apart`)."""
        for person in dict.fromkeys((request.seller, request.buyer)):
            self._people[person].add(start, end, (station, request.id))

    # -- the rules ------------------------------------------------------------
    def first_free_place(self, station: str, kind: str, start: int, end: int) -> str | None:
        """The first place of the kind, in scenario order, free over [start, end + turnover)."""
        key = (station, kind)
        if key not in self._place_ids:
            self._place_ids[key] = [p.id for p in self.scenario.station_by_id[station].places(kind)]
        blocked_until = end + self.turnover
        for place in self._place_ids[key]:
            spans = self._places.get(place)
            if spans is None or spans.disjoint_free(start, blocked_until):
                return place
        return None

    def officer_free(self, officer: str, kind: str, start: int, end: int) -> bool:
        """A room handover needs the officer alone; a bay one, a free share of their attention."""
        spans = self._duty.get(officer)
        if spans is None:
            return True
        busy = spans.overlapping(start, end)
        if not busy:
            return True
        if kind == "room" or any(item[2] == "room" for item in busy):
            return False
        return _peak(busy, start, end, lambda item: 1) < self.bay_limit

    def minutes(self, officer: str) -> int:
        return self._minutes.get(officer, 0)

    def count(self, officer: str) -> int:
        return self._count.get(officer, 0)

    def visitors_fit(self, station: str, party: int, start: int, end: int) -> bool:
        limit = self.scenario.station_by_id[station].max_visitors
        if limit is None:
            return True
        spans = self._visits.get(station)
        inside = spans.overlapping(start, end) if spans is not None else []
        if not inside:
            return party <= limit
        return party + _peak(inside, start, end, lambda item: item[2]) <= limit

    def _conflicts(self, request: Request, station: str, start: int, end: int) -> Iterator[tuple[str, str]]:
        for person in sorted({request.seller, request.buyer}):
            spans = self._people.get(person)
            if spans is None:
                continue
            for s, e, (where, other) in spans.overlapping(start - self.travel, end + self.travel):
                if other == request.id:
                    continue
                gap = 0 if where == station else self.travel
                if s < end + gap and start < e + gap:
                    yield person, other

    def party_conflicts(self, request: Request, station: str, start: int, end: int) -> list[tuple[str, str]]:
        """(person, request already booked) for each booking the request's parties could not make."""
        return list(self._conflicts(request, station, start, end))

    def parties_free(self, request: Request, station: str, start: int, end: int) -> bool:
        if request.seller not in self._people and request.buyer not in self._people:
            return True  # most parties have nothing booked: the relaxation asks for each of its columns
        return next(self._conflicts(request, station, start, end), None) is None
