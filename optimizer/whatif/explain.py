"""Why a request that fits alone was not served: the resources that bind.

Two derivations, both from the rules rather than from a template:
1. Insertion: against the plan as written, every start the request allows is
   checked and its blockers named (`insertion.py`). A blocker kind that alone
   stands between the request and some start is a binding resource.
2. Displacement (bounded solve): the `served` level is re-solved with the
   request forced in. If the best value drops, the requests that leave the plan
   are the ones it would displace (a higher priority, or more requests).
Each is a finding (`core/findings.py`); words come at the edge.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from ..check import check_plan
from ..core.codes import Level, Reason
from ..core.findings import Blocker, Finding, Why, finding
from ..model.build import build_model
from ..plan.occupancy import Occupancy
from ..plan.rows import Handover, Plan, Unserved
from ..scenario.schema import Request, Scenario
from ..screening import Screening
from ..solvers.stop import search, stopped
from .insertion import Candidate, candidates

_OFFICER_FINDING = {Blocker.CAP: Why.OFFICERS_AT_CAP, Blocker.COUNT: Why.OFFICERS_AT_COUNT,
                    Blocker.OFFICER_BUSY: Why.OFFICERS_BUSY}


def _span(cands: list[Candidate], minutes: int) -> dict[str, int]:
    return {"start": min(c.start for c in cands), "end": max(c.start for c in cands) + minutes}


def _binding(scenario: Scenario, request: Request, kind: Blocker, subject: str, station: str,
             group: list[Candidate], everyone: set[str]) -> Finding:
    """One binding resource; `everyone` is every officer who could take the request there."""
    minutes = scenario.minutes(request)
    if kind == Blocker.PLACE:
        count = len(scenario.station_by_id[station].places(subject))
        return finding(Why.PLACES_FULL, station=station, kind=subject, count=count, **_span(group, minutes))
    if kind == Blocker.VISITORS:
        cap = scenario.station_by_id[station].max_visitors
        return finding(Why.VISITORS_FULL, station=station, max_visitors=cap, **_span(group, minutes))
    officers = sorted({c.officer for c in group})
    window = _span(group, minutes) if kind == Blocker.OFFICER_BUSY else {}
    return finding(_OFFICER_FINDING[kind], station=station, officers=officers,
                   all=set(officers) == everyone, skill=scenario.category(request).skill, **window)


def binding_resources(scenario: Scenario, plan: Plan, request: Request,
                      occupancy: Occupancy | None = None) -> list[Finding]:
    """Each resource that alone keeps the request out of the plan."""
    occupancy = occupancy or Occupancy(scenario, plan)
    cands = candidates(scenario, occupancy, request)
    if any(not c.blockers for c in cands):
        return [finding(Why.FITS_NOW)]
    single: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in cands:
        kinds = {(b.kind, b.subject if b.kind in (Blocker.PLACE, Blocker.PARTY) else "") for b in c.blockers}
        if len(kinds) == 1:
            kind, subject = kinds.pop()
            single[kind, subject, "" if kind == Blocker.PARTY else c.station].append(c)
    found = []
    for (kind, subject, station), group in sorted(single.items(), key=lambda item: (item[1][0].rank, item[0])):
        if kind == Blocker.PARTY:
            others = sorted({b.other for c in group for b in c.blockers})
            role = "seller" if subject == request.seller else "buyer"
            booked = [[h.station, h.start, h.request_id] for h in plan.handovers if h.request_id in others]
            found.append(finding(Why.PARTY_BOOKED, role=role, bookings=booked))  # no party id: personal data
        else:
            everyone = {c.officer for c in cands if c.station == station}
            found.append(_binding(scenario, request, kind, subject, station, group, everyone))
    if found:
        return found
    # No single resource frees it: name what blocks most often at each station.
    per_station: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in cands:
        for b in c.blockers:
            per_station[c.station][b.kind] += 1
    stations = [[station, sorted(kinds, key=lambda k: -kinds[k])[:2]] for station, kinds in per_station.items()]
    return [finding(Why.NO_SINGLE_RESOURCE, stations=stations)]


# Displacement re-solves work on the whole day's model. Measured on 2 cores: on the pilot (60
# requests) each finds its tie in 1.5 to 3 s (a trade, in 10 ms, finds 4 of its 5 first); on
# generated days of 120, 300 and 500 requests not one of them reached a finding in 30 s, so
# larger days get the insertion analysis only (0.8 s for the 283 requests a 1,000-request day
# leaves out).
DISPLACEMENT_LARGEST = 100
RESOLVE_SECONDS = 5.0  # the pilot's ties are found in 1.5 to 3 s
# CP-SAT workers for a re-solve, at most. A tie is found, or pushing out proven, faster by 2
# workers than by the planning's 8 on 2 cores, with the same findings (2026-12-05, 6 seeds:
# the pilot's explanations 1.07 s median against 2.0 s; the day with one officer less, 3 seeds,
# 10.1 s against 11.7 s): the re-solve is small, and 8 workers share 2 cores.
DISPLACEMENT_WORKERS = 2


class _AtLeast(cp_model.CpSolverSolutionCallback):
    """Stops the search at the first plan worth `value` or more: a tie (or better) is known then."""

    def __init__(self, value: int):
        super().__init__()
        self.value, self.reached = value, False

    def on_solution_callback(self) -> None:
        if self.ObjectiveValue() >= self.value:
            self.reached = True
            self.StopSearch()


def trade(scenario: Scenario, screening: Screening, plan: Plan, request: Request) -> Finding | None:
    """A plan as good as this one, or better, with the request in: found by trading it for one
    served request of no higher priority that stands in its way, and confirmed by the checker.

    What a re-solve finds in seconds on a small day, a trade often finds in milliseconds, and
    it needs no proof: the traded plan is a fact.
    """
    stations = {option.station for option in screening.options[request.id]}
    people = {request.seller, request.buyer}
    current = sum(scenario.request_by_id[h.request_id].priority for h in plan.handovers)
    minutes = scenario.minutes(request)
    rest = [u for u in plan.unserved if u.request_id != request.id]
    for h in sorted(plan.handovers, key=lambda h: (scenario.request_by_id[h.request_id].priority, h.request_id)):
        other = scenario.request_by_id[h.request_id]
        if other.locked is not None or other.priority > request.priority:
            continue
        if h.station not in stations and not people & {other.seller, other.buyer}:
            continue  # frees nothing the request could use
        kept = [k for k in plan.handovers if k is not h]
        occupancy = Occupancy(scenario, Plan(kept))
        free = next((c for c in candidates(scenario, occupancy, request, screening.options[request.id])
                     if not c.blockers), None)
        if free is None:
            continue
        handover = Handover(free.start, free.station, free.place, request.id, free.officer, free.start + minutes,
                            request.category, request.seller, request.buyer)
        traded = Plan(kept + [handover], rest + [Unserved(other.id, Reason.CAPACITY)])
        if not check_plan(scenario, traded).ok:
            continue
        forced = current - other.priority + request.priority
        if forced > current:
            return finding(Why.BETTER_PLAN, forced=forced, current=current)
        return finding(Why.TIE, replaced=[other.id])
    return None


class Displacement:
    """The `served` level re-solved with one request forced in, for one request after another.

    The model is built once; forcing a request in is a change of its `served` variable's
    domain, undone after the solve.
    """

    def __init__(self, scenario: Scenario, screening: Screening, plan: Plan, workers: int, seed: int,
                 deterministic: bool = False):
        self.scenario, self.plan = scenario, plan
        self.workers, self.seed, self.deterministic = min(workers, DISPLACEMENT_WORKERS), seed, deterministic
        self.hm = build_model(scenario, screening)
        self.hm.model.Maximize(self.hm.level(Level.SERVED))
        self.served_now = {h.request_id for h in plan.handovers}
        self.current = sum(scenario.request_by_id[rid].priority for rid in self.served_now)

    def why(self, request_id: str, seconds: float) -> tuple[Finding | None, float]:
        """What serving it would push out, and the time spent (deterministic time if deterministic)."""
        hm, served_now = self.hm, self.served_now
        variable = hm.vars.served[request_id]
        domain = hm.model.Proto().variables[variable.Index()].domain  # [0, 1]: a Boolean
        domain[0] = 1
        hm.model.ClearHints()
        for rid, var in hm.vars.served.items():
            hm.model.AddHint(var, int(rid in served_now and rid != request_id) or int(rid == request_id))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.seed
        if self.deterministic:
            solver.parameters.interleave_search = True
            solver.parameters.max_deterministic_time = max(seconds, 0.1)
        else:
            solver.parameters.max_time_in_seconds = max(seconds, 0.1)
        started = time.monotonic()
        enough = _AtLeast(self.current)
        try:
            code = search(solver, hm.model, enough)
        finally:
            domain[0] = 0
        spent = solver.ResponseProto().deterministic_time if self.deterministic else time.monotonic() - started
        # A plan as good as today's with the request in is a fact whatever the search proved;
        # that serving it pushes others out needs the proof.
        if code == cp_model.OPTIMAL or (code == cp_model.FEASIBLE and enough.reached):
            return self._finding(request_id, solver), spent
        return None, spent

    def _finding(self, request_id: str, solver: cp_model.CpSolver) -> Finding:
        scenario, served_now = self.scenario, self.served_now
        current = self.current
        forced = int(round(solver.ObjectiveValue()))
        out = sorted(rid for rid in served_now if not solver.Value(self.hm.vars.served[rid]))
        request = scenario.request_by_id[request_id]
        if forced > current:
            return finding(Why.BETTER_PLAN, forced=forced, current=current)
        if forced == current:
            return finding(Why.TIE, replaced=out)
        priorities = [[rid, scenario.request_by_id[rid].priority] for rid in out]
        higher = [rid for rid in out if scenario.request_by_id[rid].priority > request.priority]
        if higher and len(out) == 1:
            return finding(Why.PUSHED_OUT_BY_HIGHER, out=priorities)
        return finding(Why.PUSHES_OUT, out=priorities, worth=current - forced + request.priority,
                       priority=request.priority)


def explain_unserved(
    scenario: Scenario, screening: Screening, plan: Plan, *, budget: float = 30.0, workers: int = 8, seed: int = 0,
    solve_checks: bool = True, largest_model: int = DISPLACEMENT_LARGEST, deterministic: bool = False,
) -> Plan:
    """The plan with each `capacity` row's findings naming what binds, within `budget` seconds.

    Trades (`trade`) and, for the rows no trade settles, displacement re-solves (at most
    `RESOLVE_SECONDS` each) need the whole day, so they run only on days of at most
    `largest_model` plannable requests; rows reached after the budget keep their finding. With
    `deterministic`, the budget is CP-SAT's deterministic time and the insertion analysis is not
    timed, so the same plan gives the same explanations run after run.
    """
    started = time.monotonic()
    spent = 0.0  # deterministic: solver time only

    def remaining() -> float:
        return budget - (spent if deterministic else time.monotonic() - started)

    occupancy = Occupancy(scenario, plan)
    capacity = [u for u in plan.unserved if u.reason == Reason.CAPACITY]
    solve_checks = solve_checks and len(screening.options) <= largest_model
    found: dict[str, list[Finding]] = {}
    unsettled = []  # no trade found: for the re-solves
    for row in capacity:
        if remaining() <= 0 or stopped() is not None:
            break
        request = scenario.request_by_id[row.request_id]
        found[request.id] = binding_resources(scenario, plan, request, occupancy)
        # A request that fits beside the plan as it is needs no trade: the re-solve says more.
        fits = any(f.why == Why.FITS_NOW for f in found[request.id])
        traded = trade(scenario, screening, plan, request) if solve_checks and not fits else None
        if traded is not None:
            found[request.id].append(traded)
        elif solve_checks:
            unsettled.append(request.id)
    if unsettled and remaining() > 0.5:
        displacement = Displacement(scenario, screening, plan, workers, seed, deterministic)
        for left, request_id in zip(range(len(unsettled), 0, -1), unsettled):
            if remaining() <= 0.2 or stopped() is not None:
                break
            why, used = displacement.why(request_id, min(remaining() / left, RESOLVE_SECONDS))
            spent += used
            if why is not None:
                found[request_id].append(why)
    rows = [replace(row, findings=tuple(found[row.request_id])) if row.request_id in found else row
            for row in plan.unserved]
    return Plan(plan.handovers, rows).sorted()
