"""A re-plan: the changed day solved with the published plan as the one to stay close to.

The `changes` level (moves weighted 4 for station or time, 2 for place, 1 for officer,
`core/codes.MOVE_WEIGHTS`) comes right after `served`; `plan/changes.py` then says what
moved, for `changes.csv` and for telling only the parties affected.
"""

from __future__ import annotations

from ..plan.changes import Change, changes
from ..plan.rows import Plan
from ..scenario.schema import Scenario
from ..screening import Screening
from ..solvers.cpsat import solve
from ..solvers.result import Progress, SolveOptions, SolveResult


def replan(scenario: Scenario, previous: Plan, options: SolveOptions, *, screening: Screening | None = None,
           progress: Progress | None = None) -> tuple[SolveResult, list[Change]]:
    """The new plan, and what changed for each request against `previous`."""
    result = solve(scenario, options, progress=progress, screening=screening, previous=previous)
    return result, changes(scenario, previous, result.plan)
