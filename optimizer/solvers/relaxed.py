"""A start for the rounds of blocks from an integer solution of the time-indexed relaxation.

The rounds stall near the plan they start from (benchmarks/NOTES.md, *Where the paris gap
lies*): started from greedy they end about 10 % below the bound, started from a better plan
they end higher. HiGHS' MIP heuristics find, within seconds, an integer solution of the
time-indexed relaxation of `bound.py` (each request at one station and start; places,
officers' attention, persons and their travel between stations respected, officers pooled per
station). Its requests held at those stations and starts, CP-SAT chooses the officers station
by station (the day then falls apart into stations); what fits is a plan worth more than
greedy's on generated paris days.
"""

from __future__ import annotations

import time
from concurrent.futures import Executor

from ..check import check_plan
from ..core.codes import Level
from ..plan.rows import Plan, whole_plan
from ..scenario.schema import Scenario
from ..screening import Screening
from .bound import time_indexed_model
from .groups import solve_decomposed
from .highs_process import HighsProcess
from .result import SolveOptions
from .stop import stopped

# The share of a night given to the relaxation's start (HiGHS, then the officers' choice), and
# the shortest night worth it (on a shorter one the rounds need all the time).
RELAXED_SHARE = 0.3
HIGHS_PART = 2 / 3  # of that share, at most, for HiGHS; the rest for the officers
RELAXED_MIN_LIMIT = 30.0
RELAXED_LARGEST = 6_000  # plannable requests; a national day would spend its night in HiGHS
# HiGHS' first solution is its feasibility jump's: about 0.0075 s a plannable request (paris 4
# to 8 s for 939, region 35 s for 4,695). It is tried only where that fits HiGHS' share of the
# night (a jump that does not is ended with its process at the deadline, the share lost):
# paris from a search of 35 s (the 60-s command leaves it 46), region from 176 s.
JUMP_SECONDS_PER_REQUEST = 0.0075


def worth_trying(screening: Screening, options: SolveOptions) -> bool:
    """Whether a night gives the relaxation's start time enough, and the day is small enough.

    A deterministic run does not try: HiGHS stops on the clock, so its start would vary."""
    requests = len(screening.options)
    highs_share = RELAXED_SHARE * options.time_limit * HIGHS_PART
    return (not options.deterministic and options.time_limit >= RELAXED_MIN_LIMIT
            and 0 < requests <= RELAXED_LARGEST and JUMP_SECONDS_PER_REQUEST * requests <= highs_share)


def relaxed_start(scenario: Scenario, screening: Screening, options: SolveOptions, pool: Executor,
                  seconds: float) -> Plan | None:
    """A complete, checked plan of the day from the relaxation's first integer solution, within
    about `seconds` (at most HIGHS_PART for HiGHS, the rest for the officers); None if there is
    none in time."""
    started = time.monotonic()
    chosen = _first_solution(scenario, screening, seconds * HIGHS_PART)
    left = seconds - (time.monotonic() - started)
    if not chosen or stopped() is not None or left < 1.0:
        return None
    # Only `served` matters in a start: the last round of blocks settles the other levels.
    fixed = held_day(scenario, chosen).with_changes(
        policy=scenario.policy.model_copy(update={"objective": [Level.SERVED]}))
    part = solve_decomposed(fixed, SolveOptions(time_limit=left, workers=options.workers, seed=options.seed), pool)
    plan = whole_plan(scenario, screening, part.plan.handovers)
    # The held day has the rules of the day, so its plan keeps them; the checker says so or not.
    return plan if check_plan(scenario, plan).ok else None


def held_day(scenario: Scenario, chosen: list[tuple[str, str, int]]) -> Scenario:
    """The day of the requests `chosen` only, each held at its (station, start): what is left to
    choose is the officers and places, and each station is then a day of its own."""
    held = []
    for rid, station, start in chosen:
        request = scenario.request_by_id[rid]
        held.append(request.model_copy(update={"stations": [station],
                                               "windows": [(start, start + scenario.minutes(request))]}))
    return scenario.with_changes(requests=held)


def _first_solution(scenario: Scenario, screening: Screening, seconds: float) -> list[tuple[str, str, int]]:
    """(request, station, start) of each request HiGHS' first solution of the relaxation serves;
    [] if none came in time. The process starts while the model is built (1.2 to 1.4 s at paris
    size) and is ended at once after: its core and memory back before the officers are chosen."""
    with HighsProcess(seconds) as highs:
        built = time_indexed_model(scenario, screening, list(screening.options), travel=True)
        if built is None:  # nothing could be served: no model to send
            return []
        program, meaning = built  # column -> (request, station, start)
        highs.send(program)
        columns = highs.first_solution()
    return [] if columns is None else [meaning[j] for j in columns]
