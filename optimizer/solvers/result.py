"""What every solver returns, and the options it was given: one home for both.

No solver is imported here, so the plan folder and the reports can read a result
without loading OR-Tools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from typing import Callable

from ..core.codes import SENSE, BoundBy, Level, Sense
from ..plan.levels import plan_levels
from ..plan.rows import Plan
from ..scenario.schema import Scenario
from ..screening import Screening


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven
    FEASIBLE = "feasible"  # a plan, not proven optimal
    UNKNOWN = "unknown"  # no solution within the budget: the previous level's plan is kept
    HEURISTIC = "heuristic"  # greedy: proves nothing
    FIXED = "fixed"  # settled by an earlier round (balance in a decomposed solve)
    INTERRUPTED = "interrupted"  # a signal stopped the search before this level was settled


@dataclass(frozen=True)
class Bound:
    """What no plan can beat on a level, and what proved it."""

    value: int
    by: BoundBy


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0  # seconds for all levels together
    workers: int = 8  # CP-SAT portfolio size; 8 beats 2 even on 2 cores (LP workers)
    seed: int = 0
    deterministic: bool = False
    log: bool = False
    # CP-SAT's presolve passes (None: its default, to a fixed point); blocks set
    # BLOCK_PRESOLVE_PASSES (solvers/blocks.py says why).
    presolve_passes: int | None = None


@dataclass
class LevelResult:
    name: str
    sense: Sense
    value: int
    bound: int | None  # None: nothing is known beyond the obvious (0 for a minimised level)
    status: Status
    seconds: float
    bound_by: BoundBy | None = None  # what proved the bound

    @property
    def gap(self) -> float | None:
        return relative_gap(self.value, self.bound)


def relative_gap(value: int, bound: int | None) -> float | None:
    """Relative distance between value and bound, as CP-SAT reports it (0 when proven; None without a bound)."""
    if bound is None:
        return None
    if value == bound:
        return 0.0
    return abs(bound - value) / max(1, abs(value))


@dataclass
class SolveResult:
    plan: Plan
    levels: list[LevelResult] = field(default_factory=list)
    seconds: float = 0.0
    options: SolveOptions = field(default_factory=SolveOptions)
    solver: str = "cp-sat"
    interrupted: int | None = None  # the signal that stopped the search, if one did

    @property
    def status(self) -> str:
        if self.interrupted is not None:
            return Status.INTERRUPTED
        if all(level.status == Status.OPTIMAL for level in self.levels):
            return Status.OPTIMAL
        return Status.FEASIBLE


def unproven_levels(scenario: Scenario, screening: Screening, plan: Plan, seconds: float = 0.0,
                    status: Status = Status.HEURISTIC) -> list[LevelResult]:
    """The levels of a plan nothing proved (greedy's, the platform's as booked): each level's
    bound is what is known without search: every plannable request served, nothing for the rest."""
    values = plan_levels(scenario, plan)
    plannable = sum(scenario.request_by_id[rid].priority for rid in screening.options)
    return [LevelResult(name, SENSE[name], values[name], plannable if name == Level.SERVED else None, status,
                        seconds if i == 0 else 0.0, BoundBy.PLANNABLE if name == Level.SERVED else None)
            for i, name in enumerate(scenario.policy.objective)]


Progress = Callable[[str, float, float, float], None]  # level, best, bound, elapsed seconds


def solver_version() -> str:
    """The OR-Tools release, read from the installed package without importing it."""
    try:
        return f"ortools {version('ortools')}"
    except PackageNotFoundError:
        return "ortools (unknown version)"
