"""A start for the rounds of blocks from an integer solution of the time-indexed relaxation.

The rounds stall near the plan they start from (benchmarks/NOTES.md, *Where the paris gap
lies*): started from greedy they end about 10 % below the bound, started from a better plan
they end higher. HiGHS' MIP heuristics find, within seconds, an integer solution of the
time-indexed relaxation of `bound.py` (each request at one station and start; places,
officers' attention, persons and, on the slot grid, their travel between stations respected,
officers pooled per station). Its requests held at those stations and starts, CP-SAT chooses the officers station
by station (the day then falls apart into stations); what fits is a plan worth more than
greedy's on generated paris days. A national day is one program per piece of neighbouring
stations, each built without the starts its parties can no longer reach given the pieces
answered before it, and a party two pieces of one batch both sent somewhere keeps the more
valuable handover.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from concurrent.futures import Executor
from contextlib import ExitStack

from ..check import check_plan
from ..core.codes import Level
from ..plan.occupancy import Occupancy
from ..plan.rows import Plan, whole_plan
from ..scenario.schema import Scenario
from ..screening import Screening
from .bound import Piece, time_indexed_model
from .groups import solve_decomposed, station_blocks
from .highs_process import HighsProcess
from .result import SolveOptions
from .stop import stopped

# The share of a night given to the relaxation's start (HiGHS, then the officers' choice), and
# the shortest night worth it (on a shorter one the rounds need all the time).
RELAXED_SHARE = 0.3
HIGHS_PART = 2 / 3  # of that share, at most, for HiGHS; the rest for the officers
RELAXED_MIN_LIMIT = 30.0
# Up to this many plannable requests, the relaxation is one program for the whole day; above it
# (a national day), one program per piece of neighbouring stations of about RELAXED_PIECE_REQUESTS,
# each request in the piece of its first station, since one program would spend the night in
# HiGHS. Larger pieces lose less where they meet: national seed 1 (900 s) started at 46,545 with
# pieces of 2,500 (20 pieces) where pieces of 1,200 started at 46,315, and ended at 47,198 to 47,272
# (three nights) against 47,062 to 47,166 (four). Pieces of 5,000 (alone: held plan 46,718) outlasted HiGHS' share in a night,
# beside the bound's thread, and the start served 41,121 (benchmarks/NOTES.md items 30 and 32).
RELAXED_WHOLE = 6_000
RELAXED_PIECE_REQUESTS = 2_500
# HiGHS' first solution is its feasibility jump's: about 0.0075 s a plannable request over a
# whole day (paris 4 to 8 s for 939, region 35 s for 4,695); in pieces about 0.003 s a request,
# building the programs included (national seed 1: 24 s to build 45 pieces of 1,200, 99 s of jumps,
# one at a time). It is tried only where that fits HiGHS' share of the night (a jump that does not is
# ended with its process at the deadline, the share lost): paris from a search of 35 s (the 60-s
# command leaves it 46), region from 176 s, national from about 350 s with two processes (measured
# with pieces of 1,200; with pieces of 2,500 a 900-s national night's whole start, officers
# included, took 202 s of its 270; a piece not answered in time keeps greedy's plan).
JUMP_SECONDS_PER_REQUEST = 0.0075
PIECE_JUMP_SECONDS_PER_REQUEST = 0.003


def worth_trying(screening: Screening, options: SolveOptions, processes: int = 1) -> bool:
    """Whether a night gives the relaxation's start time enough.

    A deterministic run does not try: HiGHS stops on the clock, so its start would vary."""
    requests = len(screening.options)
    highs_share = RELAXED_SHARE * options.time_limit * HIGHS_PART
    jumps = (JUMP_SECONDS_PER_REQUEST * requests if requests <= RELAXED_WHOLE
             else PIECE_JUMP_SECONDS_PER_REQUEST * requests / _local(processes))
    return (not options.deterministic and options.time_limit >= RELAXED_MIN_LIMIT
            and 0 < requests and jumps <= highs_share)


def relaxed_start(scenario: Scenario, screening: Screening, options: SolveOptions, pool: Executor,
                  seconds: float, processes: int = 1, fallback: Plan | None = None) -> Plan | None:
    """A complete, checked plan of the day from the relaxation's first integer solution, within
    about `seconds` (at most HIGHS_PART for HiGHS, `processes` pieces at a time, the rest for the
    officers); None if there is none in time. The requests of a piece HiGHS did not answer in time
    keep their appointments in `fallback` (the plan so far), where the held day finds room."""
    started = time.monotonic()
    chosen, unanswered = _first_solutions(scenario, screening, seconds * HIGHS_PART, _local(processes))
    left = seconds - (time.monotonic() - started)
    if not chosen or stopped() is not None or left < 1.0:
        return None
    # A confirmed appointment is always in the start, even in a piece HiGHS did not answer.
    found = {rid for rid, _station, _start in chosen}
    chosen += [(rid, request.locked.station, request.locked.start) for rid in screening.options
               if (request := scenario.request_by_id[rid]).locked is not None and rid not in found]
    # A slower machine, or a busier night, leaves pieces unanswered: their requests would
    # otherwise serve nothing, and a start below the plan so far is thrown away whole.
    found = {rid for rid, _station, _start in chosen}
    chosen += [(h.request_id, h.station, h.start) for h in (fallback.handovers if fallback else ())
               if h.request_id in unanswered and h.request_id not in found]
    # Only `served` matters in a start: the last round of blocks settles the other levels.
    fixed = held_day(scenario, apart(scenario, chosen)).with_changes(
        policy=scenario.policy.model_copy(update={"objective": [Level.SERVED]}))
    # Held apart, no two stations' requests can meet at a person: each station is a day of its own.
    part = solve_decomposed(fixed, SolveOptions(time_limit=left, workers=options.workers, seed=options.seed), pool,
                            groups=[[station.id] for station in scenario.stations])
    plan = whole_plan(scenario, screening, part.plan.handovers)
    # The held day has the rules of the day, so its plan keeps them; the checker says so or not.
    return plan if check_plan(scenario, plan).ok else None


def _local(processes: int) -> int:
    """HiGHS processes run on this machine, whatever the lanes of a cluster."""
    return max(1, min(processes, os.cpu_count() or 1))


def apart(scenario: Scenario, chosen: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The chosen (request, station, start) whose parties are never in two at once nor short of
    travel time between stations, confirmed appointments first (the plan must keep them), then
    most priority: the programs of the pieces of one batch do not see each other, so a person
    with requests in two may be sent to both (national seed 1, pieces of 1,200, before a batch
    saw the ones before it: 801 of 39,008), and the travel rows are exact only for an even
    travel time on the slot grid."""
    return _keep_apart(scenario, Occupancy(scenario), chosen)


def _keep_apart(scenario: Scenario, book: Occupancy,
                chosen: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """`apart`'s choice among `chosen` around what `book` holds already, booked there."""
    def first(c: tuple[str, str, int]) -> tuple:
        request = scenario.request_by_id[c[0]]
        return request.locked is None, -request.priority, c

    kept: list[tuple[str, str, int]] = []
    for rid, station, start in sorted(chosen, key=first):
        request = scenario.request_by_id[rid]
        end = start + scenario.minutes(request)
        if book.parties_free(request, station, start, end):
            book.book_parties(request, station, start, end)
            kept.append((rid, station, start))
    return kept


def held_day(scenario: Scenario, chosen: list[tuple[str, str, int]]) -> Scenario:
    """The day of the requests `chosen` only, each held at its (station, start): what is left to
    choose is the officers and places, and each station is then a day of its own."""
    held = []
    for rid, station, start in chosen:
        request = scenario.request_by_id[rid]
        held.append(request.model_copy(update={"stations": [station],
                                               "windows": [(start, start + scenario.minutes(request))]}))
    return scenario.with_changes(requests=held)


def _first_solutions(scenario: Scenario, screening: Screening, seconds: float,
                     processes: int) -> tuple[list[tuple[str, str, int]], set[str]]:
    """(request, station, start) of each request HiGHS' first solutions serve, the whole day's or
    each piece's, `processes` HiGHS processes at a time, and the requests of the pieces HiGHS did
    not answer in time. Each process starts while its program is built (1.2 to 1.4 s at paris
    size) and is ended at once after: its core and memory back before the officers are chosen.
    A piece is built once the batches before it answered: without the starts their appointments
    leave its parties unable to reach, and with the requests they left out that its stations
    could serve (`_pass_on`)."""
    deadline = time.monotonic() + seconds
    pieces = _pieces(scenario, screening)
    unanswered = {rid for piece in pieces for rid in piece.ids}
    chosen: list[tuple[str, str, int]] = []
    answered = False
    # The parties' time the pieces answered so far take, confirmed appointments first: a later
    # piece leaves it free, as its program cannot see theirs (`apart` keeps one of two clashes).
    book = Occupancy(scenario)
    for rid in screening.options:
        if (request := scenario.request_by_id[rid]).locked is not None:
            start = request.locked.start
            book.book_parties(request, request.locked.station, start, start + scenario.minutes(request))

    def allowed(rid: str, station: str, start: int) -> bool:
        request = scenario.request_by_id[rid]
        end = start + scenario.minutes(request)
        return request.locked is not None or book.parties_free(request, station, start, end)

    for first in range(0, len(pieces), processes):
        if stopped() is not None or time.monotonic() >= deadline:
            break
        found: list[tuple[str, str, int]] = []
        with ExitStack() as running:
            sent = []
            for piece in pieces[first:first + processes]:
                highs = running.enter_context(HighsProcess(deadline - time.monotonic()))
                built = time_indexed_model(scenario, screening, piece.ids, piece, travel=True,
                                           allowed=allowed if len(pieces) > 1 else None)
                if built is None:  # nothing in this piece could be served: no model to send
                    continue
                program, meaning = built  # column -> (request, station, start)
                highs.send(program)
                sent.append((highs, meaning, piece))
            for highs, meaning, piece in sent:
                columns = highs.first_solution()
                if columns is not None:
                    found += [meaning[j] for j in columns]
                    unanswered -= set(piece.ids)
                    answered = True
        if len(pieces) > 1:
            chosen += _keep_apart(scenario, book, found)
            _pass_on(screening, pieces, first + processes, {rid for rid, _station, _start in chosen}, unanswered)
        else:
            chosen += found
    return (chosen if answered else []), unanswered


def _pass_on(screening: Screening, pieces: list[Piece], built: int, chosen: set[str], unanswered: set[str]) -> None:
    """A request its piece left out, that stations of a piece not built yet could serve, goes to
    the first such piece: each request enters only its first station's piece."""
    later = {station: j for j in range(built, len(pieces)) for station in pieces[j].stations}
    waiting = {rid for j in range(built, len(pieces)) for rid in pieces[j].ids}  # passed on before
    passed: dict[int, dict[str, None]] = defaultdict(dict)  # one passed on before is in two pieces here
    for piece in pieces[:built]:
        for rid in piece.ids:
            if rid in chosen or rid in unanswered or rid in waiting:
                continue
            found = [later[o.station] for o in screening.options[rid] if o.station in later]
            if found:
                passed[min(found)][rid] = None
    for j, ids in passed.items():
        pieces[j] = Piece(pieces[j].ids + list(ids), pieces[j].stations)


def _pieces(scenario: Scenario, screening: Screening) -> list[Piece]:
    """The whole day as one piece, or pieces of neighbouring stations above RELAXED_WHOLE."""
    if len(screening.options) <= RELAXED_WHOLE:
        return [Piece(list(screening.options))]
    blocks = station_blocks(scenario, RELAXED_PIECE_REQUESTS)
    piece_of = {s: i for i, block in enumerate(blocks) for s in block}
    members: dict[int, list[str]] = defaultdict(list)
    for rid, options in screening.options.items():
        members[piece_of[options[0].station]].append(rid)
    return [Piece(members[i], frozenset(blocks[i])) for i in sorted(members)]
