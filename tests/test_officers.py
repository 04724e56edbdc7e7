"""The `officers` level: the officers chosen again with every handover held (`solvers/officers.py`)."""

from __future__ import annotations

import pytest
from builders import day, lock, officer, request, station
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.check import check_plan
from optimizer.core.codes import BoundBy, Level
from optimizer.core.times import parse_time as t
from optimizer.plan.levels import plan_levels
from optimizer.plan.rows import Handover, Plan, whole_plan
from optimizer.scenario.generate import generate_fixed_interval
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen
from optimizer.solvers import cpsat
from optimizer.solvers.cpsat import solve
from optimizer.solvers.greedy import best_greedy
from optimizer.solvers.officers import fewer_officers, peak_overlap
from optimizer.solvers.result import SolveOptions, Status


def mobilised(scenario: Scenario, plan: Plan) -> int:
    return plan_levels(scenario, plan)[Level.OFFICERS]


def held(plan: Plan) -> set[tuple]:
    return {(h.request_id, h.station, h.place, h.start, h.end) for h in plan.handovers}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), stations=st.integers(1, 2), requests=st.integers(20, 80))
def test_the_officers_chosen_again_keep_every_handover_and_every_rule(seed, stations, requests):
    scenario = Scenario.model_validate(generate_fixed_interval(stations, requests, seed=seed))
    screening = screen(scenario)
    start = best_greedy(scenario, screening)
    better = fewer_officers(scenario, screening, start, seconds=10)
    if better is None:
        return
    assert check_plan(scenario, better).ok
    assert held(better) == held(start)
    assert [u.request_id for u in better.unserved] == [u.request_id for u in start.unserved]
    assert sum(peak_overlap(scenario, screening).values()) <= mobilised(scenario, better) < mobilised(scenario, start)


def test_a_fixed_interval_day_needs_fewer_officers_than_greedy_mobilises():
    # Greedy takes the officers in roster order as the day goes; the clique program looks at
    # the whole day at once.
    scenario = Scenario.model_validate(generate_fixed_interval(1, 80, seed=5))
    screening = screen(scenario)
    start = best_greedy(scenario, screening)
    better = fewer_officers(scenario, screening, start, seconds=10)
    assert better is not None and mobilised(scenario, better) < mobilised(scenario, start)


def test_one_officer_watches_two_bays_at_once_and_a_locked_officer_stays():
    scenario = day(
        [request("r1", "car", ["10:00-10:30"]), request("r2", "car", ["10:00-10:30"]),
         request("r3", "phone", ["11:00-11:15"], locked=lock("st-a", "room-1", "bob", "11:00"))],
        stations=[station(rooms=["room-1"], bays=["bay-1", "bay-2"])],
        officers=[officer("alice"), officer("bob"), officer("carol")],
    )
    screening = screen(scenario)
    spread = whole_plan(scenario, screening, [
        Handover(t("10:00"), "st-a", "bay-1", "r1", "alice", t("10:30"), "car", "s-r1", "b-r1"),
        Handover(t("10:00"), "st-a", "bay-2", "r2", "carol", t("10:30"), "car", "s-r2", "b-r2"),
        Handover(t("11:00"), "st-a", "room-1", "r3", "bob", t("11:15"), "phone", "s-r3", "b-r3"),
    ])
    assert check_plan(scenario, spread).ok and mobilised(scenario, spread) == 3
    better = fewer_officers(scenario, screening, spread, seconds=10)
    assert better is not None and check_plan(scenario, better).ok
    officer_of = {h.request_id: h.officer for h in better.handovers}
    assert officer_of["r3"] == "bob"  # the lock names him
    assert officer_of["r1"] == officer_of["r2"]  # two bays at once, within bay_handovers_per_officer
    assert mobilised(scenario, better) == 1  # bob has the vehicle skill too: he takes the day


def test_a_fixed_interval_day_reassigned_to_its_peak_is_settled_without_search(monkeypatch):
    monkeypatch.setattr(cpsat, "REASSIGN_FROM", 40)  # a small day, so that the test is quick
    scenario = Scenario.model_validate(generate_fixed_interval(1, 80, seed=3))
    screening = screen(scenario)
    peak = sum(peak_overlap(scenario, screening).values())
    assert mobilised(scenario, best_greedy(scenario, screening)) > peak  # greedy alone does not reach it
    result = solve(scenario, SolveOptions(time_limit=20, workers=2, seed=0), screening=screening)
    officers = next(level for level in result.levels if level.name == Level.OFFICERS)
    assert (officers.value, officers.bound, officers.status, officers.bound_by) == (
        peak, peak, Status.OPTIMAL, BoundBy.PEAK_OVERLAP)
    assert check_plan(scenario, result.plan).ok and mobilised(scenario, result.plan) == peak


@pytest.mark.parametrize("why", ["deterministic", "replan"])
def test_no_reassignment_where_it_would_break_a_promise(monkeypatch, why):
    # A deterministic run must give the same plan every time (HiGHS stops on the clock); a
    # re-plan has settled its `changes` level, which counts a booking's officer, before this one.
    def refused(*args, **kwargs):
        raise AssertionError("the officers were chosen again")

    monkeypatch.setattr(cpsat, "REASSIGN_FROM", 40)
    monkeypatch.setattr(cpsat, "fewer_officers", refused)
    scenario = Scenario.model_validate(generate_fixed_interval(1, 80, seed=3))
    screening = screen(scenario)
    options = SolveOptions(time_limit=10, workers=2, seed=0, deterministic=why == "deterministic")
    previous = best_greedy(scenario, screening) if why == "replan" else None
    result = solve(scenario, options, screening=screening, previous=previous)
    assert check_plan(scenario, result.plan).ok
