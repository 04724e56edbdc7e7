"""The `officers` level: how many officers a day surely needs, and fewer officers for the same
handovers (each held at its station, place and start, the officers chosen again by HiGHS).

With every start held, choosing the officers is an assignment of intervals: for each officer,
the handovers that share a moment must fit its attention, and on intervals checking each
maximal set of handovers that share a moment (a clique) is exact. CP-SAT's model reaches the
officers through optional intervals and cumulatives; on the fixed-interval day fixed-1000 seed 2
(one station, 62 skill sets) its search stopped at 75 officers in 55 s where 72 suffice,
while HiGHS' feasibility jump on the clique program finds 72 in 0.5 s (fixed-1000 seeds 1 to
3: the peak overlap each time; benchmarks/NOTES.md). The plan it gives starts the `officers`
level's search, which keeps it or does better.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

import numpy as np

from ..check import check_plan
from ..core.codes import BoundBy, Level
from ..core.times import maximal_cliques
from ..plan.levels import plan_levels
from ..plan.rows import Handover, Plan
from ..scenario.schema import Scenario
from ..screening import Screening
from .highs_process import HighsProcess
from .program import LinearProgram
from .result import Bound

EPSILON = 1e-9  # the fractional knapsack's rounding, allowed for before rounding up
REASSIGN_FROM = 200  # handovers; on smaller days CP-SAT settles the officers in its own time (the pilot: 1 to 2 s)
REASSIGN_SHARE = 0.25  # of the `officers` level's time, at most, for HiGHS (0.5 s of 55 at fixed-1000)


def fewer_officers(scenario: Scenario, screening: Screening, plan: Plan, seconds: float) -> Plan | None:
    """The plan with its handovers held and fewer officers, if HiGHS finds one within `seconds`."""
    mobilised = plan_levels(scenario, plan)[Level.OFFICERS]
    with HighsProcess(seconds) as highs:
        program, meaning = officer_program(scenario, screening, plan.handovers)
        highs.send(program)
        columns = highs.first_solution()
    if columns is None:
        return None
    officer = {meaning[j][0]: meaning[j][1] for j in columns if meaning[j][0] is not None}
    better = Plan([replace(h, officer=officer[h.request_id]) for h in plan.handovers], list(plan.unserved))
    if plan_levels(scenario, better)[Level.OFFICERS] >= mobilised or not check_plan(scenario, better).ok:
        return None
    return better


def officer_program(scenario: Scenario, screening: Screening,
                    handovers: list[Handover]) -> tuple[LinearProgram, list[tuple[str | None, str]]]:
    """The clique program of the officers' choice, and what each column means.

    Columns: one per handover and officer who could supervise it where and when it is held,
    `(request, officer)`; one per officer, `(None, officer)`, at 1 when the officer is left
    idle, which the program maximises. Rows: each handover has one officer; for each officer,
    each clique of its candidate handovers fits its attention (a room handover takes it whole,
    bay handovers share it) unless the officer is idle, and so do its caps.
    """
    capacity = scenario.policy.bay_handovers_per_officer
    columns: list[tuple[str | None, str]] = []
    per_handover: list[list[int]] = []
    candidates: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)  # officer -> (column, start, end, demand)
    for h in handovers:
        request = scenario.request_by_id[h.request_id]
        option = next(o for o in screening.options[h.request_id] if o.station == h.station)
        demand = capacity if option.kind == "room" else 1
        locked = request.locked.officer if request.locked is not None else None
        mine = []
        for officer_id, spans in option.officer_starts.items():
            if (locked is None or officer_id == locked) and any(a <= h.start <= b for a, b in spans):
                mine.append(len(columns))
                candidates[officer_id].append((len(columns), h.start, h.end, demand))
                columns.append((h.request_id, officer_id))
        per_handover.append(mine)
    rows: list[tuple[float, float, list[int], list[float]]] = [(1, 1, mine, [1] * len(mine)) for mine in per_handover]
    for officer_id, members in candidates.items():
        idle = len(columns)
        columns.append((None, officer_id))
        for clique in maximal_cliques([(start, end, (column, demand)) for column, start, end, demand in members]):
            rows.append((-np.inf, capacity, [c for c, _ in clique] + [idle], [d for _, d in clique] + [capacity]))
        officer = scenario.officer_by_id[officer_id]
        cap = scenario.supervision_cap(officer)
        if sum(end - start for _, start, end, _ in members) > cap:
            rows.append((-np.inf, cap, [c for c, *_ in members] + [idle], [end - start for _, start, end, _ in members] + [cap]))
        most = officer.max_handovers
        if most is not None and len(members) > most:
            rows.append((-np.inf, most, [c for c, *_ in members] + [idle], [1] * len(members) + [most]))
    cost = np.array([0.0 if rid is not None else 1.0 for rid, _ in columns])
    starts = np.cumsum([0] + [len(index) for _, _, index, _ in rows])
    program = LinearProgram(
        cost=cost,
        lower=np.array([lo for lo, *_ in rows], dtype=float),
        upper=np.array([hi for _, hi, *_ in rows], dtype=float),
        starts=starts.astype(np.int32),
        index=np.array([c for *_, index, _ in rows for c in index], dtype=np.int32),
        value=np.array([v for *_, value in rows for v in value], dtype=float),
    )
    return program, columns


def peak_overlap(scenario: Scenario, screening: Screening) -> dict[str, int]:
    """Per station, the most officers that handovers which surely overlap there need at once.

    Only requests with one acceptable station count; a handover's sure part is what every
    start it can take covers, [last start, first start + minutes). A room handover takes an
    officer whole, a bay handover a share (`bay_handovers_per_officer`).
    """
    bays_each = scenario.policy.bay_handovers_per_officer
    events: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for rid, options in screening.options.items():
        if len(options) != 1:
            continue
        option, minutes = options[0], scenario.minutes(scenario.request_by_id[rid])
        starts = option.starts()
        first, last = starts[0][0], starts[-1][1]
        if last < first + minutes:
            demand = bays_each if option.kind == "room" else 1
            events[option.station] += [(last, demand), (first + minutes, -demand)]
    peaks = {}
    for station_id, changes in events.items():
        level = peak = 0
        for _, change in sorted(changes):  # at one moment, ends (negative) come first
            level += change
            peak = max(peak, level)
        peaks[station_id] = math.ceil(peak / bays_each)
    return peaks


def officers_bound(scenario: Scenario, screening: Screening, served: int | None) -> Bound | None:
    """A lower bound on the officers mobilised once `served` (sum of priorities) is held, if any:
    the larger of two.

    Each request left out lowers the priority served by at least 1 and the officers needed by
    at most 1, so the peak overlap, less what may be left out, still needs officers. And what
    `served` needs of supervision at the least needs officers enough to supervise it
    (`_officers_by_caps`).
    """
    order = list(scenario.policy.objective)
    if Level.OFFICERS not in order:
        return None
    plannable = sum(scenario.request_by_id[rid].priority for rid in screening.options)
    before = Level.SERVED in order and order.index(Level.SERVED) < order.index(Level.OFFICERS)
    slack = plannable - served if before and served is not None else plannable
    need = sum(peak_overlap(scenario, screening).values()) - max(0, slack)
    peak = Bound(need, BoundBy.PEAK_OVERLAP) if need > 0 else None
    caps = _officers_by_caps(scenario, screening, served if before else None)
    return max((b for b in (peak, caps) if b is not None), key=lambda b: b.value, default=None)


def least_supervision(scenario: Scenario, screening: Screening, served: int) -> float:
    """The fewest minutes of supervision that serve `served` (a sum of priorities): the requests
    with most priority a minute first, the last one in part. No plan serving as much supervises
    less (a fractional knapsack), locked requests included."""
    need, minutes = float(served), 0.0
    for request in sorted((scenario.request_by_id[rid] for rid in screening.options),
                          key=lambda r: -r.priority / scenario.minutes(r)):
        if need <= 0:
            break
        share = min(1.0, need / request.priority)
        minutes += share * scenario.minutes(request)
        need -= share * request.priority
    return minutes


def _officers_by_caps(scenario: Scenario, screening: Screening, served: int | None) -> Bound | None:
    """Officers enough to supervise what `served` needs at the least, each at most its cap (or
    twice its minutes on duty: two bays at once), the largest first. Where caps bind (generated
    days ask about 1.15 times the caps), this bounds `officers` where the peak overlap cannot:
    a paris night's plan of 928 with 112 officers needs at least 85."""
    if not served:
        return None
    bays_each = scenario.policy.bay_handovers_per_officer
    capacities = sorted((min(scenario.supervision_cap(o), bays_each * (o.on_duty[1] - o.on_duty[0]))
                         for o in scenario.officers), reverse=True)
    minutes, supervised, count = least_supervision(scenario, screening, served) - EPSILON, 0, 0
    for capacity in capacities:
        if supervised >= minutes:
            break
        supervised += capacity
        count += 1
    return Bound(count, BoundBy.LEAST_SUPERVISION) if count else None


def busiest_bound(scenario: Scenario, screening: Screening, served: int | None, officers: int | None) -> Bound | None:
    """A lower bound on the busiest officer's minutes once the levels before `balance` are held:
    what `served` needs at the least, spread evenly over the officers mobilised (`officers`, when
    that level comes first, else every officer)."""
    order = list(scenario.policy.objective)
    if Level.BALANCE not in order or not served or Level.SERVED not in order[:order.index(Level.BALANCE)]:
        return None
    if officers is None or Level.OFFICERS not in order[:order.index(Level.BALANCE)]:
        officers = len(scenario.officers)
    if officers <= 0:
        return None
    need = math.ceil(least_supervision(scenario, screening, served) / officers - EPSILON)
    return Bound(need, BoundBy.LEAST_SUPERVISION) if need > 0 else None
