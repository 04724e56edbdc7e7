"""Confirmed appointments first: a plan of the locked requests alone.

A full lock names its place and officer and is booked as written. A partial lock (a
booking: a station and a start promised to the parties) leaves the place and the
officer to the plan; they are chosen here, greedily in order of start, and when that
fails CP-SAT decides on the locked requests alone. If no assignment fits them
together, the promises cannot all be kept: that is an input error naming them, not a
plan that silently drops one.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..core.problems import InputError
from ..model.build import build_model
from ..plan.occupancy import Occupancy
from ..plan.rows import Handover, Plan
from ..scenario.schema import Request, Scenario
from ..screening import Screening
from .stop import search

LOCKS_SECONDS = 10.0  # enough to settle a day's confirmed appointments alone


class LocksConflict(InputError):
    """Locked requests that no assignment of places and officers can keep together."""

    def __init__(self, request_ids: list[str]):
        self.request_ids = request_ids
        names = ", ".join(f"'{rid}'" for rid in request_ids)
        super().__init__(f"locked requests {names} cannot all be kept: no places and officers fit them together"
                         " at their stations and times (were officers or places removed since they were confirmed?)")


def _handover(scenario: Scenario, request: Request, place: str, officer: str) -> Handover:
    lock = request.locked
    return Handover(lock.start, lock.station, place, request.id, officer, lock.start + scenario.minutes(request),
                    request.category, request.seller, request.buyer)


def _greedy(scenario: Scenario, locked: list[Request], book: Occupancy) -> list[Handover] | None:
    """Full locks as written, then partial ones by start: the first free place and officer."""
    handovers = []
    for request in sorted(locked, key=lambda r: (r.locked.partial, r.locked.start if r.locked.partial else 0)):
        lock = request.locked
        minutes = scenario.minutes(request)
        category = scenario.category(request)
        end = lock.start + minutes
        place, officer = lock.place, lock.officer
        if place is None:
            place = book.first_free_place(lock.station, category.place, lock.start, end)
        if officer is None:
            able = (o for o in scenario.officers_at(lock.station)
                    if (not category.skill or category.skill in o.skills)
                    and o.on_duty[0] <= lock.start and end <= o.on_duty[1]
                    and book.minutes(o.id) + minutes <= scenario.supervision_cap(o)
                    and (o.max_handovers is None or book.count(o.id) < o.max_handovers)
                    and book.officer_free(o.id, category.place, lock.start, end))
            officer = next((o.id for o in able), None)
        if place is None or officer is None:
            return None
        book.book(request, lock.station, place, officer, lock.start, end)
        handovers.append(_handover(scenario, request, place, officer))
    return handovers


def _solved(scenario: Scenario, screening: Screening, locked: list[Request]) -> list[Handover]:
    """CP-SAT on the locked requests alone: a place and an officer for each, or LocksConflict."""
    ids = {r.id for r in locked}
    alone = scenario.with_changes(requests=locked)
    hm = build_model(alone, Screening({rid: screening.options[rid] for rid in ids}, {}))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = LOCKS_SECONDS
    solver.parameters.num_workers = 1
    if search(solver, hm.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise LocksConflict(sorted(ids))
    officer = {rid: o for (rid, o), by in hm.vars.by.items() if solver.Value(by)}
    place = {rid: p for (rid, p), on in hm.vars.on.items() if solver.Value(on)}
    book = Occupancy(alone)
    handovers = []
    for request in sorted(locked, key=lambda r: r.locked.start):
        lock = request.locked
        chosen = lock.place or place.get(request.id) or book.first_free_place(
            lock.station, scenario.category(request).place, lock.start, lock.start + scenario.minutes(request))
        book.book(request, lock.station, chosen, officer[request.id], lock.start, lock.start + scenario.minutes(request))
        handovers.append(_handover(scenario, request, chosen, officer[request.id]))
    return handovers


def locked_plan(scenario: Scenario, screening: Screening) -> Plan:
    """Every locked request planned at its station and start, with a place and an officer."""
    locked = [r for r in scenario.requests if r.locked is not None and r.id in screening.options]
    if not locked:
        return Plan()
    handovers = _greedy(scenario, locked, Occupancy(scenario))
    if handovers is None:
        handovers = _solved(scenario, screening, locked)
    return Plan(handovers)
