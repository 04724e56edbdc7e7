"""Lexicographic solving: one level at a time, each fixed before the next.

Each level is optimised with the previous solution as a complete hint, then
held at the value reached (proven or not) while the next is optimised. The
result is a solver-independent Plan plus a record of each level's status.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import ortools
from ortools.sat.python import cp_model

from ..model.build import HandoverModel, build_model
from .placing import assign_places
from ..plan.rows import Handover, Plan, Unserved
from ..scenario.schema import Scenario
from ..screening import CAPACITY, Screening, screen

CAPACITY_DETAIL = "fits alone, but not beside the requests that were planned"


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0  # seconds for all levels together
    workers: int = 8  # CP-SAT portfolio size; 8 beats 2 even on 2 cores (LP workers)
    seed: int = 0
    deterministic: bool = False
    log: bool = False


@dataclass
class LevelResult:
    name: str
    sense: str  # "max" | "min"
    value: int
    bound: int
    status: str  # "optimal" | "feasible" | "unknown"
    seconds: float

    @property
    def gap(self) -> float:
        """Relative distance between value and bound, as CP-SAT reports it (0 when proven)."""
        if self.value == self.bound:
            return 0.0
        return abs(self.bound - self.value) / max(1, abs(self.value))


@dataclass
class SolveResult:
    plan: Plan
    levels: list[LevelResult] = field(default_factory=list)
    seconds: float = 0.0
    options: SolveOptions = field(default_factory=SolveOptions)
    solver: str = "cp-sat"

    @property
    def status(self) -> str:
        if all(level.status == "optimal" for level in self.levels):
            return "optimal"
        return "feasible"


Progress = Callable[[str, float, float, float], None]  # level, best, bound, elapsed seconds


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, level: str, progress: Progress, started: float):
        super().__init__()
        self.level, self.progress, self.started = level, progress, started

    def on_solution_callback(self) -> None:
        self.progress(self.level, self.ObjectiveValue(), self.BestObjectiveBound(), time.monotonic() - self.started)


def _parameters(options: SolveOptions, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = options.workers
    p.random_seed = options.seed
    p.log_search_progress = options.log
    if options.deterministic:
        # Interleaved search is deterministic whatever the number of workers, and a
        # deterministic time limit makes the stopping point reproducible too.
        p.interleave_search = True
        p.max_deterministic_time = max(seconds, 0.1)
    else:
        p.max_time_in_seconds = max(seconds, 0.1)
    return solver


def _hint(hm: HandoverModel, values: dict[int, int]) -> None:
    hm.model.ClearHints()
    for var in hm.solution_vars():
        if var.Index() in values:
            hm.model.AddHint(var, values[var.Index()])


def _starting_point(hm: HandoverModel, scenario: Scenario, screening: Screening, start: Plan | None) -> dict[int, int]:
    """A complete feasible assignment to start from and fall back on: `start`, else the best greedy plan.

    Greedy (first come, first served) respects every rule and takes well under a
    second even for a national day; if it ever failed the checker, the plan of
    the locked requests alone, feasible whenever the locks are valid, is used.
    """
    from ..check import check_plan
    from .greedy import hint_from_plan

    if start is not None:
        # A start may list only handovers; every other request is then left out of it.
        served = {h.request_id for h in start.handovers}
        rows = [Unserved(rid, *screening.unserved.get(rid, (CAPACITY, CAPACITY_DETAIL)))
                for rid in scenario.request_by_id if rid not in served]
        candidates = [Plan(start.handovers, rows)]
    else:
        # Two cheap constructions: arrival order (the baseline) and value first; the better.
        from .greedy import best_greedy

        candidates = [best_greedy(scenario, screening)]
    for plan in candidates:
        if check_plan(scenario, plan).ok:
            return hint_from_plan(hm, scenario, plan)
    locked = {r.id: r.locked for r in scenario.requests if r.locked is not None}
    return hint_from(hm, scenario, locked)


def hint_from(hm: HandoverModel, scenario: Scenario, appointments: dict) -> dict[int, int]:
    """Values that plan exactly the given appointments (anything with station, place, officer, start)."""
    v = hm.vars
    chosen = {rid: a for rid, a in appointments.items() if rid in v.served}
    values: dict[int, int] = {}
    for rid, served in v.served.items():
        values[served.Index()] = int(rid in chosen)
    for (rid, station), at in v.at.items():
        values[at.Index()] = int(rid in chosen and chosen[rid].station == station)
    for (rid, officer), by in v.by.items():
        values[by.Index()] = int(rid in chosen and chosen[rid].officer == officer)
    for (rid, place), on in v.on.items():
        values[on.Index()] = int(rid in chosen and chosen[rid].place == place)
    for rid, slot in v.slot.items():
        if rid in chosen:
            values[slot.Index()] = chosen[rid].start // scenario.policy.slot_minutes
    loads = {officer: 0 for officer in v.load}
    for rid, appointment in chosen.items():
        if appointment.officer in loads:
            loads[appointment.officer] += scenario.minutes(scenario.request_by_id[rid])
    for officer, load in v.load.items():
        values[load.Index()] = loads[officer]
        values[v.used[officer].Index()] = int(loads[officer] > 0)
    if v.busiest is not None:
        values[v.busiest.Index()] = max(loads.values(), default=0)
    return values


def _status(code: int) -> str:
    return {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(code, "unknown")


def solve(
    scenario: Scenario,
    options: SolveOptions = SolveOptions(),
    progress: Progress | None = None,
    screening: Screening | None = None,
    previous: Plan | None = None,
    busiest_cap: int | None = None,
    start: Plan | None = None,
) -> SolveResult:
    """Solve every level in order; with a `previous` plan, moving its appointments costs.

    A re-plan's levels are `served`, then `changes`, then the policy's other levels.
    """
    started = time.monotonic()
    screening = screening or screen(scenario)
    before = {h.request_id: h for h in previous.handovers} if previous else None
    hm = build_model(scenario, screening, before)
    order = list(scenario.policy.objective)
    if busiest_cap is not None:
        # Decomposed solve, second round: the day's balance is already settled.
        hm.model.Add(hm.level("balance") <= busiest_cap)
        order = [name for name in order if name != "balance"]
    if "changes" in hm.terms:
        order = ["served", "changes"] + [name for name in order if name != "served"]
    values = _starting_point(hm, scenario, screening, start)
    first_hint = values
    if before:
        # Start from the previous plan where it still fits; locks override it.
        locked = {r.id: r.locked for r in scenario.requests if r.locked is not None}
        first_hint = hint_from(hm, scenario, {**before, **locked})
    result = SolveResult(plan=Plan(), options=options)
    deterministic_spent = 0.0
    for index, name in enumerate(order):
        # A deterministic run counts the solver's deterministic time, never the clock,
        # so the budget each level gets (and so the plan) is the same run after run.
        spent = deterministic_spent if options.deterministic else time.monotonic() - started
        remaining = options.time_limit - spent
        budget = remaining if index == len(order) - 1 else remaining / 2
        expr, sense = hm.level(name), hm.senses[name]
        _hint(hm, first_hint if index == 0 else values)
        if sense == "max":
            hm.model.Maximize(expr)
        else:
            hm.model.Minimize(expr)
        solver = _parameters(options, budget)
        level_started = time.monotonic()
        watcher = _Watcher(name, progress, started) if progress else None
        code = solver.Solve(hm.model, watcher) if watcher else solver.Solve(hm.model)
        seconds = time.monotonic() - level_started
        deterministic_spent += solver.ResponseProto().deterministic_time
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = {var.Index(): solver.Value(var) for var in hm.solution_vars()}
            value = int(round(solver.ObjectiveValue()))
            bound = int(round(solver.BestObjectiveBound()))
        elif code == cp_model.INFEASIBLE or code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"level '{name}': the model is {solver.StatusName(code)}; this is a bug")
        else:
            # No solution within the budget: keep the previous one (the trivial plan
            # at worst), which the hint made feasible.
            value = _evaluate(hm, name, values)
            bound = _static_bound(hm, name)
        result.levels.append(LevelResult(name, sense, value, bound, _status(code), seconds))
        if progress:
            progress(name, value, bound, time.monotonic() - started)
        if sense == "max":
            hm.model.Add(expr >= value)
        else:
            hm.model.Add(expr <= value)
    hm.model.ClearObjective()
    result.plan = _read_plan(scenario, screening, hm, values)
    # A later level may improve an earlier unproven one, and helper variables such as
    # `used` or `busiest` are bounded on one side only: report the plan's own values.
    actual = plan_levels(scenario, result.plan, previous, screening)
    if busiest_cap is not None:
        result.levels.append(LevelResult("balance", "min", actual["balance"], actual["balance"], "fixed", 0.0))
    for level in result.levels:
        level.value = actual[level.name]
    result.seconds = time.monotonic() - started
    return result


def _evaluate(hm: HandoverModel, name: str, values: dict[int, int]) -> int:
    """The value of a level under a full assignment, without a solver."""
    return hm.constants.get(name, 0) + sum(coeff * values.get(var.Index(), 0) for var, coeff in hm.terms[name])


def plan_levels(scenario: Scenario, plan: Plan, previous: Plan | None = None,
                screening: Screening | None = None) -> dict[str, int]:
    """Every objective level computed from plan rows, as the model defines them."""
    from ..model.build import MOVE_WEIGHTS

    loads: dict[str, int] = {}
    for h in plan.handovers:
        loads[h.officer] = loads.get(h.officer, 0) + h.end - h.start
    requests = scenario.request_by_id
    levels = {
        "served": sum(requests[h.request_id].priority for h in plan.handovers),
        "officers": len(loads),
        "balance": max(loads.values(), default=0),
        "preference": sum(requests[h.request_id].stations.index(h.station) for h in plan.handovers),
    }
    if previous is not None:
        plannable = set(screening.options) if screening else set(requests)
        now = {h.request_id: h for h in plan.handovers}
        cost = 0
        for before in previous.handovers:
            if before.request_id not in plannable:
                continue  # cancelled, or no longer possible at all: not a choice of the plan
            after = now.get(before.request_id)
            kept = after is not None and (after.station, after.start) == (before.station, before.start)
            cost += MOVE_WEIGHTS["time_or_station"] * (not kept)
            cost += MOVE_WEIGHTS["place"] * (not (kept and after.place == before.place))
            cost += MOVE_WEIGHTS["officer"] * (not (kept and after.officer == before.officer))
        levels["changes"] = cost
    return levels


def _static_bound(hm: HandoverModel, name: str) -> int:
    """The bound known without search: all of a maximised level, none of a minimised one."""
    coeffs = [coeff for _, coeff in hm.terms[name]]
    constant = hm.constants.get(name, 0)
    if hm.senses[name] == "max":
        return constant + sum(c for c in coeffs if c > 0)
    return constant + sum(c for c in coeffs if c < 0)


def _read_plan(scenario: Scenario, screening: Screening, hm: HandoverModel, values: dict[int, int]) -> Plan:
    v = hm.vars
    slot = scenario.policy.slot_minutes
    turnover = scenario.policy.turnover_minutes
    chosen_station = {rid: s for (rid, s), at in v.at.items() if values.get(at.Index())}
    chosen_officer = {rid: o for (rid, o), by in v.by.items() if values.get(by.Index())}
    fixed_place = {rid: p for (rid, p), on in v.on.items() if values.get(on.Index())}
    stays, starts = [], {}
    for rid, served in v.served.items():
        if not values.get(served.Index()):
            continue
        request = scenario.request_by_id[rid]
        start = values[v.slot[rid].Index()] * slot
        starts[rid] = start
        stays.append((rid, chosen_station[rid], start, start + scenario.minutes(request) + turnover))
    places = assign_places(scenario, stays, fixed_place)
    plan = Plan()
    for rid, start in starts.items():
        request = scenario.request_by_id[rid]
        plan.handovers.append(Handover(
            start=start, station=chosen_station[rid], place=places[rid], request_id=rid,
            officer=chosen_officer[rid], end=start + scenario.minutes(request),
            category=request.category, seller=request.seller, buyer=request.buyer,
        ))
    for rid, (reason, detail) in screening.unserved.items():
        plan.unserved.append(Unserved(rid, reason, detail))
    for rid in screening.options:
        if rid not in starts:
            plan.unserved.append(Unserved(rid, CAPACITY, CAPACITY_DETAIL))
    return plan.sorted()


def solver_version() -> str:
    return f"ortools {ortools.__version__}"
