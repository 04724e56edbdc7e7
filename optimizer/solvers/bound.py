"""Bounds that need no CP-SAT model of the day: what no plan can beat, for the gap to mean something.

`served`: two LP relaxations, each valid for every feasible plan, and the lower one wins.

- The *station LP* relaxes the day to one fractional station per request and keeps, per
  station and span of the day, places, officers' attention and the supervision caps of the
  officers on duty. Fast (under a second at paris size) and weak where one room is shared.
- The *time-indexed LP* (solved by HiGHS' interior point method) has a variable per request,
  station and start on the slot grid, and a row per station and slot for places, officers'
  attention per skill and visitors, per person and slot for the parties. It sees that a
  room holds one handover at a time: on a generated paris day it bounds `served` at 976
  where the station LP says 1,005.

Large days are cut into pieces of neighbouring stations so that each LP stays small, joined
by prices (a Lagrangian relaxation of "served at most once"): a request that stations of two
pieces could serve enters each at its priority less a price, and the prices are added once.
Any price between 0 and the priority keeps it a bound (a plan serves such a request in one
piece at most, where it counts its priority less the price, and the price is counted apart);
the prices are the duals of the whole day's station LP, so the pieces' station LPs add up to
that LP, and each piece's time-indexed LP, where it finishes, lowers the sum. (Counting such a
request as served and leaving it out, price = priority, made a region's pieces weaker than the
whole day's station LP: 5,265 against 5,159; with the duals, 5,057 on region seed 1.)

`officers`: handovers that surely overlap (a fixed start, or a window too short for them to
avoid each other) need as many officers at their station at that moment (`officers.peak_overlap`),
and what `served` needs of supervision at the least needs officers enough to supervise it.
`balance`: that least supervision spread evenly over the officers mobilised.
`preference`: the station LP's least sum of station ranks among plans serving at least as much.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable

import numpy as np
from highspy import _core as highs_core
from ortools.linear_solver import pywraplp

from ..core.codes import BoundBy, Level, Sense
from ..core.times import intersect, merge_ranges, overlap
from ..scenario.schema import Scenario
from ..screening import Screening
from .groups import station_blocks
from .officers import busiest_bound, officers_bound
from .program import LinearProgram
from .result import Bound, LevelResult, Status
from .stop import stopped

SPAN_STEP = 120  # minutes between the ends of the spans the station LP's rows cover
# What the time-indexed LP costs: about 0.01 s of HiGHS a request on small days (0.2 s on the
# pilot), more at paris size (23 to 42 s). After one model that left `served` open, the search
# gives up to a tenth of its time for it (`day.py`); where the LP does not finish in time it
# gives up at its deadline and the station LP stands.
TIME_INDEXED_SECONDS_PER_REQUEST, TIME_INDEXED_SHARE = 0.01, 0.1
# Beside rounds of blocks it runs when a piece can finish in the night: up to 0.045 s a request
# alone on a core, a paris day (one piece) from 60 s on. Each piece that finishes lowers the
# bound, so a day of many runs as many as the night gives it: a region's 4 pieces of about 1,300
# requests with the priced ones take 12 s each, a national day's 45 up to 14 s each (500 s of a
# core in all; the pieces done by the night's end stand).
# (Before the pieces were priced, a region's added up above its station LP and were dropped.)
# On generated paris days with 60 s
# (`run.py`, seeds 1 to 3; benchmarks/NOTES.md, *Another machine*) it finished on all three on
# the machine of 2026-12-05's sixth session, the gap went from 6.8 % to 4.6 % at the median and
# the plans did not suffer (933, 962, 986 against 928, 958, 986); on the slower machine of the
# fourth session it finished on one or two of three and cost the plans 2 to 5 where it did not.
TIME_INDEXED_BESIDE_SECONDS_PER_REQUEST = 0.045
PIECE_REQUESTS = 1200  # requests per piece of the time-indexed LP: about 10 s of HiGHS at paris density
# A person with more requests than this gets no travel rows (a trader with hundreds would make
# the program grow with their square); generated days give each person a few.
TRAVEL_PERSON_REQUESTS = 20
EPSILON = 1e-6  # LP values are rounded down after this tolerance (interior point: 1e-7 relative)
# What the `preference` LP costs at the least, building included: a national day (47,087 plannable
# requests) took 11 to 27 s, a region 0.7 to 1.0 s, paris 0.07 s; below this it is not tried.
PREFERENCE_SECONDS_PER_REQUEST = 0.0002


@dataclass(frozen=True)
class Piece:
    """Requests bounded apart from the rest of the day: those of some neighbouring stations.

    A request that the stations of another piece could serve too enters with its options cut
    to `stations` and its priority less its price (`profit`); None: every option, every priority.
    """

    ids: list[str]
    stations: frozenset[str] | None = None
    profit: dict[str, float] = field(default_factory=dict)

    def options(self, screening: Screening, rid: str) -> list:
        return [o for o in screening.options[rid] if self.stations is None or o.station in self.stations]

    def worth(self, scenario: Scenario, rid: str) -> float:
        return self.profit.get(rid, scenario.request_by_id[rid].priority)


def served_bound(scenario: Scenario, screening: Screening, time_limit: float = 120.0,
                 found: Callable[[Bound], None] | None = None, time_indexed: bool = True) -> Bound:
    """The best bound on the sum of priorities served that fits in `time_limit` seconds
    (`math.inf`: every LP to its end, whatever the clock says).

    `found` hears of each better bound as soon as it is known, so that a caller that cannot
    wait (`Bounding`) keeps the best so far: on a day of several pieces, after each piece's
    time-indexed LP. Without `time_indexed`, the station LP alone.
    """
    started = time.monotonic()
    plannable = sum(scenario.request_by_id[rid].priority for rid in screening.options)
    best = Bound(plannable, BoundBy.PLANNABLE)

    def better(value: float, by: BoundBy) -> None:
        nonlocal best
        if math.floor(value + EPSILON) < best.value:
            best = Bound(math.floor(value + EPSILON), by)
            if found is not None:
                found(best)

    whole = _station_lp(scenario, screening, Piece(list(screening.options)), time_limit)
    if whole is not None:
        better(whole[0], BoundBy.STATION_LP)
    if not time_indexed:
        return best
    pieces, priced = _pieces(scenario, screening, whole[1] if whole is not None else {})
    # Each piece's station LP first (under a second each): what stands for a piece whose
    # time-indexed LP does not finish in time. A day of one piece is the whole day: its LP is `whole`.
    if len(pieces) == 1 and whole is not None:
        values = [whole[0]]
    else:
        values = []
        for piece in pieces:
            by_station = _station_lp(scenario, screening, piece, time_limit - (time.monotonic() - started))
            if by_station is None or stopped() is not None:
                return best
            values.append(by_station[0])
    better(priced + sum(values), BoundBy.STATION_LP)
    for i, piece in enumerate(pieces):
        left = time_limit - (time.monotonic() - started)
        if left < 0.5 or stopped() is not None:
            break  # out of time, or asked to stop: the pieces done so far stand
        by_time = _time_indexed_lp(scenario, screening, piece, left)
        if by_time is not None and by_time < values[i]:
            values[i] = by_time
            better(priced + sum(values), BoundBy.TIME_INDEXED_LP)
    return best


class Bounding:
    """The served bound, computed in a thread while the search runs; `best()` is the best so far.

    HiGHS and GLOP release the GIL while they solve, so the thread costs the search little
    beyond the cores it takes.
    """

    def __init__(self, scenario: Scenario, screening: Screening, seconds: float, on_the_clock: bool = True):
        """`seconds` says which LPs to run; off the clock (a deterministic run) each runs to its end,
        so that the bound, like the plan, is the same run after run."""
        requests = len(screening.options)
        time_indexed = TIME_INDEXED_BESIDE_SECONDS_PER_REQUEST * min(requests, PIECE_REQUESTS) <= seconds
        seconds = seconds if on_the_clock else math.inf
        plannable = sum(scenario.request_by_id[rid].priority for rid in screening.options)
        self._best = Bound(plannable, BoundBy.PLANNABLE)
        # Not a daemon: a process that ends while HiGHS solves waits for the piece to end
        # (the loop stops at a signal) instead of aborting in C++ ("terminate called").
        self._thread = threading.Thread(target=self._run, args=(scenario, screening, seconds, time_indexed),
                                        name="bound")
        self._thread.start()

    def _run(self, scenario: Scenario, screening: Screening, seconds: float, time_indexed: bool) -> None:
        served_bound(scenario, screening, seconds, found=self._keep, time_indexed=time_indexed)

    def _keep(self, bound: Bound) -> None:
        self._best = bound

    def best(self, wait: float | None = 0.0) -> Bound:
        """The best bound after waiting at most `wait` seconds for the rest (None: until it ends)."""
        self._thread.join(None if wait is None else max(0.0, wait))
        return self._best


def tighten(scenario: Scenario, screening: Screening, levels: list[LevelResult], served: Bound | None = None,
            seconds: float = 0.0, preference_seconds: float = 0.0) -> None:
    """Each level's bound made as strong as what is known here, and a level whose bound meets
    its value marked as proven: `served` by the LP bounds (`served`, or computed in `seconds`
    when its level is open), `officers` by the peak overlap and the caps, `balance` by the
    least supervision spread over the officers, `preference` by the station LP when the caller
    gives it `preference_seconds` (block mode: one model has CP-SAT's bound)."""
    by_name = {level.name: level for level in levels}
    level = by_name.get(Level.SERVED)
    if level is not None and level.status != Status.OPTIMAL:
        if served is None and seconds > 0:
            served = served_bound(scenario, screening, seconds)
        _keep_stronger(level, served)
    value = level.value if level is not None else None
    level = by_name.get(Level.OFFICERS)
    if level is not None and level.status != Status.OPTIMAL:
        _keep_stronger(level, officers_bound(scenario, screening, value))
    officers = level.value if level is not None else None
    level = by_name.get(Level.BALANCE)
    if level is not None and level.status != Status.OPTIMAL:
        _keep_stronger(level, busiest_bound(scenario, screening, value, officers))
    level = by_name.get(Level.PREFERENCE)
    if level is not None and level.status != Status.OPTIMAL and preference_seconds > 0 and stopped() is None:
        # Held at least at the plan's `served` when that level comes first.
        order = [lv.name for lv in levels]
        held = value if Level.SERVED in order and order.index(Level.SERVED) < order.index(Level.PREFERENCE) else None
        _keep_stronger(level, preference_bound(scenario, screening, held, preference_seconds))
    for level in levels:
        if level.status in (Status.FEASIBLE, Status.UNKNOWN) and level.bound == level.value:
            level.status = Status.OPTIMAL


def _keep_stronger(level: LevelResult, found: Bound | None) -> None:
    """`found` becomes the level's bound where it says more: lower for a maximised level, higher
    for a minimised one."""
    if found is None:
        return
    if level.bound is None or (found.value < level.bound if level.sense == Sense.MAX else found.value > level.bound):
        level.bound, level.bound_by = found.value, found.by


def _pieces(scenario: Scenario, screening: Screening, prices: dict[str, float]) -> tuple[list[Piece], float]:
    """Requests grouped by pieces of neighbouring stations, and the sum of the prices of those
    that stations of two pieces could serve: each such request enters every piece it could be
    served in, at its priority less its price (a price it lacks is its priority: it is then
    counted as served and left out of the pieces)."""
    blocks = station_blocks(scenario, PIECE_REQUESTS)
    piece_of = {s: i for i, block in enumerate(blocks) for s in block}
    members: dict[int, list[str]] = defaultdict(list)
    profits: dict[int, dict[str, float]] = defaultdict(dict)
    priced = 0.0
    for rid, options in screening.options.items():
        found = sorted({piece_of[o.station] for o in options})
        if len(found) == 1:
            members[found[0]].append(rid)
            continue
        priority = scenario.request_by_id[rid].priority
        price = min(float(priority), max(0.0, prices.get(rid, priority)))
        priced += price
        if priority - price > EPSILON:
            for i in found:
                members[i].append(rid)
                profits[i][rid] = priority - price
    return [Piece(members[i], frozenset(blocks[i]), profits[i]) for i in sorted(members)], priced


def _station_lp(scenario: Scenario, screening: Screening, piece: Piece,
                time_limit: float) -> tuple[float, dict[str, float]] | None:
    """The station LP over a piece, and each request's price (the dual of "served at most
    once"); None if GLOP did not finish."""
    lp, choices, columns = _station_program(scenario, screening, piece)
    objective = lp.Objective()
    objective.SetMaximization()
    for rid, _station, x in columns:
        objective.SetCoefficient(x, piece.worth(scenario, rid))
    if not _solved(lp, time_limit):
        return None
    return objective.Value(), {rid: choice.dual_value() for rid, choice in choices.items()}


def preference_bound(scenario: Scenario, screening: Screening, served: int | None,
                     time_limit: float) -> Bound | None:
    """The least sum of station ranks (`preference`) of a plan serving at least `served` in
    priority (None: whatever it serves), by the station LP, building included in `time_limit`
    (`math.inf`: to its end); None if it does not fit, GLOP did not finish or a signal came.

    Among plans serving at least as much as this one (the levels between, left out, only make
    it larger) none has a smaller sum of ranks. Where the plan serves less than the day could,
    the LP is free to serve other requests at their first stations: the bound is then low,
    and the gap says so.
    """
    ends = time.monotonic() + time_limit
    if PREFERENCE_SECONDS_PER_REQUEST * len(screening.options) > time_limit:
        return None  # not worth building: it would not finish
    lp, _choices, columns = _station_program(scenario, screening, Piece(list(screening.options)))
    # The primal simplex took 51 s on a national day (47,087 requests) where the dual takes 8 s.
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    objective = lp.Objective()
    objective.SetMinimization()
    enough = lp.Constraint(float(served or 0), lp.infinity())
    for rid, station, x in columns:
        request = scenario.request_by_id[rid]
        objective.SetCoefficient(x, request.stations.index(station))
        enough.SetCoefficient(x, request.priority)
    left = ends - time.monotonic()
    if left < 0.1 or not _solved(lp, left, least=0.1):
        return None
    return Bound(max(0, math.ceil(objective.Value() - EPSILON)), BoundBy.STATION_LP)


def _solved(lp: pywraplp.Solver, time_limit: float, least: float = 1.0) -> bool:
    """Whether GLOP reached the optimum within `time_limit` (`math.inf`: to its end, at least
    `least`). It solves in a thread (GLOP releases the GIL) so that a signal ends it at once:
    a national day's LP takes up to half a minute."""
    if math.isfinite(time_limit):
        lp.SetTimeLimit(int(max(least, time_limit) * 1000))
    status: list[int] = []
    solving = threading.Thread(target=lambda: status.append(lp.Solve()), name="glop")
    solving.start()
    while solving.is_alive():
        solving.join(0.1)
        if stopped() is not None and solving.is_alive():
            lp.InterruptSolve()
            solving.join()
            return False
    return status == [pywraplp.Solver.OPTIMAL]


def _station_program(scenario: Scenario, screening: Screening,
                     piece: Piece) -> tuple[pywraplp.Solver, dict, list[tuple[str, str, pywraplp.Variable]]]:
    """The station LP's rows over a piece, without an objective: the solver, each request's row
    "served at most once", and a column per request and station it may be served at, fractional."""
    policy = scenario.policy
    turnover, bays_each = policy.turnover_minutes, policy.bay_handovers_per_officer
    lp = pywraplp.Solver.CreateSolver("GLOP")
    # (station, resource) -> [(variable, earliest start, latest end, weight)]
    members: dict[tuple[str, tuple], list] = defaultdict(list)
    choices = {}
    columns = []
    for rid in piece.ids:
        request = scenario.request_by_id[rid]
        category = scenario.category(request)
        minutes = scenario.minutes(request)
        locked = request.locked.station if request.locked is not None else None
        choice = choices[rid] = lp.Constraint(1 if locked else 0, 1)
        for option in piece.options(screening, rid):
            x = lp.NumVar(1 if option.station == locked else 0, 1, "")
            columns.append((rid, option.station, x))
            choice.SetCoefficient(x, 1)
            starts = option.starts()
            first, last = starts[0][0], starts[-1][1]
            members[option.station, ("place", option.kind)].append(
                (x, first, last + minutes + turnover, minutes + turnover))
            attention = minutes * (bays_each if option.kind == "room" else 1)
            for skill in dict.fromkeys((None, category.skill)):
                members[option.station, ("attention", skill)].append((x, first, last + minutes, attention))
                members[option.station, ("load", skill)].append((x, first, last + minutes, minutes))
    for (station_id, resource), group in members.items():
        capacity = _capacity(scenario, station_id, resource)
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
    return lp, choices, columns


def _capacity(scenario: Scenario, station_id: str, resource: tuple):
    """What the station offers of `resource` in a span [a, b)."""
    policy = scenario.policy
    station = scenario.station_by_id[station_id]
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


def _time_indexed_lp(scenario: Scenario, screening: Screening, piece: Piece, time_limit: float) -> float | None:
    """The time-indexed LP over a piece; None if HiGHS did not finish in `time_limit`."""
    built = time_indexed_model(scenario, screening, piece.ids, piece)
    if built is None:
        return 0.0
    objective = interior_point(built[0].highs(), time_limit)
    # The interior point stops within a relative tolerance of the optimum: allow for it.
    return None if objective is None else objective * (1 + 1e-6)


def _stop_at_signal(_kind, _message, _data_out, data_in, _user_data) -> None:
    if stopped() is not None:
        data_in.user_interrupt = True


def interior_point(highs: highs_core._Highs, time_limit: float) -> float | None:
    """The LP's optimal value by HiGHS' interior point on one thread; None if not reached in time
    or stopped by a signal.

    HiGHS asks its interrupt callback at each step of the interior point: a signal ends it at
    once. (Without it, a region command given SIGINT waited 5.5 s after writing its folder for a
    piece to finish before it could exit; the callback costs nothing measurable: paris' LP 8.1
    to 8.4 s either way.)
    """
    highs.setOptionValue("solver", "ipm")  # ten times faster than simplex here
    highs.setOptionValue("run_crossover", "off")  # the value is all we need, not a vertex
    highs.setOptionValue("threads", 1)
    if math.isfinite(time_limit):
        highs.setOptionValue("time_limit", max(0.1, float(time_limit)))
    highs.setCallback(_stop_at_signal, None)
    highs.startCallback(highs_core.cb.HighsCallbackType.kCallbackIpmInterrupt)
    highs.run()
    if highs.getModelStatus() != highs_core.HighsModelStatus.kOptimal:
        return None
    return highs.getInfo().objective_function_value


def time_indexed_model(scenario: Scenario, screening: Screening, ids: list[str],
                       piece: Piece | None = None, travel: bool = False,
                       allowed: Callable[[str, str, int], bool] | None = None,
                       ) -> tuple[LinearProgram, list[tuple[str, str, int]]] | None:
    """The time-indexed relaxation over the requests `ids` as a linear program, with what each
    column is (request, station, start); None when nothing can be served. Within a `piece`,
    its requests' options and worth are the piece's. With `travel`, the parties' travel time
    between stations too (`_travel_rows`); with `allowed`, only the (request, station, start)
    it allows (`relaxed.py`: what the pieces solved before left the parties free for).

    Its columns are continuous in [0, 1]; `relaxed.py` makes them integer for a start of the
    rounds, and `benchmarks/gap.py` to see how far the relaxation's own optimum lies below its LP.
    """
    policy = scenario.policy
    step, turnover, bays_each = policy.slot_minutes, policy.turnover_minutes, policy.bay_handovers_per_officer
    persons: dict[str, int] = defaultdict(int)
    for rid in ids:
        request = scenario.request_by_id[rid]
        for person in dict.fromkeys((request.seller, request.buyer)):
            persons[person] += 1
    cost: list[float] = []
    meaning: list[tuple[str, str, int]] = []  # column -> (request, station, start)
    rows: dict[tuple, list[tuple[int, int]]] = defaultdict(list)  # row key -> (column, coefficient)
    fixed: set[tuple] = set()  # rows of locked requests: served, = 1
    piece = piece or Piece(ids)
    for rid in ids:
        request = scenario.request_by_id[rid]
        category = scenario.category(request)
        minutes = scenario.minutes(request)
        lock = request.locked
        shared = {person for person in (request.seller, request.buyer) if persons[person] > 1}
        worth = piece.worth(scenario, rid)
        columns = []
        for option in piece.options(screening, rid):
            station = scenario.station_by_id[option.station]
            demand = bays_each if option.kind == "room" else 1
            for first, last in option.starts():
                for start in range(first, last + 1, step):
                    if lock is not None and (option.station != lock.station or start != lock.start):
                        continue
                    if allowed is not None and not allowed(rid, option.station, start):
                        continue
                    column = len(cost)
                    cost.append(worth)
                    meaning.append((rid, option.station, start))
                    columns.append(column)
                    for t in range(start, start + minutes + turnover, step):
                        rows["place", option.station, option.kind, t].append((column, 1))
                    for t in range(start, start + minutes, step):
                        for skill in dict.fromkeys((None, category.skill)):
                            rows["attention", option.station, skill, t].append((column, demand))
                        if option.kind == "room" and station.max_visitors is not None:
                            rows["visitors", option.station, t].append((column, request.party_size))
                        for person in shared:
                            rows["party", person, t].append((column, 1))
                    for skill in dict.fromkeys((None, category.skill)):
                        rows["load", option.station, skill].append((column, minutes))
        rows["one", rid] = [(column, 1) for column in columns]
        if lock is not None:
            fixed.add(("one", rid))
    if not cost:
        return None
    if travel:
        rows.update(_travel_rows(scenario, meaning, persons))
    crews: dict[tuple[str, str | None], list] = {}

    def crew(station_id: str, skill: str | None) -> list:
        if (station_id, skill) not in crews:
            crews[station_id, skill] = [o for o in scenario.officers_at(station_id)
                                        if skill is None or skill in o.skills]
        return crews[station_id, skill]

    def limit(key: tuple) -> float:
        what = key[0]
        if what == "place":
            return len(scenario.station_by_id[key[1]].places(key[2]))
        if what == "attention":
            return bays_each * sum(1 for o in crew(key[1], key[2]) if o.on_duty[0] <= key[3] < o.on_duty[1])
        if what == "visitors":
            return scenario.station_by_id[key[1]].max_visitors
        if what == "load":
            return sum(scenario.supervision_cap(o) for o in crew(key[1], key[2]))
        return 1  # one: served at most once; party: one place at a time; travel: one of two stations

    lower, upper, starts, index, value = [], [], [], [], []
    for key, terms in rows.items():
        bound = limit(key)
        if key[0] != "one" and sum(w for _, w in terms) <= bound:
            continue  # a row that can never bind
        lower.append(1.0 if key in fixed else 0.0)
        upper.append(float(bound))
        starts.append(len(index))
        for column, weight in terms:
            index.append(column)
            value.append(weight)
    program = LinearProgram(np.array(cost, dtype=float), np.array(lower), np.array(upper),
                            np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                            np.array(value, dtype=float))
    return program, meaning


def _travel_rows(scenario: Scenario, meaning: list[tuple[str, str, int]],
                 persons: dict[str, int]) -> dict[tuple, list[tuple[int, int]]]:
    """Rows keeping a party's travel time between stations: for two requests of one person, a
    station of the first and a time t, at most one of the first's columns there and the second's
    columns elsewhere whose spans, each widened by half the travel time, hold t.

    Two such spans meet only when the handovers are closer than the travel time, so each row is
    a clique and every plan keeps it; every such pair is caught when the travel time is even and
    its half a multiple of the slot (30 and 5 minutes by default), some are missed otherwise.
    The bound does without (paris seed 1: 976.68 against 976.85 with such rows); the
    relaxation's start needs them: HiGHS' solution without them set some parties in two
    stations too close in time, and those requests were lost with the officers' choice (region
    seed 1: 4,438 served of the solution's 4,801; with them 4,664 of 4,799).
    """
    gap = scenario.policy.party_travel_minutes
    if not gap:
        return {}
    half, step = gap // 2, scenario.policy.slot_minutes
    spans: dict[str, dict[str, list[tuple[int, int, int]]]] = defaultdict(lambda: defaultdict(list))
    for column, (rid, station, start) in enumerate(meaning):
        spans[rid][station].append((column, start - half, start + scenario.minutes(scenario.request_by_id[rid]) + half))
    by_person: dict[str, list[str]] = defaultdict(list)
    for rid in spans:
        request = scenario.request_by_id[rid]
        for person in dict.fromkeys((request.seller, request.buyer)):
            if persons[person] > 1:
                by_person[person].append(rid)
    # The columns of each request a row may hold, by station and time on the slot grid, once.
    held = {rid: {station: _times(found, step) for station, found in spans[rid].items()}
            for rids in by_person.values() if len(rids) <= TRAVEL_PERSON_REQUESTS for rid in rids}
    rows: dict[tuple, list[tuple[int, int]]] = {}
    for rids in by_person.values():
        if len(rids) > TRAVEL_PERSON_REQUESTS:
            continue  # rows by pairs grow with the square: such a person's clashes are left to `relaxed.apart`
        for first, second in combinations(sorted(rids), 2):
            for station, here in held[first].items():
                for other, there in held[second].items():
                    if other == station:
                        continue
                    for t in here.keys() & there.keys():
                        key = ("travel", first, second, station, t)
                        if key not in rows:
                            rows[key] = list(here[t])
                        rows[key] += there[t]
    return rows


def _times(spans: list[tuple[int, int, int]], step: int) -> dict[int, list[tuple[int, int]]]:
    """The columns whose span [a, b) holds each time on the slot grid."""
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for column, a, b in spans:
        for t in range(-(-a // step) * step, b, step):
            held[t].append((column, 1))
    return held
