"""Days too large for one model: rounds of small blocks re-planned around the plan so far.

A large-neighbourhood search: each round cuts the day into blocks of neighbouring
stations and re-plans every block with the rest of the day held as the plan so far
has it; the next round cuts the day elsewhere. No round serves less than the one
before, so the day never serves less than greedy.
"""

from __future__ import annotations

import logging
import math
import random
import time
from concurrent.futures import Executor
from dataclasses import replace

from ..core.codes import SENSE, Level, Reason
from ..core.findings import FITS_ALONE
from ..core.i18n import _
from ..core.times import Range
from ..plan.levels import plan_levels
from ..plan.rows import Plan, Unserved
from ..scenario.schema import Lock, Scenario
from ..screening import Screening, screen
from .bound import Bounding, tighten
from .greedy import best_greedy
from .groups import solve_part, station_blocks
from .parallel import gather
from .relaxed import RELAXED_SHARE, relaxed_start, worth_trying
from .result import LevelResult, Progress, SolveOptions, SolveResult, Status
from .stop import stopped

log = logging.getLogger("remise")

BLOCK_REQUESTS = 60  # requests per block: a pilot-sized model, which CP-SAT settles in seconds
BLOCK_SECONDS = 1.0  # time per block and round when choosing how many rounds to run
MAX_ROUNDS = 8
# CP-SAT workers per block. Blocks run `processes` at a time, so a full portfolio each
# crowds the cores: on paris seed 1 (2 cores, 2 processes, 60 s) 8 workers served 905,
# 4 913, 2 921, 1 915.
BLOCK_WORKERS = 2
# CP-SAT presolves to a fixed point by default: 0.8 s of a paris block's second, leaving the
# search 0.2 s. One pass: the 12 blocks of paris seed 1's first round, 1 s each, two seeds,
# gained 174 in priority served over greedy instead of 134 (2 s each: 198 against 183).
BLOCK_PRESOLVE_PASSES = 1
# The blocks' worker processes run this much nicer than the main process, whose thread bounds the
# day meanwhile (`bound.Bounding`): on a national night (seed 1, 900 s) the bound's pieces then all
# finish, 50,746 where 51,152 stood, for plans of 47,062 and 47,112 against 47,156 and 47,166;
# paris (3 seeds, 60 s) 938, 968, 995 against 938, 968, 994, region seed 1 4,820 against 4,822
# (benchmarks/NOTES.md item 32).
BLOCK_NICENESS = 10
# Two kinds of round: blocks of stations with every request free, and wider blocks where only
# the requests in a band of the day are free (about as many: the band is a third of the day).
STATIONS, BANDS = "stations", "bands"
BAND_BLOCK_FACTOR, BAND_SHARE = 3, 1 / 3


def _next_kind(index: int, gains: dict[str, list[int]]) -> str:
    """Stations first, then bands, then whichever kind gained more the last time it ran."""
    if index < 2:
        return (STATIONS, BANDS)[index]
    return BANDS if gains[BANDS][-1] > gains[STATIONS][-1] else STATIONS


def _band(scenario: Scenario, rng: random.Random) -> Range:
    """A span of a third of the opening day, placed at random on the slot grid."""
    opens = min(s.hours[0][0] for s in scenario.stations)
    closes = max(s.hours[-1][1] for s in scenario.stations)
    width = max(scenario.policy.slot_minutes, round((closes - opens) * BAND_SHARE))
    step = scenario.policy.slot_minutes
    start = opens + step * rng.randrange(max(1, (closes - opens - width) // step + 1))
    return start, start + width


def _served(scenario: Scenario, plan: Plan) -> int:
    return sum(scenario.request_by_id[h.request_id].priority for h in plan.handovers)


def _lane_budgets(sizes: list[float], lanes: int, seconds: float) -> list[float]:
    """Budgets in proportion to size that fit `seconds` when run `lanes` at a time.

    A pool of `lanes` workers taking the blocks largest first gives each to the
    lane that frees first; with budgets proportional to size that is the same
    schedule as packing the sizes, so one factor scales its longest lane to
    `seconds`. (A block that ends early can reorder the rest: the deadline given
    to `groups.solve_part` covers that.)
    """
    load = [0.0] * max(1, lanes)
    for size in sorted(sizes, reverse=True):
        load[load.index(min(load))] += size
    factor = seconds / max(1, max(load))
    return [factor * size for size in sizes]


def _in_band(scenario: Scenario, screening: Screening, request_id: str, booked, band: Range) -> bool:
    """Whether a request lies in the band: its appointment, or else one of its possible starts."""
    a, b = band
    if request_id in booked:
        h = booked[request_id]
        return a <= h.start and h.end <= b
    minutes = scenario.minutes(scenario.request_by_id[request_id])
    return any(first <= b - minutes and last >= a and max(first, a) <= min(last, b - minutes)
               for option in screening.options[request_id] for first, last in option.starts())


def _solve_blocks(scenario: Scenario, screening: Screening, current: Plan, blocks: list[list[str]],
                  options: SolveOptions, pool: Executor, seconds: float, processes: int,
                  served_only: bool, band: Range | None = None,
                  rng: random.Random | None = None) -> tuple[Plan, list[SolveResult]]:
    """One round: every block re-planned with the rest of the day held as `current` has it.

    With a `band` (a span of the day), only the requests of a block that lie in it are free
    and the block's other appointments are held where they are: blocks can then span more
    stations, so a request may move between stations the plain blocks keep apart.

    Each request belongs to one block: that of the station `current` books it at, else that
    of one of its stations where screening found an option (drawn with `rng`, else the first):
    blocks are one or two stations and most requests list two or three, so an unserved
    request homed at its first station only could rarely try its others (on a paris night's
    plan, 78 of 166 unserved requests had a station outside that block). It is free
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
            options_here = screening.options[request.id]
            home[request.id] = block_of[(rng.choice(options_here) if rng is not None else options_here[0]).station]
    person_blocks: dict[str, set[int]] = {}
    for request in scenario.requests:
        if request.id in home:
            for person in (request.seller, request.buyer):
                person_blocks.setdefault(person, set()).add(home[request.id])
    members: list[list] = [[] for _block in blocks]
    free = [0] * len(blocks)
    held_unserved = []
    for request in scenario.requests:
        if request.id not in home:
            continue
        block = home[request.id]
        alone = person_blocks[request.seller] | person_blocks[request.buyer] == {block}
        if alone and (band is None or _in_band(scenario, screening, request.id, booked, band)):
            inside = [s for s in request.stations if block_of[s] == block]
            free[block] += 1
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
    # Largest first, as `_lane_budgets` plans; a held appointment weighs a fifth of a free request.
    work = sorted(((block, requests, n + 0.2 * (len(requests) - n))
                   for block, requests, n in zip(blocks, members, free) if n),
                  key=lambda item: -item[2])
    budgets = _lane_budgets([size for *_parts, size in work], processes, seconds)
    # A block with nothing free keeps its appointments as they are, without a solve.
    idle = {r.id for requests, n in zip(members, free) if not n for r in requests}
    kept = [h for h in current.handovers if h.request_id in idle]
    deadline = time.time() + seconds
    # Only processes of this machine share its cores with the bound's thread; a cluster's are elsewhere.
    niceness = BLOCK_NICENESS if getattr(pool, "local", False) else 0

    def submit(block: list[str], requests: list, budget: float):
        part = scenario.part(set(block), requests, **fields)
        part_options = replace(options, time_limit=max(1.0, budget), workers=min(options.workers, BLOCK_WORKERS),
                               presolve_passes=BLOCK_PRESOLVE_PASSES)
        ids = {r.id for r in requests}
        start = Plan([h for h in current.handovers if h.request_id in ids])
        return pool.submit(solve_part, part.model_dump(mode="json"), part_options, None, start, deadline,
                           niceness)

    futures = [submit(block, requests, budget) for (block, requests, _size), budget in zip(work, budgets)]
    # A deterministic round runs on CP-SAT's deterministic time, which may take longer than
    # `seconds` of wall clock: giving up on the clock there would lose blocks on a slow machine,
    # and the plan would no longer repeat.
    running: set[int] = set()
    results = gather(pool, futures, deadline=None if options.deterministic else time.monotonic() + seconds,
                     running=running)
    lost = [i for i, result in enumerate(results) if result is None]
    if lost and not options.deterministic:
        # A crash in one block's solver breaks the local pool, and every block not done yet goes
        # with it: a national night (2026-12-05) lost the last 205 s of its second round so. Those
        # blocks go once more to the new pool, with what is left of the round: first those that
        # were waiting, then those that were running when the pool broke, one of which crashed
        # (a block that crashed once crashed again 2.6 s into its second try, and took the rest).
        # The time left is shared out over both batches at once, so the first leaves the second its part.
        share = dict(zip(lost, _lane_budgets([work[i][2] for i in lost], processes, deadline - time.time())))
        for batch in ([i for i in lost if i not in running], [i for i in lost if i in running]):
            left = deadline - time.time()
            if not batch or stopped() is not None or left < 1.0:
                continue
            retried = gather(pool, [submit(work[i][0], work[i][1], share[i]) for i in batch],
                             deadline=time.monotonic() + left)
            for i, result in zip(batch, retried):
                results[i] = result
    if stopped() is not None:
        return current, [r for r in results if r is not None]  # a stopped round is not joined
    # A block whose worker was lost keeps its appointments as they are, like an idle block.
    for (_block, requests, _size), result in zip(work, results):
        if result is None:
            kept += [booked[r.id] for r in requests if r.id in booked]
            held_unserved += [r.id for r in requests if r.id not in booked]
    done = [r for r in results if r is not None]
    plan = Plan(
        [h for r in done for h in r.plan.handovers] + kept,
        [u for r in done for u in r.plan.unserved]
        + [Unserved(rid, Reason.CAPACITY, FITS_ALONE) for rid in held_unserved]
        + [Unserved(rid, reason, why) for rid, (reason, why) in screening.unserved.items()],
    )
    return plan.sorted(), done


def solve_in_blocks(scenario: Scenario, options: SolveOptions, pool: Executor, block_size: int = 2000,
                    processes: int = 2, rounds: int | None = None, screening: Screening | None = None,
                    progress: Progress | None = None, start: Plan | None = None) -> SolveResult:
    """A day too large for one model: rounds of blocks re-planned around the plan so far.

    The first round starts from the best greedy plan (`start`, when the caller built it), or
    from the relaxation's plan (`relaxed.py`) on a long enough night when that serves more;
    each later round cuts the day into other blocks (stations shuffled with the run's seed) and re-plans
    them around the previous round's plan, so requests held at a cut in one
    round are free in another (a large-neighbourhood search). No round serves
    less than the one before, so the day never serves less than greedy. Without
    a single model there is no CP-SAT proof: the served bound reported is the
    day's LP bound (`bound.py`), or every plannable request's priority if the LP
    does not finish.
    """
    started = time.monotonic()
    screening = screening or screen(scenario)
    current = start if start is not None else best_greedy(scenario, screening)
    # What is left of the day's limit after screening and greedy, less a margin to join the plans.
    # A deterministic run must not depend on the clock: it plans on the limit alone.
    left = options.time_limit - (0.0 if options.deterministic else time.monotonic() - started)
    left = max(1.0, left - max(3.0, 0.04 * options.time_limit))
    finish = time.monotonic() + left
    rng = random.Random(options.seed)
    # While the rounds solve, the main process (idle otherwise) bounds the whole day.
    bounding = Bounding(scenario, screening, left, on_the_clock=not options.deterministic)
    results: list[SolveResult] = []
    served_first = scenario.policy.objective[0] == Level.SERVED
    around = "greedy"
    searched = options.time_limit
    if served_first and worth_trying(screening, options, processes):
        # A better start than greedy's, when the relaxation finds one: the rounds end higher.
        # Greedy's value is told first: the relaxation takes a while (paris: 10 to 18 s).
        if progress is not None:
            progress(Level.SERVED, _served(scenario, current), math.nan, time.monotonic() - started)
        relaxed_started = time.monotonic()
        try:
            relaxed = relaxed_start(scenario, screening, options, pool, RELAXED_SHARE * options.time_limit, processes,
                                    fallback=current)
        except Exception as exc:  # an optional start: the night goes on from greedy's, and says why
            log.warning(_("the relaxation's start failed ({error}): the rounds start from the greedy plan").format(
                error=str(exc)[:160]))
            relaxed = None
        searched -= time.monotonic() - relaxed_started
        if relaxed is not None and _served(scenario, relaxed) > _served(scenario, current):
            current, around = relaxed, "the relaxation's plan"
        if progress is not None:
            progress(Level.SERVED, _served(scenario, current), math.nan, time.monotonic() - started)

    blocks = station_blocks(scenario, block_size)
    if rounds is None:
        # As many rounds as give every block about BLOCK_SECONDS of the time left each.
        rounds = max(1, min(MAX_ROUNDS, int(searched * processes / (len(blocks) * BLOCK_SECONDS))))
    gains: dict[str, list[int]] = {STATIONS: [], BANDS: []}
    for index in range(rounds):
        kind = _next_kind(index, gains)
        band = None
        if kind == BANDS:
            blocks = station_blocks(scenario, BAND_BLOCK_FACTOR * block_size, rng)
            band = _band(scenario, rng)
        elif index:
            blocks = station_blocks(scenario, block_size, rng)
        before = _served(scenario, current)
        if options.deterministic:
            seconds = left / rounds
        else:
            # Cutting the day, joining the plans and a slow LP take time between rounds:
            # each round gets its share of what is left, so the day ends on time.
            seconds = max(1.0, (finish - time.monotonic()) / (rounds - index))
        current, round_results = _solve_blocks(
            scenario, screening, current, blocks, options, pool, seconds, processes,
            served_only=served_first and index < rounds - 1, band=band, rng=rng,
        )
        gains[kind].append(_served(scenario, current) - before)
        results.extend(round_results)
        if progress is not None:  # after each round: the day's best so far, and its bound if known yet
            bound = bounding.best(wait=0.0)
            progress(Level.SERVED, _served(scenario, current), math.nan if bound is None else bound.value,
                     time.monotonic() - started)
        if stopped() is not None:
            break  # the plan of the last whole round stands
    values = plan_levels(scenario, current)
    levels = [
        LevelResult(name, SENSE[name], values[name], None, Status.FEASIBLE,
                    sum(lv.seconds for r in results for lv in r.levels if lv.name == name))
        for name in scenario.policy.objective
    ]
    # A deterministic run waits for the bound to end, so that it too is the same run after run
    # (on a day of many pieces, which pieces finish by a deadline depends on the clock).
    wait = None if options.deterministic else 0.0 if stopped() else finish - time.monotonic()
    # What is left of the limit for the `preference` LP (11 to 27 s on a national day, whose
    # margin is 36 s).
    tighten(scenario, screening, levels, served=bounding.best(wait=wait),
            preference_seconds=math.inf if options.deterministic
            else started + options.time_limit - time.monotonic())
    solver = f"cp-sat (blocks around {around})" if rounds == 1 else f"cp-sat (blocks, {rounds} rounds around {around})"
    return SolveResult(current, levels, time.monotonic() - started, options, solver=solver, interrupted=stopped())
