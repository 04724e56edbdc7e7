"""How a day is planned: one model when it is small, independent groups of stations apart,
rounds of blocks above a size. The CLI, the benchmarks and the service all come here."""

from __future__ import annotations

from concurrent.futures import Executor

from ..scenario.schema import Scenario
from ..screening import Screening
from .blocks import BLOCK_REQUESTS, solve_in_blocks
from .cpsat import solve
from .groups import components, solve_decomposed
from .result import SolveOptions, SolveResult

BLOCK_LIMIT = 200  # requests; above this a day is planned in rounds of blocks


def plan_day(scenario: Scenario, options: SolveOptions, pool: Executor | None, block_size: int = BLOCK_LIMIT,
             processes: int = 2, progress=None, screening: Screening | None = None) -> SolveResult:
    """One model when the day is small; independent groups apart; rounds of blocks above `block_size`.

    On generated paris days (1,000 requests) one model in a minute reaches 834
    (priority served, median of 3 seeds) and rounds of small blocks 930
    (benchmarks/NOTES.md); small days stay one model, which also proves its plan.
    """
    if pool is not None and len(scenario.requests) > block_size:
        return solve_in_blocks(scenario, options, pool, block_size=BLOCK_REQUESTS, processes=processes,
                               screening=screening)
    if pool is not None and len(components(scenario)) > 1:
        return solve_decomposed(scenario, options, pool)
    return solve(scenario, options, progress=progress, screening=screening)
