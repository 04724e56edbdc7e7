"""The CP-SAT model of a planning day, built only from the screening's options.

Each constraint family is one function. Interchangeable places of one kind at
one station form a single cumulative resource (concrete places are assigned
after the solve, see `placing.py`), except where a lock pins a request to a
named place: that station's places of that kind are then modelled one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from ortools.sat.python import cp_model

from ..plan.rows import Handover
from ..scenario.schema import Officer, Request, Scenario
from ..screening import Option, Screening
from ..core.times import intersect, merge_ranges, overlap

Domain = cp_model.Domain


@dataclass
class Variables:
    """Every decision variable, keyed by the ids of what it decides."""

    served: dict[str, cp_model.IntVar] = field(default_factory=dict)  # request
    slot: dict[str, cp_model.IntVar] = field(default_factory=dict)  # request: start // slot_minutes
    at: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (request, station)
    by: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (request, officer)
    on: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (request, place), pinned groups
    used: dict[str, cp_model.IntVar] = field(default_factory=dict)  # officer
    load: dict[str, cp_model.IntVar] = field(default_factory=dict)  # officer: supervised minutes
    busiest: cp_model.IntVar | None = None

    def all(self) -> list[cp_model.IntVar]:
        out: list[cp_model.IntVar] = []
        for group in (self.served, self.slot, self.at, self.by, self.on, self.used, self.load):
            out.extend(group.values())
        if self.busiest is not None:
            out.append(self.busiest)
        return out


@dataclass
class HandoverModel:
    """The CP-SAT model with its variables and one linear expression per objective level."""

    model: cp_model.CpModel
    vars: Variables
    terms: dict[str, list[tuple[cp_model.IntVar, int]]]  # level -> (variable, coefficient)
    senses: dict[str, str]  # level -> "max" | "min"
    constants: dict[str, int] = field(default_factory=dict)  # level -> constant term
    symmetry_broken: bool = True  # identical officers' loads are ordered (not in a re-plan)

    def solution_vars(self) -> list[cp_model.IntVar]:
        """Decision variables and every variable of a level: what a complete hint sets."""
        seen = {var.Index(): var for var in self.vars.all()}
        for terms in self.terms.values():
            for var, _ in terms:
                seen.setdefault(var.Index(), var)
        return list(seen.values())

    def level(self, name: str) -> cp_model.LinearExprT:
        terms = self.terms[name]
        expr = cp_model.LinearExpr.WeightedSum([v for v, _ in terms], [c for _, c in terms])
        return expr + self.constants.get(name, 0)


def interchangeable_officers(scenario: Scenario) -> list[list[Officer]]:
    """Groups of officers alike in station, hours on duty, skills and caps, and named by no lock.

    The model orders their loads (in scenario order) to break symmetry; a hint built from
    any plan must follow the same order (`greedy.hint_from_plan`), so both use this.
    """
    locked = {r.locked.officer for r in scenario.requests if r.locked is not None}
    groups: dict[tuple, list[Officer]] = defaultdict(list)
    for officer in scenario.officers:
        if officer.id not in locked:
            key = (officer.station, officer.on_duty, tuple(sorted(officer.skills)),
                   scenario.supervision_cap(officer), officer.max_handovers)
            groups[key].append(officer)
    return [members for members in groups.values() if len(members) > 1]


# Weights of the `changes` level of a re-plan: what a move costs the parties told.
MOVE_WEIGHTS = {"time_or_station": 4, "place": 2, "officer": 1}


class _Builder:
    def __init__(self, scenario: Scenario, screening: Screening, previous: dict[str, Handover] | None = None,
                 energetic: bool = True):
        self.energetic = energetic
        self.scenario = scenario
        self.policy = scenario.policy
        self.options = screening.options
        self.requests: list[Request] = [scenario.request_by_id[rid] for rid in screening.options]
        self.model = cp_model.CpModel()
        self.v = Variables()
        self.minutes = {r.id: scenario.minutes(r) for r in self.requests}
        self.previous = {rid: h for rid, h in (previous or {}).items() if rid in screening.options}
        self.pinned = {
            scenario.place_index[r.locked.place] for r in self.requests if r.locked is not None
        } | {scenario.place_index[h.place] for h in self.previous.values() if h.place in scenario.place_index}

    def start(self, rid: str) -> cp_model.LinearExprT:
        return self.policy.slot_minutes * self.v.slot[rid]

    def slots(self, spans: list[tuple[int, int]]) -> Domain:
        step = self.policy.slot_minutes
        return Domain.FromIntervals([[a // step, b // step] for a, b in spans])

    # -- decisions -------------------------------------------------------
    def _decisions(self) -> None:
        """served, station and officer choices, and a start on the grid that each choice allows."""
        m = self.model
        for r in self.requests:
            served = m.NewBoolVar(f"served[{r.id}]")
            self.v.served[r.id] = served
            options: list[Option] = self.options[r.id]
            all_starts = sorted(span for o in options for span in o.starts())
            domain = self.slots(all_starts)
            slot = m.NewIntVarFromDomain(domain, f"slot[{r.id}]")
            self.v.slot[r.id] = slot
            station_lits = []
            for option in options:
                at = m.NewBoolVar(f"at[{r.id},{option.station}]")
                self.v.at[r.id, option.station] = at
                station_lits.append(at)
                station_domain = self.slots(option.starts())
                if station_domain != domain:
                    m.AddLinearExpressionInDomain(slot, station_domain).OnlyEnforceIf(at)
                officer_lits = []
                for officer_id, spans in option.officer_starts.items():
                    by = m.NewBoolVar(f"by[{r.id},{officer_id}]")
                    self.v.by[r.id, officer_id] = by
                    officer_lits.append(by)
                    officer_domain = self.slots(spans)
                    if officer_domain != station_domain:
                        m.AddLinearExpressionInDomain(slot, officer_domain).OnlyEnforceIf(by)
                m.Add(sum(officer_lits) == at)
            m.Add(sum(station_lits) == served)

    def _locks(self) -> None:
        """A locked request is planned exactly as confirmed."""
        for r in self.requests:
            if r.locked is None:
                continue
            lock = r.locked
            self.model.Add(self.v.served[r.id] == 1)
            self.model.Add(self.v.at[r.id, lock.station] == 1)
            self.model.Add(self.v.by[r.id, lock.officer] == 1)
            self.model.Add(self.v.slot[r.id] == lock.start // self.policy.slot_minutes)

    # -- resources -------------------------------------------------------
    def _places(self) -> None:
        """Places never overlap, turnover included: a cumulative per station and kind."""
        m = self.model
        groups: dict[tuple[str, str], list[tuple[Request, cp_model.IntVar]]] = defaultdict(list)
        for r in self.requests:
            for option in self.options[r.id]:
                groups[option.station, option.kind].append((r, self.v.at[r.id, option.station]))
        for (station_id, kind), members in groups.items():
            places = self.scenario.station_by_id[station_id].places(kind)
            intervals = []
            for r, at in members:
                size = self.minutes[r.id] + self.policy.turnover_minutes
                intervals.append(m.NewOptionalFixedSizeIntervalVar(
                    self.start(r.id), size, at, f"place[{r.id},{station_id}]"
                ))
            if len(members) > len(places):
                m.AddCumulative(intervals, [1] * len(intervals), len(places))
            if (station_id, kind) in self.pinned:
                self._pinned_places(station_id, places, members)

    def _pinned_places(self, station_id, places, members) -> None:
        """One no-overlap per named place, for groups where a lock names the place."""
        m = self.model
        per_place: dict[str, list] = defaultdict(list)
        for r, at in members:
            lits = []
            for place in places:
                if r.locked is not None and r.locked.place != place.id:
                    continue
                on = m.NewBoolVar(f"on[{r.id},{place.id}]")
                self.v.on[r.id, place.id] = on
                lits.append(on)
                size = self.minutes[r.id] + self.policy.turnover_minutes
                per_place[place.id].append(
                    m.NewOptionalFixedSizeIntervalVar(self.start(r.id), size, on, f"on[{r.id},{place.id}]")
                )
            m.Add(sum(lits) == at)
        for intervals in per_place.values():
            if len(intervals) > 1:
                m.AddNoOverlap(intervals)

    def _officers(self) -> None:
        """A room handover takes the officer whole; bays share their attention up to the limit."""
        m = self.model
        capacity = self.policy.bay_handovers_per_officer
        per_officer: dict[str, list[tuple[Request, cp_model.IntVar]]] = defaultdict(list)
        for (rid, officer_id), by in self.v.by.items():
            per_officer[officer_id].append((self.scenario.request_by_id[rid], by))
        for officer_id, members in per_officer.items():
            intervals, demands = [], []
            for r, by in members:
                intervals.append(m.NewOptionalFixedSizeIntervalVar(
                    self.start(r.id), self.minutes[r.id], by, f"duty[{r.id},{officer_id}]"
                ))
                demands.append(capacity if self.scenario.category(r).place == "room" else 1)
            if len(intervals) > 1:
                if capacity == 1:
                    m.AddNoOverlap(intervals)
                else:
                    m.AddCumulative(intervals, demands, capacity)

    def _caps(self) -> None:
        """Supervised minutes and handover counts stay within each officer's caps."""
        m = self.model
        per_officer: dict[str, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        for (rid, officer_id), by in self.v.by.items():
            per_officer[officer_id].append((rid, by))
        for officer in self.scenario.officers:
            members = per_officer.get(officer.id, [])
            cap = self.scenario.supervision_cap(officer)
            load = m.NewIntVar(0, cap, f"load[{officer.id}]")
            m.Add(load == sum(self.minutes[rid] * by for rid, by in members))
            self.v.load[officer.id] = load
            if officer.max_handovers is not None and len(members) > officer.max_handovers:
                m.Add(sum(by for _, by in members) <= officer.max_handovers)
            used = m.NewBoolVar(f"used[{officer.id}]")
            self.v.used[officer.id] = used
            for _, by in members:
                m.AddImplication(by, used)
            if not members:
                m.Add(used == 0)

    def _visitors(self) -> None:
        """No more people inside a station than max_visitors; bay handovers are outdoors."""
        m = self.model
        for station in self.scenario.stations:
            if station.max_visitors is None:
                continue
            intervals, demands = [], []
            for r in self.requests:
                at = self.v.at.get((r.id, station.id))
                if at is None or self.scenario.category(r).place != "room":
                    continue
                intervals.append(m.NewOptionalFixedSizeIntervalVar(
                    self.start(r.id), self.minutes[r.id], at, f"visit[{r.id},{station.id}]"
                ))
                demands.append(r.party_size)
            if sum(demands) > station.max_visitors:
                m.AddCumulative(intervals, demands, station.max_visitors)

    def _parties(self) -> None:
        """A person is in one handover at a time, with travel time between stations."""
        m = self.model
        travel = self.policy.party_travel_minutes
        by_person: dict[str, list[Request]] = defaultdict(list)
        for r in self.requests:
            for person in sorted({r.seller, r.buyer}):
                by_person[person].append(r)
        pairs = set()
        for person, requests in by_person.items():
            for a, b in combinations(requests, 2):
                pairs.add((a.id, b.id) if a.id < b.id else (b.id, a.id))
        for a_id, b_id in sorted(pairs):
            a, b = self.scenario.request_by_id[a_id], self.scenario.request_by_id[b_id]
            both = m.NewBoolVar(f"both[{a_id},{b_id}]")
            m.AddBoolAnd([self.v.served[a_id], self.v.served[b_id]]).OnlyEnforceIf(both)
            m.AddBoolOr([self.v.served[a_id].Not(), self.v.served[b_id].Not(), both])
            stations_a = [o.station for o in self.options[a_id]]
            stations_b = [o.station for o in self.options[b_id]]
            if travel and any(sa != sb for sa in stations_a for sb in stations_b):
                apart = m.NewBoolVar(f"apart[{a_id},{b_id}]")
                for sa in stations_a:
                    for sb in stations_b:
                        if sa != sb:
                            m.AddBoolOr([self.v.at[a_id, sa].Not(), self.v.at[b_id, sb].Not(), apart])
                gap: cp_model.LinearExprT = travel * apart
            else:
                gap = 0
            first = m.NewBoolVar(f"first[{a_id},{b_id}]")
            end_a = self.start(a_id) + self.minutes[a_id]
            end_b = self.start(b_id) + self.minutes[b_id]
            m.Add(self.start(b_id) >= end_a + gap).OnlyEnforceIf([both, first])
            m.Add(self.start(a_id) >= end_b + gap).OnlyEnforceIf([both, first.Not()])

    # -- tightening ------------------------------------------------------
    def _energy(self, members, capacity_at) -> None:
        """Redundant energetic cuts: what must happen inside [a, b) fits the capacity there.

        `members` are (presence literal, earliest start, latest end, energy); a member
        whose whole span lies in [a, b) spends its energy there. For each earliest start
        a, the most overloaded [a, b) gives one linear cut the LP can use, which the
        cumulatives alone do not expose.
        """
        starts = sorted({e for _, e, _, _ in members})
        for a in starts:
            inside = sorted(((d, lit, w) for lit, e, d, w in members if e >= a), key=lambda item: item[0])
            energy, best, cut = 0, 0.0, None
            for index, (d, _, w) in enumerate(inside):
                energy += w
                if index + 1 < len(inside) and inside[index + 1][0] == d:
                    continue
                capacity = capacity_at(a, d)
                if energy > capacity and energy / max(capacity, 1) > best:
                    best, cut = energy / max(capacity, 1), (index, capacity)
            if cut is not None:
                index, capacity = cut
                terms = inside[: index + 1]
                self.model.Add(sum(w * lit for _, lit, w in terms) <= capacity)

    def _energetic_cuts(self) -> None:
        """Places and officers' attention per station, over spans of the day (redundant)."""
        turnover = self.policy.turnover_minutes
        bays_each = self.policy.bay_handovers_per_officer
        for station in self.scenario.stations:
            opened = [(s, e + turnover) for s, e in station.hours]

            def open_minutes(a: int, b: int, spans=opened) -> int:
                return overlap(spans, a, b)

            rows = []
            for r in self.requests:
                option = next((o for o in self.options[r.id] if o.station == station.id), None)
                if option is None:
                    continue
                first, last = option.starts()[0][0], option.starts()[-1][1]
                rows.append((r, option, self.v.at[r.id, station.id], first, last))
            for kind in ("room", "bay"):
                places = len(station.places(kind))
                members = [(at, first, last + self.minutes[r.id] + turnover, self.minutes[r.id] + turnover)
                           for r, option, at, first, last in rows if option.kind == kind]
                if places and members:
                    self._energy(members, lambda a, b, p=places: p * open_minutes(a, b))
            officers = self.scenario.officers_at(station.id)
            skills = {self.scenario.category(r).skill for r, *_ in rows}
            for skill in skills:
                # Requests needing `skill` (or any request, for None) against the officers who could take them.
                crew = [o for o in officers if skill is None or skill in o.skills]
                spans = [intersect(merge_ranges(station.hours), [o.on_duty]) for o in crew]

                def attention(a: int, b: int, spans=spans) -> int:
                    return bays_each * sum(overlap(group, a, b) for group in spans)

                members = [
                    (at, first, last + self.minutes[r.id],
                     self.minutes[r.id] * (bays_each if option.kind == "room" else 1))
                    for r, option, at, first, last in rows
                    if skill is None or self.scenario.category(r).skill == skill
                ]
                if crew and members:
                    self._energy(members, attention)

    def _identical_officers(self) -> None:
        """Officers alike in every respect are interchangeable: order their loads."""
        groups = interchangeable_officers(self.scenario)
        for members in groups:
            for first, second in zip(members, members[1:]):
                self.model.Add(self.v.load[first.id] >= self.v.load[second.id])
                self.model.Add(self.v.used[first.id] >= self.v.used[second.id])

    # -- objective levels ------------------------------------------------
    def _levels(self) -> tuple[dict, dict]:
        m = self.model
        busiest = m.NewIntVar(0, max([self.scenario.supervision_cap(o) for o in self.scenario.officers] or [0]), "busiest")
        self.v.busiest = busiest
        for load in self.v.load.values():
            m.Add(busiest >= load)
        rank = {(r.id, o.station): o.rank for r in self.requests for o in self.options[r.id]}
        levels = {
            "served": [(self.v.served[r.id], r.priority) for r in self.requests],
            "officers": [(used, 1) for used in self.v.used.values()],
            "balance": [(busiest, 1)],
            "preference": [(at, rank[key]) for key, at in self.v.at.items() if rank[key]],
        }
        senses = {"served": "max", "officers": "min", "balance": "min", "preference": "min"}
        return levels, senses

    def _changes(self) -> tuple[list[tuple[cp_model.IntVar, int]], int]:
        """Keeping a previous appointment: same station and start, same place, same officer."""
        m = self.model
        step = self.policy.slot_minutes
        terms, constant = [], 0
        for rid, before in sorted(self.previous.items()):
            constant += sum(MOVE_WEIGHTS.values())
            at = self.v.at.get((rid, before.station))
            if at is None or before.start % step:
                continue
            kept = m.NewBoolVar(f"kept[{rid}]")
            m.AddImplication(kept, at)
            m.Add(self.v.slot[rid] == before.start // step).OnlyEnforceIf(kept)
            terms.append((kept, -MOVE_WEIGHTS["time_or_station"]))
            for what, choice in (("place", self.v.on.get((rid, before.place))),
                                 ("officer", self.v.by.get((rid, before.officer)))):
                if choice is None:
                    continue
                same = m.NewBoolVar(f"same_{what}[{rid}]")
                m.AddImplication(same, choice)
                m.AddImplication(same, kept)
                terms.append((same, -MOVE_WEIGHTS[what]))
        return terms, constant

    def build(self) -> HandoverModel:
        self._decisions()
        self._locks()
        self._places()
        self._officers()
        self._caps()
        self._visitors()
        self._parties()
        if self.energetic:
            self._energetic_cuts()
        if not self.previous:
            # Once appointments are published, officers are no longer interchangeable.
            self._identical_officers()
        levels, senses = self._levels()
        constants = {}
        if self.previous:
            levels["changes"], constants["changes"] = self._changes()
            senses["changes"] = "min"
        return HandoverModel(self.model, self.v, levels, senses, constants,
                             symmetry_broken=not self.previous)


def build_model(scenario: Scenario, screening: Screening, previous: dict[str, Handover] | None = None,
                energetic: bool = True) -> HandoverModel:
    """The model; with `previous` appointments it also has a `changes` level to minimise."""
    return _Builder(scenario, screening, previous, energetic).build()
