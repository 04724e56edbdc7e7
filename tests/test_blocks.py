"""Days too large for one model: planned block by block around the greedy plan."""

from __future__ import annotations

from collections import Counter

from optimizer.check import check_plan
from optimizer.decompose import _blocks, solve_in_blocks
from optimizer.generate import generate
from optimizer.greedy import solve_greedy, value_key
from optimizer.parallel import executor
from optimizer.scenario import Scenario
from optimizer.screening import screen
from optimizer.solve import SolveOptions, plan_levels


def test_blocks_keep_every_rule_lose_nothing_and_never_serve_less_than_greedy():
    scenario = Scenario.model_validate(generate(6, 240, seed=5))
    blocks = _blocks(scenario, 60)
    assert len(blocks) > 1 and sorted(s for b in blocks for s in b) == sorted(s.id for s in scenario.stations)
    with executor(processes=2) as pool:
        result = solve_in_blocks(scenario, SolveOptions(time_limit=6, workers=1, seed=0), pool, block_size=60)
    report = check_plan(scenario, result.plan)
    assert report.ok, report.violations[:5]
    seen = Counter([h.request_id for h in result.plan.handovers] + [u.request_id for u in result.plan.unserved])
    assert seen == Counter(r.id for r in scenario.requests)
    screening = screen(scenario)
    best_greedy = max(plan_levels(scenario, solve_greedy(scenario, screening, order=order).plan)["served"]
                      for order in (None, value_key(scenario, screening)))
    assert plan_levels(scenario, result.plan)["served"] >= best_greedy
    assert {lv.name: lv.value for lv in result.levels} == report.levels
