"""Redundant constraints that help the search and prove nothing new: energetic cuts
over spans of the day, and an order among officers alike in every respect."""

from __future__ import annotations

from collections import defaultdict

from ..core.times import intersect, maximal_cliques, merge_ranges, overlap
from ..scenario.schema import Officer, Scenario
from .variables import Draft


def interchangeable_officers(scenario: Scenario) -> list[list[Officer]]:
    """Groups of officers alike in station, hours on duty, skills and caps, and named by no lock.

    The model orders their loads (in scenario order) to break symmetry; a hint built from
    any plan must follow the same order (`solvers.hints.hint_from_plan`), so both use this.
    """
    locked = {r.locked.officer for r in scenario.requests if r.locked is not None}
    groups: dict[tuple, list[Officer]] = defaultdict(list)
    for officer in scenario.officers:
        if officer.id not in locked:
            key = (officer.station, officer.on_duty, tuple(sorted(officer.skills)),
                   scenario.supervision_cap(officer), officer.max_handovers)
            groups[key].append(officer)
    return [members for members in groups.values() if len(members) > 1]


def energy(d: Draft, members, capacity_at) -> None:
    """Redundant energetic cuts: what must happen inside [a, b) fits the capacity there.

    `members` are (presence literal, earliest start, latest end, energy); a member
    whose whole span lies in [a, b) spends its energy there. For each earliest start
    a, the most overloaded [a, b) gives one linear cut the LP can use, which the
    cumulatives alone do not expose.
    """
    starts = sorted({e for _, e, _, _ in members})
    for a in starts:
        inside = sorted(((due, lit, w) for lit, e, due, w in members if e >= a), key=lambda item: item[0])
        total, best, cut = 0, 0.0, None
        for index, (due, _, w) in enumerate(inside):
            total += w
            if index + 1 < len(inside) and inside[index + 1][0] == due:
                continue
            capacity = capacity_at(a, due)
            if total > capacity and total / max(capacity, 1) > best:
                best, cut = total / max(capacity, 1), (index, capacity)
        if cut is not None:
            index, capacity = cut
            terms = inside[: index + 1]
            d.model.Add(sum(w * lit for _, lit, w in terms) <= capacity)


def energetic_cuts(d: Draft) -> None:
    """Places and officers' attention per station, over spans of the day (redundant)."""
    turnover = d.policy.turnover_minutes
    bays_each = d.policy.bay_handovers_per_officer
    for station in d.scenario.stations:
        opened = [(s, e + turnover) for s, e in station.hours]

        def open_minutes(a: int, b: int, spans=opened) -> int:
            return overlap(spans, a, b)

        rows = []
        for r in d.requests:
            option = next((o for o in d.options[r.id] if o.station == station.id), None)
            if option is None:
                continue
            first, last = option.starts()[0][0], option.starts()[-1][1]
            rows.append((r, option, d.v.at[r.id, station.id], first, last))
        for kind in ("room", "bay"):
            places = len(station.places(kind))
            members = [(at, first, last + d.minutes[r.id] + turnover, d.minutes[r.id] + turnover)
                       for r, option, at, first, last in rows if option.kind == kind]
            if places and members:
                energy(d, members, lambda a, b, p=places: p * open_minutes(a, b))
        officers = d.scenario.officers_at(station.id)
        # In a fixed order (None first): a set's order follows the process's string hashing, so
        # constraints added in it gave another plan in another process, deterministic or not.
        skills = sorted({d.scenario.category(r).skill for r, *_ in rows}, key=lambda s: (s is not None, s or ""))
        for skill in skills:
            # Requests needing `skill` (or any request, for None) against the officers who could take them.
            crew = [o for o in officers if skill is None or skill in o.skills]
            spans = [intersect(merge_ranges(station.hours), [o.on_duty]) for o in crew]

            def attention(a: int, b: int, spans=spans) -> int:
                return bays_each * sum(overlap(group, a, b) for group in spans)

            members = [
                (at, first, last + d.minutes[r.id],
                 d.minutes[r.id] * (bays_each if option.kind == "room" else 1))
                for r, option, at, first, last in rows
                if skill is None or d.scenario.category(r).skill == skill
            ]
            if crew and members:
                energy(d, members, attention)


def identical_officers(d: Draft) -> None:
    """Officers alike in every respect are interchangeable: order their loads."""
    groups = interchangeable_officers(d.scenario)
    for members in groups:
        for first, second in zip(members, members[1:]):
            d.model.Add(d.v.load[first.id] >= d.v.load[second.id])
            d.model.Add(d.v.used[first.id] >= d.v.used[second.id])


def officer_cliques(d: Draft) -> None:
    """Handovers that surely overlap need distinct officers: for each officer, the maximal
    sets of its candidate handovers whose compulsory parts share a moment fit its attention.

    A handover's compulsory part under an officer is what every start that officer allows
    covers, [last start, first start + minutes); on fixed-interval days (one start each) it is
    the whole handover. Summed over officers, these rows give the LP the peak overlap as a
    bound on the officers mobilised, which the per-officer no-overlap constraints hide.
    """
    capacity = d.policy.bay_handovers_per_officer
    spans: dict[str, list[tuple[int, int, tuple]]] = defaultdict(list)
    for r in d.requests:
        demand = capacity if d.scenario.category(r).place == "room" else 1
        for option in d.options[r.id]:
            for officer_id, starts in option.officer_starts.items():
                first, last = starts[0][0], starts[-1][1]
                if last < first + d.minutes[r.id]:
                    spans[officer_id].append((last, first + d.minutes[r.id], (d.v.by[r.id, officer_id], demand)))
    for officer_id, members in spans.items():
        used = d.v.used[officer_id]
        for clique in maximal_cliques(members):
            if sum(demand for _, demand in clique) > capacity:
                d.model.Add(sum(demand * by for by, demand in clique) <= capacity * used)


def skill_cumulatives(d: Draft) -> None:
    """Per station and skill, the handovers needing it share the attention of the officers
    who have it: one redundant cumulative each, off-duty hours as fixed blocks."""
    capacity = d.policy.bay_handovers_per_officer
    m = d.model
    for station in d.scenario.stations:
        officers = d.scenario.officers_at(station.id)
        members: dict[str | None, list] = defaultdict(list)
        for r in d.requests:
            at = d.v.at.get((r.id, station.id))
            if at is None:
                continue
            option = next(o for o in d.options[r.id] if o.station == station.id)
            demand = capacity if option.kind == "room" else 1
            skill = d.scenario.category(r).skill
            for key in dict.fromkeys((None, skill)):  # not a set: its order follows string hashing
                members[key].append((r, at, demand))
        for skill, group in members.items():
            crew = [o for o in officers if skill is None or skill in o.skills]
            if not crew or sum(demand for *_, demand in group) <= capacity * len(crew):
                continue
            if skill is None and len(crew) == 1:
                continue  # the officer's own constraint says it all
            intervals = [m.NewOptionalFixedSizeIntervalVar(d.start(r.id), d.minutes[r.id], at, f"crew[{r.id},{skill}]")
                         for r, at, _ in group]
            demands = [demand for *_, demand in group]
            day = (min(o.on_duty[0] for o in crew), max(o.on_duty[1] for o in crew))
            for o in crew:  # outside its shift an officer's attention is not there to share
                for a, b in ((day[0] - 1440, o.on_duty[0]), (o.on_duty[1], day[1] + 1440)):
                    if b > a:
                        intervals.append(m.NewIntervalVar(a, b - a, b, f"off[{o.id}]"))
                        demands.append(capacity)
            m.AddCumulative(intervals, demands, capacity * len(crew))
