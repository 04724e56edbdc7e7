"""A start for the rounds of blocks from an integer solution of the time-indexed relaxation.

The rounds stall near the plan they start from (benchmarks/NOTES.md, *Where the paris gap
lies*): started from greedy they end about 10 % below the bound, started from a better plan
they end higher. HiGHS' MIP heuristics find, within seconds, an integer solution of the
time-indexed relaxation of `bound.py` (each request at one station and start; places,
officers' attention and persons respected, officers pooled per station). Its requests held at
those stations and starts, CP-SAT chooses the officers station by station (the day then falls
apart into stations); what fits is a plan worth more than greedy's on generated paris days.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor

import numpy as np
from highspy import _core as highs_core

from ..check import check_plan
from ..core.codes import Level
from ..plan.rows import Plan, whole_plan
from ..scenario.schema import Scenario
from ..screening import Screening
from .bound import time_indexed_model
from .groups import solve_decomposed
from .result import SolveOptions
from .stop import stopped

# The share of a night given to the relaxation's start (HiGHS, then the officers' choice), and
# the shortest night worth it (on a shorter one the rounds need all the time).
RELAXED_SHARE = 0.3
HIGHS_PART = 2 / 3  # of that share, at most, for HiGHS; the rest for the officers
RELAXED_MIN_LIMIT = 30.0
RELAXED_LARGEST = 6_000  # plannable requests; a national day would spend its night in HiGHS
# HiGHS looks at its clock only between its own steps, and its feasibility jump is one step:
# about 0.0075 s a plannable request (paris 4 to 8 s for 939, region 35 s for 4,695). It is
# tried only where that fits HiGHS' share of the night, so that the night keeps its deadline:
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
    relaxation = _Relaxation(scenario, screening, seconds * HIGHS_PART)
    try:
        chosen = relaxation.first_solution()
        left = seconds - (time.monotonic() - started)
        if not chosen or stopped() is not None or left < 1.0:
            return None
        # Only `served` matters in a start: the last round of blocks settles the other levels.
        fixed = held_day(scenario, chosen).with_changes(
            policy=scenario.policy.model_copy(update={"objective": [Level.SERVED]}))
        part = solve_decomposed(fixed, SolveOptions(time_limit=left, workers=options.workers, seed=options.seed),
                                pool)
    finally:
        relaxation.close()
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


class _Relaxation:
    """HiGHS' MIP over the time-indexed relaxation, run in a thread until its first solution.

    The first solution worth something is the feasibility jump's; what follows needs the root
    LP, minutes at paris size, inside which HiGHS calls no callback. So HiGHS runs in a thread
    (it releases the GIL) that this one leaves as soon as the solution is known, a signal asks
    to stop, or the deadline passes; HiGHS' own time limit is the same deadline, and it is also
    lowered then (at paris size HiGHS then ended about 2 s after its solution rather than at its
    limit; an LP already running may keep the old value, so at worst it ends at the deadline).
    `close()` waits for it while the officers are chosen. One double written while the other
    thread may read it: at worst one more check of the old value. Without presolve the
    feasibility jump finds its solution in half the time (paris: 4 to 8 s against 11).
    """

    def __init__(self, scenario: Scenario, screening: Screening, seconds: float):
        self.deadline = time.monotonic() + max(0.5, seconds)
        self.solution: np.ndarray | None = None
        self.runner: threading.Thread | None = None
        built = time_indexed_model(scenario, screening, list(screening.options))
        if built is None:
            return
        self.highs, self.meaning = built
        highs = self.highs
        n = highs.getNumCol()
        highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                    np.array([highs_core.HighsVarType.kInteger] * n))
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("presolve", "off")
        # The model's building came out of the same share: HiGHS gets what is left of it.
        highs.setOptionValue("time_limit", max(0.5, self.deadline - time.monotonic()))
        highs.setCallback(_Relaxation._heard, self)
        kinds = highs_core.cb.HighsCallbackType
        for kind in (kinds.kCallbackMipImprovingSolution, kinds.kCallbackMipInterrupt,
                     kinds.kCallbackSimplexInterrupt, kinds.kCallbackIpmInterrupt):
            highs.startCallback(kind)
        self.runner = threading.Thread(target=highs.run, name="relaxation")
        self.runner.start()

    def first_solution(self) -> list[tuple[str, str, int]]:
        """(request, station, start) of each request the first solution serves; [] if none came."""
        while (self.runner is not None and self.runner.is_alive() and self.solution is None
               and stopped() is None and time.monotonic() < self.deadline):
            self.runner.join(0.1)
        self._stop()
        if self.solution is None:
            return []
        return [self.meaning[j] for j, x in enumerate(self.solution) if x > 0.5]

    def close(self) -> None:
        """HiGHS stopped and its thread ended: nothing runs on once the start is made."""
        self._stop()
        if self.runner is not None:
            self.runner.join()

    def _stop(self) -> None:
        if self.runner is not None:
            self.highs.setOptionValue("time_limit", 0.001)

    @staticmethod
    def _heard(kind, message, data_out, data_in, relaxation: _Relaxation) -> None:
        if kind == highs_core.cb.HighsCallbackType.kCallbackMipImprovingSolution:
            if relaxation.solution is None and data_out.objective_function_value > 0:
                relaxation.solution = np.array(data_out.mip_solution)
        elif data_in is not None and (relaxation.solution is not None or stopped() is not None
                                      or time.monotonic() > relaxation.deadline):
            data_in.user_interrupt = True
