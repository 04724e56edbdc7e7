"""Rules across entities: every reference resolves, ids are unique, locks hold.

One place checks the whole scenario so that each message can name the file,
the entry and the field at fault. Locks are checked alone (every rule that
concerns one request) and together (pairs or groups that break a rule).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ..core.i18n import _
from ..core.problems import Problem, shown
from ..core.times import contains, format_range, format_time
from .origins import Origins
from .schema import Request, Scenario


def check_references(scenario: Scenario, origins: Origins | None = None) -> list[Problem]:
    origins = origins or Origins(scenario_file="<scenario>")
    problems: list[Problem] = []
    problems += _places_unique(scenario, origins)
    problems += _officer_stations(scenario, origins)
    problems += _request_references(scenario, origins)
    if not problems:
        problems += _locks_alone(scenario, origins)
    if not problems:
        problems += _locks_together(scenario, origins)
    return problems


def _places_unique(scenario: Scenario, origins: Origins) -> list[Problem]:
    problems = []
    owner: dict[str, str] = {}
    for station in scenario.stations:
        for kind in ("rooms", "bays"):
            for index, place in enumerate(getattr(station, kind)):
                if place.id in owner:
                    problems.append(origins.problem(
                        "stations", station.id, f"{kind}[{index}]",
                        _("place id {place} is already used at station {station}").format(
                            place=shown(place.id), station=shown(owner[place.id]))
                        if owner[place.id] != station.id else
                        _("place id {place} is listed twice").format(place=shown(place.id)),
                    ))
                else:
                    owner[place.id] = station.id
    return problems


def _officer_stations(scenario: Scenario, origins: Origins) -> list[Problem]:
    return [
        origins.problem("officers", o.id, "station", _("unknown station {station}").format(station=shown(o.station)))
        for o in scenario.officers
        if o.station not in scenario.station_by_id
    ]


def _request_references(scenario: Scenario, origins: Origins) -> list[Problem]:
    problems = []
    categories = scenario.policy.categories
    for request in scenario.requests:
        if request.category not in categories:
            known = ", ".join(sorted(categories)) or _("none defined")
            problems.append(origins.problem(
                "requests", request.id, "category",
                _("unknown category {category} (known: {known})").format(category=shown(request.category), known=known)))
        for index, station in enumerate(request.stations):
            if station not in scenario.station_by_id:
                problems.append(origins.problem("requests", request.id, f"stations[{index}]",
                                                _("unknown station {station}").format(station=shown(station))))
    return problems


def lock_problems(scenario: Scenario, request: Request) -> list[tuple[str, str]]:
    """Every rule that a lock breaks on its own, as (field, message)."""
    lock = request.locked
    assert lock is not None
    out: list[tuple[str, str]] = []
    category = scenario.category(request)
    if category.forbidden is not None:
        return [("category", _("a locked request cannot be of forbidden category {category} ({reason})").format(
            category=shown(request.category), reason=category.forbidden))]
    station = scenario.station_by_id.get(lock.station)
    if station is None:
        return [("locked.station", _("unknown or removed station {station}").format(station=shown(lock.station)))]
    if lock.station not in request.stations:
        out.append(("locked.station", _("station {station} is not one of the request's stations").format(
            station=shown(lock.station))))
    place = scenario.place_index.get(lock.place) if lock.place is not None else None
    if lock.place is None:
        if not station.places(category.place):
            out.append(("locked.station", (_("station {station} has no room") if category.place == "room" else
                                           _("station {station} has no bay")).format(station=shown(lock.station))))
    elif place is None:
        out.append(("locked.place", _("unknown or removed place {place}").format(place=shown(lock.place))))
    elif place[0] != lock.station:
        out.append(("locked.place", _("place {place} is at station {station}, not {locked}").format(
            place=shown(lock.place), station=shown(place[0]), locked=shown(lock.station))))
    elif place[1] != category.place:
        out.append(("locked.place", (_("place {place} is a bay, category {category} needs a room") if category.place == "room"
                                     else _("place {place} is a room, category {category} needs a bay")).format(
            place=shown(lock.place), category=shown(request.category))))
    officer = scenario.officer_by_id.get(lock.officer) if lock.officer is not None else None
    minutes = scenario.minutes(request)
    start, end = lock.start, lock.start + minutes
    span = f"{format_time(start)}-{format_time(end)}" if end <= 1440 else f"{format_time(start)}+{minutes}min"
    if lock.officer is None:
        able = [o for o in scenario.officers_at(lock.station)
                if (not category.skill or category.skill in o.skills) and contains([o.on_duty], start, end)
                and minutes <= scenario.supervision_cap(o)]
        if not able:
            out.append(("locked.start", (_("no officer at {station} with skill {skill} can supervise {span}").format(
                station=shown(lock.station), skill=shown(category.skill), span=span) if category.skill else
                _("no officer at {station} can supervise {span}").format(station=shown(lock.station), span=span))))
    elif officer is None:
        out.append(("locked.officer", _("unknown or removed officer {officer}").format(officer=shown(lock.officer))))
    else:
        if officer.station != lock.station:
            out.append(("locked.officer", _("officer {officer} is rostered at {station}, not {locked}").format(
                officer=shown(officer.id), station=shown(officer.station), locked=shown(lock.station))))
        if category.skill and category.skill not in officer.skills:
            out.append(("locked.officer", _("officer {officer} lacks skill {skill}").format(
                officer=shown(officer.id), skill=shown(category.skill))))
        if not contains([officer.on_duty], start, end):
            out.append(("locked.start", _("{span} is outside the shift of officer {officer} ({shift})").format(
                span=span, officer=shown(officer.id), shift=format_range(officer.on_duty))))
        if minutes > scenario.supervision_cap(officer):
            out.append(("locked.officer", _("{minutes} minutes exceed the cap of officer {officer} ({cap})").format(
                minutes=minutes, officer=shown(officer.id), cap=scenario.supervision_cap(officer))))
    if start % scenario.policy.slot_minutes:
        out.append(("locked.start", _("{start} is not on the {slot}-minute grid").format(
            start=format_time(start), slot=scenario.policy.slot_minutes)))
    if not contains(request.windows, start, end):
        out.append(("locked.start", _("{span} is outside the request's windows").format(span=span)))
    if not contains(station.hours, start, end):
        out.append(("locked.start", _("{span} is outside the hours of {station}").format(span=span, station=shown(station.id))))
    if category.place == "room" and station.max_visitors is not None and request.party_size > station.max_visitors:
        out.append(("party_size", _("a party of {size} exceeds max_visitors {cap} at {station}").format(
            size=request.party_size, cap=station.max_visitors, station=shown(station.id))))
    return out


def _locks_alone(scenario: Scenario, origins: Origins) -> list[Problem]:
    problems = []
    for request in scenario.requests:
        if request.locked is not None:
            for field_name, message in lock_problems(scenario, request):
                problems.append(origins.problem("requests", request.id, field_name, message))
    return problems


def _locks_together(scenario: Scenario, origins: Origins) -> list[Problem]:
    """Locked requests that break a rule together, named pairwise or as a group."""
    policy = scenario.policy
    locked = [r for r in scenario.requests if r.locked is not None]
    span = {r.id: (r.locked.start, r.locked.start + scenario.minutes(r)) for r in locked}
    kind = {r.id: scenario.category(r).place for r in locked}
    problems: list[Problem] = []

    def together(ids: list[str], message: str, **values) -> None:
        """`message` names the requests as {names}."""
        names = ", ".join(shown(i) for i in ids)
        problems.append(origins.problem("requests", ids[0], "locked", message.format(names=names, **values)))

    for a, b in combinations(locked, 2):
        (sa, ea), (sb, eb) = span[a.id], span[b.id]
        if a.locked.place is not None and a.locked.place == b.locked.place \
                and sa < eb + policy.turnover_minutes and sb < ea + policy.turnover_minutes:
            together([a.id, b.id], _("locked requests {names} overlap on place {place} (turnover included)"),
                     place=shown(a.locked.place))
        if a.locked.officer is not None and a.locked.officer == b.locked.officer \
                and sa < eb and sb < ea and "room" in (kind[a.id], kind[b.id]):
            together([a.id, b.id], _("locked requests {names} overlap for officer {officer} during a room handover"),
                     officer=shown(a.locked.officer))
        people = {a.seller, a.buyer} & {b.seller, b.buyer}
        for person in sorted(people):  # named by role: party ids may be personal data
            gap = 0 if a.locked.station == b.locked.station else policy.party_travel_minutes
            if sa < eb + gap and sb < ea + gap:
                message = (_("locked requests {names} overlap for a party of both (the {roles} of {first})")
                           if sa < eb and sb < ea else
                           _("locked requests {names} leave less than {gap} minutes of travel to a party of both "
                             "(the {roles} of {first})"))
                roles = "/".join(role for role, who in ((_("seller"), a.seller), (_("buyer"), a.buyer)) if who == person)
                together([a.id, b.id], message, gap=gap, roles=roles, first=shown(a.id))

    by_officer: dict[str, list[Request]] = defaultdict(list)
    by_station: dict[str, list[Request]] = defaultdict(list)
    for r in locked:
        if r.locked.officer is not None:
            by_officer[r.locked.officer].append(r)
        by_station[r.locked.station].append(r)
    for officer_id, requests in by_officer.items():
        officer = scenario.officer_by_id[officer_id]
        ids = [r.id for r in requests]
        minutes = sum(scenario.minutes(r) for r in requests)
        if minutes > scenario.supervision_cap(officer):
            together(ids, _("locked requests {names} give officer {officer} {minutes} supervised minutes, over the cap "
                            "of {cap}"), officer=shown(officer_id), minutes=minutes, cap=scenario.supervision_cap(officer))
        if officer.max_handovers is not None and len(requests) > officer.max_handovers:
            together(ids, _("locked requests {names} give officer {officer} {count} handovers, over max_handovers {most}"),
                     officer=shown(officer_id), count=len(requests), most=officer.max_handovers)
        bays = [r for r in requests if kind[r.id] == "bay"]
        for t in sorted({span[r.id][0] for r in bays}):
            watching = [r.id for r in bays if span[r.id][0] <= t < span[r.id][1]]
            if len(watching) > policy.bay_handovers_per_officer:
                together(watching, _("locked requests {names} make officer {officer} watch {count} bays at once at "
                                     "{time} (limit {most})"), officer=shown(officer_id), count=len(watching),
                         time=format_time(t), most=policy.bay_handovers_per_officer)
                break
    for station_id, requests in by_station.items():
        cap = scenario.station_by_id[station_id].max_visitors
        rooms = [r for r in requests if kind[r.id] == "room"]
        if cap is None:
            continue
        for t in sorted({span[r.id][0] for r in rooms}):
            inside = [r for r in rooms if span[r.id][0] <= t < span[r.id][1]]
            if sum(r.party_size for r in inside) > cap:
                together([r.id for r in inside], _("locked requests {names} bring {count} visitors into {station} at "
                                                   "{time} (max_visitors {most})"),
                         count=sum(r.party_size for r in inside), station=shown(station_id), time=format_time(t), most=cap)
                break
    return problems
