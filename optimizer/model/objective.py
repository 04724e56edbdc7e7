"""The objective levels as linear expressions, and the `changes` level of a re-plan."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..core.codes import MOVE_WEIGHTS, Level
from .variables import Draft


def levels(d: Draft) -> dict[Level, list[tuple[cp_model.IntVar, int]]]:
    """The policy's levels as (variable, coefficient) terms; `balance` through a `busiest` variable."""
    m = d.model
    busiest = m.NewIntVar(0, max([d.scenario.supervision_cap(o) for o in d.scenario.officers] or [0]), "busiest")
    d.v.busiest = busiest
    for load in d.v.load.values():
        m.Add(busiest >= load)
    rank = {(r.id, o.station): o.rank for r in d.requests for o in d.options[r.id]}
    return {
        Level.SERVED: [(d.v.served[r.id], r.priority) for r in d.requests],
        Level.OFFICERS: [(used, 1) for used in d.v.used.values()],
        Level.BALANCE: [(busiest, 1)],
        Level.PREFERENCE: [(at, rank[key]) for key, at in d.v.at.items() if rank[key]],
    }


def changes(d: Draft) -> tuple[list[tuple[cp_model.IntVar, int]], int]:
    """Keeping a previous appointment: same station and start, same place, same officer."""
    m = d.model
    step = d.policy.slot_minutes
    terms, constant = [], 0
    for rid, before in sorted(d.previous.items()):
        constant += sum(MOVE_WEIGHTS.values())
        at = d.v.at.get((rid, before.station))
        if at is None or before.start % step:
            continue
        kept = m.NewBoolVar(f"kept[{rid}]")
        m.AddImplication(kept, at)
        m.Add(d.v.slot[rid] == before.start // step).OnlyEnforceIf(kept)
        d.v.kept[rid] = kept, before.station, before.start
        terms.append((kept, -MOVE_WEIGHTS["time_or_station"]))
        for what, choice in (("place", d.v.on.get((rid, before.place))),
                             ("officer", d.v.by.get((rid, before.officer)))):
            if choice is None:
                continue
            same = m.NewBoolVar(f"same_{what}[{rid}]")
            m.AddImplication(same, choice)
            m.AddImplication(same, kept)
            d.v.same[rid, what] = same, getattr(before, what)
            terms.append((same, -MOVE_WEIGHTS[what]))
    return terms, constant
