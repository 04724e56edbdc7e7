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

import contextlib
import pickle
import select
import subprocess
import sys
import threading
import time
from concurrent.futures import Executor
from pathlib import Path

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
# HiGHS' first solution is its feasibility jump's: about 0.0075 s a plannable request (paris 4
# to 8 s for 939, region 35 s for 4,695). It is tried only where that fits HiGHS' share of the
# night (a jump that does not is ended with its process at the deadline, the share lost):
# paris from a search of 35 s (the 60-s command leaves it 46), region from 176 s.
JUMP_SECONDS_PER_REQUEST = 0.0075
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where `-m optimizer...` finds the package


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
    finally:
        relaxation.close()  # HiGHS' core and memory back before the officers are chosen
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


# The process HiGHS runs in; a test puts another command here.
FIRST_SOLUTION = [sys.executable, "-m", "optimizer.solvers.first_solution"]


class _Relaxation:
    """HiGHS' MIP over the time-indexed relaxation, in a process of its own until its first solution.

    The first solution worth something is the feasibility jump's; what follows needs the root
    LP, minutes at paris size. Neither calls a callback, so HiGHS could not be stopped in a
    thread: it ran on up to its time limit, and a jump longer than the share overran the night.
    A process (`first_solution.py`) is ended as soon as the solution is known, a signal asks to
    stop, or the deadline passes, whatever HiGHS is doing; it starts (0.3 s) while this one
    builds the model, and has a session of its own so that a Ctrl-C at the terminal reaches
    this process alone, which decides.
    """

    def __init__(self, scenario: Scenario, screening: Screening, seconds: float):
        self.deadline = time.monotonic() + max(0.5, seconds)
        self.child = subprocess.Popen(FIRST_SOLUTION, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, start_new_session=True, cwd=_PACKAGE_ROOT)
        self.writer: threading.Thread | None = None
        self.meaning: list[tuple[str, str, int]] = []  # column -> (request, station, start)
        built = time_indexed_model(scenario, screening, list(screening.options))
        if built is None:
            return
        program, self.meaning = built
        # The model's building came out of the same share: HiGHS gets what is left of it.
        payload = pickle.dumps((program, max(0.5, self.deadline - time.monotonic())),
                               protocol=pickle.HIGHEST_PROTOCOL)
        # Written from a thread: a child that never reads must not hold this one past the deadline.
        self.writer = threading.Thread(target=self._send, args=(payload,), name="relaxation-input", daemon=True)
        self.writer.start()

    def first_solution(self) -> list[tuple[str, str, int]]:
        """(request, station, start) of each request the first solution serves; [] if none came
        in time. A process that failed raises, with what it said."""
        if not self.meaning:  # nothing could be served: no model was sent
            return []
        answer = b""
        while stopped() is None and (left := self.deadline - time.monotonic()) > 0:
            if select.select([self.child.stdout], [], [], min(0.1, left))[0]:
                answer = self.child.stdout.read()  # the child writes its answer whole, then exits
                break
        else:
            return []
        if not answer:  # the process ended without answering: it failed, and its stderr says why
            self.child.wait()
            said = self.child.stderr.read().decode(errors="replace").strip().splitlines()
            raise RuntimeError(said[-1] if said else f"HiGHS' process ended with code {self.child.returncode}")
        columns = pickle.loads(answer)  # None: HiGHS found nothing within its own limit
        return [] if columns is None else [self.meaning[j] for j in columns]

    def close(self) -> None:
        """The process ended and its pipes closed: nothing runs on once the start is made."""
        if self.child.poll() is None:
            self.child.kill()
        self.child.wait()
        if self.writer is not None:
            self.writer.join()  # its write fails at once on an ended process
        for pipe in (self.child.stdin, self.child.stdout, self.child.stderr):
            with contextlib.suppress(OSError):  # stdin may hold what the ended process never read
                pipe.close()

    def _send(self, payload: bytes) -> None:
        try:
            self.child.stdin.write(payload)
            self.child.stdin.close()
        except (BrokenPipeError, ValueError):
            pass  # the process ended first (killed at the deadline, or failed: its stderr says why)
