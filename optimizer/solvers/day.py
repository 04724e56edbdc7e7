"""How a day is planned: one model when it is small, independent groups of stations apart,
rounds of blocks above a size; then every level's bound made as strong as is known.
The CLI, the benchmarks and the service all come here."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import replace

from ..plan.rows import Plan
from ..scenario.schema import Scenario
from ..screening import Screening, screen
from .blocks import BLOCK_REQUESTS, solve_in_blocks
from .bound import TIME_INDEXED_SECONDS_PER_REQUEST, TIME_INDEXED_SHARE, tighten
from .cpsat import solve
from .groups import components, solve_decomposed, station_blocks
from .result import Progress, SolveOptions, SolveResult

BLOCK_LIMIT = 200  # requests; above this a day is planned in rounds of blocks


def plan_day(scenario: Scenario, options: SolveOptions, pool: Executor | None, block_size: int = BLOCK_LIMIT,
             processes: int = 2, progress: Progress | None = None, screening: Screening | None = None,
             start: Plan | None = None) -> SolveResult:
    """One model when the day is small; independent groups apart; rounds of blocks above `block_size`.

    On generated paris days (1,000 requests) one model in a minute reaches 834
    (priority served, median of 3 seeds) and rounds of small blocks 930
    (benchmarks/NOTES.md); small days stay one model, which also proves its plan.
    Without a pool (one process) the day is always one model, and a day whose stations share
    nothing (each request at one station, as on fixed-interval days) is never cut finer than
    its groups: blocks only help where requests link stations. `start` is the plan to start
    from when the caller has already built the best greedy one (else it is built here).
    """
    screening = screening or screen(scenario)
    if pool is not None and len(scenario.requests) > block_size and can_cut(scenario):
        # The rounds compute the day's LP bound while they search, and tighten with it.
        # The time of each block follows from the deadline and the lanes the pool really has.
        return solve_in_blocks(scenario, options, pool, block_size=BLOCK_REQUESTS,
                               processes=getattr(pool, "lanes", processes), screening=screening, progress=progress,
                               start=start)
    # Time kept from the search for the LP bound of a day whose levels CP-SAT leaves open.
    reserve = min(TIME_INDEXED_SHARE * options.time_limit, TIME_INDEXED_SECONDS_PER_REQUEST * len(screening.options))
    searched = replace(options, time_limit=options.time_limit - reserve)
    if pool is not None and len(components(scenario)) > 1:
        result = solve_decomposed(scenario, searched, pool)
    else:
        result = solve(scenario, searched, progress=progress, screening=screening, start=start)
    tighten(scenario, screening, result.levels, seconds=max(reserve, 0.5))
    result.options = options
    return result


def can_cut(scenario: Scenario) -> bool:
    """Whether rounds of blocks would cut the day finer than its independent groups of stations."""
    return len(station_blocks(scenario, BLOCK_REQUESTS)) > len(components(scenario))
