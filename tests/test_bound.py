"""The bounds of `solvers/bound.py`: never past a plan that passes the checker, tight where worked out by hand."""

from __future__ import annotations

import math
import signal
import threading
import time
from unittest.mock import patch

import builders
import numpy as np
import pytest
from highspy import _core as highs_core
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.check import check_plan
from optimizer.core.codes import SENSE
from optimizer.plan.levels import plan_levels
from optimizer.scenario.generate import generate
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen
from optimizer.solvers import bound as bounds
from optimizer.solvers import stop
from optimizer.solvers.bound import preference_bound, served_bound, tighten
from optimizer.solvers.cpsat import solve
from optimizer.solvers.greedy import solve_greedy, value_key
from optimizer.solvers.officers import (
    busiest_bound,
    least_supervision,
    officers_bound,
    peak_overlap,
)
from optimizer.solvers.result import Bound, LevelResult, SolveOptions, Status


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
    assert bounds._station_lp(scenario, screening, bounds.Piece(list(screening.options)), 10)[0] >= 3


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


def _two_stations(second_window: str) -> Scenario:
    """One seller, a 15-minute phone at st-a from 10:00 and one at st-b in `second_window`,
    30 minutes' travel."""
    return builders.day(
        [builders.request("r1", windows=["10:00-10:15"], stations=["st-a"], seller="s"),
         builders.request("r2", windows=[second_window], stations=["st-b"], seller="s")],
        stations=[builders.station(sid, hours=["10:00-12:00"], rooms=[f"room-{sid}"]) for sid in ("st-a", "st-b")],
        officers=[builders.officer(f"o-{sid}", sid, "10:00-12:00") for sid in ("st-a", "st-b")])


def _integer_optimum(program) -> float:
    highs = program.highs(integer=True)
    highs.run()
    return highs.getInfo().objective_function_value


@pytest.mark.parametrize("second_window, both", [("10:25-10:40", False), ("10:40-10:55", False),
                                                 ("10:45-11:00", True)])
def test_the_travel_rows_keep_a_party_travel_time_between_stations_and_no_more(second_window, both):
    # The seller leaves st-a at 10:15: st-b from 10:45 on, not before (the checker's rule 7).
    scenario = _two_stations(second_window)
    screening = screen(scenario)
    optimum = solve(scenario, SolveOptions(time_limit=10, workers=1, seed=0)).levels[0].value
    assert optimum == (2 if both else 1)
    program, _meaning = bounds.time_indexed_model(scenario, screening, list(screening.options), travel=True)
    assert _integer_optimum(program) == optimum
    program, _meaning = bounds.time_indexed_model(scenario, screening, list(screening.options))
    assert _integer_optimum(program) == 2  # without them, the relaxation sends the seller at once


def test_a_person_with_more_requests_than_the_cap_gets_no_travel_rows(monkeypatch):
    # Rows by pairs grow with the square of a person's requests: past the cap they are left to
    # `relaxed.apart`, and the program is the one without travel.
    scenario = _two_stations("10:25-10:40")
    screening = screen(scenario)
    monkeypatch.setattr(bounds, "TRAVEL_PERSON_REQUESTS", 1)
    program, _meaning = bounds.time_indexed_model(scenario, screening, list(screening.options), travel=True)
    assert _integer_optimum(program) == 2


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), stations=st.integers(2, 4))
def test_every_greedy_plan_keeps_every_row_of_the_relaxation_with_travel(seed, stations):
    # The rows are cuts: a plan that keeps the rules is a point of the program, travel rows included.
    scenario = Scenario.model_validate(generate(stations, 12 * stations, seed=seed))
    screening = screen(scenario)
    built = bounds.time_indexed_model(scenario, screening, list(screening.options), travel=True)
    if built is None:
        return
    program, meaning = built
    column = {m: j for j, m in enumerate(meaning)}
    x = np.zeros(len(meaning))
    for h in solve_greedy(scenario, screening=screening).plan.handovers:
        x[column[h.request_id, h.station, h.start]] = 1
    ends = list(program.starts[1:]) + [len(program.index)]
    for row, (a, b) in enumerate(zip(program.starts, ends)):
        used = float(np.dot(program.value[a:b], x[program.index[a:b]]))
        assert program.lower[row] - 1e-9 <= used <= program.upper[row] + 1e-9


def _spanning(scenario: Scenario, screening, size: int) -> set[str]:
    piece_of = {s: i for i, block in enumerate(bounds.station_blocks(scenario, size)) for s in block}
    return {rid for rid, options in screening.options.items() if len({piece_of[o.station] for o in options}) > 1}


def test_a_request_two_pieces_could_serve_enters_both_at_its_priority_less_its_price(monkeypatch):
    scenario = Scenario.model_validate(generate(4, 60, seed=7))
    screening = screen(scenario)
    monkeypatch.setattr(bounds, "PIECE_REQUESTS", 10)
    spanning = _spanning(scenario, screening, 10)
    assert spanning
    prices = {rid: 0.25 for rid in spanning}
    piece_of = {s: i for i, block in enumerate(bounds.station_blocks(scenario, 10)) for s in block}
    pieces, priced = bounds._pieces(scenario, screening, prices)
    assert priced == 0.25 * len(spanning)
    for rid in spanning:
        holding = [p for p in pieces if rid in p.ids]
        # Every piece where one of its stations lies, its options cut to that piece.
        assert len(holding) == len({piece_of[o.station] for o in screening.options[rid]}) > 1
        for piece in holding:
            assert piece.profit[rid] == scenario.request_by_id[rid].priority - 0.25
            assert {o.station for o in piece.options(screening, rid)} <= piece.stations
    others = [rid for p in pieces for rid in p.ids if rid not in spanning]
    assert sorted(others) == sorted(set(screening.options) - spanning)
    # Without a price, such a request is counted as served and left out of every piece.
    pieces, priced = bounds._pieces(scenario, screening, {})
    assert priced == sum(scenario.request_by_id[rid].priority for rid in spanning)
    assert not spanning & {rid for p in pieces for rid in p.ids}


def test_pieces_joined_by_the_station_lps_prices_add_up_to_the_station_lp(monkeypatch):
    # LP duality: with the duals as prices, the pieces lose nothing against the whole day's station
    # LP, and each piece's time-indexed LP can only lower the sum. Counted as served instead, the
    # requests between pieces made the pieces weaker than the whole (a region: 5,265 against 5,159).
    scenario = Scenario.model_validate(generate(4, 60, seed=7))
    screening = screen(scenario)
    whole, prices = bounds._station_lp(scenario, screening, bounds.Piece(list(screening.options)), 10)
    monkeypatch.setattr(bounds, "PIECE_REQUESTS", 15)
    assert _spanning(scenario, screening, 15)

    def added_up(prices: dict[str, float]) -> float:
        pieces, priced = bounds._pieces(scenario, screening, prices)
        assert len(pieces) > 1
        return priced + sum(bounds._station_lp(scenario, screening, piece, 10)[0] for piece in pieces)

    assert added_up(prices) == pytest.approx(whole, abs=1e-6)
    assert added_up({}) > whole + 0.5


@pytest.mark.parametrize("seed", [7, 10])
def test_pieces_joined_by_prices_bound_a_proven_optimum(monkeypatch, seed):
    scenario = Scenario.model_validate(generate(4, 60, seed=seed))
    scenario.policy.objective = ["served"]
    screening = screen(scenario)
    whole = math.floor(bounds._station_lp(scenario, screening, bounds.Piece(list(screening.options)), 10)[0] + 1e-6)
    monkeypatch.setattr(bounds, "PIECE_REQUESTS", 15)
    given_prices = []
    cut = bounds._pieces
    monkeypatch.setattr(bounds, "_pieces", lambda *args: given_prices.append(args[2]) or cut(*args))
    pieced = served_bound(scenario, screening)
    # The day's station LP prices the pieces (its duals: some of them above 0).
    assert given_prices and any(price > 0 for price in given_prices[0].values())
    result = solve(scenario, SolveOptions(time_limit=30, workers=2, seed=0, deterministic=True))
    served = result.levels[0]
    assert served.status == "optimal"
    assert served.value <= pieced.value <= whole
    if seed == 10:  # a day where the pieces' time-indexed LPs go below the station LP
        assert pieced.value < whole and pieced.by == "time-indexed-lp"


def test_beside_the_rounds_the_pieces_run_when_one_piece_fits_the_night(monkeypatch):
    # Each piece that finishes lowers the bound: a national day (45 pieces, 500 s of a core)
    # gains from the pieces a 900-s night has room for, though all of them would not fit.
    scenario = Scenario.model_validate(generate(4, 60, seed=10))
    scenario.policy.objective = ["served"]
    screening = screen(scenario)
    monkeypatch.setattr(bounds, "PIECE_REQUESTS", 15)
    monkeypatch.setattr(bounds, "TIME_INDEXED_BESIDE_SECONDS_PER_REQUEST", 1.0)
    assert len(screening.options) > 20
    assert bounds.Bounding(scenario, screening, 20).best(wait=20).by == "time-indexed-lp"
    assert bounds.Bounding(scenario, screening, 10).best(wait=10).by != "time-indexed-lp"


def test_off_the_clock_every_piece_runs_to_its_end_however_slow_the_machine(monkeypatch):
    # A deterministic run's bound must not depend on which pieces a deadline let finish: here a
    # clock that races 100 s at each look would leave every piece undone.
    scenario = Scenario.model_validate(generate(4, 60, seed=10))
    scenario.policy.objective = ["served"]
    screening = screen(scenario)
    monkeypatch.setattr(bounds, "PIECE_REQUESTS", 15)
    ticks = iter(range(0, 10**9, 100))

    class RacingClock:
        @staticmethod
        def monotonic() -> float:
            return float(next(ticks))

    monkeypatch.setattr(bounds, "time", RacingClock)
    on_the_clock = bounds.Bounding(scenario, screening, 60).best(wait=None)
    off_the_clock = bounds.Bounding(scenario, screening, 60, on_the_clock=False).best(wait=None)
    assert on_the_clock.by != "time-indexed-lp"
    assert off_the_clock.by == "time-indexed-lp" and off_the_clock.value < on_the_clock.value


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 5), st.integers(10, 60), st.integers(0, 10_000), st.integers(5, 30))
def test_pieces_of_any_size_bound_every_checked_plan(stations, requests, seed, size):
    scenario = Scenario.model_validate(generate(stations, requests, seed=seed))
    screening = screen(scenario)
    with patch.object(bounds, "PIECE_REQUESTS", size):
        bound = served_bound(scenario, screening).value
    for order in (None, value_key(scenario, screening)):
        plan = solve_greedy(scenario, screening, order=order).plan
        assert plan_levels(scenario, plan)["served"] <= bound


def test_handovers_that_surely_overlap_need_that_many_officers():
    # Fixed starts: three phones at 10:00, two at 10:20 (one room each is not the point here).
    scenario = _room_day(["10:00-10:20"] * 3 + ["10:20-10:40"] * 2, officers=4, objective=("served", "officers"),
                         rooms=3)
    screening = screen(scenario)
    assert peak_overlap(scenario, screening) == {"st-a": 3}
    assert officers_bound(scenario, screening, served=5).value == 3
    # With one request left out (priority 1), one officer fewer may do.
    assert officers_bound(scenario, screening, served=4).value == 2
    # Three left out: the peak says nothing, but two phones need someone to supervise them.
    assert officers_bound(scenario, screening, served=2) == Bound(1, "least-supervision")
    assert officers_bound(scenario, screening, served=0) is None
    result = solve(scenario, SolveOptions(time_limit=5, workers=2, seed=0, deterministic=True))
    assert [(lv.name, lv.value) for lv in result.levels] == [("served", 5), ("officers", 3)]


def test_a_signal_ends_the_interior_point_at_once(monkeypatch):
    # Without the interrupt, a command given SIGINT waited for the piece's LP to end before it could exit.
    scenario = Scenario.model_validate(generate(4, 200, seed=1))
    screening = screen(scenario)
    program, _meaning = bounds.time_indexed_model(scenario, screening, list(screening.options))
    assert bounds.interior_point(program.highs(), 60) is not None
    monkeypatch.setattr(stop, "_signal", signal.SIGINT)
    highs = program.highs()
    assert bounds.interior_point(highs, 60) is None
    assert highs.getModelStatus() == highs_core.HighsModelStatus.kInterrupt


def _phones(minutes: list[int], officers: int, cap: int, objective=("served", "officers", "balance")) -> Scenario:
    """One station open all day, rooms for everyone: only the officers' caps bind."""
    return Scenario.model_validate({
        "name": "caps", "date": "2026-12-01",
        "policy": {"max_supervision_minutes": cap, "turnover_minutes": 0, "objective": list(objective),
                   "categories": {f"c{m}": {"place": "room", "minutes": m} for m in set(minutes)}},
        "stations": [{"id": "st-a", "hours": ["08:00-20:00"], "rooms": [f"room-{i}" for i in range(len(minutes))]}],
        "officers": [{"id": f"o{i}", "station": "st-a", "shift": "08:00-20:00"} for i in range(officers)],
        "requests": [
            {"id": f"r{i}", "category": f"c{m}", "stations": ["st-a"], "windows": ["08:00-20:00"],
             "seller": f"s{i}", "buyer": f"b{i}"}
            for i, m in enumerate(minutes)
        ],
    })


def test_what_is_served_needs_officers_enough_to_supervise_it():
    # Four 20-minute phones and a 10-minute one, 40 minutes a officer: serving 3 takes at least
    # 10 + 20 + 20 = 50 minutes, two officers; all five (90 minutes), three.
    scenario = _phones([20, 20, 20, 20, 10], officers=4, cap=40)
    screening = screen(scenario)
    assert least_supervision(scenario, screening, 3) == 50
    assert officers_bound(scenario, screening, served=3) == Bound(2, "least-supervision")
    assert officers_bound(scenario, screening, served=5) == Bound(3, "least-supervision")
    # The busiest of three officers supervising 90 minutes has at least 30 of them.
    assert busiest_bound(scenario, screening, served=5, officers=3) == Bound(30, "least-supervision")
    result = solve(scenario, SolveOptions(time_limit=10, workers=2, seed=0, deterministic=True))
    assert [(lv.name, lv.value) for lv in result.levels][:2] == [("served", 5), ("officers", 3)]
    assert result.levels[2].value >= 30


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4), st.integers(1, 80), st.integers(0, 10_000))
def test_no_checked_plan_beats_its_officers_balance_or_preference_bound(stations, requests, seed):
    scenario = Scenario.model_validate(generate(stations, requests, seed=seed))
    screening = screen(scenario)
    for order in (None, value_key(scenario, screening)):
        plan = solve_greedy(scenario, screening, order=order).plan
        assert check_plan(scenario, plan).ok
        levels = plan_levels(scenario, plan)
        preference = preference_bound(scenario, screening, levels["served"], time_limit=10)
        assert preference is not None and 0 <= preference.value <= levels["preference"]
        officers = officers_bound(scenario, screening, levels["served"])
        assert officers is None or levels["officers"] >= officers.value
        busiest = busiest_bound(scenario, screening, levels["served"], levels["officers"])
        assert busiest is None or levels["balance"] >= busiest.value


def _two_stations_day() -> Scenario:
    """Two 20-minute phones, each listing st-a first, st-b second; st-a's one room holds one of
    them in the only 20 minutes both may come."""
    return Scenario.model_validate({
        "name": "ranks", "date": "2026-12-01",
        "policy": {"turnover_minutes": 0, "objective": ["served", "preference"],
                   "categories": {"phone": {"place": "room", "minutes": 20}}},
        "stations": [{"id": "st-a", "hours": ["10:00-12:00"], "rooms": ["room-a"]},
                     {"id": "st-b", "hours": ["10:00-12:00"], "rooms": ["room-b"]}],
        "officers": [{"id": f"{who}-{station}", "station": station, "shift": "10:00-12:00"}
                     for station in ("st-a", "st-b") for who in ("o1", "o2")],
        "requests": [
            {"id": f"r{i}", "category": "phone", "stations": ["st-a", "st-b"], "windows": ["10:00-10:20"],
             "seller": f"s{i}", "buyer": f"b{i}"}
            for i in range(2)
        ],
    })


def test_serving_both_sends_one_to_its_second_station_and_the_preference_bound_sees_it():
    scenario = _two_stations_day()
    screening = screen(scenario)
    assert preference_bound(scenario, screening, served=2, time_limit=10) == Bound(1, "station-lp")
    # Serving one, or whatever, leaves both free to be at their first station or not served.
    assert preference_bound(scenario, screening, served=1, time_limit=10).value == 0
    assert preference_bound(scenario, screening, served=None, time_limit=10).value == 0
    result = solve(scenario, SolveOptions(time_limit=10, workers=2, seed=0, deterministic=True))
    assert [(lv.name, lv.value, lv.status) for lv in result.levels] == [
        ("served", 2, "optimal"), ("preference", 1, "optimal")]


def _levels(scenario: Scenario, plan, order: list[str]) -> list[LevelResult]:
    values = plan_levels(scenario, plan)
    return [LevelResult(name, SENSE[name], values[name], None, Status.FEASIBLE, 0.0) for name in order]


@pytest.mark.parametrize("order, expected", [(["served", "preference"], 1), (["preference", "served"], 0)])
def test_tighten_holds_served_for_the_preference_bound_only_when_it_comes_first(order, expected):
    # The plan serving both (one at its second station), its levels told in either order.
    scenario = _two_stations_day()
    plan = solve(scenario, SolveOptions(time_limit=10, workers=2, seed=0, deterministic=True)).plan
    assert len(plan.handovers) == 2
    scenario.policy.objective = order
    screening = screen(scenario)
    levels = _levels(scenario, plan, order)
    tighten(scenario, screening, levels, preference_seconds=10)
    preference = next(lv for lv in levels if lv.name == "preference")
    assert (preference.bound, preference.bound_by) == (expected, "station-lp")
    assert preference.status == ("optimal" if expected == preference.value else "feasible")


def test_tighten_leaves_preference_unbounded_without_time_or_after_a_signal(monkeypatch):
    scenario = _two_stations_day()
    screening = screen(scenario)
    plan = solve(scenario, SolveOptions(time_limit=10, workers=2, seed=0, deterministic=True)).plan
    levels = _levels(scenario, plan, ["served", "preference"])
    tighten(scenario, screening, levels)  # one model: CP-SAT's bound stands, no LP
    assert levels[1].bound is None
    monkeypatch.setattr(stop, "_signal", signal.SIGINT)
    tighten(scenario, screening, levels, preference_seconds=10)
    assert levels[1].bound is None


class _SlowLp:
    """GLOP's shape: a solve that runs until interrupted (or 5 s)."""

    def __init__(self):
        self.interrupted = threading.Event()

    def SetTimeLimit(self, milliseconds):
        self.limit = milliseconds

    def Solve(self):
        self.interrupted.wait(5)
        return bounds.pywraplp.Solver.OPTIMAL

    def InterruptSolve(self):
        self.interrupted.set()
        return True


def test_a_signal_ends_the_station_lp_at_once(monkeypatch):
    # A national day's preference LP takes up to half a minute: Ctrl-C must not wait for it.
    lp = _SlowLp()
    monkeypatch.setattr(stop, "_signal", signal.SIGINT)
    started = time.monotonic()
    assert not bounds._solved(lp, 60)
    assert lp.interrupted.is_set() and time.monotonic() - started < 2


def test_tighten_keeps_the_stronger_of_the_bound_known_and_the_one_it_finds():
    # A maximised level keeps the lower bound, a minimised one the higher.
    scenario = _two_stations_day()
    screening = screen(scenario)
    plan = solve(scenario, SolveOptions(time_limit=10, workers=2, seed=0, deterministic=True)).plan
    served, preference = _levels(scenario, plan, ["preference", "served"])[::-1]
    served.bound, preference.bound = 2, 1  # as a search might have proven them
    tighten(scenario, screening, [preference, served], served=Bound(5, "station-lp"), preference_seconds=10)
    assert (served.bound, preference.bound) == (2, 1)  # the LPs found 5 and 0 here
    assert (served.status, preference.status) == ("optimal", "optimal")  # each bound meets its value
    served.bound, preference.bound = 9, None
    served.status = preference.status = Status.FEASIBLE
    tighten(scenario, screening, [preference, served], served=Bound(5, "station-lp"), preference_seconds=10)
    assert (served.bound, served.bound_by, preference.bound) == (5, "station-lp", 0)
