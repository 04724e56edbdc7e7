"""Independent parts of a day: stations linked by a request or by a person.

Requests only ever compete for resources of the stations they list, and a person
links the stations of all their requests (rule 7). Stations in different
components share nothing, so each component is planned on its own, in
parallel, and the plans are joined. Sums (served, officers, preference) add up;
`balance`, a maximum, is settled in a second round when a level follows it: each
part is re-solved with its busiest officer capped at the day's maximum instead
of its own, so later levels may use that slack as a single solve would.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from concurrent.futures import Executor
from dataclasses import replace

from ..core.codes import SENSE, Level
from ..plan.levels import plan_levels
from ..plan.rows import Plan
from ..scenario.schema import Scenario
from .cpsat import solve
from .greedy import solve_greedy
from .parallel import gather, run_nicer
from .result import LevelResult, SolveOptions, SolveResult, Status
from .stop import stopped


def components(scenario: Scenario) -> list[list[str]]:
    """Groups of station ids that share a request or a person, in scenario order."""
    parent = {s.id: s.id for s in scenario.stations}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    first_station_of: dict[str, str] = {}
    for request in scenario.requests:
        for station in request.stations[1:]:
            union(request.stations[0], station)
        if request.stations:
            for person in (request.seller, request.buyer):
                if person in first_station_of:
                    union(first_station_of[person], request.stations[0])
                else:
                    first_station_of[person] = request.stations[0]
    groups: dict[str, list[str]] = {}
    for station in scenario.stations:
        groups.setdefault(find(station.id), []).append(station.id)
    return list(groups.values())


def station_blocks(scenario: Scenario, size: int, rng: random.Random | None = None) -> list[list[str]]:
    """Stations grouped into blocks of about `size` requests, each grown from a seed station
    along its strongest links: the next station is the one that shares most requests with the
    block so far.

    A request moves between two stations only where one block holds both. Grown breadth-first
    by station id instead, blocks of 60 requests on paris seed 1 held 8 % of the requests two
    stations share, and 10 of its 20 strongest links were in no block of 30 rounds; grown along
    the strongest, 17 % and 6 (benchmarks/NOTES.md item 33). With `rng`, blocks grow from
    stations in a shuffled order, equal links taken in a drawn order, so that each round of a
    search cuts the day in other places.
    """
    links: dict[str, Counter[str]] = {s.id: Counter() for s in scenario.stations}
    load: dict[str, int] = {s.id: 0 for s in scenario.stations}
    for request in scenario.requests:
        if request.stations:
            load[request.stations[0]] += 1
        for a in request.stations:
            links[a].update(b for b in request.stations if b != a)
    seeds = [s.id for s in scenario.stations]
    if rng is not None:
        rng.shuffle(seeds)
    draw = {s: rng.random() if rng is not None else 0.0 for s in seeds}
    blocks, seen = [], set()
    for seed in seeds:
        if seed in seen:
            continue
        block, count, shared = [seed], load[seed], Counter(links[seed])
        seen.add(seed)
        while count < size:
            best = max((s for s in shared if s not in seen), key=lambda s: (shared[s], draw[s], s), default=None)
            if best is None:
                break
            seen.add(best)
            block.append(best)
            count += load[best]
            shared.update(links[best])
        blocks.append(block)
    return blocks


def part_of(scenario: Scenario, stations: list[str], include_stationless: bool = False) -> Scenario:
    """The sub-day of some stations: their places, officers and requests."""
    keep = set(stations)
    requests = [
        r for r in scenario.requests
        if (r.stations and r.stations[0] in keep) or (include_stationless and not r.stations)
    ]
    return scenario.part(keep, requests)


def ready() -> bool:
    """Nothing: run in a fresh worker process, it imports this module and the solver."""
    return True


def solve_part(data: dict, options: SolveOptions, busiest_cap: int | None, start: Plan | None,
                deadline: float | None = None, niceness: int = 0) -> SolveResult:
    """Runs in a worker process: rebuilds the part from plain data and solves it.

    `deadline` (wall clock, `time.time()`) cuts the part's budget when it starts
    late, so a day in blocks ends on time however the blocks were scheduled; on a
    cluster this assumes the machines' clocks agree (NTP). `niceness` lowers the worker's
    priority for good (`parallel.run_nicer`).
    """
    if niceness:
        run_nicer(niceness)
    scenario = Scenario.model_validate(data)
    if deadline is not None and not options.deterministic:
        left = max(0.2, deadline - time.time())
        if left < options.time_limit:
            options = replace(options, time_limit=left)
    return solve(scenario, options, busiest_cap=busiest_cap, start=start)


def solve_decomposed(scenario: Scenario, options: SolveOptions, pool: Executor | None = None,
                     groups: list[list[str]] | None = None) -> SolveResult:
    """Plan each component apart (in `pool` if given) and join the plans. `groups` of stations
    replace the components where the caller knows that nothing joins them (`relaxed.py`)."""
    groups = groups if groups is not None else components(scenario)
    if len(groups) <= 1 or pool is None:
        return solve(scenario, options)
    started = time.monotonic()
    parts = [part_of(scenario, group, include_stationless=(i == 0)) for i, group in enumerate(groups)]
    parts = [p for p in parts if p.requests or p.officers]
    order = list(scenario.policy.objective)
    second_round = Level.BALANCE in order and order[-1] != Level.BALANCE and len(parts) > 1
    total = max(1, sum(len(p.requests) for p in parts))
    first_share = 2 / 3 if second_round else 1.0

    def run(cap: int | None, share: float, starts: list[Plan | None]) -> list[SolveResult]:
        futures = []
        for part, start in zip(parts, starts):
            budget = max(1.0, options.time_limit * share * min(1.0, 2 * len(part.requests) / total))
            part_options = replace(options, time_limit=budget)
            futures.append(pool.submit(solve_part, part.model_dump(mode="json"), part_options, cap, start))
        return gather(pool, futures, deadline=started + options.time_limit)

    # A part a signal stopped (or whose worker was lost) keeps the greedy plan (first round) or
    # its first-round plan (second round): every part's plan is complete and keeps every rule.
    results = [r or solve_greedy(part) for part, r in zip(parts, run(None, first_share, [None] * len(parts)))]
    first_round = results
    if second_round and stopped() is None:
        # Each first-round plan meets the day's cap, so it is the second round's start.
        cap = max(plan_levels(part, r.plan)[Level.BALANCE] for part, r in zip(parts, results))
        results = [r or kept for r, kept in zip(run(cap, 1 - first_share, [r.plan for r in results]), results)]
    plan = Plan(
        [h for r in results for h in r.plan.handovers],
        [u for r in results for u in r.plan.unserved],
    ).sorted()
    values = plan_levels(scenario, plan)
    levels = []
    for name in order:
        source = first_round if name == Level.BALANCE else results  # balance was settled in round one
        per_part = [next((lv for lv in r.levels if lv.name == name), None) for r in source]
        known = [lv for lv in per_part if lv is not None]
        bounds = [lv.bound for lv in known if lv.bound is not None]
        if name == Level.BALANCE:
            bound = max(bounds, default=None)  # the day's busiest is at least each part's
        else:
            bound = sum(bounds) if len(bounds) == len(known) else None
        methods = {lv.bound_by for lv in known}
        status = Status.OPTIMAL if all(lv.status == Status.OPTIMAL for lv in known) else Status.FEASIBLE
        status = Status.INTERRUPTED if stopped() is not None and status != Status.OPTIMAL else status
        seconds = sum(lv.seconds for lv in known)
        levels.append(LevelResult(name, SENSE[name], values[name], bound, status, seconds,
                                  methods.pop() if len(methods) == 1 and bound is not None else None))
    return SolveResult(plan, levels, time.monotonic() - started, options, solver="cp-sat (decomposed)",
                       interrupted=stopped())
