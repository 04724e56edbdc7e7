"""Complete assignments of the model's variables that reproduce a plan: CP-SAT's hints.

A plan that passes the checker is feasible for the model once identical officers'
days follow the model's symmetry order, so any checked plan (greedy's, a previous
round's, a published one) can start the search and be its fallback.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ..model.tightening import interchangeable_officers
from ..model.variables import HandoverModel
from ..plan.rows import Plan
from ..scenario.schema import Scenario


def hint_from(hm: HandoverModel, scenario: Scenario, appointments: dict) -> dict[int, int]:
    """Values that plan exactly the given appointments (anything with station, place, officer, start).

    Every variable gets a value: CP-SAT takes a complete feasible hint as its first solution
    at once, where an incomplete one must first be completed by search (0.2 s a level on the pilot).
    """
    v = hm.vars
    chosen = {rid: a for rid, a in appointments.items() if rid in v.served}
    values: dict[int, int] = {}
    for rid, served in v.served.items():
        values[served.Index()] = int(rid in chosen)
    for (rid, station), at in v.at.items():
        values[at.Index()] = int(rid in chosen and chosen[rid].station == station)
    for (rid, officer), by in v.by.items():
        values[by.Index()] = int(rid in chosen and chosen[rid].officer == officer)
    for (rid, place), on in v.on.items():
        values[on.Index()] = int(rid in chosen and chosen[rid].place == place)
    for rid, slot in v.slot.items():
        if rid in chosen:
            values[slot.Index()] = chosen[rid].start // scenario.policy.slot_minutes
        else:  # free when unserved; a value all the same, so that the hint is complete
            values[slot.Index()] = v.earliest[rid]
    for (a, b), pair in v.pairs.items():
        both = a in chosen and b in chosen
        values[pair.both.Index()] = int(both)
        values[pair.first.Index()] = int(both and chosen[a].start <= chosen[b].start)
        if pair.apart is not None:
            values[pair.apart.Index()] = int(both and chosen[a].station != chosen[b].station)
    loads = {officer: 0 for officer in v.load}
    for rid, appointment in chosen.items():
        if appointment.officer in loads:
            loads[appointment.officer] += scenario.minutes(scenario.request_by_id[rid])
    for officer, load in v.load.items():
        values[load.Index()] = loads[officer]
        values[v.used[officer].Index()] = int(loads[officer] > 0)
    for rid, (kept, station, start) in v.kept.items():  # a re-plan: appointments that have not moved
        values[kept.Index()] = int(rid in chosen and (chosen[rid].station, chosen[rid].start) == (station, start))
    for (rid, what), (same, before) in v.same.items():
        values[same.Index()] = int(values[v.kept[rid][0].Index()] == 1 and getattr(chosen[rid], what) == before)
    if v.busiest is not None:
        values[v.busiest.Index()] = max(loads.values(), default=0)
    return values


def hint_from_plan(hm: HandoverModel, scenario: Scenario, plan: Plan) -> dict[int, int]:
    """A complete assignment of the CP-SAT model's variables that reproduces `plan`.

    Every plan that passes the checker is feasible for the model once identical
    officers' days follow the model's symmetry order; a test fixes the variables
    to this hint to keep the two in step.
    """
    if hm.symmetry_broken:
        plan = _canonical_officers(scenario, plan)
    return hint_from(hm, scenario, {h.request_id: h for h in plan.handovers})


def _canonical_officers(scenario: Scenario, plan: Plan) -> Plan:
    """The same plan with identical officers' days swapped so their loads do not increase.

    The model breaks the symmetry between officers alike in every respect (station,
    hours on duty, skills, caps) and not named by a lock by ordering their loads in
    scenario order (`model.tightening.identical_officers`); a hint must follow that order.
    Swapping two such officers' whole days keeps every rule.
    """
    load: dict[str, int] = defaultdict(int)
    for h in plan.handovers:
        load[h.officer] += h.end - h.start
    rename: dict[str, str] = {}
    for group in interchangeable_officers(scenario):
        members = [o.id for o in group]
        by_load = sorted(members, key=lambda o: -load[o])  # stable: ties keep scenario order
        rename.update(zip(by_load, members))
    return Plan(
        [replace(h, officer=rename.get(h.officer, h.officer)) for h in plan.handovers],
        list(plan.unserved),
    )
