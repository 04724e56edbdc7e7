"""What stands in the way of adding one request to a fixed plan.

For every start an acceptable station and officer allow, the rules of the
contract are checked against the handovers already planned (`plan/occupancy.py`),
and whatever blocks is named. With no blocker, the start is an offer
(`remise offer`); with blockers, the kinds that alone would let it in explain why
a request was not served (`unserved.csv`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.findings import Blocker
from ..plan.occupancy import Occupancy
from ..scenario.schema import Request, Scenario
from ..screening import Option, screen_request


@dataclass(frozen=True)
class Block:
    kind: Blocker
    subject: str  # the place kind, officer id, person id or station id concerned
    other: str = ""  # for PARTY: the request id already booked


@dataclass
class Candidate:
    station: str
    rank: int
    officer: str
    start: int
    place: str | None  # the first free place of the kind, if any
    blockers: list[Block] = field(default_factory=list)


def candidates(scenario: Scenario, occupancy: Occupancy, request: Request,
               options: list[Option] | None = None, at: tuple[str, int] | None = None) -> list[Candidate]:
    """Every (station, officer, grid start) the request allows alone, with what blocks it now.

    With `at` (station, start), only that station and start are looked at.
    """
    if options is None:
        options, _ = screen_request(scenario, request)
    minutes = scenario.minutes(request)
    step = scenario.policy.slot_minutes
    out = []
    # What blocks a start at a station, whoever supervises: worked out once per station and start.
    at_station: dict[tuple[str, int], tuple[str | None, list[Block]]] = {}

    def station_blocks(option: Option, start: int, end: int) -> tuple[str | None, list[Block]]:
        key = (option.station, start)
        if key not in at_station:
            place = occupancy.first_free_place(option.station, option.kind, start, end)
            blocks = [] if place is not None else [Block(Blocker.PLACE, option.kind)]
            if option.kind == "room" and not occupancy.visitors_fit(option.station, request.party_size, start, end):
                blocks.append(Block(Blocker.VISITORS, option.station))
            blocks += [Block(Blocker.PARTY, person, other)
                       for person, other in occupancy.party_conflicts(request, option.station, start, end)]
            at_station[key] = (place, blocks)
        return at_station[key]

    for option in options:
        if at is not None and option.station != at[0]:
            continue
        for officer_id, spans in option.officer_starts.items():
            officer = scenario.officer_by_id[officer_id]
            load, count = occupancy.minutes(officer_id), occupancy.count(officer_id)
            capped = load + minutes > scenario.supervision_cap(officer)
            counted = officer.max_handovers is not None and count + 1 > officer.max_handovers
            for first, last in spans:
                if at is not None:
                    first, last = max(first, at[1]), min(last, at[1])
                for start in range(first, last + 1, step):
                    end = start + minutes
                    place, shared = station_blocks(option, start, end)
                    blockers = [b for b in shared if b.kind == Blocker.PLACE]
                    if not occupancy.officer_free(officer_id, option.kind, start, end):
                        blockers.append(Block(Blocker.OFFICER_BUSY, officer_id))
                    if capped:
                        blockers.append(Block(Blocker.CAP, officer_id))
                    if counted:
                        blockers.append(Block(Blocker.COUNT, officer_id))
                    blockers += [b for b in shared if b.kind != Blocker.PLACE]
                    out.append(Candidate(option.station, option.rank, officer_id, start, place, blockers))
    return out
