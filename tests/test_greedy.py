"""The first-come-first-served baseline: every plan it makes passes the checker."""

from __future__ import annotations

from collections import Counter

from conftest import level_with_every_variable_hinted
from hypothesis import HealthCheck, given, settings
from strategies import scenario_dicts

from optimizer.check import check_plan
from optimizer.core.codes import Sense
from optimizer.model.build import build_model
from optimizer.scenario.generate import SIZES, generate
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen
from optimizer.solvers.greedy import arrival_key, solve_greedy
from optimizer.solvers.hints import hint_from_plan
from optimizer.solvers.result import Status


def _assert_checked(scenario: Scenario, result) -> None:
    report = check_plan(scenario, result.plan)
    assert report.ok, "\n".join(report.violations)
    seen = Counter([h.request_id for h in result.plan.handovers] + [u.request_id for u in result.plan.unserved])
    assert seen == Counter(r.id for r in scenario.requests)
    assert {level.name: level.value for level in result.levels} == {
        name: report.levels[name] for name in scenario.policy.objective
    }


def _assert_model_accepts(scenario: Scenario, screening, result) -> None:
    """The greedy plan, as a hint with every variable fixed to it, is a solution of the CP-SAT model."""
    hm = build_model(scenario, screening)
    values = hint_from_plan(hm, scenario, result.plan)
    served = level_with_every_variable_hinted(hm, values, "served", Sense.MAX)
    assert served == result.levels[scenario.policy.objective.index("served")].value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(max_requests=10))
def test_greedy_plans_pass_the_checker_and_the_model(data):
    scenario = Scenario.model_validate(data)
    screening = screen(scenario)
    result = solve_greedy(scenario, screening)
    assert result.solver == "greedy"
    _assert_checked(scenario, result)
    _assert_model_accepts(scenario, screening, result)


def test_greedy_plan_of_a_generated_paris_day_passes_the_checker():
    scenario = Scenario.model_validate(generate(*SIZES["paris"], seed=11))
    screening = screen(scenario)
    result = solve_greedy(scenario, screening)
    _assert_checked(scenario, result)
    served = result.levels[0]
    assert served.name == "served" and served.status == Status.HEURISTIC
    # Greedy proves nothing: the bound is every plannable request's priority.
    assert served.bound == sum(scenario.request_by_id[rid].priority for rid in screening.options)
    assert 0.5 * len(screening.options) < len(result.plan.handovers) < len(screening.options)
    assert {u.reason for u in result.plan.unserved} == {"forbidden_item", "no_feasible_slot", "capacity"}
    for level in result.levels[1:]:
        assert level.bound is None and level.gap is None and level.status == Status.HEURISTIC
    _assert_model_accepts(scenario, screening, result)  # so it can seed CP-SAT's search


def _one_slot_day(first: dict, second: dict) -> Scenario:
    """One room, one officer and a 15-minute window: room for exactly one phone."""
    base = {"category": "phone", "stations": ["st-a"], "windows": ["10:00-10:15"]}
    return Scenario.model_validate({
        "name": "one-slot",
        "date": "2026-12-01",
        "policy": {"categories": {"phone": {"place": "room", "minutes": 15}}},
        "stations": [{"id": "st-a", "hours": ["09:00-18:00"], "rooms": ["room-1"]}],
        "officers": [{"id": "alice", "station": "st-a", "shift": "08:00-16:00"}],
        "requests": [{**base, **first}, {**base, **second}],
    })


def test_first_come_first_served_even_against_priority():
    # r-late has priority 5 and the smaller id, but r-early reached the platform first.
    scenario = _one_slot_day(
        {"id": "a-late", "seller": "u-1", "buyer": "u-2", "priority": 5, "submitted": "2026-11-28T10:00"},
        {"id": "b-early", "seller": "u-3", "buyer": "u-4", "priority": 1, "submitted": "2026-11-27T09:00"},
    )
    result = solve_greedy(scenario)
    _assert_checked(scenario, result)
    assert [h.request_id for h in result.plan.handovers] == ["b-early"]
    assert [(u.request_id, u.reason) for u in result.plan.unserved] == [("a-late", "capacity")]
    assert result.levels[0].value == 1 and result.levels[0].bound == 6


def test_requests_without_submitted_come_last_then_by_id():
    scenario = _one_slot_day(
        {"id": "a-phone", "seller": "u-1", "buyer": "u-2"},
        {"id": "b-online", "seller": "u-3", "buyer": "u-4", "submitted": "2026-11-30T23:59"},
    )
    assert [h.request_id for h in solve_greedy(scenario).plan.handovers] == ["b-online"]
    no_times = _one_slot_day(
        {"id": "b", "seller": "u-1", "buyer": "u-2"}, {"id": "a", "seller": "u-3", "buyer": "u-4"}
    )
    assert [h.request_id for h in solve_greedy(no_times).plan.handovers] == ["a"]
    assert sorted(no_times.requests, key=arrival_key)[0].id == "a"


def test_earliest_start_then_preferred_station_then_first_officer():
    scenario = Scenario.model_validate({
        "name": "ties",
        "date": "2026-12-01",
        "policy": {"categories": {"phone": {"place": "room", "minutes": 15}}},
        "stations": [
            {"id": "st-a", "hours": ["10:00-18:00"], "rooms": ["a-1"]},
            {"id": "st-b", "hours": ["09:00-18:00"], "rooms": ["b-1", "b-2"]},
        ],
        "officers": [
            {"id": "bob", "station": "st-b", "shift": "08:00-16:00"},
            {"id": "amy", "station": "st-b", "shift": "08:00-16:00"},
            {"id": "cat", "station": "st-a", "shift": "08:00-16:00"},
        ],
        "requests": [
            # st-b opens an hour earlier, so it wins although st-a is preferred.
            {"id": "r1", "category": "phone", "stations": ["st-a", "st-b"], "windows": ["09:00-12:00"],
             "seller": "u-1", "buyer": "u-2", "submitted": "2026-11-20T10:00"},
            # 10:00 at both stations: the preferred one, st-a.
            {"id": "r2", "category": "phone", "stations": ["st-a", "st-b"], "windows": ["10:00-12:00"],
             "seller": "u-3", "buyer": "u-4", "submitted": "2026-11-20T11:00"},
        ],
    })
    rows = {h.request_id: (h.station, h.place, h.officer, h.start) for h in solve_greedy(scenario).plan.handovers}
    assert rows == {"r1": ("st-b", "b-1", "bob", 9 * 60), "r2": ("st-a", "a-1", "cat", 10 * 60)}
