"""The bounds of `solvers/bound.py`: never past a plan that passes the checker, tight where worked out by hand."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.check import check_plan
from optimizer.plan.levels import plan_levels
from optimizer.scenario.generate import generate
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen
from optimizer.solvers import bound as bounds
from optimizer.solvers.bound import served_bound
from optimizer.solvers.cpsat import solve
from optimizer.solvers.greedy import solve_greedy, value_key
from optimizer.solvers.officers import officers_bound, peak_overlap
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
    assert served_bound(scenario, screen(scenario)).value == 1
    scenario = _day(phones=3, cap=60)
    assert served_bound(scenario, screen(scenario)).value == 3


def test_an_officer_on_duty_two_hours_supervises_at_most_six_phones_in_a_room():
    scenario = _day(phones=10, cap=480)
    scenario.officers[0].shift = (10 * 60, 12 * 60)
    # Rooms take the officer whole: 120 minutes / 20 = 6 phones.
    assert served_bound(scenario, screen(scenario)).value == 6


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4), st.integers(1, 60), st.integers(0, 10_000))
def test_the_bound_is_above_every_checked_plan_and_below_every_plannable_request(stations, requests, seed):
    scenario = Scenario.model_validate(generate(stations, requests, seed=seed))
    screening = screen(scenario)
    bound = served_bound(scenario, screening).value
    assert bound <= sum(scenario.request_by_id[rid].priority for rid in screening.options)
    for order in (None, value_key(scenario, screening)):
        plan = solve_greedy(scenario, screening, order=order).plan
        assert check_plan(scenario, plan).ok
        assert plan_levels(scenario, plan)["served"] <= bound


def test_the_bound_is_above_a_proven_optimum():
    scenario = Scenario.model_validate(generate(2, 30, seed=3))
    scenario.policy.objective = ["served"]  # the level bounded; the others took most of the test's 12 s
    result = solve(scenario, SolveOptions(time_limit=20, workers=2, seed=0, deterministic=True))
    served = next(lv for lv in result.levels if lv.name == "served")
    assert served.status == "optimal"
    assert served.value <= served_bound(scenario, screen(scenario)).value


def _room_day(windows: list[str], officers: int = 2, objective=("served",), rooms: int = 1) -> Scenario:
    """One room, 20-minute phones, no turnover: what fits is a matter of time alone."""
    return Scenario.model_validate({
        "name": "room", "date": "2026-12-01",
        "policy": {"turnover_minutes": 0, "objective": list(objective),
                   "categories": {"phone": {"place": "room", "minutes": 20}}},
        "stations": [{"id": "st-a", "hours": ["10:00-12:00"], "rooms": [f"room-{i}" for i in range(rooms)]}],
        "officers": [{"id": f"o{i}", "station": "st-a", "shift": "10:00-12:00"} for i in range(officers)],
        "requests": [
            {"id": f"r{i}", "category": "phone", "stations": ["st-a"], "windows": [window],
             "seller": f"s{i}", "buyer": f"b{i}"}
            for i, window in enumerate(windows)
        ],
    })


def test_the_time_indexed_lp_sees_that_one_room_holds_one_handover_at_a_time():
    # Two groups of three phones, each group's windows 30 minutes wide: one phone per group fits.
    # Over the two-hour span the station LP only sees 120 minutes of room for 6 x 20.
    scenario = _room_day(["10:00-10:30"] * 3 + ["10:45-11:15"] * 3)
    screening = screen(scenario)
    found = served_bound(scenario, screening)
    assert found.value == 2 and found.by == "time-indexed-lp"
    assert bounds._station_lp(scenario, screening, list(screening.options), 10) >= 3


def test_each_column_of_the_time_indexed_model_names_a_start_its_request_allows():
    # The relaxation's start (relaxed.py) turns a solution of the relaxation into a plan by these names.
    scenario = _room_day(["10:00-10:30"] * 3 + ["10:45-11:15"] * 3)
    screening = screen(scenario)
    program, meaning = bounds.time_indexed_model(scenario, screening, list(screening.options))
    assert program.highs().getNumCol() == len(program.cost) == len(meaning)
    for rid, station, start in meaning:
        request = scenario.request_by_id[rid]
        assert station in request.stations
        assert any(a <= start and start + scenario.minutes(request) <= b for a, b in request.windows)
    # Every start on the grid inside each window is there: 30-minute windows, 20-minute phones, 5-minute slots.
    assert len(meaning) == 6 * (1 + (30 - 20) // scenario.policy.slot_minutes)


def test_pieces_of_a_large_day_still_bound_it(monkeypatch):
    # Cut into small pieces, requests spanning two pieces count as served: a weaker bound, still a bound.
    scenario = Scenario.model_validate(generate(4, 60, seed=7))
    screening = screen(scenario)
    whole = served_bound(scenario, screening).value
    monkeypatch.setattr(bounds, "PIECE_REQUESTS", 10)
    pieces, shared = bounds._pieces(scenario, screening)
    piece_of = {s: i for i, block in enumerate(bounds.station_blocks(scenario, 10)) for s in block}
    spanning = {rid for rid, options in screening.options.items() if len({piece_of[o.station] for o in options}) > 1}
    assert len(pieces) > 1 and spanning
    assert sorted(r for p in pieces for r in p) == sorted(set(screening.options) - spanning)
    assert shared == sum(scenario.request_by_id[rid].priority for rid in spanning)
    pieced = served_bound(scenario, screening).value
    # Any plan stays below both bounds: a second of search will do, by the clock (a deterministic
    # limit of 5 took 30 s of wall time on a slow day of the machine).
    result = solve(scenario, SolveOptions(time_limit=1, workers=2, seed=0))
    assert result.levels[0].value <= whole <= pieced


def test_handovers_that_surely_overlap_need_that_many_officers():
    # Fixed starts: three phones at 10:00, two at 10:20 (one room each is not the point here).
    scenario = _room_day(["10:00-10:20"] * 3 + ["10:20-10:40"] * 2, officers=4, objective=("served", "officers"),
                         rooms=3)
    screening = screen(scenario)
    assert peak_overlap(scenario, screening) == {"st-a": 3}
    assert officers_bound(scenario, screening, served=5).value == 3
    # With one request left out (priority 1), one officer fewer may do.
    assert officers_bound(scenario, screening, served=4).value == 2
    assert officers_bound(scenario, screening, served=2) is None
    result = solve(scenario, SolveOptions(time_limit=5, workers=2, seed=0, deterministic=True))
    assert [(lv.name, lv.value) for lv in result.levels] == [("served", 5), ("officers", 3)]
