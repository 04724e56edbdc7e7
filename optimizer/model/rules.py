"""The hard rules of the contract, one function per family, each adding to a Draft.

Interchangeable places of one kind at one station form a single cumulative resource
(concrete places are assigned after the solve, `solvers/placing.py`), except where a
lock or a published appointment names a place: those groups are modelled place by place.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ortools.sat.python import cp_model

from ..scenario.schema import Request
from ..screening import Option
from .variables import Draft, PairVars


def decisions(d: Draft) -> None:
    """served, station and officer choices, and a start on the grid that each choice allows."""
    m = d.model
    for r in d.requests:
        served = m.NewBoolVar(f"served[{r.id}]")
        d.v.served[r.id] = served
        options: list[Option] = d.options[r.id]
        all_starts = sorted(span for o in options for span in o.starts())
        domain = d.slots(all_starts)
        slot = m.NewIntVarFromDomain(domain, f"slot[{r.id}]")
        d.v.slot[r.id] = slot
        d.v.earliest[r.id] = all_starts[0][0] // d.policy.slot_minutes
        station_lits = []
        for option in options:
            at = m.NewBoolVar(f"at[{r.id},{option.station}]")
            d.v.at[r.id, option.station] = at
            station_lits.append(at)
            station_domain = d.slots(option.starts())
            if station_domain != domain:
                m.AddLinearExpressionInDomain(slot, station_domain).OnlyEnforceIf(at)
            officer_lits = []
            for officer_id, spans in option.officer_starts.items():
                by = m.NewBoolVar(f"by[{r.id},{officer_id}]")
                d.v.by[r.id, officer_id] = by
                officer_lits.append(by)
                officer_domain = d.slots(spans)
                if officer_domain != station_domain:
                    m.AddLinearExpressionInDomain(slot, officer_domain).OnlyEnforceIf(by)
            m.Add(sum(officer_lits) == at)
        m.Add(sum(station_lits) == served)


def locks(d: Draft) -> None:
    """A locked request is planned exactly as confirmed: its station and start, and its
    officer (and place, see `_pinned_places`) when the lock names them."""
    for r in d.requests:
        if r.locked is None:
            continue
        lock = r.locked
        d.model.Add(d.v.served[r.id] == 1)
        d.model.Add(d.v.at[r.id, lock.station] == 1)
        if lock.officer is not None:
            d.model.Add(d.v.by[r.id, lock.officer] == 1)
        d.model.Add(d.v.slot[r.id] == lock.start // d.policy.slot_minutes)


def places(d: Draft) -> None:
    """Places never overlap, turnover included: a cumulative per station and kind."""
    m = d.model
    groups: dict[tuple[str, str], list[tuple[Request, cp_model.IntVar]]] = defaultdict(list)
    for r in d.requests:
        for option in d.options[r.id]:
            groups[option.station, option.kind].append((r, d.v.at[r.id, option.station]))
    for (station_id, kind), members in groups.items():
        places = d.scenario.station_by_id[station_id].places(kind)
        intervals = []
        for r, at in members:
            size = d.minutes[r.id] + d.policy.turnover_minutes
            intervals.append(m.NewOptionalFixedSizeIntervalVar(
                d.start(r.id), size, at, f"place[{r.id},{station_id}]"
            ))
        if len(members) > len(places):
            m.AddCumulative(intervals, [1] * len(intervals), len(places))
        if (station_id, kind) in d.pinned:
            _pinned_places(d, station_id, places, members)


def _pinned_places(d: Draft, station_id, places, members) -> None:
    """One no-overlap per named place, for groups where a lock names the place."""
    m = d.model
    per_place: dict[str, list] = defaultdict(list)
    for r, at in members:
        lits = []
        for place in places:
            if r.locked is not None and r.locked.place is not None and r.locked.place != place.id:
                continue
            on = m.NewBoolVar(f"on[{r.id},{place.id}]")
            d.v.on[r.id, place.id] = on
            lits.append(on)
            size = d.minutes[r.id] + d.policy.turnover_minutes
            per_place[place.id].append(
                m.NewOptionalFixedSizeIntervalVar(d.start(r.id), size, on, f"on[{r.id},{place.id}]")
            )
        m.Add(sum(lits) == at)
    for intervals in per_place.values():
        if len(intervals) > 1:
            m.AddNoOverlap(intervals)


def officers(d: Draft) -> None:
    """A room handover takes the officer whole; bays share their attention up to the limit."""
    m = d.model
    capacity = d.policy.bay_handovers_per_officer
    per_officer: dict[str, list[tuple[Request, cp_model.IntVar]]] = defaultdict(list)
    for (rid, officer_id), by in d.v.by.items():
        per_officer[officer_id].append((d.scenario.request_by_id[rid], by))
    for officer_id, members in per_officer.items():
        intervals, demands = [], []
        for r, by in members:
            intervals.append(m.NewOptionalFixedSizeIntervalVar(
                d.start(r.id), d.minutes[r.id], by, f"duty[{r.id},{officer_id}]"
            ))
            demands.append(capacity if d.scenario.category(r).place == "room" else 1)
        if len(intervals) > 1:
            if capacity == 1:
                m.AddNoOverlap(intervals)
            else:
                m.AddCumulative(intervals, demands, capacity)


def caps(d: Draft) -> None:
    """Supervised minutes and handover counts stay within each officer's caps."""
    m = d.model
    per_officer: dict[str, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
    for (rid, officer_id), by in d.v.by.items():
        per_officer[officer_id].append((rid, by))
    for officer in d.scenario.officers:
        members = per_officer.get(officer.id, [])
        cap = d.scenario.supervision_cap(officer)
        load = m.NewIntVar(0, cap, f"load[{officer.id}]")
        m.Add(load == sum(d.minutes[rid] * by for rid, by in members))
        d.v.load[officer.id] = load
        if officer.max_handovers is not None and len(members) > officer.max_handovers:
            m.Add(sum(by for _, by in members) <= officer.max_handovers)
        used = m.NewBoolVar(f"used[{officer.id}]")
        d.v.used[officer.id] = used
        for _, by in members:
            m.AddImplication(by, used)
        if not members:
            m.Add(used == 0)


def visitors(d: Draft) -> None:
    """No more people inside a station than max_visitors; bay handovers are outdoors."""
    m = d.model
    for station in d.scenario.stations:
        if station.max_visitors is None:
            continue
        intervals, demands = [], []
        for r in d.requests:
            at = d.v.at.get((r.id, station.id))
            if at is None or d.scenario.category(r).place != "room":
                continue
            intervals.append(m.NewOptionalFixedSizeIntervalVar(
                d.start(r.id), d.minutes[r.id], at, f"visit[{r.id},{station.id}]"
            ))
            demands.append(r.party_size)
        if sum(demands) > station.max_visitors:
            m.AddCumulative(intervals, demands, station.max_visitors)


def parties(d: Draft) -> None:
    """A person is in one handover at a time, with travel time between stations."""
    m = d.model
    travel = d.policy.party_travel_minutes
    by_person: dict[str, list[Request]] = defaultdict(list)
    for r in d.requests:
        for person in sorted({r.seller, r.buyer}):
            by_person[person].append(r)
    pairs = set()
    for person, requests in by_person.items():
        for a, b in combinations(requests, 2):
            pairs.add((a.id, b.id) if a.id < b.id else (b.id, a.id))
    for a_id, b_id in sorted(pairs):
        a, b = d.scenario.request_by_id[a_id], d.scenario.request_by_id[b_id]
        both = m.NewBoolVar(f"both[{a_id},{b_id}]")
        m.AddBoolAnd([d.v.served[a_id], d.v.served[b_id]]).OnlyEnforceIf(both)
        m.AddBoolOr([d.v.served[a_id].Not(), d.v.served[b_id].Not(), both])
        stations_a = [o.station for o in d.options[a_id]]
        stations_b = [o.station for o in d.options[b_id]]
        apart = None
        if travel and any(sa != sb for sa in stations_a for sb in stations_b):
            apart = m.NewBoolVar(f"apart[{a_id},{b_id}]")
            for sa in stations_a:
                for sb in stations_b:
                    if sa != sb:
                        m.AddBoolOr([d.v.at[a_id, sa].Not(), d.v.at[b_id, sb].Not(), apart])
            gap: cp_model.LinearExprT = travel * apart
        else:
            gap = 0
        first = m.NewBoolVar(f"first[{a_id},{b_id}]")
        end_a = d.start(a_id) + d.minutes[a_id]
        end_b = d.start(b_id) + d.minutes[b_id]
        m.Add(d.start(b_id) >= end_a + gap).OnlyEnforceIf([both, first])
        m.Add(d.start(a_id) >= end_b + gap).OnlyEnforceIf([both, first.Not()])
        d.v.pairs[a_id, b_id] = PairVars(both, apart, first)
