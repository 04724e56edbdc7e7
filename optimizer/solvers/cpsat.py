"""Lexicographic solving: one level at a time, each fixed before the next.

Each level is optimised with the previous solution as a complete hint, then
held at the value reached (proven or not) while the next is optimised. The
result is a solver-independent Plan plus a record of each level's status.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from ..check import check_plan
from ..core.codes import BoundBy, Level, Sense
from ..model.build import build_model
from ..model.variables import HandoverModel
from ..plan.levels import plan_levels
from ..plan.rows import Handover, Plan, whole_plan
from ..scenario.schema import Scenario
from ..screening import Screening, screen
from .greedy import best_greedy
from .hints import hint_from, hint_from_plan
from .locks import locked_plan
from .officers import REASSIGN_FROM, REASSIGN_SHARE, fewer_officers, officers_bound
from .placing import assign_places
from .result import LevelResult, Progress, SolveOptions, SolveResult, Status
from .stop import search, stopped


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
    if options.presolve_passes is not None:
        p.max_presolve_iterations = options.presolve_passes
        # After a short presolve, CP-SAT 9.15's violation local search (`ls`) can segfault while
        # compiling the model (CompiledReservoirConstraint::InitializeDenseIndexToEvents, a write
        # to address 0): a block of a national day crashed so every time it ran, and took the
        # other blocks of its round with it (tests/data/block-that-crashed-ls.json).
        p.ignore_subsolvers.append("ls")
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
    if start is not None:
        # A start may list only handovers; every other request is then left out of it.
        candidates = [whole_plan(scenario, screening, start.handovers)]
    else:
        # Two cheap constructions: arrival order (the baseline) and value first; the better.
        candidates = [best_greedy(scenario, screening)]
    for plan in candidates:
        if check_plan(scenario, plan).ok:
            return hint_from_plan(hm, scenario, plan)
    return hint_from_plan(hm, scenario, locked_plan(scenario, screening))


def _status(code: int) -> Status:
    return {cp_model.OPTIMAL: Status.OPTIMAL, cp_model.FEASIBLE: Status.FEASIBLE}.get(code, Status.UNKNOWN)


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
        hm.model.Add(hm.level(Level.BALANCE) <= busiest_cap)
        order = [name for name in order if name != Level.BALANCE]
    if Level.CHANGES in hm.terms:
        order = [Level.SERVED, Level.CHANGES] + [name for name in order if name != Level.SERVED]
    values = _starting_point(hm, scenario, screening, start)
    first_hint = values
    if before:
        # Start from the previous plan where it still fits; locks override it.
        locked = {h.request_id: h for h in locked_plan(scenario, screening).handovers}
        first_hint = hint_from(hm, scenario, {**before, **locked})
    result = SolveResult(plan=Plan(), options=options)
    deterministic_spent = 0.0
    for index, name in enumerate(order):
        if stopped() is not None:
            # A signal asked to stop: the plan so far stands, the rest is not settled.
            result.interrupted = stopped()
            bound, by = _static_bound(hm, name)
            result.levels.append(LevelResult(name, hm.senses[name], _evaluate(hm, name, values), bound,
                                             Status.INTERRUPTED, 0.0, by))
            continue
        # A deterministic run counts the solver's deterministic time, never the clock,
        # so the budget each level gets (and so the plan) is the same run after run.
        spent = deterministic_spent if options.deterministic else time.monotonic() - started
        remaining = options.time_limit - spent
        budget = remaining if index == len(order) - 1 else remaining / 2
        expr, sense = hm.level(name), hm.senses[name]
        static, static_by = _static_bound(hm, name)
        if sense == Sense.MAX and _evaluate(hm, name, values) == static:
            # The starting point already reaches what no plan can beat (every plannable request,
            # on a fixed-interval day greedy serves whole): no search, which can take a while
            # to prove it once presolve has spread the level over the officer choices.
            result.levels.append(LevelResult(name, sense, static, static, Status.OPTIMAL, 0.0, static_by))
            hm.model.Add(expr >= static)
            continue
        if name == Level.OFFICERS:
            reassigning = time.monotonic()
            if _reassignable(hm, options, values):
                # Choosing the officers again with every handover held is an assignment HiGHS'
                # feasibility jump settles in a second where this search can take the night.
                better = fewer_officers(scenario, screening, _read_plan(scenario, screening, hm, values),
                                        seconds=REASSIGN_SHARE * budget)
                if better is not None:
                    values = hint_from_plan(hm, scenario, better)
            budget -= time.monotonic() - reassigning
            need = officers_bound(scenario, screening, _evaluate(hm, Level.SERVED, values))
            value = _evaluate(hm, name, values)
            if need is not None and value == need.value:
                # A bound reached: nothing to search (the peak overlap on fixed-interval days, once
                # reassigned; the caps where they bind, as on the bundled pilot).
                result.levels.append(LevelResult(name, sense, value, need.value, Status.OPTIMAL,
                                                 time.monotonic() - reassigning, need.by))
                hm.model.Add(expr <= value)
                continue
        _hint(hm, first_hint if index == 0 else values)
        if sense == Sense.MAX:
            hm.model.Maximize(expr)
        else:
            hm.model.Minimize(expr)
        solver = _parameters(options, budget)
        level_started = time.monotonic()
        watcher = _Watcher(name, progress, started) if progress else None
        code = search(solver, hm.model, watcher)
        seconds = time.monotonic() - level_started
        deterministic_spent += solver.ResponseProto().deterministic_time
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = {var.Index(): solver.Value(var) for var in hm.solution_vars()}
            value = int(round(solver.ObjectiveValue()))
            # A solution no better at this level than the one before keeps the one before when
            # that is better on the levels still to come (a level ignores what follows it).
            later = order[index + 1:]
            if _evaluate(hm, name, values) != value or _rank(hm, later, found) >= _rank(hm, later, values):
                values = found
            bound, by = int(round(solver.BestObjectiveBound())), BoundBy.CPSAT
        elif code == cp_model.INFEASIBLE or code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"level '{name}': the model is {solver.StatusName(code)}; this is a bug")
        else:
            # No solution within the budget: keep the previous one (the trivial plan
            # at worst), which the hint made feasible.
            value = _evaluate(hm, name, values)
            bound, by = _static_bound(hm, name)
        status = _status(code) if stopped() is None else Status.INTERRUPTED
        result.interrupted = stopped()
        result.levels.append(LevelResult(name, sense, value, bound, status, seconds, by))
        if progress and bound is not None:
            progress(name, value, bound, time.monotonic() - started)
        if sense == Sense.MAX:
            hm.model.Add(expr >= value)
        else:
            hm.model.Add(expr <= value)
    hm.model.ClearObjective()
    result.plan = _read_plan(scenario, screening, hm, values)
    # A later level may improve an earlier unproven one, and helper variables such as
    # `used` or `busiest` are bounded on one side only: report the plan's own values.
    actual = plan_levels(scenario, result.plan, previous, set(screening.options))
    if busiest_cap is not None:
        result.levels.append(LevelResult(Level.BALANCE, Sense.MIN, actual[Level.BALANCE], actual[Level.BALANCE],
                                         Status.FIXED, 0.0, BoundBy.CPSAT))
    for level in result.levels:
        level.value = actual[level.name]
    result.seconds = time.monotonic() - started
    return result


def _reassignable(hm: HandoverModel, options: SolveOptions, values: dict[int, int]) -> bool:
    """Whether the officers' reassignment is worth a HiGHS process: a plan large enough, a run
    that need not be reproducible (HiGHS stops on the clock), and no re-plan (moving a booking
    to another officer would cost at the `changes` level, which is settled by now)."""
    served = sum(values.get(var.Index(), 0) for var in hm.vars.served.values())
    return served >= REASSIGN_FROM and not options.deterministic and Level.CHANGES not in hm.terms


def _evaluate(hm: HandoverModel, name: str, values: dict[int, int]) -> int:
    """The value of a level under a full assignment, without a solver."""
    return hm.constants.get(name, 0) + sum(coeff * values.get(var.Index(), 0) for var, coeff in hm.terms[name])


def _rank(hm: HandoverModel, names: list[str], values: dict[int, int]) -> tuple[int, ...]:
    """An assignment's values on `names`, signed so that larger is better."""
    return tuple(_evaluate(hm, n, values) * (1 if hm.senses[n] == Sense.MAX else -1) for n in names)


def _static_bound(hm: HandoverModel, name: str) -> tuple[int | None, BoundBy | None]:
    """The bound known without search: all of a maximised level (every plannable request for
    `served`); for a minimised one nothing worth saying (None)."""
    if hm.senses[name] == Sense.MAX:
        bound = hm.constants.get(name, 0) + sum(c for _, c in hm.terms[name] if c > 0)
        return bound, BoundBy.PLANNABLE if name == Level.SERVED else None
    return None, None


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
    handovers = []
    for rid, start in starts.items():
        request = scenario.request_by_id[rid]
        handovers.append(Handover(
            start=start, station=chosen_station[rid], place=places[rid], request_id=rid,
            officer=chosen_officer[rid], end=start + scenario.minutes(request),
            category=request.category, seller=request.seller, buyer=request.buyer,
        ))
    return whole_plan(scenario, screening, handovers)
