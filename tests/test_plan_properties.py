"""Properties of whole plans on random valid scenarios: checked, complete, honest."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings, target
from strategies import scenario_dicts

from optimizer.check import check_plan
from optimizer.scenario.references import check_references
from optimizer.scenario.schema import Scenario
from optimizer.solvers.cpsat import solve
from optimizer.solvers.result import SolveOptions

FAST = SolveOptions(time_limit=5, workers=1, seed=0)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(max_requests=8))
def test_every_plan_passes_the_checker_and_loses_nothing(data):
    scenario = Scenario.model_validate(data)
    assert check_references(scenario) == []
    result = solve(scenario, FAST)
    target(len(result.plan.handovers), label="served")  # steer towards busy days

    report = check_plan(scenario, result.plan)
    assert report.ok, "\n".join(report.violations)

    seen = Counter([h.request_id for h in result.plan.handovers] + [u.request_id for u in result.plan.unserved])
    assert seen == Counter(r.id for r in scenario.requests)

    reported = {level.name: level.value for level in result.levels}
    assert reported == {name: report.levels[name] for name in reported}
    for level in result.levels:
        if level.status == "optimal":
            assert level.value == level.bound
