"""The baseline a naive booking site would be: first come, first served, earliest slot.

Locked requests are booked first, exactly as locked (a partial lock gets its place
and officer from `locks.py`). Then requests are taken in
order of `submitted` (those without one last), then by id, and each gets the
earliest feasible start; ties go to the more preferred station, then to the
officer listed first in the scenario, then to the place listed first. A request
that fits nowhere beside those already booked is unserved for `capacity`; it
is never revisited.

Every hard rule is respected while booking, against the bookings so far
(`plan/occupancy.py`, the structure the offers and explanations use too):
places (turnover included), an officer's attention (a room handover alone,
bays up to the policy's limit), officer caps, a station's visitors, and each
person's overlaps and travel gaps.
Candidates come from the screening, so windows ∩ hours ∩ shift are already
applied. Greedy proves nothing: every level is reported with status
"heuristic" and the bound known without search.
"""

from __future__ import annotations

import time
from datetime import timezone
from typing import Any, Callable

from ..core.codes import SENSE, Reason, Sense
from ..core.findings import FITS_ALONE
from ..plan.levels import plan_levels
from ..plan.occupancy import Occupancy
from ..plan.rows import Handover, Plan, Unserved
from ..scenario.schema import Request, Scenario
from ..screening import Option, Screening, screen
from .locks import locked_plan
from .result import SolveOptions, SolveResult, unproven_levels

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


def _place_request(book: Occupancy, scenario: Scenario, request: Request, options: list[Option],
                   rank: Callable[[str], Any]):
    """The earliest feasible (start, option, officer, place), or None; `rank` orders the officers."""
    minutes = scenario.minutes(request)
    slot = scenario.policy.slot_minutes
    plans = []  # per option: (option, officers able, start intervals)
    for option in options:
        able = [
            officer for officer in sorted(option.officer_starts, key=rank)
            if book.minutes(officer) + minutes <= scenario.supervision_cap(scenario.officer_by_id[officer])
            and (scenario.officer_by_id[officer].max_handovers is None
                 or book.count(officer) < scenario.officer_by_id[officer].max_handovers)
        ]
        if able:
            plans.append((option, able, _candidates(option, able)))
    if not plans:
        return None
    for t in _grid(sorted((first, last) for _, _, spans in plans for first, last, _ in spans), slot):
        end = t + minutes
        for option, able, spans in plans:
            who = [able[k] for first, last, k in spans if first <= t <= last]
            if not who:
                continue
            place = book.first_free_place(option.station, option.kind, t, end)
            if place is None:
                continue
            if option.kind == "room" and not book.visitors_fit(option.station, request.party_size, t, end):
                continue
            if not book.parties_free(request, option.station, t, end):
                continue
            for officer in who:  # in scenario order: `spans` follow `able`, one interval per officer at t
                if book.officer_free(officer, option.kind, t, end):
                    return t, option, officer, place
    return None


def value_key(scenario: Scenario, screening: Screening):
    """Most valuable first: priority per minute, then the fewest options (hardest to place later)."""
    def key(request: Request) -> tuple:
        options = screening.options[request.id]
        count = sum(last - first for o in options for spans in o.officer_starts.values() for first, last in spans)
        return (-request.priority / scenario.minutes(request), count, request.id)
    return key


def time_key(screening: Screening):
    """Earliest possible start first, then the fewest options: first fit in time order colours an
    interval graph with as few officers as its peak overlap, when skills do not get in the way."""
    def key(request: Request) -> tuple:
        options = screening.options[request.id]
        first = min(first for o in options for spans in o.officer_starts.values() for first, _ in spans)
        count = sum(last - first for o in options for spans in o.officer_starts.values() for first, last in spans)
        return (first, count, request.id)
    return key


def best_greedy(scenario: Scenario, screening: Screening) -> Plan:
    """The best, by the policy's levels in order, of arrival order, value-first order, and time
    order on the officers already at work (which mobilises few officers on fixed-interval days)."""
    plans = [solve_greedy(scenario, screening).plan,
             solve_greedy(scenario, screening, order=value_key(scenario, screening)).plan,
             solve_greedy(scenario, screening, order=time_key(screening), reuse_officers=True).plan]
    def rank(plan: Plan) -> tuple:
        levels = plan_levels(scenario, plan)
        return tuple(levels[name] if SENSE[name] == Sense.MAX else -levels[name] for name in scenario.policy.objective)

    return max(plans, key=rank)


def solve_greedy(
    scenario: Scenario, screening: Screening | None = None, options: SolveOptions | None = None,
    order=None, reuse_officers: bool = False,
) -> SolveResult:
    """Plan the day first come, first served; `options` are only recorded with the result.

    `order` (a sort key over requests) replaces arrival order, and `reuse_officers` prefers an
    officer already at work to the first in the roster: CP-SAT tries both as starting points.
    """
    started = time.monotonic()
    screening = screening or screen(scenario)
    book = Occupancy(scenario)
    plan = Plan()

    def add(request: Request, station: str, place: str, officer: str, start: int) -> None:
        end = start + scenario.minutes(request)
        book.book(request, station, place, officer, start, end)
        plan.handovers.append(Handover(
            start=start, station=station, place=place, request_id=request.id, officer=officer, end=end,
            category=request.category, seller=request.seller, buyer=request.buyer,
        ))

    for h in locked_plan(scenario, screening).handovers:
        add(scenario.request_by_id[h.request_id], h.station, h.place, h.officer, h.start)

    officer_rank = {o.id: i for i, o in enumerate(scenario.officers)}
    rank = (lambda o: (book.count(o) == 0, officer_rank[o])) if reuse_officers else officer_rank.__getitem__
    waiting = sorted(
        (scenario.request_by_id[rid] for rid in screening.options if scenario.request_by_id[rid].locked is None),
        key=order or arrival_key,
    )
    for request in waiting:
        found = _place_request(book, scenario, request, screening.options[request.id], rank)
        if found is None:
            plan.unserved.append(Unserved(request.id, Reason.CAPACITY, FITS_ALONE))
            continue
        start, option, officer, place = found
        add(request, option.station, place, officer, start)

    for rid, (reason, why) in screening.unserved.items():
        plan.unserved.append(Unserved(rid, reason, why))
    seconds = time.monotonic() - started
    plan = plan.sorted()
    return SolveResult(
        plan=plan,
        levels=unproven_levels(scenario, screening, plan, seconds),
        seconds=seconds,
        options=options or GREEDY_OPTIONS,
        solver="greedy",
    )
