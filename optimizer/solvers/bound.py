"""An upper bound on the `served` level that needs no CP-SAT model of the day.

Days planned in blocks have no global CP-SAT bound: each block is solved with
the rest of the day fixed. This LP relaxes the day to one fractional choice of
station per request and keeps, per station, what any plan must respect over
spans of the day: places and officers' attention in each span, and the
supervision caps of the officers on duty then (an officer can supervise at most
`min(cap, bays per officer × minutes on duty)` inside a span). Every row holds
for every feasible plan, so the LP optimum, rounded down, bounds `served`.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

from ortools.linear_solver import pywraplp

from ..core.times import intersect, merge_ranges, overlap
from ..scenario.schema import Scenario
from ..screening import Screening

SPAN_STEP = 120  # minutes between the ends of the spans the rows cover


def served_bound(scenario: Scenario, screening: Screening, time_limit: float = 120.0) -> int | None:
    """The LP bound on the sum of priorities served, rounded down; None if the LP did not finish."""
    started = time.monotonic()
    policy = scenario.policy
    turnover, bays_each = policy.turnover_minutes, policy.bay_handovers_per_officer
    lp = pywraplp.Solver.CreateSolver("GLOP")
    objective = lp.Objective()
    objective.SetMaximization()
    # (station, resource) -> [(variable, earliest start, latest end, weight)]
    members: dict[tuple[str, tuple], list] = defaultdict(list)
    for rid, options in screening.options.items():
        request = scenario.request_by_id[rid]
        category = scenario.category(request)
        minutes = scenario.minutes(request)
        locked = request.locked.station if request.locked is not None else None
        choice = lp.Constraint(1 if locked else 0, 1)
        for option in options:
            x = lp.NumVar(1 if option.station == locked else 0, 1, "")
            objective.SetCoefficient(x, request.priority)
            choice.SetCoefficient(x, 1)
            starts = option.starts()
            first, last = starts[0][0], starts[-1][1]
            members[option.station, ("place", option.kind)].append(
                (x, first, last + minutes + turnover, minutes + turnover))
            attention = minutes * (bays_each if option.kind == "room" else 1)
            for skill in {None, category.skill}:
                members[option.station, ("attention", skill)].append((x, first, last + minutes, attention))
                members[option.station, ("load", skill)].append((x, first, last + minutes, minutes))
    for (station_id, resource), group in members.items():
        station = scenario.station_by_id[station_id]
        capacity = _capacity(scenario, station, resource)
        earliest = min(first for _, first, _, _ in group)
        latest = max(end for _, _, end, _ in group)
        cuts = sorted({earliest, *range(earliest - earliest % SPAN_STEP + SPAN_STEP, latest, SPAN_STEP)})
        ends = sorted({latest, *(c for c in cuts if c > earliest)})
        for a in cuts:
            for b in ends:
                if b <= a:
                    continue
                inside = [(x, w) for x, first, end, w in group if first >= a and end <= b]
                limit = capacity(a, b)
                if sum(w for _, w in inside) <= limit:
                    continue
                row = lp.Constraint(0, limit)
                for x, w in inside:
                    row.SetCoefficient(x, w)
    lp.SetTimeLimit(int(max(1.0, time_limit - (time.monotonic() - started)) * 1000))
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return None
    return math.floor(objective.Value() + 1e-6)


def _capacity(scenario: Scenario, station, resource: tuple):
    """What the station offers of `resource` in a span [a, b)."""
    policy = scenario.policy
    turnover, bays_each = policy.turnover_minutes, policy.bay_handovers_per_officer
    what, detail = resource
    if what == "place":
        places = len(station.places(detail))
        opened = [(s, e + turnover) for s, e in station.hours]
        return lambda a, b: places * overlap(opened, a, b)
    crew = [o for o in scenario.officers_at(station.id) if detail is None or detail in o.skills]
    duty = [intersect(merge_ranges(station.hours), [o.on_duty]) for o in crew]
    if what == "attention":
        return lambda a, b: bays_each * sum(overlap(spans, a, b) for spans in duty)
    caps = [scenario.supervision_cap(o) for o in crew]
    return lambda a, b: sum(min(cap, bays_each * overlap(spans, a, b)) for cap, spans in zip(caps, duty))
