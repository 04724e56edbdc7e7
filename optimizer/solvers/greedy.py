"""The baseline a naive booking site would be: first come, first served, earliest slot.

Locked requests are booked first, exactly as locked. Then requests are taken in
order of `submitted` (those without one last), then by id, and each gets the
earliest feasible start; ties go to the more preferred station, then to the
officer listed first in the scenario, then to the place listed first. A request
that fits nowhere beside those already booked is unserved for `capacity`; it
is never revisited.

Every hard rule is respected while booking, against per-resource lists of
bookings kept sorted by start: places (turnover included), an officer's
attention (a room handover alone, bays up to the policy's limit), officer
caps, a station's visitors, and each person's overlaps and travel gaps.
Candidates come from the screening, so windows ∩ hours ∩ shift are already
applied. Greedy proves nothing: every level is reported with status
"heuristic" and the bound known without search.
"""

from __future__ import annotations

import time
from bisect import bisect_left, insort
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import timezone

from ..model.build import interchangeable_officers
from ..plan.rows import Handover, Plan, Unserved
from ..scenario.schema import Request, Scenario
from ..screening import CAPACITY, Option, Screening, screen
from .cpsat import CAPACITY_DETAIL, LevelResult, SolveOptions, SolveResult, hint_from, plan_levels

HEURISTIC = "heuristic"
SENSES = {"served": "max", "officers": "min", "balance": "min", "preference": "min"}
GREEDY_OPTIONS = SolveOptions(time_limit=0.0, workers=1, seed=0, deterministic=True)


def arrival_key(request: Request) -> tuple:
    """First come, first served: by `submitted` (missing last), then by id.

    A `submitted` time without a time zone is read as UTC, so that written
    times with and without zones can be compared.
    """
    submitted = request.submitted
    if submitted is None:
        return (1, 0.0, request.id)
    if submitted.tzinfo is None:
        submitted = submitted.replace(tzinfo=timezone.utc)
    return (0, submitted.timestamp(), request.id)


@dataclass
class _Spans:
    """Bookings on one resource, sorted by start: (start, end, payload)."""

    items: list[tuple[int, int, object]] = field(default_factory=list)
    longest: int = 0  # longest booking, to bound the search for overlaps

    def add(self, start: int, end: int, payload: object = None) -> None:
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
    """Largest total weight of `spans` in progress at one minute of [start, end)."""
    points = [start] + [s for s, _, _ in spans if start < s < end]
    return max(sum(weight(item) for item in spans if item[0] <= t < item[1]) for t in points)


class _Book:
    """Every resource's bookings, and the rules that read them."""

    def __init__(self, scenario: Scenario):
        policy = scenario.policy
        self.scenario = scenario
        self.turnover = policy.turnover_minutes
        self.travel = policy.party_travel_minutes
        self.bay_limit = policy.bay_handovers_per_officer
        self.places: dict[str, _Spans] = defaultdict(_Spans)  # place -> [start, end + turnover)
        self.duty: dict[str, _Spans] = defaultdict(_Spans)  # officer -> [start, end), payload kind
        self.visits: dict[str, _Spans] = defaultdict(_Spans)  # station -> room handovers, payload party size
        self.people: dict[str, _Spans] = defaultdict(_Spans)  # person -> [start, end), payload station
        self.load: dict[str, int] = defaultdict(int)  # officer -> supervised minutes
        self.count: dict[str, int] = defaultdict(int)  # officer -> handovers

    def book(self, request: Request, station: str, place: str, officer: str, kind: str, start: int, end: int) -> None:
        self.places[place].add(start, end + self.turnover)
        self.duty[officer].add(start, end, kind)
        if kind == "room":
            self.visits[station].add(start, end, request.party_size)
        for person in {request.seller, request.buyer}:
            self.people[person].add(start, end, station)
        self.load[officer] += end - start
        self.count[officer] += 1

    def people_free(self, request: Request, station: str, start: int, end: int) -> bool:
        for person in (request.seller, request.buyer):
            spans = self.people.get(person)
            if spans is None:
                continue
            for s, e, where in spans.overlapping(start - self.travel, end + self.travel):
                if s < end and start < e:
                    return False
                if where != station and s < end + self.travel and start < e + self.travel:
                    return False
        return True

    def visitors_fit(self, station_id: str, party: int, limit: int | None, start: int, end: int) -> bool:
        if limit is None:
            return True
        spans = self.visits.get(station_id)
        if spans is None:
            return party <= limit
        inside = spans.overlapping(start, end)
        if not inside:
            return party <= limit
        return party + _peak(inside, start, end, lambda item: item[2]) <= limit

    def officer_can(self, officer: str, kind: str, start: int, end: int) -> bool:
        spans = self.duty.get(officer)
        if spans is None:
            return True
        busy = spans.overlapping(start, end)
        if not busy:
            return True
        if kind == "room" or any(item[2] == "room" for item in busy):
            return False
        return _peak(busy, start, end, lambda item: 1) < self.bay_limit

    def first_free_place(self, places: list[str], start: int, end: int) -> str | None:
        blocked_until = end + self.turnover
        for place in places:
            spans = self.places.get(place)
            if spans is None or spans.disjoint_free(start, blocked_until):
                return place
        return None


def _candidates(option: Option, officers: list[str]) -> list[tuple[int, int, int]]:
    """(first, last, officer position) start intervals of the officers still able to take the request."""
    return [
        (first, last, k)
        for k, officer in enumerate(officers)
        for first, last in option.officer_starts[officer]
    ]


def _grid(spans: list[tuple[int, int]], slot: int):
    """Every grid start of a sorted list of inclusive intervals, once each, in increasing order."""
    last_seen = None
    for first, last in spans:
        if last_seen is not None and first <= last_seen:
            first = last_seen + slot
        for t in range(first, last + 1, slot):
            yield t
        if last_seen is None or last > last_seen:
            last_seen = last


def _place_request(book: _Book, scenario: Scenario, request: Request, options: list[Option], order: dict[str, int]):
    """The earliest feasible (start, option, officer, place), or None; `order` ranks the officers."""
    minutes = scenario.minutes(request)
    slot = scenario.policy.slot_minutes
    plans = []  # per option: (option, officers able, start intervals, places, max_visitors)
    for option in options:
        able = [
            officer for officer in sorted(option.officer_starts, key=order.__getitem__)
            if book.load[officer] + minutes <= scenario.supervision_cap(scenario.officer_by_id[officer])
            and (scenario.officer_by_id[officer].max_handovers is None
                 or book.count[officer] < scenario.officer_by_id[officer].max_handovers)
        ]
        if not able:
            continue
        station = scenario.station_by_id[option.station]
        places = [p.id for p in station.places(option.kind)]
        plans.append((option, able, _candidates(option, able), places, station.max_visitors))
    if not plans:
        return None
    for t in _grid(sorted((first, last) for _, _, spans, _, _ in plans for first, last, _ in spans), slot):
        end = t + minutes
        for option, able, spans, places, limit in plans:
            who = [able[k] for first, last, k in spans if first <= t <= last]
            if not who:
                continue
            place = book.first_free_place(places, t, end)
            if place is None:
                continue
            if option.kind == "room" and not book.visitors_fit(option.station, request.party_size, limit, t, end):
                continue
            if not book.people_free(request, option.station, t, end):
                continue
            for officer in who:  # in scenario order: `spans` follow `able`, one interval per officer at t
                if book.officer_can(officer, option.kind, t, end):
                    return t, option, officer, place
    return None


def _levels(scenario: Scenario, screening: Screening, plan: Plan, seconds: float) -> list[LevelResult]:
    values = plan_levels(scenario, plan)
    bounds = {"served": sum(scenario.request_by_id[rid].priority for rid in screening.options),
              "officers": 0, "balance": 0, "preference": 0}
    return [
        LevelResult(name, SENSES[name], values[name], bounds[name], HEURISTIC, seconds if i == 0 else 0.0)
        for i, name in enumerate(scenario.policy.objective)
    ]


def value_key(scenario: Scenario, screening: Screening):
    """Most valuable first: priority per minute, then the fewest options (hardest to place later)."""
    def key(request: Request) -> tuple:
        options = screening.options[request.id]
        count = sum(last - first for o in options for spans in o.officer_starts.values() for first, last in spans)
        return (-request.priority / scenario.minutes(request), count, request.id)
    return key


def best_greedy(scenario: Scenario, screening: Screening) -> Plan:
    """The better (by the served level) of arrival order and value-first order."""
    from .cpsat import plan_levels

    plans = [solve_greedy(scenario, screening).plan,
             solve_greedy(scenario, screening, order=value_key(scenario, screening)).plan]
    return max(plans, key=lambda p: plan_levels(scenario, p)["served"])


def solve_greedy(
    scenario: Scenario, screening: Screening | None = None, options: SolveOptions | None = None,
    order=None,
) -> SolveResult:
    """Plan the day first come, first served; `options` are only recorded with the result.

    `order` (a sort key over requests) replaces arrival order; CP-SAT uses it to try a
    value-first order as a second starting point.
    """
    started = time.monotonic()
    screening = screening or screen(scenario)
    book = _Book(scenario)
    plan = Plan()

    def add(request: Request, station: str, place: str, officer: str, start: int) -> None:
        kind = scenario.category(request).place
        end = start + scenario.minutes(request)
        book.book(request, station, place, officer, kind, start, end)
        plan.handovers.append(Handover(
            start=start, station=station, place=place, request_id=request.id, officer=officer, end=end,
            category=request.category, seller=request.seller, buyer=request.buyer,
        ))

    locked = [r for r in scenario.requests if r.locked is not None and r.id in screening.options]
    for request in locked:
        lock = request.locked
        add(request, lock.station, lock.place, lock.officer, lock.start)

    officer_rank = {o.id: i for i, o in enumerate(scenario.officers)}
    waiting = sorted(
        (scenario.request_by_id[rid] for rid in screening.options if scenario.request_by_id[rid].locked is None),
        key=order or arrival_key,
    )
    for request in waiting:
        found = _place_request(book, scenario, request, screening.options[request.id], officer_rank)
        if found is None:
            plan.unserved.append(Unserved(request.id, CAPACITY, CAPACITY_DETAIL))
            continue
        start, option, officer, place = found
        add(request, option.station, place, officer, start)

    for rid, (reason, detail) in screening.unserved.items():
        plan.unserved.append(Unserved(rid, reason, detail))
    seconds = time.monotonic() - started
    plan = plan.sorted()
    return SolveResult(
        plan=plan,
        levels=_levels(scenario, screening, plan, seconds),
        seconds=seconds,
        options=options or GREEDY_OPTIONS,
        solver="greedy",
    )


def hint_from_plan(hm, scenario: Scenario, plan: Plan) -> dict[int, int]:
    """A complete assignment of the CP-SAT model's variables that reproduces `plan`.

    Every plan that passes the checker is feasible for the model once identical
    officers' days follow the model's symmetry order; a test fixes the variables
    to this hint to keep the two in step.
    """
    if hm.symmetry_broken:
        plan = _canonical_officers(scenario, plan)
    return hint_from(hm, scenario, {h.request_id: h for h in plan.handovers})


def _canonical_officers(scenario: Scenario, plan: Plan) -> Plan:
    """The same plan with identical officers' days swapped so their loads do not increase.

    The model breaks the symmetry between officers alike in every respect (station,
    hours on duty, skills, caps) and not named by a lock by ordering their loads in
    scenario order (`model._identical_officers`); a hint must follow that order.
    Swapping two such officers' whole days keeps every rule.
    """
    load: dict[str, int] = defaultdict(int)
    for h in plan.handovers:
        load[h.officer] += h.end - h.start
    rename: dict[str, str] = {}
    for group in interchangeable_officers(scenario):
        members = [o.id for o in group]
        by_load = sorted(members, key=lambda o: -load[o])  # stable: ties keep scenario order
        rename.update(zip(by_load, members))
    return Plan(
        [replace(h, officer=rename.get(h.officer, h.officer)) for h in plan.handovers],
        list(plan.unserved),
    )
