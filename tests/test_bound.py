"""The LP bound on `served`: never below a plan that passes the checker, tight where worked out by hand."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.check import check_plan
from optimizer.plan.levels import plan_levels
from optimizer.scenario.generate import generate
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen
from optimizer.solvers.bound import served_bound
from optimizer.solvers.cpsat import solve
from optimizer.solvers.greedy import solve_greedy, value_key
from optimizer.solvers.result import SolveOptions


def _day(phones: int, cap: int) -> Scenario:
    return Scenario.model_validate({
        "name": "caps", "date": "2026-12-01",
        "policy": {"max_supervision_minutes": cap, "categories": {"phone": {"place": "room", "minutes": 20}}},
        "stations": [{"id": "st-a", "hours": ["10:00-18:00"], "rooms": ["room-1", "room-2"]}],
        "officers": [{"id": "alice", "station": "st-a", "shift": "10:00-18:00"}],
        "requests": [
            {"id": f"r{i}", "category": "phone", "stations": ["st-a"], "windows": ["10:00-18:00"],
             "seller": f"s{i}", "buyer": f"b{i}"}
            for i in range(phones)
        ],
    })


def test_the_supervision_cap_bounds_what_one_officer_can_serve():
    # 30 minutes of supervision: one 20-minute phone, not two; room and time are plenty.
    scenario = _day(phones=3, cap=30)
    assert served_bound(scenario, screen(scenario)) == 1
    scenario = _day(phones=3, cap=60)
    assert served_bound(scenario, screen(scenario)) == 3


def test_an_officer_on_duty_two_hours_supervises_at_most_six_phones_in_a_room():
    scenario = _day(phones=10, cap=480)
    scenario.officers[0].shift = (10 * 60, 12 * 60)
    # Rooms take the officer whole: 120 minutes / 20 = 6 phones.
    assert served_bound(scenario, screen(scenario)) == 6


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4), st.integers(1, 60), st.integers(0, 10_000))
def test_the_bound_is_above_every_checked_plan_and_below_every_plannable_request(stations, requests, seed):
    scenario = Scenario.model_validate(generate(stations, requests, seed=seed))
    screening = screen(scenario)
    bound = served_bound(scenario, screening)
    assert bound is not None
    assert bound <= sum(scenario.request_by_id[rid].priority for rid in screening.options)
    for order in (None, value_key(scenario, screening)):
        plan = solve_greedy(scenario, screening, order=order).plan
        assert check_plan(scenario, plan).ok
        assert plan_levels(scenario, plan)["served"] <= bound


def test_the_bound_is_above_a_proven_optimum():
    scenario = Scenario.model_validate(generate(2, 30, seed=3))
    result = solve(scenario, SolveOptions(time_limit=20, workers=2, seed=0, deterministic=True))
    served = next(lv for lv in result.levels if lv.name == "served")
    assert served.status == "optimal"
    assert served.value <= served_bound(scenario, screen(scenario))
