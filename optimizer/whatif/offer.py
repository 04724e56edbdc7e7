"""Slots for one new request beside a fixed plan: what the booking platform offers."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.codes import Reason
from ..core.findings import Finding, Why, finding
from ..plan.occupancy import Occupancy
from ..plan.rows import Handover, Plan
from ..scenario.schema import Request, Scenario
from ..screening import screen_request
from .explain import binding_resources
from .insertion import candidates


@dataclass(frozen=True)
class Offer:
    station: str
    rank: int
    start: int
    end: int
    place: str
    officer: str

    def handover(self, request: Request) -> Handover:
        return Handover(self.start, self.station, self.place, request.id, self.officer, self.end,
                        request.category, request.seller, request.buyer)


@dataclass(frozen=True)
class Offers:
    """Options for one request, best first; with none, the reason and what it rests on."""

    options: list[Offer]
    reason: Reason | None = None
    findings: tuple[Finding, ...] = ()


def _best(free, minutes: int, occupancy: Occupancy) -> dict[tuple[str, int], Offer]:
    """One offer per station and start: the first free place, the least loaded free officer."""
    best: dict[tuple[str, int], Offer] = {}
    for c in sorted(free, key=lambda c: (c.rank, c.start, occupancy.minutes(c.officer), c.officer)):
        key = (c.station, c.start)
        if key not in best:
            best[key] = Offer(c.station, c.rank, c.start, c.start + minutes, c.place, c.officer)
    return best


def offer_at(scenario: Scenario, plan: Plan, request: Request, station: str, start: int) -> Offer | None:
    """The slot at exactly this station and start, if it is free beside the plan (a booking)."""
    options, _ = screen_request(scenario, request)
    occupancy = Occupancy(scenario, plan)
    free = [c for c in candidates(scenario, occupancy, request, options, at=(station, start)) if not c.blockers]
    return next(iter(_best(free, scenario.minutes(request), occupancy).values()), None)


SPREADS = (60, 30, 15)  # minutes between two offers at one station, widest first while choices remain


def varied(ranked: list[Offer], top: int) -> list[Offer]:
    """Up to `top` offers that differ: each station's earliest first, then times at least an
    hour from those already chosen there, then half an hour, a quarter, then the rest; best
    first as ranked. Three starts five minutes apart in one room help nobody choose."""
    chosen: list[Offer] = []

    def apart(spread: int):
        return lambda o: all(c.station != o.station or abs(c.start - o.start) >= spread for c in chosen)

    passes = [lambda o: all(c.station != o.station for c in chosen), *(apart(s) for s in SPREADS), lambda o: True]
    for keep in passes:
        for offer in ranked:
            if len(chosen) < top and offer not in chosen and keep(offer):
                chosen.append(offer)
    return sorted(chosen, key=lambda o: (o.rank, o.start))


def offers(scenario: Scenario, plan: Plan, request: Request, top: int = 5) -> Offers:
    """Up to `top` options that differ (stations, times of the day), listed by station preference
    then start; or why there is none.

    One option per station and start: the first free place, and among the free
    officers the one with the fewest supervised minutes so far.
    """
    category = scenario.category(request)
    if category.forbidden is not None:
        return Offers([], Reason.FORBIDDEN_ITEM, (finding(Why.CHARTER, charter=category.forbidden),))
    options, why = screen_request(scenario, request)
    if not options:
        return Offers([], Reason.NO_FEASIBLE_SLOT, why)
    occupancy = Occupancy(scenario, plan)
    free = [c for c in candidates(scenario, occupancy, request, options) if not c.blockers]
    ranked = varied(sorted(_best(free, scenario.minutes(request), occupancy).values(), key=lambda o: (o.rank, o.start)),
                    top)
    if ranked:
        return Offers(ranked)
    return Offers([], Reason.CAPACITY, tuple(binding_resources(scenario, plan, request, occupancy)))
