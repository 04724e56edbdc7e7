"""The decision variables of the model, the model being built, and the built model.

`Draft` is what each rule family reads and adds to while the model is built;
`HandoverModel` is what the solvers receive: the model, its variables (named after the
ids they decide, so a dumped model reads), and one linear expression per objective level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..core.codes import Sense
from ..plan.rows import Handover
from ..scenario.schema import Request, Scenario
from ..screening import Option, Screening

Domain = cp_model.Domain


@dataclass(frozen=True)
class PairVars:
    """The order of two requests that share a seller or buyer (`rules.parties`)."""

    both: cp_model.IntVar  # both served
    apart: cp_model.IntVar | None  # at different stations (None: they cannot be)
    first: cp_model.IntVar  # the first of the pair (by id) comes first


@dataclass
class Variables:
    """Every decision variable, keyed by the ids of what it decides."""

    served: dict[str, cp_model.IntVar] = field(default_factory=dict)  # request
    slot: dict[str, cp_model.IntVar] = field(default_factory=dict)  # request: start // slot_minutes
    earliest: dict[str, int] = field(default_factory=dict)  # request: its first slot (a value when unserved)
    at: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (request, station)
    by: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (request, officer)
    on: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (request, place), pinned groups
    used: dict[str, cp_model.IntVar] = field(default_factory=dict)  # officer
    load: dict[str, cp_model.IntVar] = field(default_factory=dict)  # officer: supervised minutes
    busiest: cp_model.IntVar | None = None
    # (request, request) sharing a person: both served, at different stations, the first one first
    pairs: dict[tuple[str, str], PairVars] = field(default_factory=dict)
    # A re-plan's `changes` level: the previous appointment's station and start kept
    # (request -> variable, station, start), and its place or officer too
    # ((request, "place" | "officer") -> variable, the place or officer)
    kept: dict[str, tuple[cp_model.IntVar, str, int]] = field(default_factory=dict)
    same: dict[tuple[str, str], tuple[cp_model.IntVar, str]] = field(default_factory=dict)

    def all(self) -> list[cp_model.IntVar]:
        out: list[cp_model.IntVar] = []
        for group in (self.served, self.slot, self.at, self.by, self.on, self.used, self.load):
            out.extend(group.values())
        for pair in self.pairs.values():
            out.extend(var for var in (pair.both, pair.apart, pair.first) if var is not None)
        out.extend(var for var, *_ in self.kept.values())
        out.extend(var for var, _ in self.same.values())
        if self.busiest is not None:
            out.append(self.busiest)
        return out


@dataclass
class HandoverModel:
    """The CP-SAT model with its variables and one linear expression per objective level."""

    model: cp_model.CpModel
    vars: Variables
    terms: dict[str, list[tuple[cp_model.IntVar, int]]]  # level -> (variable, coefficient)
    senses: dict[str, Sense]  # level -> its sense
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


class Draft:
    """The model being built: the day, its screened requests, and the variables so far."""

    def __init__(self, scenario: Scenario, screening: Screening, previous: dict[str, Handover] | None = None):
        self.scenario = scenario
        self.policy = scenario.policy
        self.options: dict[str, list[Option]] = screening.options
        self.requests: list[Request] = [scenario.request_by_id[rid] for rid in screening.options]
        self.model = cp_model.CpModel()
        self.v = Variables()
        self.minutes = {r.id: scenario.minutes(r) for r in self.requests}
        self.previous = {rid: h for rid, h in (previous or {}).items() if rid in screening.options}
        # (station, kind) groups where a lock or a published appointment names a place.
        self.pinned = {
            scenario.place_index[r.locked.place] for r in self.requests
            if r.locked is not None and r.locked.place is not None
        } | {scenario.place_index[h.place] for h in self.previous.values() if h.place in scenario.place_index}

    def start(self, rid: str) -> cp_model.LinearExprT:
        return self.policy.slot_minutes * self.v.slot[rid]

    def slots(self, spans: list[tuple[int, int]]) -> Domain:
        step = self.policy.slot_minutes
        return Domain.FromIntervals([[a // step, b // step] for a, b in spans])
