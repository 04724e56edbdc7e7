"""The objective levels of a plan, computed from its rows as the model defines them.

Solvers report these values rather than their own, because a later level may improve
an earlier unproven one and helper variables are bounded on one side only. (The checker
recomputes the levels on its own, sharing nothing with this.)
"""

from __future__ import annotations

from ..core.codes import MOVE_WEIGHTS, Level
from ..scenario.schema import Scenario
from .rows import Plan


def plan_levels(scenario: Scenario, plan: Plan, previous: Plan | None = None,
                plannable: set[str] | None = None) -> dict[str, int]:
    """Every level of `plan`; with the `previous` plan of a re-plan, also `changes`.

    `plannable` (default: every request) limits `changes` to the previous appointments
    the new day can still hold: a cancelled or impossible one is not a choice of the plan.
    """
    loads: dict[str, int] = {}
    for h in plan.handovers:
        loads[h.officer] = loads.get(h.officer, 0) + h.end - h.start
    requests = scenario.request_by_id
    levels = {
        Level.SERVED: sum(requests[h.request_id].priority for h in plan.handovers),
        Level.OFFICERS: len(loads),
        Level.BALANCE: max(loads.values(), default=0),
        Level.PREFERENCE: sum(requests[h.request_id].stations.index(h.station) for h in plan.handovers),
    }
    if previous is not None:
        plannable = set(requests) if plannable is None else plannable
        now = {h.request_id: h for h in plan.handovers}
        cost = 0
        for before in previous.handovers:
            if before.request_id not in plannable:
                continue
            after = now.get(before.request_id)
            kept = after is not None and (after.station, after.start) == (before.station, before.start)
            cost += MOVE_WEIGHTS["time_or_station"] * (not kept)
            cost += MOVE_WEIGHTS["place"] * (not (kept and after.place == before.place))
            cost += MOVE_WEIGHTS["officer"] * (not (kept and after.officer == before.officer))
        levels[Level.CHANGES] = cost
    return {str(k): v for k, v in levels.items()}
