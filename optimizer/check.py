"""The independent checker: a plan against its scenario, trusting nothing in the plan.

It knows nothing of the model or of screening: it reads the validated scenario
and the plan rows, and checks every hard rule of the contract with one small
function per rule family, then recomputes the objective levels from the rows.
Facts that belong to the request (category, parties, duration) are always
taken from the scenario; a row that states them differently is a violation,
and the rules are checked with the scenario's values. Each violation is one
sentence, in the current language (`core/i18n.py`), that names the request,
officer, place, station or person at fault.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from .core.codes import POLICY_LEVELS, Reason
from .core.i18n import N_, _, ngettext
from .core.sentences import detail
from .core.times import DAY_END, Range, contains, format_time, merge_ranges
from .plan.rows import Handover, Plan
from .scenario.schema import Category, Request, Scenario

FORBIDDEN, NO_SLOT, CAPACITY = Reason.FORBIDDEN_ITEM, Reason.NO_FEASIBLE_SLOT, Reason.CAPACITY
REASONS = tuple(Reason)


@dataclass
class CheckReport:
    violations: list[str] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)  # served, officers, balance, preference

    @property
    def ok(self) -> bool:
        return not self.violations

    def __str__(self) -> str:
        if self.ok:
            return "plan is valid"
        return "\n".join(self.violations)


@dataclass(frozen=True)
class _Booked:
    """A planned row of a known, runnable request, with the scenario's facts about it."""

    handover: Handover
    request: Request
    category: Category
    start: int
    end: int  # start + the scenario's minutes, whatever the row says

    @property
    def rid(self) -> str:
        return self.request.id

    @property
    def kind(self) -> str:
        return self.category.place  # type: ignore[return-value]

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def describe(self) -> str:
        return _("request '{rid}' ({span})").format(rid=self.rid, span=_span(self.start, self.end))


# --------------------------------------------------------------------------- text


def _t(minutes: int) -> str:
    """`HH:MM`, or the raw minute count when a plan built in code is outside the day."""
    return format_time(minutes) if 0 <= minutes <= DAY_END else _("minute {minutes}").format(minutes=minutes)


def _span(start: int, end: int) -> str:
    return f"{_t(start)}-{_t(end)}"


def _spans(ranges: list[Range]) -> str:
    return ", ".join(_span(s, e) for s, e in ranges)


def _ids(ids: list[str]) -> str:
    """Ids listed in a sentence, each quoted as the language quotes an id (`repr` where it must escape)."""
    return ", ".join(_("'{id}'").format(id=i) if repr(i) == f"'{i}'" else repr(i) for i in ids)


# --------------------------------------------------------------------------- facts


def _runnable(scenario: Scenario, request: Request) -> Category | None:
    """The request's category if it can be run at all (known and not forbidden)."""
    category = scenario.policy.categories.get(request.category)
    if category is None or category.forbidden is not None:
        return None
    return category


def _duration(request: Request, category: Category) -> int:
    return request.minutes if request.minutes is not None else category.minutes  # type: ignore[return-value]


def _booked(scenario: Scenario, plan: Plan) -> list[_Booked]:
    """Rows the time rules can reason about: known, runnable requests, first row of each."""
    out: list[_Booked] = []
    seen: set[str] = set()
    for h in plan.handovers:
        request = scenario.request_by_id.get(h.request_id)
        if request is None or h.request_id in seen:
            continue
        category = _runnable(scenario, request)
        if category is None:
            continue
        seen.add(h.request_id)
        out.append(_Booked(h, request, category, h.start, h.start + _duration(request, category)))
    return out


def _fits_alone(scenario: Scenario, request: Request) -> bool:
    """Brute force: could this request be planned if it were the only one of the day?

    Every start on the grid inside the request's windows is tried against the station's hours,
    then each officer's duty (28 s for the unserved requests of a national day when every start
    of the day met every officer of the roster).
    """
    category = _runnable(scenario, request)
    if category is None:
        return False
    minutes = _duration(request, category)
    slot = scenario.policy.slot_minutes
    windows = merge_ranges(request.windows)
    wanted = [t for start, end in windows  # the grid's starts inside one window (merged: disjoint)
              for t in range(max(0, -(-start // slot) * slot), min(end, DAY_END) - minutes + 1, slot)]
    for station_id in request.stations:
        station = scenario.station_by_id.get(station_id)
        if station is None or not station.places(category.place):  # type: ignore[arg-type]
            continue
        if category.place == "room" and station.max_visitors is not None and request.party_size > station.max_visitors:
            continue
        hours = merge_ranges(station.hours)
        open_starts = [t for t in wanted if contains(hours, t, t + minutes)]
        for officer in scenario.officers_at(station_id):  # not the whole roster: 28 s for a national day
            if category.skill and category.skill not in officer.skills:
                continue
            if scenario.supervision_cap(officer) < minutes:
                continue
            if officer.max_handovers is not None and officer.max_handovers < 1:
                continue
            if any(contains([officer.on_duty], t, t + minutes) for t in open_starts):
                return True
    return False


# --------------------------------------------------------------------------- rules


def _accounting(scenario: Scenario, plan: Plan, out: list[str]) -> None:
    """Every request of the scenario appears exactly once, in the plan or among the unserved."""
    planned: dict[str, int] = defaultdict(int)
    unserved: dict[str, int] = defaultdict(int)
    for h in plan.handovers:
        planned[h.request_id] += 1
    for u in plan.unserved:
        unserved[u.request_id] += 1
    for rid, count in planned.items():
        if rid not in scenario.request_by_id:
            out.append(_("Planned request '{rid}' is not a request of the scenario.").format(rid=rid))
        if count > 1:
            out.append(ngettext("Request '{rid}' is planned {count} time.",
                                "Request '{rid}' is planned {count} times.", count).format(rid=rid, count=count))
    for rid, count in unserved.items():
        if rid not in scenario.request_by_id:
            out.append(_("Unserved request '{rid}' is not a request of the scenario.").format(rid=rid))
        if count > 1:
            out.append(ngettext("Request '{rid}' is listed {count} time as unserved.",
                                "Request '{rid}' is listed {count} times as unserved.", count).format(
                rid=rid, count=count))
        if rid in planned:
            out.append(_("Request '{rid}' is both planned and listed as unserved.").format(rid=rid))
    for request in scenario.requests:
        if request.id not in planned and request.id not in unserved:
            out.append(_("Request '{rid}' is neither planned nor listed as unserved.").format(rid=request.id))


def _differs(out: list[str], rid: str, message: str, stated: object, actual: object) -> None:
    """One field of a planned row against what the scenario (or a lock) says it must be."""
    if stated != actual:
        out.append(_(message).format(rid=rid, stated=stated, actual=actual))


def _fidelity(scenario: Scenario, plan: Plan, out: list[str]) -> None:
    """A planned row repeats the scenario's category, seller and buyer, and ends after the request's minutes."""
    for h in plan.handovers:
        request = scenario.request_by_id.get(h.request_id)
        if request is None:
            continue
        for message, stated, actual in (
            (N_("Request '{rid}' is planned with category '{stated}', but the scenario says '{actual}'."),
             h.category, request.category),
            (N_("Request '{rid}' is planned with seller '{stated}', but the scenario says '{actual}'."),
             h.seller, request.seller),
            (N_("Request '{rid}' is planned with buyer '{stated}', but the scenario says '{actual}'."),
             h.buyer, request.buyer),
        ):
            _differs(out, request.id, message, stated, actual)
        category = _runnable(scenario, request)
        if category is None:
            continue
        minutes = _duration(request, category)
        if h.end != h.start + minutes:
            out.append(
                _("Request '{rid}' is planned {span}, but a {minutes}-minute handover starting at {start}"
                  " ends at {end}.").format(rid=request.id, span=_span(h.start, h.end), minutes=minutes,
                                            start=_t(h.start), end=_t(h.start + minutes))
            )


def _forbidden(scenario: Scenario, plan: Plan, out: list[str]) -> None:
    """Rule 1 and reasons: forbidden requests are never planned and are the only `forbidden_item`s."""
    for h in plan.handovers:
        request = scenario.request_by_id.get(h.request_id)
        if request is None:
            continue
        category = scenario.policy.categories.get(request.category)
        if category is None:
            out.append(_("Request '{rid}' is planned, but its category '{category}' is not defined.").format(
                rid=request.id, category=request.category))
        elif category.forbidden is not None:
            out.append(
                _("Request '{rid}' is planned, but its category '{category}' is forbidden ({charter}).").format(
                    rid=request.id, category=request.category, charter=category.forbidden)
            )
    for u in plan.unserved:
        request = scenario.request_by_id.get(u.request_id)
        if u.reason not in REASONS:
            out.append(_("Unserved request '{rid}' has reason '{reason}', not one of {reasons}.").format(
                rid=u.request_id, reason=u.reason, reasons=", ".join(REASONS)))
        if request is None:
            continue
        category = scenario.policy.categories.get(request.category)
        charter = category.forbidden if category is not None else None
        if charter is not None and u.reason != FORBIDDEN:
            out.append(
                _("Request '{rid}' of forbidden category '{category}' is unserved with reason '{reason}'"
                  " instead of '{expected}'.").format(rid=request.id, category=request.category, reason=u.reason,
                                                      expected=FORBIDDEN)
            )
        elif charter is not None and not any(f.mentions(charter) for f in u.findings):
            out.append(
                _("Request '{rid}' is unserved as '{reason}', but its detail '{detail}' does not quote the"
                  " charter's reason '{charter}'.").format(rid=request.id, reason=FORBIDDEN,
                                                           detail=detail(u.findings), charter=charter)
            )
        elif charter is None and u.reason == FORBIDDEN:
            out.append(_("Request '{rid}' is unserved as '{reason}', but its category '{category}' is allowed.").format(
                rid=request.id, reason=FORBIDDEN, category=request.category))


def _screening(scenario: Scenario, plan: Plan, out: list[str]) -> None:
    """`no_feasible_slot` only for requests that could not be planned even alone; `capacity` only for those that could."""
    for u in plan.unserved:
        request = scenario.request_by_id.get(u.request_id)
        if request is None or _runnable(scenario, request) is None or u.reason not in (NO_SLOT, CAPACITY):
            continue
        fits = _fits_alone(scenario, request)
        if u.reason == NO_SLOT and fits:
            out.append(
                _("Request '{rid}' is unserved as '{reason}', but it could be planned if it were the only request"
                  " of the day.").format(rid=request.id, reason=NO_SLOT)
            )
        elif u.reason == CAPACITY and not fits:
            out.append(
                _("Request '{rid}' is unserved as '{reason}', but it could not be planned even alone"
                  " (it is '{expected}').").format(rid=request.id, reason=CAPACITY, expected=NO_SLOT)
            )


def _assignment(scenario: Scenario, booked: list[_Booked], out: list[str]) -> None:
    """Rule 2: an acceptable station, a place of the right kind there, a rostered skilled officer, a grid start."""
    slot = scenario.policy.slot_minutes
    for b in booked:
        h = b.handover
        if h.station not in b.request.stations:
            out.append(
                _("Request '{rid}' is planned at station '{station}', which is not among its stations"
                  " ({stations}).").format(rid=b.rid, station=h.station, stations=", ".join(b.request.stations))
            )
        if h.station not in scenario.station_by_id:
            out.append(_("Request '{rid}' is planned at unknown station '{station}'.").format(
                rid=b.rid, station=h.station))
        place = scenario.place_index.get(h.place)
        if place is None:
            out.append(_("Request '{rid}' is planned in unknown place '{place}'.").format(rid=b.rid, place=h.place))
        else:
            place_station, kind = place
            if place_station != h.station:
                out.append(
                    _("Request '{rid}' uses place '{place}', which is at station '{place_station}', not"
                      " '{station}'.").format(rid=b.rid, place=h.place, place_station=place_station,
                                              station=h.station)
                )
            if kind != b.kind:  # one of the two kinds for the other
                if kind == "room":
                    message = _("Request '{rid}' uses place '{place}', a room, but category '{category}' needs a bay.")
                else:
                    message = _("Request '{rid}' uses place '{place}', a bay, but category '{category}' needs a room.")
                out.append(message.format(rid=b.rid, place=h.place, category=b.request.category))
        officer = scenario.officer_by_id.get(h.officer)
        if officer is None:
            out.append(_("Request '{rid}' is supervised by unknown officer '{officer}'.").format(
                rid=b.rid, officer=h.officer))
        else:
            if officer.station != h.station:
                out.append(
                    _("Request '{rid}' is supervised by officer '{officer}', who is rostered at '{officer_station}',"
                      " not '{station}'.").format(rid=b.rid, officer=officer.id, officer_station=officer.station,
                                                  station=h.station)
                )
            skill = b.category.skill
            if skill and skill not in officer.skills:
                out.append(
                    _("Request '{rid}' is supervised by officer '{officer}', who lacks skill '{skill}' needed by"
                      " category '{category}'.").format(rid=b.rid, officer=officer.id, skill=skill,
                                                         category=b.request.category)
                )
        if b.start % slot != 0:
            out.append(_("Request '{rid}' starts at {start}, off the {slot}-minute grid.").format(
                rid=b.rid, start=_t(b.start), slot=slot))


def _timing(scenario: Scenario, booked: list[_Booked], out: list[str]) -> None:
    """Rule 3: `[start, end)` lies inside one window, one range of the station's hours and the officer's shift."""
    for b in booked:
        windows = merge_ranges(b.request.windows)
        if not contains(windows, b.start, b.end):
            out.append(_("Request '{rid}' at {span} is outside its windows ({windows}).").format(
                rid=b.rid, span=_span(b.start, b.end), windows=_spans(windows)))
        station = scenario.station_by_id.get(b.handover.station)
        if station is not None:
            hours = merge_ranges(station.hours)
            if not contains(hours, b.start, b.end):
                out.append(
                    _("Request '{rid}' at {span} is outside the hours of station '{station}' ({hours}).").format(
                        rid=b.rid, span=_span(b.start, b.end), station=station.id, hours=_spans(hours))
                )
        officer = scenario.officer_by_id.get(b.handover.officer)
        if officer is not None and not contains([officer.on_duty], b.start, b.end):
            out.append(
                _("Request '{rid}' at {span} is outside the shift of officer '{officer}' (on duty {duty}).").format(
                    rid=b.rid, span=_span(b.start, b.end), officer=officer.id, duty=_span(*officer.on_duty))
            )


def _places(scenario: Scenario, booked: list[_Booked], out: list[str]) -> None:
    """Rule 4, places: the blocks `[start, end + turnover)` of one place never overlap."""
    turnover = scenario.policy.turnover_minutes
    by_place: dict[str, list[_Booked]] = defaultdict(list)
    for b in booked:
        by_place[b.handover.place].append(b)
    for place, items in by_place.items():
        for a, b in combinations(sorted(items, key=lambda x: (x.start, x.rid)), 2):
            if a.start < b.end + turnover and b.start < a.end + turnover:
                out.append(
                    _("Place '{place}' is double-booked: request '{first}' blocks it {first_span} and request"
                      " '{second}' blocks it {second_span} (turnover included).").format(
                        place=place, first=a.rid, first_span=_span(a.start, a.end + turnover),
                        second=b.rid, second_span=_span(b.start, b.end + turnover))
                )


def _officer_attention(scenario: Scenario, booked: list[_Booked], out: list[str]) -> None:
    """Rule 4, officers: a room handover has the officer alone; bay handovers at once stay within the limit."""
    limit = scenario.policy.bay_handovers_per_officer
    by_officer: dict[str, list[_Booked]] = defaultdict(list)
    for b in booked:
        by_officer[b.handover.officer].append(b)
    for officer, items in by_officer.items():
        items = sorted(items, key=lambda x: (x.start, x.rid))
        for a, b in combinations(items, 2):
            if "room" in (a.kind, b.kind) and a.start < b.end and b.start < a.end:
                out.append(
                    _("Officer '{officer}' supervises {first} and {second} at once, but a room handover takes the"
                      " officer's whole attention.").format(officer=officer, first=a.describe(), second=b.describe())
                )
        bays = [b for b in items if b.kind == "bay"]
        for t in sorted({b.start for b in bays}):
            watching = [b for b in bays if b.start <= t < b.end]
            if len(watching) > limit:
                out.append(
                    ngettext("Officer '{officer}' watches {count} bay handover at once at {time} ({requests}),"
                             " over the limit of {limit}.",
                             "Officer '{officer}' watches {count} bay handovers at once at {time} ({requests}),"
                             " over the limit of {limit}.", len(watching)).format(
                        officer=officer, count=len(watching), time=_t(t),
                        requests=_ids([b.rid for b in watching]), limit=limit)
                )


def _officer_caps(scenario: Scenario, booked: list[_Booked], out: list[str]) -> None:
    """Rule 5: each officer's supervised minutes and handover count stay within their caps."""
    by_officer: dict[str, list[_Booked]] = defaultdict(list)
    for b in booked:
        by_officer[b.handover.officer].append(b)
    for officer_id, items in by_officer.items():
        officer = scenario.officer_by_id.get(officer_id)
        if officer is None:
            continue
        minutes = sum(b.minutes for b in items)
        cap = scenario.supervision_cap(officer)
        if minutes > cap:
            out.append(_("Officer '{officer}' supervises {minutes} minutes, over the cap of {cap}.").format(
                officer=officer_id, minutes=minutes, cap=cap))
        if officer.max_handovers is not None and len(items) > officer.max_handovers:
            out.append(
                ngettext("Officer '{officer}' supervises {count} handover, over max_handovers {max_handovers}.",
                         "Officer '{officer}' supervises {count} handovers, over max_handovers {max_handovers}.",
                         len(items)).format(officer=officer_id, count=len(items),
                                            max_handovers=officer.max_handovers)
            )


def _visitors(scenario: Scenario, booked: list[_Booked], out: list[str]) -> None:
    """Rule 6: the parties of room handovers in progress at a station never exceed its max_visitors."""
    by_station: dict[str, list[_Booked]] = defaultdict(list)
    for b in booked:
        if b.kind == "room":
            by_station[b.handover.station].append(b)
    for station_id, items in by_station.items():
        station = scenario.station_by_id.get(station_id)
        if station is None or station.max_visitors is None:
            continue
        for t in sorted({b.start for b in items}):
            inside = sorted((b for b in items if b.start <= t < b.end), key=lambda x: x.rid)
            people = sum(b.request.party_size for b in inside)
            if people > station.max_visitors:
                out.append(
                    ngettext("Station '{station}' has {count} visitor inside at {time} ({requests}),"
                             " over max_visitors {max_visitors}.",
                             "Station '{station}' has {count} visitors inside at {time} ({requests}),"
                             " over max_visitors {max_visitors}.", people).format(
                        station=station_id, count=people, time=_t(t), requests=_ids([b.rid for b in inside]),
                        max_visitors=station.max_visitors)
                )


def _people(scenario: Scenario, booked: list[_Booked], out: list[str]) -> None:
    """Rule 7: a person is never in two handovers at once, and has the travel gap between stations."""
    gap = scenario.policy.party_travel_minutes
    by_person: dict[str, list[_Booked]] = defaultdict(list)
    for b in booked:
        for person in dict.fromkeys((b.request.seller, b.request.buyer)):
            by_person[person].append(b)
    for person, items in sorted(by_person.items()):
        for a, b in combinations(sorted(items, key=lambda x: (x.start, x.rid)), 2):
            # Named by role and request: party ids may be personal data (see the README).
            who = _who(a, b, person)
            if a.start < b.end and b.start < a.end:
                out.append(_("{who} is in both at once.").format(who=who))
            elif a.handover.station != b.handover.station and a.start < b.end + gap and b.start < a.end + gap:
                out.append(
                    _("{who} has less than {gap} minutes of travel between '{first_station}' and"
                      " '{second_station}'.").format(who=who, gap=gap, first_station=a.handover.station,
                                                     second_station=b.handover.station)
                )


def _role(request: Request, person: str) -> str:
    return "seller" if person == request.seller else "buyer"


# A person by their role in each of two requests (a whole phrase each: French articles and elisions differ).
_WHO = {
    ("seller", "seller"): N_("The seller of {first}, also seller of {second},"),
    ("seller", "buyer"): N_("The seller of {first}, also buyer of {second},"),
    ("buyer", "seller"): N_("The buyer of {first}, also seller of {second},"),
    ("buyer", "buyer"): N_("The buyer of {first}, also buyer of {second},"),
}


def _who(a: _Booked, b: _Booked, person: str) -> str:
    """The subject of a sentence about `person`, ended by a comma."""
    message = _WHO[_role(a.request, person), _role(b.request, person)]
    return _(message).format(first=a.describe(), second=b.describe())


def _locks(scenario: Scenario, plan: Plan, out: list[str]) -> None:
    """Rule 8: a locked request is planned exactly as locked (a partial lock: its station and start)."""
    rows: dict[str, list[Handover]] = defaultdict(list)
    for h in plan.handovers:
        rows[h.request_id].append(h)
    for request in scenario.requests:
        lock = request.locked
        if lock is None:
            continue
        if not rows[request.id]:
            if lock.place is not None and lock.officer is not None:
                message = _("Locked request '{rid}' is not planned; it is locked at '{station}', place '{place}',"
                            " officer '{officer}', {start}.")
            elif lock.place is not None:
                message = _("Locked request '{rid}' is not planned; it is locked at '{station}', place '{place}',"
                            " {start}.")
            elif lock.officer is not None:
                message = _("Locked request '{rid}' is not planned; it is locked at '{station}', officer '{officer}',"
                            " {start}.")
            else:
                message = _("Locked request '{rid}' is not planned; it is locked at '{station}', {start}.")
            out.append(message.format(rid=request.id, station=lock.station, place=lock.place, officer=lock.officer,
                                      start=_t(lock.start)))
            continue
        for h in rows[request.id]:
            for message, planned, locked in (
                (N_("Locked request '{rid}' is planned with station '{stated}', but is locked to '{actual}'."),
                 h.station, lock.station),
                (N_("Locked request '{rid}' is planned with place '{stated}', but is locked to '{actual}'."),
                 h.place, lock.place),
                (N_("Locked request '{rid}' is planned with officer '{stated}', but is locked to '{actual}'."),
                 h.officer, lock.officer),
                (N_("Locked request '{rid}' is planned with start '{stated}', but is locked to '{actual}'."),
                 _t(h.start), _t(lock.start)),
            ):
                if locked is not None:
                    _differs(out, request.id, message, planned, locked)


def _levels(scenario: Scenario, booked: list[_Booked]) -> dict[str, int]:
    """The objective levels recomputed from the rows, in the contract's order."""
    minutes: dict[str, int] = defaultdict(int)
    for b in booked:
        minutes[b.handover.officer] += b.minutes
    values = {
        "served": sum(b.request.priority for b in booked),
        "officers": len(minutes),
        "balance": max(minutes.values(), default=0),
        "preference": sum(
            b.request.stations.index(b.handover.station) for b in booked if b.handover.station in b.request.stations
        ),
    }
    return {level: values[level] for level in POLICY_LEVELS}


def check_plan(scenario: Scenario, plan: Plan) -> CheckReport:
    """Every hard rule of the contract, and the objective levels, recomputed from the plan rows."""
    out: list[str] = []
    booked = _booked(scenario, plan)
    _accounting(scenario, plan, out)
    _fidelity(scenario, plan, out)
    _forbidden(scenario, plan, out)
    _screening(scenario, plan, out)
    _assignment(scenario, booked, out)
    _timing(scenario, booked, out)
    _places(scenario, booked, out)
    _officer_attention(scenario, booked, out)
    _officer_caps(scenario, booked, out)
    _visitors(scenario, booked, out)
    _people(scenario, booked, out)
    _locks(scenario, plan, out)
    return CheckReport(out, _levels(scenario, booked))
