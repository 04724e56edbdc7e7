"""Days too large for one model: planned block by block around the greedy plan, or the relaxation's."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import builders
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.check import check_plan
from optimizer.core.i18n import language
from optimizer.plan.levels import plan_levels
from optimizer.plan.rows import whole_plan
from optimizer.scenario.generate import generate
from optimizer.scenario.schema import Lock, Scenario
from optimizer.screening import screen
from optimizer.solvers import highs_process, relaxed, stop
from optimizer.solvers.blocks import (
    BLOCK_NICENESS,
    _lane_budgets,
    _solve_blocks,
    solve_in_blocks,
)
from optimizer.solvers.bound import preference_bound, served_bound, time_indexed_model
from optimizer.solvers.greedy import solve_greedy, value_key
from optimizer.solvers.groups import ready, solve_part, station_blocks
from optimizer.solvers.parallel import executor, gather
from optimizer.solvers.relaxed import relaxed_start, worth_trying
from optimizer.solvers.result import SolveOptions


@pytest.mark.parametrize("rounds", [1, 3], ids=["stations", "stations-bands-adaptive"])
def test_blocks_keep_every_rule_lose_nothing_and_never_serve_less_than_greedy(rounds):
    scenario = Scenario.model_validate(generate(6, 240, seed=5))
    blocks = station_blocks(scenario, 60)
    assert len(blocks) > 1 and sorted(s for b in blocks for s in b) == sorted(s.id for s in scenario.stations)
    with executor(processes=2) as pool:
        result = solve_in_blocks(scenario, SolveOptions(time_limit=6, workers=1, seed=0), pool, block_size=60,
                                 rounds=rounds)
    _assert_whole_checked_and_above_greedy(scenario, result)


def test_a_block_grows_along_the_station_that_shares_most_requests_with_it():
    """A request moves between two stations only inside one block: `st-a` shares six requests
    with `st-c` and one with `st-b`, so its block takes `st-c` first, whatever the ids' order
    (grown breadth-first by id, it took `st-b`: the strongest links of a paris day were then
    almost never in one block)."""
    links = [("st-a", "st-c")] * 6 + [("st-a", "st-b"), ("st-b", "st-d"), ("st-c", "st-d")]
    requests = [builders.request(f"r{i}", stations=pair) for i, pair in enumerate(links)]
    requests += [builders.request(f"a{i}", stations=("st-a",)) for i in range(4)]
    stations = [builders.station(s, rooms=(f"{s}-room",)) for s in ("st-a", "st-b", "st-c", "st-d")]
    officers = [builders.officer(f"o-{s}", station=s) for s in ("st-a", "st-b", "st-c", "st-d")]
    scenario = builders.day(requests, stations, officers)
    # st-a is first in 11 requests: a block of 12 holds it and one more station.
    assert station_blocks(scenario, 12)[0] == ["st-a", "st-c"]
    for seed in range(6):
        block = next(b for b in station_blocks(scenario, 12, random.Random(seed)) if "st-a" in b)
        if block[0] == "st-a":  # grown from st-a (from st-b, it takes st-a, its only neighbour)
            assert block == ["st-a", "st-c"]


class _FirstBlockCrashes:
    """A pool whose first block's worker process dies at once, as a crash in the solver would."""

    def __init__(self, pool):
        self.pool, self.crashed = pool, 0
        self.lanes = pool.lanes

    def submit(self, fn, /, *args, **kwargs):
        if fn is solve_part and not self.crashed:
            self.crashed += 1
            return self.pool.submit(os._exit, 1)
        return self.pool.submit(fn, *args, **kwargs)

    def unfinished(self, futures, timeout):
        return self.pool.unfinished(futures, timeout)

    def stop(self, futures):
        self.pool.stop(futures)

    def lost_warning(self):
        return self.pool.lost_warning()


def test_a_worker_process_that_dies_loses_its_blocks_not_the_day():
    """A segfault in a block's solver broke the pool and the nightly command with a traceback:
    its blocks now keep their plan, the next round runs on a new pool, and the planner is told."""
    scenario = Scenario.model_validate(generate(6, 240, seed=5))
    told: list[logging.LogRecord] = []
    heard = logging.Handler(logging.WARNING)
    heard.emit = told.append
    logger = logging.getLogger("remise")
    logger.addHandler(heard)
    try:
        with executor(processes=2) as pool, language("en"):
            crashing = _FirstBlockCrashes(pool)
            result = solve_in_blocks(scenario, SolveOptions(time_limit=6, workers=1, seed=0), crashing,
                                     block_size=60, rounds=2)
            assert crashing.crashed == 1
            assert pool.submit(ready).result(timeout=60) is True
    finally:
        logger.removeHandler(heard)
    _assert_whole_checked_and_above_greedy(scenario, result)
    assert any("worker process stopped abruptly" in record.getMessage() for record in told)


def test_blocks_a_crash_took_down_are_solved_again_in_the_round_s_time():
    """A crash breaks the local pool and every block not done yet with it: those are sent once
    more to the new pool, so the round loses what the crash cost, not the rest of its time."""
    scenario = Scenario.model_validate(generate(6, 240, seed=5))
    screening = screen(scenario)
    start = solve_greedy(scenario, screening).plan
    blocks = station_blocks(scenario, 60)
    options = SolveOptions(time_limit=6, workers=1, seed=0)
    with executor(processes=2) as pool:
        _, whole = _solve_blocks(scenario, screening, start, blocks, options, pool, 6, 2, served_only=True)
        crashing = _FirstBlockCrashes(pool)
        plan, done = _solve_blocks(scenario, screening, start, blocks, options, crashing, 6, 2, served_only=True)
    assert crashing.crashed == 1
    assert len(whole) > 1 and len(done) == len(whole)  # every block solved, the crashed one too
    assert check_plan(scenario, plan).ok


def test_gather_names_the_parts_running_when_a_worker_died():
    # The crashed part is among those running; the blocks waiting behind them are not suspects.
    with executor(processes=2) as pool:
        futures = [pool.submit(time.sleep, 2.0) for _ in range(6)]
        running: set[int] = set()
        threading.Timer(1.0, lambda: os.kill(next(iter(pool._pool._processes)), signal.SIGKILL)).start()
        results = gather(pool, futures, running=running)
    assert results == [None] * 6  # the pool broke under all of them
    assert {0, 1} <= running and 5 not in running


_SOLVE_SAVED_BLOCK = """
import json, sys
from optimizer.plan.rows import Handover, Plan
from optimizer.solvers.groups import solve_part
from optimizer.solvers.result import SolveOptions
saved = json.load(open(sys.argv[1]))
options = SolveOptions(time_limit=3, workers=2, seed=0, presolve_passes=1)  # as blocks.py solves a block
result = solve_part(saved["part"], options, None, Plan([Handover(**h) for h in saved["start"]]))
print(" ".join(level.status for level in result.levels))
"""


def test_a_block_that_crashed_cp_sat_s_local_search_is_solved():
    # A block of a national day (saved as it was sent) segfaulted in CP-SAT 9.15's `ls`
    # subsolver, at its `balance` level, every time it ran: 7 runs of 7 before blocks ignored it.
    saved = Path(__file__).parent / "data" / "block-that-crashed-ls.json"
    done = subprocess.run([sys.executable, "-c", _SOLVE_SAVED_BLOCK, str(saved)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() and set(done.stdout.split()) <= {"optimal", "feasible"}


_KILLED_MAIN = """
import os, signal
from optimizer.solvers.parallel import executor
with executor(processes=2) as pool:
    pids = {pool.submit(os.getpid).result(timeout=60) for _ in range(8)}
    print(" ".join(map(str, pids)), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_workers_end_when_the_main_process_is_killed_outright():
    # SIGKILL (the OOM killer, kill -9) runs no cleanup: the workers must notice alone.
    main = subprocess.Popen([sys.executable, "-c", _KILLED_MAIN], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in main.stdout.readline().split()]  # not to EOF: workers share the pipe
    try:
        assert main.wait(timeout=60) == -signal.SIGKILL
        assert workers
        deadline = time.monotonic() + 10 * stop.PARENT_CHECK_SECONDS
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in workers)
    finally:
        for pid in filter(_alive, workers):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        main.stdout.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended; only its parent (init here) has not read its status yet.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("in_pieces", [False, True])
def test_the_relaxation_s_start_keeps_every_rule_loses_nothing_and_beats_greedy(monkeypatch, in_pieces):
    scenario = Scenario.model_validate(generate(4, 160, seed=5))
    screening = screen(scenario)
    if in_pieces:
        # The pieces' programs do not see each other: a person may be sent to two pieces at once,
        # and `apart` keeps one of the two before the officers are chosen station by station.
        monkeypatch.setattr(relaxed, "RELAXED_WHOLE", 50)
        monkeypatch.setattr(relaxed, "RELAXED_PIECE_REQUESTS", 40)
        assert len(relaxed._pieces(scenario, screening)) > 1
    with executor(processes=2) as pool:
        # 10 s: HiGHS' first solution comes in about 1 s here, 3 times that on a slow day.
        start = relaxed_start(scenario, screening, SolveOptions(time_limit=60, workers=1, seed=0), pool,
                              seconds=10, processes=2)
    assert start is not None
    report = check_plan(scenario, start)
    assert report.ok, report.violations[:5]
    seen = Counter([h.request_id for h in start.handovers] + [u.request_id for u in start.unserved])
    assert seen == Counter(r.id for r in scenario.requests)
    # Greedy serves 144 here, the relaxation's start 161: the better start the rounds need.
    assert plan_levels(scenario, start)["served"] > _best_greedy(scenario, screening)


@pytest.mark.parametrize("late", [False, True])
def test_a_piece_highs_did_not_answer_keeps_the_plan_so_far_in_the_start(monkeypatch, late):
    # On a slow or busy night HiGHS may answer some pieces only: it gives up on the others (late
    # False), or its first answer comes so late that the others are never sent (late True). Their
    # requests keep their appointments in the plan so far (greedy's), where the held day finds room.
    monkeypatch.setattr(relaxed, "RELAXED_WHOLE", 50)
    monkeypatch.setattr(relaxed, "RELAXED_PIECE_REQUESTS", 40)
    scenario = Scenario.model_validate(generate(4, 160, seed=5))
    screening = screen(scenario)
    pieces = relaxed._pieces(scenario, screening)
    others = {rid for piece in pieces[1:] for rid in piece.ids}  # the pieces HiGHS leaves unanswered
    answer = highs_process.HighsProcess.first_solution
    asked = []

    def first_piece_only(self):
        asked.append(self)
        if len(asked) > 1:
            return None
        columns = answer(self)
        if late:  # past HiGHS' share of the 10 s (2/3): no other piece is sent
            time.sleep(max(0.0, 10 * relaxed.HIGHS_PART - (time.monotonic() - began[0])) + 0.2)
        return columns

    monkeypatch.setattr(highs_process.HighsProcess, "first_solution", first_piece_only)
    greedy = solve_greedy(scenario, screening).plan
    starts = {}
    with executor(processes=2) as pool:
        for fallback in (None, greedy):
            asked.clear()
            began = [time.monotonic()]
            starts[fallback is not None] = relaxed_start(
                scenario, screening, SolveOptions(time_limit=60, workers=1, seed=0), pool, seconds=10,
                processes=1, fallback=fallback)
    without, with_greedy = starts[False], starts[True]
    assert len(pieces) > 2 and len(asked) == (1 if late else len(pieces))
    for start in (without, with_greedy):
        assert start is not None and check_plan(scenario, start).ok
        seen = Counter([h.request_id for h in start.handovers] + [u.request_id for u in start.unserved])
        assert seen == Counter(r.id for r in scenario.requests)
    assert not {h.request_id for h in without.handovers} & others
    others_in_greedy = {h.request_id for h in greedy.handovers} & others
    assert len({h.request_id for h in with_greedy.handovers} & others) >= 0.8 * len(others_in_greedy)
    assert plan_levels(scenario, with_greedy)["served"] > plan_levels(scenario, without)["served"]


def test_rounds_started_from_the_relaxation_keep_every_rule_and_never_serve_less_than_greedy(monkeypatch):
    monkeypatch.setattr(relaxed, "RELAXED_MIN_LIMIT", 1.0)
    monkeypatch.setattr("optimizer.solvers.blocks.RELAXED_SHARE", 0.5)  # 5 s of 10
    scenario = Scenario.model_validate(generate(4, 160, seed=5))
    with executor(processes=2) as pool:
        result = solve_in_blocks(scenario, SolveOptions(time_limit=10, workers=1, seed=0), pool, block_size=60)
    assert "around the relaxation's plan" in result.solver
    _assert_whole_checked_and_above_greedy(scenario, result)


def test_the_relaxation_is_tried_on_long_nights_of_days_it_can_hold_and_never_in_a_deterministic_run():
    screening = screen(Scenario.model_validate(generate(4, 160, seed=5)))
    assert worth_trying(screening, SolveOptions(time_limit=60))
    assert not worth_trying(screening, SolveOptions(time_limit=60, deterministic=True))
    assert not worth_trying(screening, SolveOptions(time_limit=relaxed.RELAXED_MIN_LIMIT - 1))
    # HiGHS' feasibility jump cannot be interrupted: a day whose jump would outlast HiGHS' share
    # of the night (4,000 requests, about 30 s, in 6 s of a 30-s night) is not tried.
    region_like = SimpleNamespace(options=dict.fromkeys(range(4000)))
    assert not worth_trying(region_like, SolveOptions(time_limit=30))
    assert worth_trying(region_like, SolveOptions(time_limit=300))


def test_a_day_above_the_whole_relaxation_s_size_is_tried_in_pieces_where_they_fit_the_night():
    # 50,000 requests: one program would spend the night in HiGHS; pieces, two at a time, take
    # about 75 s of the 180 s a 900-s night gives HiGHS, and not of the 60 s a 300-s night gives.
    national_like = SimpleNamespace(options=dict.fromkeys(range(50_000)))
    assert worth_trying(national_like, SolveOptions(time_limit=900), processes=2)
    assert not worth_trying(national_like, SolveOptions(time_limit=300), processes=2)


def test_a_confirmed_appointment_stays_in_the_start_where_highs_left_it_out(monkeypatch):
    # A piece HiGHS did not answer in time leaves its requests out, confirmed ones too; the plan
    # must keep those (the checker's rule 8), or the whole start would be thrown away.
    day = generate(4, 160, seed=5)
    scenario = Scenario.model_validate(day)
    kept = solve_greedy(scenario, screen(scenario)).plan.handovers[0]
    entry = next(r for r in day["requests"] if r["id"] == kept.request_id)
    entry["locked"] = {"station": kept.station, "start": f"{kept.start // 60:02d}:{kept.start % 60:02d}"}
    scenario = Scenario.model_validate(day)
    screening = screen(scenario)
    answered = relaxed._first_solutions

    def without_it(*args):
        chosen, unanswered = answered(*args)
        return [c for c in chosen if c[0] != kept.request_id], unanswered

    monkeypatch.setattr(relaxed, "_first_solutions", without_it)
    with executor(processes=2) as pool:
        start = relaxed_start(scenario, screening, SolveOptions(time_limit=60, workers=1, seed=0), pool, seconds=10)
    assert start is not None and check_plan(scenario, start).ok
    [h] = [h for h in start.handovers if h.request_id == kept.request_id]
    assert (h.station, h.start) == (kept.station, kept.start)


def _one_seller(at: dict[str, tuple[str, int]], priorities: dict[str, int]) -> Scenario:
    """One seller's 15-minute phones, each at one station (`at`: station, start), open all day."""
    return builders.day(
        [builders.request(rid, windows=["08:00-20:00"], stations=[station], seller="s",
                          priority=priorities.get(rid, 1)) for rid, (station, _start) in at.items()],
        stations=[builders.station(sid, hours=["08:00-20:00"], rooms=[f"room-{sid}"]) for sid in ("st-a", "st-b")],
        officers=[builders.officer(f"o-{sid}", sid, "08:00-20:00") for sid in ("st-a", "st-b")])


def test_a_later_piece_of_the_relaxation_leaves_free_the_time_an_earlier_one_gave_a_party(monkeypatch):
    """Pieces cannot see each other's programs: a seller with a phone at st-a (one piece) and one at
    st-b (another) was sent to both at once, and one was dropped. The second piece's program now
    holds only starts the seller can reach after (or leave before) the first piece's appointment."""
    scenario = _one_seller({"r1": ("st-a", 0), "r2": ("st-b", 0)}, {})
    monkeypatch.setattr(relaxed, "RELAXED_WHOLE", 1)
    monkeypatch.setattr(relaxed, "RELAXED_PIECE_REQUESTS", 1)  # each station a piece, st-a's first
    built = relaxed.time_indexed_model
    programs: list[list[tuple[str, str, int]]] = []

    def seen(*args, **kwargs):
        program = built(*args, **kwargs)
        programs.append(program[1])
        return program

    monkeypatch.setattr(relaxed, "time_indexed_model", seen)
    chosen, unanswered = relaxed._first_solutions(scenario, screen(scenario), 30, 1)
    assert not unanswered and len(programs) == 2
    [(_r1, _st, first)] = [c for c in chosen if c[0] == "r1"]
    travel = scenario.policy.party_travel_minutes
    starts = [start for rid, _station, start in programs[1]]
    # 15-minute phones: r2 may start 15 + travel minutes after r1 at the earliest, or end travel before it.
    assert starts and all(start >= first + 15 + travel or start + 15 + travel <= first for start in starts)
    assert len(starts) < len(programs[0])  # the times it clashes at are gone, not the request
    assert sorted(rid for rid, *_ in chosen) == ["r1", "r2"]


def test_a_request_its_piece_left_out_goes_on_to_a_later_piece_that_can_serve_it(monkeypatch):
    """r1 enters st-a's piece (its first station), where a confirmed phone holds the only room at
    the only time r1 could come; st-c, two pieces later, is free then. It goes there once, not
    again after st-b's piece."""
    monkeypatch.setattr(relaxed, "RELAXED_WHOLE", 1)
    monkeypatch.setattr(relaxed, "RELAXED_PIECE_REQUESTS", 1)  # each station a piece, in this order
    scenario = builders.day(
        [builders.request("r0", windows=["10:00-10:15"], stations=["st-a"],
                          locked=builders.lock("st-a", "room-st-a", "o-st-a", "10:00")),
         builders.request("r1", windows=["10:00-10:15"], stations=["st-a", "st-c"]),
         builders.request("r2", windows=["11:00-11:15"], stations=["st-b"]),
         builders.request("r3", windows=["11:00-11:15"], stations=["st-c"])],
        stations=[builders.station(sid, rooms=[f"room-{sid}"]) for sid in ("st-a", "st-b", "st-c")],
        officers=[builders.officer(f"o-{sid}", sid) for sid in ("st-a", "st-b", "st-c")])
    screening = screen(scenario)
    assert [p.ids for p in relaxed._pieces(scenario, screening)] == [["r0", "r1"], ["r2"], ["r3"]]
    built = relaxed.time_indexed_model
    programs: list[list[str]] = []

    def seen(scenario, screening, ids, *args, **kwargs):
        programs.append(list(ids))
        return built(scenario, screening, ids, *args, **kwargs)

    monkeypatch.setattr(relaxed, "time_indexed_model", seen)
    chosen, unanswered = relaxed._first_solutions(scenario, screening, 30, 1)
    assert not unanswered
    assert programs == [["r0", "r1"], ["r2"], ["r3", "r1"]]
    assert sorted(chosen) == [("r0", "st-a", 600), ("r1", "st-c", 600), ("r2", "st-b", 660), ("r3", "st-c", 660)]


def test_apart_keeps_the_most_valuable_of_two_handovers_a_person_cannot_both_attend():
    at = {"r1": ("st-a", 600), "r2": ("st-b", 640), "r3": ("st-b", 650), "r4": ("st-a", 610)}
    scenario = _one_seller(at, {"r2": 3})
    chosen = [(rid, station, start) for rid, (station, start) in at.items()]
    # r2 (priority 3) first; r1 leaves st-a at 10:15, 25 minutes before r2 at st-b: dropped;
    # r3 at st-b overlaps r2; r4 at st-a ends at 10:25, 15 minutes before r2 elsewhere.
    assert relaxed.apart(scenario, chosen) == [("r2", "st-b", 640)]
    # A confirmed appointment comes before any priority: r1 locked, r2 (25 minutes after it,
    # elsewhere) and r4 (in it) give way; r3 at st-b 35 minutes after it is kept.
    locked = scenario.requests[0].model_copy(update={"locked": Lock(station="st-a", start=600)})
    scenario = scenario.with_changes(requests=[locked, *scenario.requests[1:]])
    assert relaxed.apart(scenario, chosen) == [("r1", "st-a", 600), ("r3", "st-b", 650)]
    # At the same station no travel is needed; between stations 30 minutes are enough.
    at = {"r1": ("st-a", 600), "r2": ("st-a", 615), "r3": ("st-b", 660)}
    scenario = _one_seller(at, {})
    chosen = [(rid, station, start) for rid, (station, start) in at.items()]
    assert sorted(relaxed.apart(scenario, chosen)) == sorted(chosen)


def test_a_signal_during_the_relaxation_leaves_the_start_to_greedy_at_once(monkeypatch):
    monkeypatch.setattr(relaxed, "stopped", lambda: signal.SIGINT)
    scenario = Scenario.model_validate(generate(4, 160, seed=5))
    started = time.monotonic()
    with executor(processes=2) as pool:
        assert relaxed_start(scenario, screen(scenario), SolveOptions(time_limit=60, workers=1), pool, 20) is None
    assert time.monotonic() - started < 10  # not the 20 s it was given


def test_highs_process_is_ended_at_the_deadline_whatever_it_is_doing(monkeypatch):
    # A process that reads its input and then never answers: HiGHS in a long feasibility jump.
    monkeypatch.setattr(highs_process, "FIRST_SOLUTION",
                        [sys.executable, "-c", "import sys, time; sys.stdin.buffer.read(); time.sleep(60)"])
    scenario = Scenario.model_validate(generate(4, 160, seed=5))
    screening = screen(scenario)
    program, _ = time_indexed_model(scenario, screening, list(screening.options))
    with highs_process.HighsProcess(seconds=1.0) as highs:
        highs.send(program)
        assert highs.first_solution() is None
        late = time.monotonic() - highs.deadline
    assert late < 0.5
    assert highs.child.returncode == -signal.SIGKILL  # ended, not left running


def test_a_highs_process_that_found_nothing_leaves_the_start_to_greedy(monkeypatch):
    # HiGHS ended within its own limit without a solution: the process answers None.
    answers_none = "import pickle, sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(pickle.dumps(None))"
    monkeypatch.setattr(highs_process, "FIRST_SOLUTION", [sys.executable, "-c", answers_none])
    scenario = Scenario.model_validate(generate(4, 160, seed=5))
    started = time.monotonic()
    with executor(processes=2) as pool:
        assert relaxed_start(scenario, screen(scenario), SolveOptions(time_limit=60, workers=1), pool, 20) is None
    assert time.monotonic() - started < 10  # at once, not at the end of the 20 s


def test_a_highs_process_that_fails_says_why(monkeypatch):
    monkeypatch.setattr(highs_process, "FIRST_SOLUTION", [sys.executable, "-c", "import sys; sys.exit('out of memory')"])
    scenario = Scenario.model_validate(generate(4, 160, seed=5))
    with executor(processes=2) as pool, pytest.raises(RuntimeError, match="^out of memory$"):
        relaxed_start(scenario, screen(scenario), SolveOptions(time_limit=60, workers=1), pool, 20)


def test_a_relaxation_that_fails_leaves_the_night_to_greedy_s_start(monkeypatch):
    def fails(*args, **kwargs):
        raise MemoryError("HiGHS ran out of memory")

    monkeypatch.setattr("optimizer.solvers.blocks.worth_trying", lambda screening, options, processes: True)
    monkeypatch.setattr("optimizer.solvers.blocks.relaxed_start", fails)
    told: list[logging.LogRecord] = []
    heard = logging.Handler(logging.WARNING)
    heard.emit = told.append
    logger = logging.getLogger("remise")
    logger.addHandler(heard)
    scenario = Scenario.model_validate(generate(4, 160, seed=5))
    try:
        with executor(processes=2) as pool, language("en"):
            result = solve_in_blocks(scenario, SolveOptions(time_limit=4, workers=1, seed=0), pool, block_size=60)
    finally:
        logger.removeHandler(heard)
    assert "around greedy" in result.solver
    assert any("the relaxation's start failed (HiGHS ran out of memory)" in r.getMessage() for r in told)
    _assert_whole_checked_and_above_greedy(scenario, result)


def _best_greedy(scenario: Scenario, screening) -> int:
    return max(plan_levels(scenario, solve_greedy(scenario, screening, order=order).plan)["served"]
               for order in (None, value_key(scenario, screening)))


def _assert_whole_checked_and_above_greedy(scenario: Scenario, result) -> None:
    report = check_plan(scenario, result.plan)
    assert report.ok, report.violations[:5]
    seen = Counter([h.request_id for h in result.plan.handovers] + [u.request_id for u in result.plan.unserved])
    assert seen == Counter(r.id for r in scenario.requests)
    assert plan_levels(scenario, result.plan)["served"] >= _best_greedy(scenario, screen(scenario))
    assert {lv.name: lv.value for lv in result.levels} == report.levels


@given(st.lists(st.integers(1, 5000), min_size=1, max_size=40), st.integers(1, 8), st.floats(1, 2000))
def test_block_budgets_run_in_lanes_fit_the_time_left(sizes, lanes, seconds):
    """Blocks taken largest first by `lanes` workers end within `seconds`, and bigger blocks get more."""
    budgets = _lane_budgets(sizes, lanes, seconds)
    finish = [0.0] * lanes
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lane = min(range(lanes), key=finish.__getitem__)
        finish[lane] += budgets[index]
    assert max(finish) <= seconds * (1 + 1e-9)
    assert all(b > 0 for b in budgets)


def test_a_day_in_blocks_reports_the_lp_bound_of_the_whole_day():
    scenario = Scenario.model_validate(generate(6, 240, seed=5))
    heard = []
    with executor(processes=2) as pool:
        result = solve_in_blocks(scenario, SolveOptions(time_limit=8, workers=1, seed=0), pool, block_size=60,
                                 progress=lambda *said: heard.append(said))
    served = next(lv for lv in result.levels if lv.name == "served")
    # Progress after each round: the served level, never worse, under its bound, the clock running.
    assert heard and all(level == "served" for level, *_ in heard)
    values = [best for _, best, _, _ in heard]
    assert values == sorted(values) and values[-1] == served.value
    assert all(best <= bound for _, best, bound, _ in heard if bound == bound)
    assert [elapsed for *_, elapsed in heard] == sorted(elapsed for *_, elapsed in heard)
    screening = screen(scenario)
    static = sum(scenario.request_by_id[rid].priority for rid in screening.options)
    bound = served_bound(scenario, screening)
    # The blocks' bound runs beside the solve within its time limit: on a loaded machine the
    # time-indexed LP may not finish there, and the station LP's weaker bound stands.
    assert served.value <= bound.value <= served.bound < static
    assert served.bound_by in ("time-indexed-lp", "station-lp") and bound.by in ("time-indexed-lp", "station-lp")
    assert served.bound_by == bound.by or served.bound_by == "station-lp"
    # `officers` and `balance` have what the least supervision needs, `preference` the station
    # LP's least sum of ranks serving as much as the plan (bound.tighten).
    levels = {lv.name: lv for lv in result.levels}
    # (On a loaded machine the 3-s margin may be spent on the last join: no bound, then.)
    if levels["preference"].bound is not None:
        held = preference_bound(scenario, screening, served.value, time_limit=10)
        assert (levels["preference"].bound, levels["preference"].bound_by) == (held.value, "station-lp")
        assert 0 <= levels["preference"].bound <= levels["preference"].value
    for name in ("officers", "balance"):
        assert 0 < levels[name].bound <= levels[name].value
    assert levels["officers"].bound_by in ("least-supervision", "peak-overlap")
    assert levels["balance"].bound_by == "least-supervision"


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread priorities are a Unix call")
def test_blocks_leave_the_cores_to_the_main_process_that_bounds_the_day():
    # The bound's thread in the main process then gets a core of its own (a national night's
    # pieces all finish); the main process keeps its priority.
    scenario = Scenario.model_validate(generate(4, 120, seed=2))
    before = _niceness()
    with executor(processes=1) as pool:
        assert pool.submit(_niceness).result() == before
        solve_in_blocks(scenario, SolveOptions(time_limit=3, workers=1, seed=0), pool, block_size=60, rounds=1)
        assert pool.submit(_niceness).result() == max(before, BLOCK_NICENESS)
    assert _niceness() == before


class _LastStation(random.Random):
    def choice(self, seq):
        return seq[-1]


def test_an_unserved_request_can_be_tried_in_the_block_of_another_of_its_stations():
    # Station A's one room is taken all hour by a laptop worth more; the phone could go to B, in
    # another block. Homed at its first station, A, it stays out; homed at B, it is served there.
    scenario = Scenario.model_validate({
        "name": "homes", "date": "2026-12-01",
        "policy": {"turnover_minutes": 0, "objective": ["served"],
                   "categories": {"phone": {"place": "room", "minutes": 20},
                                  "laptop": {"place": "room", "minutes": 60}}},
        "stations": [{"id": sid, "hours": ["10:00-11:00"], "rooms": [f"{sid}-room"]} for sid in ("st-a", "st-b")],
        "officers": [{"id": f"o-{sid}", "station": sid, "shift": "10:00-11:00"} for sid in ("st-a", "st-b")],
        "requests": [
            {"id": "big", "category": "laptop", "stations": ["st-a"], "windows": ["10:00-11:00"],
             "seller": "s1", "buyer": "b1", "priority": 5},
            {"id": "phone", "category": "phone", "stations": ["st-a", "st-b"], "windows": ["10:00-11:00"],
             "seller": "s2", "buyer": "b2"},
        ],
    })
    screening = screen(scenario)
    alone = scenario.part({"st-a", "st-b"}, [scenario.request_by_id["big"]])
    start = solve_greedy(alone, screen(alone)).plan
    start = whole_plan(scenario, screening, start.handovers)
    options = SolveOptions(time_limit=5, workers=1, seed=0, deterministic=True)
    with executor(processes=2) as pool:
        first, _ = _solve_blocks(scenario, screening, start, [["st-a"], ["st-b"]], options, pool, 5, 2, served_only=True)
        other, _ = _solve_blocks(scenario, screening, start, [["st-a"], ["st-b"]], options, pool, 5, 2, served_only=True,
                                 rng=_LastStation())
    assert {h.request_id: h.station for h in first.handovers} == {"big": "st-a"}
    assert {h.request_id: h.station for h in other.handovers} == {"big": "st-a", "phone": "st-b"}
    assert check_plan(scenario, other).ok
