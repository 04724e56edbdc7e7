"""Reasons for unserved requests, re-planning with the fewest changes, and slot offers."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings

from optimizer.check import check_plan
from optimizer.whatif.explain import explain_unserved
from optimizer.whatif.offer import offers
from optimizer.plan.rows import Plan
from optimizer.whatif.replan import changes
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen
from optimizer.solvers.cpsat import SolveOptions, solve
from optimizer.scenario.references import check_references
from strategies import scenario_dicts

FAST = SolveOptions(time_limit=10, workers=1, seed=0)
PHONE = {"place": "room", "minutes": 15}
CAR = {"place": "bay", "minutes": 30, "skill": "vehicle"}


def day(stations, officers, requests, **policy) -> Scenario:
    scenario = Scenario.model_validate({
        "name": "t", "date": "2026-12-01",
        "policy": {"categories": {"phone": PHONE, "car": CAR}, **policy},
        "stations": stations, "officers": officers, "requests": requests,
    })
    assert check_references(scenario) == []
    return scenario


def request(rid, category="phone", windows=("10:00-12:00",), seller=None, buyer=None, **extra):
    return {"id": rid, "category": category, "stations": ["st-a"], "windows": list(windows),
            "seller": seller or f"s-{rid}", "buyer": buyer or f"b-{rid}", **extra}


def planned(scenario: Scenario, previous: Plan | None = None):
    result = solve(scenario, FAST, previous=previous)
    report = check_plan(scenario, result.plan)
    assert report.ok, report.violations
    return result


def details(scenario: Scenario) -> dict[str, str]:
    result = planned(scenario)
    plan = explain_unserved(scenario, screen(scenario), result.plan, budget=10, workers=1)
    assert check_plan(scenario, plan).ok
    return {u.request_id: u.detail for u in plan.unserved if u.reason == "capacity"}


# -- reasons: exactly one resource binds -----------------------------------

def test_reason_names_full_bays():
    # Three 30-min cars that must all start at 10:00; two bays, two vehicle officers who can
    # each watch two bays: the bays alone bind, so one car is left out.
    scenario = day(
        [{"id": "st-a", "hours": ["10:00-12:00"], "bays": ["bay-1", "bay-2"]}],
        [{"id": "alice", "station": "st-a", "shift": "08:00-16:00", "skills": ["vehicle"]},
         {"id": "bob", "station": "st-a", "shift": "08:00-16:00", "skills": ["vehicle"]}],
        [request(f"c{i}", "car", ["10:00-10:30"]) for i in range(3)],
    )
    found = details(scenario)
    assert len(found) == 1
    assert "both bays at st-a are full" in next(iter(found.values()))


def test_reason_names_the_officer_cap():
    # One officer capped at 30 minutes, three 15-min phones, rooms to spare: the cap binds.
    scenario = day(
        [{"id": "st-a", "hours": ["10:00-12:00"], "rooms": ["r1", "r2"]}],
        [{"id": "alice", "station": "st-a", "shift": "08:00-16:00", "max_supervision_minutes": 30}],
        [request(f"p{i}") for i in range(3)],
    )
    found = details(scenario)
    assert len(found) == 1
    detail = next(iter(found.values()))
    assert "alice" in detail and "supervision cap" in detail


def test_reason_names_the_party_conflict():
    # The same seller in two phones that can only start at 10:00; rooms and officers to spare.
    scenario = day(
        [{"id": "st-a", "hours": ["10:00-12:00"], "rooms": ["r1", "r2"]}],
        [{"id": "alice", "station": "st-a", "shift": "08:00-16:00"},
         {"id": "bob", "station": "st-a", "shift": "08:00-16:00"}],
        [request("p1", windows=["10:00-10:15"], seller="u-1"), request("p2", windows=["10:00-10:15"], seller="u-1")],
    )
    found = details(scenario)
    assert len(found) == 1
    (rid, detail), = found.items()
    other = "p2" if rid == "p1" else "p1"
    assert "seller u-1 is already booked at st-a at 10:00" in detail and other in detail


def test_reason_names_the_higher_priority_request():
    # One room, one 15-min slot: priority 2 beats priority 1, which is told why.
    scenario = day(
        [{"id": "st-a", "hours": ["10:00-12:00"], "rooms": ["r1"]}],
        [{"id": "alice", "station": "st-a", "shift": "08:00-16:00"}],
        [request("low", windows=["10:00-10:15"]), request("high", windows=["10:00-10:15"], priority=2)],
    )
    found = details(scenario)
    assert list(found) == ["low"]
    assert "higher-priority" in found["low"] and "high (priority 2)" in found["low"]


# -- re-plan ---------------------------------------------------------------

def _three_officers():
    # Two officers capped at 30 min are enough for four 15-min phones; the third stays idle
    # (the officers level), so removing a busy one moves only what they held, to the idle one.
    return day(
        [{"id": "st-a", "hours": ["10:00-12:00"], "rooms": ["r1", "r2"]}],
        [{"id": name, "station": "st-a", "shift": "08:00-16:00", "max_supervision_minutes": 30}
         for name in ("alice", "bob", "carol")],
        [request(f"p{i}", windows=[f"1{i}:00-1{i}:30" if i < 2 else "10:00-12:00"]) for i in range(4)],
    )


def test_removing_an_officer_moves_only_what_they_held():
    scenario = _three_officers()
    first = planned(scenario).plan
    assert len(first.handovers) == 4
    busy = first.handovers[0].officer
    held = {h.request_id for h in first.handovers if h.officer == busy}
    assert len(held) == 2  # each officer in use is at the 30-minute cap
    data = scenario.model_dump(mode="json")
    data["officers"] = [o for o in data["officers"] if o["id"] != busy]
    changed = Scenario.model_validate(data)
    second = planned(changed, previous=first)
    moves = changes(changed, first, second.plan)
    # Minimum by hand: the idle officer takes both of the removed officer's handovers at the
    # same time and place: two officer changes, nothing else moves.
    assert {(c.request_id, c.change) for c in moves} == {(rid, "officer") for rid in held}
    assert {lv.name: lv.value for lv in second.levels}["changes"] == 2


def test_unchanged_day_replans_with_zero_changes():
    scenario = _three_officers()
    first = planned(scenario).plan
    second = planned(scenario, previous=first)
    assert changes(scenario, first, second.plan) == []


def test_cancelled_and_new_requests_are_listed():
    scenario = _three_officers()
    first = planned(scenario).plan
    data = scenario.model_dump(mode="json")
    data["requests"] = [r for r in data["requests"] if r["id"] != "p3"] + [request("p9", windows=["11:30-12:00"])]
    changed = Scenario.model_validate(data)
    second = planned(changed, previous=first)
    kinds = {c.request_id: c.change for c in changes(changed, first, second.plan)}
    assert kinds == {"p3": "cancelled", "p9": "new"}


# -- offers ----------------------------------------------------------------

def test_each_offer_added_to_the_plan_passes_the_checker():
    scenario = _three_officers()
    plan = planned(scenario).plan
    data = scenario.model_dump(mode="json")
    data["requests"].append(request("new", windows=["10:00-11:00"]))
    bigger = Scenario.model_validate(data)
    found, reason = offers(bigger, plan, bigger.request_by_id["new"], top=4)
    assert reason == "" and len(found) == 4
    assert [o.start for o in found] == sorted(o.start for o in found)  # earliest first at one station
    for option in found:
        extended = Plan(plan.handovers + [option.handover(bigger.request_by_id["new"])], plan.unserved)
        report = check_plan(bigger, extended)
        assert report.ok, report.violations


def test_full_day_offers_nothing_with_a_reason():
    # One room, one officer, one 15-min window already taken.
    scenario = day(
        [{"id": "st-a", "hours": ["10:00-12:00"], "rooms": ["r1"]}],
        [{"id": "alice", "station": "st-a", "shift": "08:00-16:00"}],
        [request("p1", windows=["10:00-10:15"]), request("p2", windows=["10:00-10:15"])],
    )
    result = planned(scenario)
    served = {h.request_id for h in result.plan.handovers}
    left = ({"p1", "p2"} - served).pop()
    kept = Plan(result.plan.handovers, [])
    found, reason = offers(scenario, kept, scenario.request_by_id[left])
    assert found == []
    # Room and officer both bind: neither alone would free the slot.
    assert reason.startswith("capacity:") and "places full" in reason and "officers busy" in reason


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(max_requests=6))
def test_offers_on_random_plans_pass_the_checker(data):
    held_out = copy.deepcopy(data["requests"][-1])
    held_out.pop("locked", None)
    held_out["id"] = "held-out"
    scenario = Scenario.model_validate(data)
    plan = planned(scenario).plan
    data = copy.deepcopy(data)
    data["requests"].append(held_out)
    bigger = Scenario.model_validate(data)
    assert check_references(bigger) == []
    found, reason = offers(bigger, plan, bigger.request_by_id["held-out"], top=3)
    assert found or reason
    for option in found:
        extended = Plan(plan.handovers + [option.handover(bigger.request_by_id["held-out"])], plan.unserved)
        report = check_plan(bigger, extended)
        assert report.ok, report.violations
