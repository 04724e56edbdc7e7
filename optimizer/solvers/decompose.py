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
from concurrent.futures import Executor
from dataclasses import replace

from .bound import served_bound
from ..plan.rows import Plan, Unserved
from ..scenario.schema import Scenario
from ..screening import Screening, screen
from .cpsat import CAPACITY_DETAIL, LevelResult, SolveOptions, SolveResult, plan_levels, solve


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


def part_of(scenario: Scenario, stations: list[str], include_stationless: bool = False) -> Scenario:
    """The sub-day of some stations: their places, officers and requests."""
    keep = set(stations)
    requests = [
        r for r in scenario.requests
        if (r.stations and r.stations[0] in keep) or (include_stationless and not r.stations)
    ]
    return _stations_part(scenario, keep, requests)


def _stations_part(scenario: Scenario, keep: set[str], requests: list, **fields) -> Scenario:
    """The day cut to some stations, their officers and the given requests."""
    return scenario.with_changes(
        stations=[s for s in scenario.stations if s.id in keep],
        officers=[o for o in scenario.officers if o.station in keep],
        requests=requests, **fields,
    )


def _solve_part(data: dict, options: SolveOptions, busiest_cap: int | None, start: Plan | None,
                deadline: float | None = None) -> SolveResult:
    """Runs in a worker process: rebuilds the part from plain data and solves it.

    `deadline` (wall clock, `time.time()`) cuts the part's budget when it starts
    late, so a day in blocks ends on time however the blocks were scheduled; on a
    cluster this assumes the machines' clocks agree (NTP).
    """
    scenario = Scenario.model_validate(data)
    if deadline is not None and not options.deterministic:
        left = max(0.2, deadline - time.time())
        if left < options.time_limit:
            options = replace(options, time_limit=left)
    return solve(scenario, options, busiest_cap=busiest_cap, start=start)


def _lane_budgets(sizes: list[int], lanes: int, seconds: float) -> list[float]:
    """Budgets in proportion to size that fit `seconds` when run `lanes` at a time.

    A pool of `lanes` workers taking the blocks largest first gives each to the
    lane that frees first; with budgets proportional to size that is the same
    schedule as packing the sizes, so one factor scales its longest lane to
    `seconds`. (A block that ends early can reorder the rest: the deadline given
    to `_solve_part` covers that.)
    """
    load = [0] * max(1, lanes)
    for size in sorted(sizes, reverse=True):
        load[load.index(min(load))] += size
    factor = seconds / max(1, max(load))
    return [factor * size for size in sizes]


def solve_decomposed(scenario: Scenario, options: SolveOptions, pool: Executor | None = None) -> SolveResult:
    """Plan each component apart (in `pool` if given) and join the plans."""
    groups = components(scenario)
    if len(groups) <= 1 or pool is None:
        return solve(scenario, options)
    started = time.monotonic()
    parts = [part_of(scenario, group, include_stationless=(i == 0)) for i, group in enumerate(groups)]
    parts = [p for p in parts if p.requests or p.officers]
    order = list(scenario.policy.objective)
    second_round = "balance" in order and order[-1] != "balance" and len(parts) > 1
    total = max(1, sum(len(p.requests) for p in parts))
    first_share = 2 / 3 if second_round else 1.0

    def run(cap: int | None, share: float, starts: list[Plan | None]) -> list[SolveResult]:
        futures = []
        for part, start in zip(parts, starts):
            budget = max(1.0, options.time_limit * share * min(1.0, 2 * len(part.requests) / total))
            part_options = replace(options, time_limit=budget)
            futures.append(pool.submit(_solve_part, part.model_dump(mode="json"), part_options, cap, start))
        return [f.result() for f in futures]

    results = run(None, first_share, [None] * len(parts))
    first_round = results
    if second_round:
        # Each first-round plan meets the day's cap, so it is the second round's start.
        cap = max(plan_levels(part, r.plan)["balance"] for part, r in zip(parts, results))
        results = run(cap, 1 - first_share, [r.plan for r in results])
    plan = Plan(
        [h for r in results for h in r.plan.handovers],
        [u for r in results for u in r.plan.unserved],
    ).sorted()
    values = plan_levels(scenario, plan)
    levels = []
    for name in order:
        source = first_round if name == "balance" else results  # balance was settled in round one
        per_part = [next((lv for lv in r.levels if lv.name == name), None) for r in source]
        known = [lv for lv in per_part if lv is not None]
        if name == "balance":
            bound = max((lv.bound for lv in known), default=0)
        else:
            bound = sum(lv.bound for lv in known)
        status = "optimal" if all(lv.status == "optimal" for lv in known) else "feasible"
        seconds = sum(lv.seconds for lv in known)
        levels.append(LevelResult(name, "max" if name == "served" else "min", values[name], bound, status, seconds))
    return SolveResult(plan, levels, time.monotonic() - started, options, solver="cp-sat (decomposed)")



# -- days too large for one model ---------------------------------------------

def _blocks(scenario: Scenario, size: int, rng: random.Random | None = None) -> list[list[str]]:
    """Stations grouped into blocks of about `size` requests, grown along request links.

    With `rng`, blocks grow from stations in a shuffled order, so that each round
    of a search cuts the day in other places.
    """
    neighbours: dict[str, set[str]] = {s.id: set() for s in scenario.stations}
    load: dict[str, int] = {s.id: 0 for s in scenario.stations}
    for request in scenario.requests:
        if request.stations:
            load[request.stations[0]] += 1
        for a in request.stations:
            neighbours[a].update(request.stations)
    seeds = [s.id for s in scenario.stations]
    if rng is not None:
        rng.shuffle(seeds)
    blocks, seen = [], set()
    for seed in seeds:
        if seed in seen:
            continue
        block, count, queue = [], 0, [seed]
        while queue and count < size:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.add(current)
            block.append(current)
            count += load[current]
            queue.extend(sorted(neighbours[current] - seen))
        blocks.append(block)
    return blocks


def _solve_blocks(scenario: Scenario, screening: Screening, current: Plan, blocks: list[list[str]],
                  options: SolveOptions, pool: Executor, seconds: float, processes: int,
                  served_only: bool, while_waiting=None) -> tuple[Plan, list[SolveResult]]:
    """One round: every block re-planned with the rest of the day held as `current` has it.

    Each request belongs to one block: that of the station `current` books it at,
    else that of its first station where screening found an option. It is free
    there, among the block's stations it lists, when every request of its seller
    and buyer belongs to the same block; otherwise it keeps its appointment (fixed
    in its block) or stays unserved. (Its station preference is then counted in
    the shortened list: the last level is approximate inside a block, though the
    values reported are the whole day's.) So a block sees every request that could meet
    its free ones at a place, an officer or a person; `current` respects every
    rule, so the joined plan does too, and each block starts from `current`, so a
    round never serves less.
    """
    from ..scenario.schema import Lock
    from ..screening import CAPACITY

    booked = {h.request_id: h for h in current.handovers}
    block_of = {s: i for i, block in enumerate(blocks) for s in block}
    home: dict[str, int] = {}
    for request in scenario.requests:
        if request.id in booked:
            home[request.id] = block_of[booked[request.id].station]
        elif request.id in screening.options:
            home[request.id] = block_of[screening.options[request.id][0].station]
    person_blocks: dict[str, set[int]] = {}
    for request in scenario.requests:
        if request.id in home:
            for person in (request.seller, request.buyer):
                person_blocks.setdefault(person, set()).add(home[request.id])
    members: list[list] = [[] for _ in blocks]
    held_unserved = []
    for request in scenario.requests:
        if request.id not in home:
            continue
        block = home[request.id]
        if person_blocks[request.seller] | person_blocks[request.buyer] == {block}:
            inside = [s for s in request.stations if block_of[s] == block]
            members[block].append(request if len(inside) == len(request.stations)
                                  else request.model_copy(update={"stations": inside}))
        elif request.id in booked:
            h = booked[request.id]
            lock = Lock(station=h.station, place=h.place, officer=h.officer, start=h.start)
            members[block].append(_replace_request(request, h.station, lock))
        else:
            held_unserved.append(request.id)
    fields = {}
    if served_only:
        # A round before the last only has to serve more; the last settles every level.
        fields["policy"] = scenario.policy.model_copy(update={"objective": ["served"]})
    work = sorted(((block, requests) for block, requests in zip(blocks, members) if requests),
                  key=lambda item: -len(item[1]))  # largest first, as `_lane_budgets` plans
    budgets = _lane_budgets([len(requests) for _, requests in work], processes, seconds)
    deadline = time.time() + seconds
    futures = []
    for (block, requests), budget in zip(work, budgets):
        part = _stations_part(scenario, set(block), requests, **fields)
        part_options = replace(options, time_limit=max(1.0, budget))
        ids = {r.id for r in requests}
        start = Plan([h for h in current.handovers if h.request_id in ids])
        futures.append(pool.submit(_solve_part, part.model_dump(mode="json"), part_options, None, start, deadline))
    if while_waiting is not None:
        while_waiting()
    results = [f.result() for f in futures]
    plan = Plan(
        [h for r in results for h in r.plan.handovers],
        [u for r in results for u in r.plan.unserved]
        + [Unserved(rid, CAPACITY, CAPACITY_DETAIL) for rid in held_unserved]
        + [Unserved(rid, reason, detail) for rid, (reason, detail) in screening.unserved.items()],
    )
    return plan.sorted(), results


def solve_in_blocks(scenario: Scenario, options: SolveOptions, pool: Executor, block_size: int = 2000,
                    processes: int = 2, rounds: int | None = None, screening: Screening | None = None) -> SolveResult:
    """A day too large for one model: rounds of blocks re-planned around the plan so far.

    The first round starts from the best greedy plan; each later round cuts the
    day into other blocks (stations shuffled with the run's seed) and re-plans
    them around the previous round's plan, so requests held at a cut in one
    round are free in another (a large-neighbourhood search). No round serves
    less than the one before, so the day never serves less than greedy. Without
    a single model there is no CP-SAT proof: the served bound reported is the
    day's LP bound (`bound.py`), or every plannable request's priority if the LP
    does not finish.
    """
    from .greedy import best_greedy

    started = time.monotonic()
    screening = screening or screen(scenario)
    current = best_greedy(scenario, screening)
    # What is left of the day's limit after screening and greedy, less a margin to join the plans.
    # A deterministic run must not depend on the clock: it plans on the limit alone.
    left = options.time_limit - (0.0 if options.deterministic else time.monotonic() - started)
    left -= max(3.0, 0.04 * options.time_limit)
    left = max(1.0, left)
    finish = time.monotonic() + left
    rng = random.Random(options.seed)
    bound: int | None = None
    results: list[SolveResult] = []
    served_first = scenario.policy.objective[0] == "served"

    def bound_day() -> None:
        # While the first round solves, the main process (idle otherwise) bounds the whole day.
        nonlocal bound
        bound = served_bound(scenario, screening, time_limit=max(1.0, left / 2))

    blocks = _blocks(scenario, block_size)
    if rounds is None:
        # As many rounds as give every block about BLOCK_SECONDS of the day's limit each.
        rounds = max(1, min(MAX_ROUNDS, int(options.time_limit * processes / (len(blocks) * BLOCK_SECONDS))))
    for index in range(rounds):
        if index:
            blocks = _blocks(scenario, block_size, rng)
        if options.deterministic:
            seconds = left / rounds
        else:
            # Cutting the day, joining the plans and a slow LP take time between rounds:
            # each round gets its share of what is left, so the day ends on time.
            seconds = max(1.0, (finish - time.monotonic()) / (rounds - index))
        current, round_results = _solve_blocks(
            scenario, screening, current, blocks, options, pool, seconds, processes,
            served_only=served_first and index < rounds - 1, while_waiting=bound_day if index == 0 else None,
        )
        results.extend(round_results)
    values = plan_levels(scenario, current)
    bounds = {"served": sum(scenario.request_by_id[rid].priority for rid in screening.options)}
    if bound is not None:
        bounds["served"] = min(bounds["served"], bound)
    levels = [
        LevelResult(name, "max" if name == "served" else "min", values[name], bounds.get(name, 0), "feasible",
                    sum(lv.seconds for r in results for lv in r.levels if lv.name == name))
        for name in scenario.policy.objective
    ]
    solver = "cp-sat (blocks around greedy)" if rounds == 1 else f"cp-sat (blocks, {rounds} rounds)"
    return SolveResult(current, levels, time.monotonic() - started, options, solver=solver)


BLOCK_LIMIT = 200  # requests; above this a day is planned in rounds of blocks
BLOCK_REQUESTS = 60  # requests per block: a pilot-sized model, which CP-SAT settles in seconds
BLOCK_SECONDS = 1.0  # time per block and round when choosing how many rounds to run
MAX_ROUNDS = 8


def plan_day(scenario: Scenario, options: SolveOptions, pool: Executor | None, block_size: int = BLOCK_LIMIT,
             processes: int = 2, progress=None, screening: Screening | None = None) -> SolveResult:
    """One model when the day is small; independent groups apart; rounds of blocks above `block_size`.

    On generated paris days (1,000 requests) one model in a minute reaches 834
    (priority served, median of 3 seeds) and rounds of small blocks 930
    (benchmarks/NOTES.md); small days stay one model, which also proves its plan.
    """
    if pool is not None and len(scenario.requests) > block_size:
        return solve_in_blocks(scenario, options, pool, block_size=BLOCK_REQUESTS, processes=processes,
                               screening=screening)
    if pool is not None and len(components(scenario)) > 1:
        return solve_decomposed(scenario, options, pool)
    return solve(scenario, options, progress=progress, screening=screening)


def _replace_request(request, station: str, lock):
    """The request as its block sees it: fixed where greedy put it."""
    return request.model_copy(update={"stations": [station], "locked": lock})
