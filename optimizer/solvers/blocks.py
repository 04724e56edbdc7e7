"""Days too large for one model: rounds of small blocks re-planned around the plan so far.

A large-neighbourhood search: each round cuts the day into blocks of neighbouring
stations and re-plans every block with the rest of the day held as the plan so far
has it; the next round cuts the day elsewhere. No round serves less than the one
before, so the day never serves less than greedy.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import Executor
from dataclasses import replace

from ..core.codes import SENSE, Level, Reason
from ..core.findings import FITS_ALONE
from ..plan.levels import plan_levels
from ..plan.rows import Plan, Unserved
from ..scenario.schema import Lock, Scenario
from ..screening import Screening, screen
from .bound import served_bound
from .greedy import best_greedy
from .groups import solve_part
from .parallel import gather
from .result import LevelResult, SolveOptions, SolveResult, Status
from .stop import stopped

BLOCK_REQUESTS = 60  # requests per block: a pilot-sized model, which CP-SAT settles in seconds
BLOCK_SECONDS = 1.0  # time per block and round when choosing how many rounds to run
MAX_ROUNDS = 8


def _lane_budgets(sizes: list[int], lanes: int, seconds: float) -> list[float]:
    """Budgets in proportion to size that fit `seconds` when run `lanes` at a time.

    A pool of `lanes` workers taking the blocks largest first gives each to the
    lane that frees first; with budgets proportional to size that is the same
    schedule as packing the sizes, so one factor scales its longest lane to
    `seconds`. (A block that ends early can reorder the rest: the deadline given
    to `groups.solve_part` covers that.)
    """
    load = [0] * max(1, lanes)
    for size in sorted(sizes, reverse=True):
        load[load.index(min(load))] += size
    factor = seconds / max(1, max(load))
    return [factor * size for size in sizes]


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
            members[block].append(request.model_copy(update={"stations": [h.station], "locked": lock}))
        else:
            held_unserved.append(request.id)
    fields = {}
    if served_only:
        # A round before the last only has to serve more; the last settles every level.
        fields["policy"] = scenario.policy.model_copy(update={"objective": [Level.SERVED]})
    work = sorted(((block, requests) for block, requests in zip(blocks, members) if requests),
                  key=lambda item: -len(item[1]))  # largest first, as `_lane_budgets` plans
    budgets = _lane_budgets([len(requests) for _, requests in work], processes, seconds)
    deadline = time.time() + seconds
    futures = []
    for (block, requests), budget in zip(work, budgets):
        part = scenario.part(set(block), requests, **fields)
        part_options = replace(options, time_limit=max(1.0, budget))
        ids = {r.id for r in requests}
        start = Plan([h for h in current.handovers if h.request_id in ids])
        futures.append(pool.submit(solve_part, part.model_dump(mode="json"), part_options, None, start, deadline))
    if while_waiting is not None:
        while_waiting()
    results = gather(pool, futures)
    if stopped() is not None:
        return current, [r for r in results if r is not None]  # a stopped round is not joined
    plan = Plan(
        [h for r in results for h in r.plan.handovers],
        [u for r in results for u in r.plan.unserved]
        + [Unserved(rid, Reason.CAPACITY, FITS_ALONE) for rid in held_unserved]
        + [Unserved(rid, reason, why) for rid, (reason, why) in screening.unserved.items()],
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
    served_first = scenario.policy.objective[0] == Level.SERVED

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
        if stopped() is not None:
            break  # the plan of the last whole round stands
    values = plan_levels(scenario, current)
    bounds = {Level.SERVED: sum(scenario.request_by_id[rid].priority for rid in screening.options)}
    if bound is not None:
        bounds[Level.SERVED] = min(bounds[Level.SERVED], bound)
    levels = [
        LevelResult(name, SENSE[name], values[name], bounds.get(name, 0), Status.FEASIBLE,
                    sum(lv.seconds for r in results for lv in r.levels if lv.name == name))
        for name in scenario.policy.objective
    ]
    solver = "cp-sat (blocks around greedy)" if rounds == 1 else f"cp-sat (blocks, {rounds} rounds)"
    return SolveResult(current, levels, time.monotonic() - started, options, solver=solver, interrupted=stopped())
