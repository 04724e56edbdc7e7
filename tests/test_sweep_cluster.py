"""Staffing sweep and the Dask path: same answers by hand, locally and on a cluster."""

from __future__ import annotations

import operator
import os
import time

import pytest
from typer.testing import CliRunner

from optimizer.check import check_plan
from optimizer.cli import app
from optimizer.scenario.generate import generate
from optimizer.scenario.references import check_references
from optimizer.scenario.schema import Scenario
from optimizer.solvers.blocks import solve_in_blocks
from optimizer.solvers.cpsat import solve
from optimizer.solvers.groups import components, ready, solve_decomposed
from optimizer.solvers.parallel import executor, gather, start_workers
from optimizer.solvers.result import SolveOptions
from optimizer.whatif.sweep import parse_ranges, run_sweep, with_roster

FAST = SolveOptions(time_limit=10, workers=1, seed=0, deterministic=True)
PHONE = {"place": "room", "minutes": 15}


def two_towns() -> Scenario:
    """Two stations that share nothing, three officers each with a 30-minute cap.

    st-a has five 15-minute phones, st-b three; r-a0 is locked to officer a2, so any
    roster of st-a without a2 cannot keep it and cannot be planned.
    """
    stations = [{"id": s, "hours": ["10:00-12:00"], "rooms": [f"{s}-r1", f"{s}-r2"]} for s in ("st-a", "st-b")]
    officers = [{"id": f"{s[-1]}{i}", "station": s, "shift": "08:00-16:00", "max_supervision_minutes": 30}
                for s in ("st-a", "st-b") for i in range(3)]
    requests = [{"id": f"r-a{i}", "category": "phone", "stations": ["st-a"], "windows": ["10:00-12:00"],
                 "seller": f"sa{i}", "buyer": f"ba{i}"} for i in range(5)]
    requests += [{"id": f"r-b{i}", "category": "phone", "stations": ["st-b"], "windows": ["10:00-12:00"],
                  "seller": f"sb{i}", "buyer": f"bb{i}"} for i in range(3)]
    requests[0]["locked"] = {"station": "st-a", "place": "st-a-r1", "officer": "a2", "start": "10:00"}
    scenario = Scenario.model_validate({
        "name": "towns", "date": "2026-12-01", "policy": {"categories": {"phone": PHONE}},
        "stations": stations, "officers": officers, "requests": requests,
    })
    assert check_references(scenario) == []
    return scenario


def sweep(pool, scenario):
    ranges, problems = parse_ranges(["st-a=1..3", "st-b=1..3"], scenario)
    assert problems == []
    return run_sweep(scenario, ranges, 0.95, FAST, pool)


def test_independent_stations_are_swept_apart():
    scenario = two_towns()
    assert components(scenario) == [["st-a"], ["st-b"]]
    with executor(processes=2) as pool:
        result = sweep(pool, scenario)
    # 3 + 3 variants, not the 3 x 3 product.
    assert len(result.outcomes) == 6


def test_started_workers_are_all_running_before_any_part_is_sent():
    """The warm-up starts every lane at once, so the first parts do not wait for the imports."""
    with executor(None, 2) as pool:
        assert pool.processes == 0
        start_workers(pool, ready)
        assert pool.processes == 2
        assert [pool.submit(ready).result(timeout=60) for _ in range(2)] == [True, True]


def test_sweep_answer_equals_planning_each_variant_by_hand():
    scenario = two_towns()
    with executor(processes=2) as pool:
        result = sweep(pool, scenario)
    by_hand = {}
    for station, group in (("st-a", 0), ("st-b", 1)):
        for n in range(1, 4):
            day = with_roster(scenario, ((station, n),))
            if check_references(day):
                continue  # the lock on a2 needs all three officers at st-a
            served = sum(1 for h in solve(day, FAST).plan.handovers if h.station == station)
            by_hand[station, n] = served
    # Each officer supervises at most two 15-minute phones (30-minute cap):
    # st-b: 1 officer -> 2 of 3, 2 officers -> 3 of 3 (100 %): the answer is 2.
    # st-a: only the full roster keeps the lock; 3 officers -> 5 of 5.
    assert by_hand == {("st-a", 3): 5, ("st-b", 1): 2, ("st-b", 2): 3, ("st-b", 3): 3}
    answers = {result.groups[i][0]: dict(result.answer(i).variant.roster) for i in range(2)}
    assert answers == {"st-a": {"st-a": 3}, "st-b": {"st-b": 2}}
    for outcome in result.outcomes:
        station, n = outcome.variant.roster[0]
        if (station, n) in by_hand:
            assert outcome.served == by_hand[station, n]
        else:
            assert outcome.status == "invalid" and "a2" in outcome.detail


def test_sweep_command_survives_an_invalid_variant(tmp_path):
    path = tmp_path / "towns.yaml"
    import yaml

    path.write_text(yaml.safe_dump(two_towns().model_dump(mode="json", exclude_none=True)))
    result = CliRunner().invoke(app, ["sweep", str(path), "--officers", "st-a=1..3", "--officers", "st-b=1..3",
                                      "--out", str(tmp_path / "sweep"), "--workers", "1", "--deterministic",
                                      "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "sweep" / "sweep.csv").read_text()
    assert text.count("invalid") == 2 and (tmp_path / "sweep" / "sweep.html").exists()
    assert "2 agents à st-b" in result.output  # French by default


@pytest.fixture(scope="module")
def cluster():
    """A Dask cluster of two worker processes on loopback."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local.scheduler_address


def test_sweep_on_a_cluster_equals_the_local_run(cluster):
    scenario = two_towns()
    with executor(processes=2) as pool:
        local = sweep(pool, scenario)
    with executor(cluster=cluster) as pool:
        remote = sweep(pool, scenario)
    fields = lambda s: [(o.variant, o.served, o.status, o.officer_minutes) for o in s.outcomes]  # noqa: E731
    assert fields(remote) == fields(local)


def test_decomposed_plan_on_a_cluster_equals_the_local_run(cluster):
    scenario = two_towns()
    with executor(processes=2) as pool:
        local = solve_decomposed(scenario, FAST, pool)
    with executor(cluster=cluster) as pool:
        remote = solve_decomposed(scenario, FAST, pool)
    assert remote.plan == local.plan
    assert check_plan(scenario, remote.plan).ok
    whole = solve(scenario, FAST)
    assert {lv.name: lv.value for lv in remote.levels} == {lv.name: lv.value for lv in whole.levels}


def test_a_part_the_cluster_cancelled_is_lost_for_the_night_not_raised(cluster):
    # A scheduler that loses the client cancels its futures: the parts they held keep their plan
    # so far (None here), the night goes on. Waiting used to ask Dask to raise instead.
    with executor(cluster=cluster) as pool:
        quick = pool.submit(operator.add, 1, 2)
        slow = pool.submit(time.sleep, 5)
        pool.client.cancel([slow])
        started = time.monotonic()
        # With a deadline already past, a part that never reported done would be given up only
        # LATE_SECONDS later: the time says whether the cancelled one was seen at once.
        assert gather(pool, [quick, slow], deadline=started) == [3, None]
        assert time.monotonic() - started < 10


def test_waiting_on_the_cluster_returns_as_soon_as_a_part_ends(cluster):
    with executor(cluster=cluster) as pool:
        quick, slow = pool.submit(operator.add, 1, 2), pool.submit(time.sleep, 3)
        started = time.monotonic()
        assert pool.unfinished([quick, slow], timeout=20) == [slow]
        assert time.monotonic() - started < 2.5
        assert pool.unfinished([slow], timeout=0.1) == [slow]


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread priorities are a Unix call")
def test_blocks_on_a_cluster_leave_its_workers_priority_alone(cluster):
    # The bound's thread they would yield to runs on the planner's machine, not the workers'.
    scenario = Scenario.model_validate(generate(4, 120, seed=2))
    with executor(cluster=cluster) as pool:
        before = sorted(pool.submit(os.getpriority, os.PRIO_PROCESS, 0).result() for _probe in range(4))
        solve_in_blocks(scenario, SolveOptions(time_limit=3, workers=1, seed=0), pool, block_size=60, rounds=1)
        assert sorted(pool.submit(os.getpriority, os.PRIO_PROCESS, 0).result() for _probe in range(4)) == before
        assert pool.local is False
