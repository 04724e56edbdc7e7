"""Why a request that fits alone was not served: the resources that bind.

Two derivations, both from the rules rather than from a template:
1. Insertion: against the plan as written, every start the request allows is
   checked and its blockers named (`insertion.py`). A blocker kind that alone
   stands between the request and some start is a binding resource.
2. Displacement (bounded solve): the `served` level is re-solved with the
   request forced in. If the best value drops, the requests that leave the plan
   are the ones it would displace (a higher priority, or more requests).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from .insertion import CAP, COUNT, OFFICER_BUSY, PARTY, PLACE, VISITORS, Candidate, Occupancy, candidates
from ..model.build import build_model
from ..plan.rows import Plan
from ..scenario.schema import Request, Scenario
from ..screening import CAPACITY, Screening
from ..core.times import format_time

NUMBERS = {2: "both", 3: "all three", 4: "all four"}


def _window(cands: list[Candidate], minutes: int) -> str:
    start = min(c.start for c in cands)
    end = max(c.start for c in cands) + minutes
    return f"{format_time(start)}–{format_time(end)}"


def _sentence(scenario: Scenario, request: Request, kind: str, subject: str, station: str,
              group: list[Candidate], everyone: set[str]) -> str:
    """One binding resource in words; `everyone` is every officer who could take it there."""
    minutes = scenario.minutes(request)
    category = scenario.category(request)
    if kind == PLACE:
        count = len(scenario.station_by_id[station].places(subject))
        if count == 1:
            return f"the only {subject} at {station} is full {_window(group, minutes)}"
        return f"{NUMBERS.get(count, f'all {count}')} {subject}s at {station} are full {_window(group, minutes)}"
    if kind == VISITORS:
        cap = scenario.station_by_id[station].max_visitors
        return f"{station} is at max_visitors ({cap}) {_window(group, minutes)}"
    officers = sorted({c.officer for c in group})
    if set(officers) == everyone and len(officers) > 1:
        skill = f" with skill '{category.skill}'" if category.skill else ""
        who, verb = f"the officers{skill} at {station}", "are"
    else:
        who, verb = "officer " + ", ".join(officers) + f" at {station}", "is" if len(officers) == 1 else "are"
    if kind == CAP:
        return f"{who} {verb} at their supervision cap"
    if kind == COUNT:
        return f"{who} {verb} at their max_handovers"
    return f"{who} {verb} busy with other handovers {_window(group, minutes)}"


def binding_resources(scenario: Scenario, plan: Plan, request: Request, occupancy: Occupancy | None = None) -> list[str]:
    """Sentences naming each resource that alone keeps the request out of the plan."""
    occupancy = occupancy or Occupancy(scenario, plan)
    cands = candidates(scenario, occupancy, request)
    if any(not c.blockers for c in cands):
        return ["it fits beside the plan as written (the served level was not proven optimal)"]
    single: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in cands:
        kinds = {(b.kind, b.subject if b.kind in (PLACE, PARTY) else "") for b in c.blockers}
        if len(kinds) == 1:
            kind, subject = kinds.pop()
            single[kind, subject, "" if kind == PARTY else c.station].append(c)
    sentences = []
    for (kind, subject, station), group in sorted(single.items(), key=lambda item: (item[1][0].rank, item[0])):
        if kind == PARTY:
            others = sorted({b.other for c in group for b in c.blockers})
            role = "seller" if subject == request.seller else "buyer"
            booked = [h for h in plan.handovers if h.request_id in others]
            where = "; ".join(f"at {h.station} at {format_time(h.start)} ({h.request_id})" for h in booked)
            sentences.append(f"{role} {subject} is already booked {where}")
        else:
            everyone = {c.officer for c in cands if c.station == station}
            sentences.append(_sentence(scenario, request, kind, subject, station, group, everyone))
    if sentences:
        return sentences
    # No single resource frees it: name what blocks most often at each station.
    per_station: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in cands:
        for b in c.blockers:
            per_station[c.station][b.kind] += 1
    labels = {PLACE: "places full", CAP: "officers at cap", OFFICER_BUSY: "officers busy", COUNT: "officers at max_handovers",
              VISITORS: "visitor limit", PARTY: "a party already booked"}
    parts = []
    for station, kinds in per_station.items():
        top = sorted(kinds, key=lambda k: -kinds[k])[:2]
        parts.append(f"at {station}: " + " and ".join(labels[k] for k in top))
    return ["no single resource would free it (" + "; ".join(parts) + ")"]


def displaced_by(scenario: Scenario, screening: Screening, plan: Plan, request_id: str, seconds: float, workers: int, seed: int) -> str | None:
    """Re-solve `served` with the request forced in; name what it would push out."""
    hm = build_model(scenario, screening)
    hm.model.Add(hm.vars.served[request_id] == 1)
    hm.model.Maximize(hm.level("served"))
    served_now = {h.request_id for h in plan.handovers}
    for rid, var in hm.vars.served.items():
        hm.model.AddHint(var, int(rid in served_now and rid != request_id) or int(rid == request_id))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.1)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.Solve(hm.model)
    if code != cp_model.OPTIMAL:
        return None
    current = sum(scenario.request_by_id[rid].priority for rid in served_now)
    forced = int(round(solver.ObjectiveValue()))
    out = sorted(rid for rid in served_now if not solver.Value(hm.vars.served[rid]))
    request = scenario.request_by_id[request_id]
    if forced > current:
        return f"a plan serving it reaches {forced} on the served level against this plan's {current} (not proven optimal)"
    if forced == current:
        swap = f" in place of {', '.join(out)}" if out else ""
        return f"serving it{swap} is worth the same; the tie went to the later objective levels"
    higher = [rid for rid in out if scenario.request_by_id[rid].priority > request.priority]
    names = ", ".join(f"{rid} (priority {scenario.request_by_id[rid].priority})" for rid in out)
    if higher and len(out) == 1:
        return f"a higher-priority request took the last slot: serving it would push out {names}"
    return f"serving it would push out {names}, worth {current - forced + request.priority} against its {request.priority}"


def explain_unserved(
    scenario: Scenario, screening: Screening, plan: Plan, *, budget: float = 30.0, workers: int = 8, seed: int = 0,
    solve_checks: bool = True, largest_model: int = 3000,
) -> Plan:
    """The plan with each `capacity` row's detail naming what binds, within `budget` seconds.

    Displacement re-solves build the whole model, so they run only on days of at most
    `largest_model` plannable requests; rows reached after the budget keep their detail.
    """
    started = time.monotonic()
    occupancy = Occupancy(scenario, plan)
    solve_checks = solve_checks and len(screening.options) <= largest_model
    left = sum(1 for u in plan.unserved if u.reason == CAPACITY)
    rows = []
    for row in plan.unserved:
        remaining = budget - (time.monotonic() - started)
        if row.reason != CAPACITY or remaining <= 0:
            rows.append(row)
            continue
        request = scenario.request_by_id[row.request_id]
        sentences = binding_resources(scenario, plan, request, occupancy)
        remaining = budget - (time.monotonic() - started)
        if solve_checks and remaining > 0.2:
            why = displaced_by(scenario, screening, plan, row.request_id, min(remaining / left, 10.0), workers, seed)
            if why:
                sentences.append(why)
        left -= 1
        rows.append(replace(row, detail="; ".join(sentences)))
    return Plan(plan.handovers, rows).sorted()
