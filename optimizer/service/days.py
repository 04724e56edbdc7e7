"""Days in the database: opened from a scenario, written back as one, and the promises they hold.

A day row holds what a scenario says of the day (policy, stations, places, officers) and
its requests: the scenario's own, and those the platform took (bookings and pending
requests). `export_day` turns it back into a validated `Scenario`, so every command of
remise (plan, check, report, replan, compare) works on what the platform holds: a
booking becomes a request with a partial lock on its station and start.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core.findings import Finding, as_json
from ..core.i18n import _, ngettext
from ..core.problems import InputError, ScenarioError
from ..core.times import format_range, format_time
from ..plan.rows import Handover, Plan, Unserved
from ..scenario.references import check_references
from ..scenario.schema import Request as ScenarioRequest
from ..scenario.schema import Scenario
from ..screening import screen
from ..solvers.locks import locked_plan
from .db.tables import ID, Day, Officer, PlanRun, Request, Slot, Station

PENDING, CONFIRMED, CANCELLED = "pending", "confirmed", "cancelled"
FROM_SCENARIO, BOOKING, REQUEST = "scenario", "booking", "request"


def now() -> datetime:
    return datetime.now(timezone.utc)


def find_day(session: Session, day: date, *, lock: bool = False) -> Day | None:
    """The day; with `lock`, its row locked and read afresh (its version is what later writes bump:
    a copy read before the lock would bump a stale number)."""
    query = select(Day).where(Day.date == day)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def open_day(session: Session, day: date, *, lock: bool = False) -> Day:
    """The day, if it is open for bookings; InputError otherwise. With `lock`, its row is
    locked until the transaction ends (PostgreSQL; a SQLite write holds the whole file)."""
    found = find_day(session, day, lock=lock)
    if found is None or not found.open:
        raise DayNotOpen(day)
    return found


class DayNotOpen(InputError):
    def __init__(self, day: date):
        self.day = day
        super().__init__(f"{day.isoformat()} is not open for booking")


def _check_lengths(scenario: Scenario) -> None:
    """Ids are kept in columns of ID characters: longer ones are refused, not cut."""
    ids = [("station", s.id) for s in scenario.stations] + [("officer", o.id) for o in scenario.officers]
    ids += [("place", p) for p in scenario.place_index]
    ids += [(what, value) for r in scenario.requests
            for what, value in (("request", r.id), ("seller", r.seller), ("buyer", r.buyer), ("category", r.category))]
    long = [f"{what} '{value[:40]}…'" for what, value in ids if len(value) > ID]
    if long:
        raise InputError(_("ids of more than {limit} characters cannot be kept in the database: {ids}").format(
            limit=ID, ids=", ".join(long[:5])))


def _request_row(day: Day, scenario: Scenario, request) -> Request:
    lock = request.locked
    return Request(
        day_id=day.id, request_id=request.id, origin=FROM_SCENARIO,
        status=CONFIRMED if lock is not None else PENDING,
        category=request.category, stations=list(request.stations),
        windows=[format_range(w) for w in request.windows], seller=request.seller, buyer=request.buyer,
        priority=request.priority, minutes=request.minutes, party_size=request.party_size,
        submitted=request.submitted, created_at=now(), changed=day.version,
        lock_station=lock.station if lock else None, lock_start=lock.start if lock else None,
        lock_place=lock.place if lock else None, lock_officer=lock.officer if lock else None,
    )


def load_day(session: Session, scenario: Scenario) -> tuple[Day, bool]:
    """Open the scenario's day, or update it; returns the day and whether it was new.

    Stations, places, officers and policy are replaced by the scenario's; so are the
    requests that came from a scenario. Requests the platform took stay, and the day
    must still keep every confirmed booking: an update that would break one is refused.
    """
    _check_lengths(scenario)
    day = find_day(session, scenario.date, lock=True)
    created = day is None
    if created:
        day = Day(date=scenario.date, name=scenario.name, policy={}, open=True, version=0, loaded_at=now())
        session.add(day)
        session.flush()
    day.name = scenario.name
    day.policy = scenario.policy.model_dump(mode="json", exclude_none=True)
    day.loaded_at = now()
    day.version += 1
    session.execute(delete(Station).where(Station.day_id == day.id))
    session.execute(delete(Officer).where(Officer.day_id == day.id))
    for position, s in enumerate(scenario.stations):
        session.add(Station(day_id=day.id, station_id=s.id, position=position, name=s.name,
                            hours=[format_range(h) for h in s.hours], max_visitors=s.max_visitors,
                            rooms=[p.id for p in s.rooms], bays=[p.id for p in s.bays]))
    for position, o in enumerate(scenario.officers):
        session.add(Officer(day_id=day.id, officer_id=o.id, position=position, station_id=o.station,
                            shift=f"{format_time(o.shift[0])}-{format_time(o.shift[1])}", skills=list(o.skills),
                            max_supervision_minutes=o.max_supervision_minutes, max_handovers=o.max_handovers))
    platform = {r.request_id for r in session.scalars(
        select(Request).where(Request.day_id == day.id, Request.origin != FROM_SCENARIO))}
    clash = [r.id for r in scenario.requests if r.id in platform]
    if clash:
        raise InputError(ngettext("request id {ids} is already taken by the platform on {date}",
                                  "request ids {ids} are already taken by the platform on {date}", len(clash)).format(
            ids=", ".join(clash[:5]), date=scenario.date.isoformat()))
    session.execute(delete(Request).where(Request.day_id == day.id, Request.origin == FROM_SCENARIO))
    session.flush()
    for request in scenario.requests:
        session.add(_request_row(day, scenario, request))
    session.flush()
    # The day must still keep every confirmed appointment: their places and officers are
    # chosen again (those may have changed); pending requests wait for the next plan.
    whole = export_day(session, day)
    record_plan(session, day, locked_plan(whole, screen(whole)))
    return day, created


def _scenario_data(day: Day, requests: list[Request]) -> dict:
    return {
        "name": day.name,
        "date": day.date.isoformat(),
        "policy": day.policy,
        "stations": [
            {"id": s.station_id, **({"name": s.name} if s.name else {}), "hours": s.hours,
             **({"max_visitors": s.max_visitors} if s.max_visitors is not None else {}),
             "rooms": s.rooms, "bays": s.bays}
            for s in day.stations
        ],
        "officers": [
            {"id": o.officer_id, "station": o.station_id, "shift": o.shift, "skills": o.skills,
             **({"max_supervision_minutes": o.max_supervision_minutes} if o.max_supervision_minutes else {}),
             **({"max_handovers": o.max_handovers} if o.max_handovers else {})}
            for o in day.officers
        ],
        "requests": [_request_data(r) for r in requests],
    }


def _request_data(r: Request) -> dict:
    data = {"id": r.request_id, "category": r.category, "stations": r.stations, "windows": r.windows,
            "seller": r.seller, "buyer": r.buyer, "priority": r.priority, "party_size": r.party_size}
    if r.minutes is not None:
        data["minutes"] = r.minutes
    if r.submitted is not None:
        data["submitted"] = r.submitted
    if r.status == CONFIRMED and r.lock_station is not None:
        lock = {"station": r.lock_station, "start": r.lock_start}
        if r.lock_place is not None:
            lock["place"] = r.lock_place
        if r.lock_officer is not None:
            lock["officer"] = r.lock_officer
        data["locked"] = lock
    return data


def live_requests(session: Session, day: Day) -> list[Request]:
    return list(session.scalars(select(Request).where(Request.day_id == day.id, Request.status != CANCELLED)
                                .order_by(Request.id)))


def export_day(session: Session, day: Day | date) -> Scenario:
    """The day as a scenario: every live request, bookings locked on their station and start."""
    if isinstance(day, date):
        found = find_day(session, day)
        if found is None:
            raise InputError(_("no day {date} in the database").format(date=day.isoformat()))
        day = found
    scenario = Scenario.model_validate(_scenario_data(day, live_requests(session, day)))
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(problems)
    return scenario


# The columns a promise is read from (plain rows: every offer and booking reads them all).
HELD = [getattr(Request, name) for name in (
    "id", "request_id", "created_at", "status", "category", "stations", "windows", "seller", "buyer", "priority",
    "minutes", "party_size", "submitted", "lock_station", "lock_start", "lock_place", "lock_officer",
    "station", "place", "officer", "start", "end")]

# Every offer and booking reads the day again; its stations, officers and policy change only
# when it is loaded, and a request's fields never change once written. Both are kept, each
# under a key that any change renews (the database, the day and its load time; the row).
_DAYS: dict[tuple, Scenario] = {}
_REQUESTS: dict[tuple, ScenarioRequest] = {}
_KEEP = 10_000
# What a day promises, as of its version: every change of a promise bumps `Day.version`.
_PROMISES: dict[tuple, tuple[Scenario, list[Handover]]] = {}


def _day_scenario(session: Session, day: Day, rows: list[Request]) -> Scenario:
    """The day with these requests, validated once per load of the day and once per request."""
    database = str(session.get_bind().url)
    key = (database, day.id, day.loaded_at)
    base = _DAYS.get(key)
    if base is None:
        if len(_DAYS) > 100:
            _DAYS.clear()
        base = _DAYS[key] = Scenario.model_validate(_scenario_data(day, []))
    requests = []
    for r in rows:
        row_key = (database, r.id, r.request_id, r.created_at, r.status)
        request = _REQUESTS.get(row_key)
        if request is None:
            if len(_REQUESTS) > _KEEP:
                _REQUESTS.clear()
            request = _REQUESTS[row_key] = ScenarioRequest.model_validate(_request_data(r))
        requests.append(request)
    return base.with_changes(requests=requests)


def promises(session: Session, day: Day, scenario: Scenario | None = None) -> tuple[Scenario, Plan]:
    """What the day has promised: the requests that hold a slot now, and the plan they make.

    Confirmed bookings and locked appointments hold theirs; a pending request holds the
    one the latest nightly plan gave it.
    """
    key = (str(session.get_bind().url), day.id, day.loaded_at, day.version)
    if scenario is None and key in _PROMISES:
        scenario, handovers = _PROMISES[key]
        return scenario, Plan(list(handovers))
    held = session.execute(select(*HELD).where(
        Request.day_id == day.id, Request.status != CANCELLED, Request.station.is_not(None),
        Request.start.is_not(None)).order_by(Request.id)).all()
    handovers = [Handover(r.start, r.station, r.place, r.request_id, r.officer, r.end, r.category, r.seller, r.buyer)
                 for r in held]
    if scenario is None:
        scenario = _day_scenario(session, day, held)
        if len(_PROMISES) > 100:
            _PROMISES.clear()
        _PROMISES[key] = (scenario, handovers)
    return scenario, Plan(list(handovers))


def standing(session: Session, day: Day) -> tuple[Scenario, Plan]:
    """The day as a scenario, and where each of its requests stands now, as a plan.

    Held requests are handovers; the others carry the latest plan's reason. A pending
    request that no plan has seen yet has neither: InputError (run the nightly plan first).
    """
    scenario = export_day(session, day)
    _scenario, plan = promises(session, day, scenario)
    waiting = []
    for r in live_requests(session, day):
        if r.station is None and r.reason is None:
            waiting.append(r.request_id)
        elif r.station is None:
            plan.unserved.append(Unserved(r.request_id, r.reason,
                                          tuple(Finding.from_json(f) for f in r.findings or ())))
    if waiting:
        raise InputError(ngettext("{n} request of {date} waits for the nightly plan ({ids}): run "
                                  "`remise plan --db ... --date ...` first",
                                  "{n} requests of {date} wait for the nightly plan (e.g. {ids}): run "
                                  "`remise plan --db ... --date ...` first", len(waiting)).format(
            n=len(waiting), date=day.date.isoformat(), ids=", ".join(waiting[:3])))
    return scenario, plan.sorted()


def _slots(day: Day, start: int, end: int) -> range:
    step = day.policy.get("slot_minutes", 5)
    return range(start // step, -(-end // step))


def _hold_place(session: Session, day: Day, r: Request) -> None:
    turnover = day.policy.get("turnover_minutes", 5)
    session.add_all(Slot(day_id=day.id, resource=f"place:{r.place}", slot=s, request_pk=r.id)
                    for s in _slots(day, r.start, r.end + turnover))


def _hold_officer(session: Session, day: Day, officer: str) -> None:
    """An officer's attention is `bay_handovers_per_officer` lanes: a room handover takes them
    all, a bay handover the first lane free over its span. The lanes are coloured afresh,
    in order of start (exact for intervals), whenever the officer's handovers change."""
    lanes = day.policy.get("bay_handovers_per_officer", 2)
    categories = day.policy.get("categories", {})
    session.execute(delete(Slot).where(Slot.day_id == day.id, Slot.resource.like(f"officer:{officer}#%")))
    held = session.scalars(select(Request).where(
        Request.day_id == day.id, Request.officer == officer, Request.status != CANCELLED,
        Request.start.is_not(None)).order_by(Request.start, Request.id))
    free_at = [0] * lanes
    for r in held:
        room = categories.get(r.category, {}).get("place") == "room"
        taken = range(lanes) if room else [next((k for k in range(lanes) if free_at[k] <= r.start), 0)]
        for k in taken:
            free_at[k] = max(free_at[k], r.end)
            session.add_all(Slot(day_id=day.id, resource=f"officer:{officer}#{k}", slot=s, request_pk=r.id)
                            for s in _slots(day, r.start, r.end))


def hold(session: Session, day: Day, row: Request) -> None:
    """The slot rows of one new booking: its place, and its officer's lanes.

    The rows are the database's own guard: their primary key refuses a second holder of a
    slot, whatever the code that decided the booking.
    """
    _hold_place(session, day, row)
    session.flush()
    _hold_officer(session, day, row.officer)
    session.flush()


def record_plan(session: Session, day: Day, plan: Plan) -> None:
    """Every live request as `plan` has it (its slot, or why it has none), and the day's slots anew.

    A request the plan does not mention (it arrived while the plan ran) keeps no slot.
    """
    placed = {h.request_id: h for h in plan.handovers}
    unserved = {u.request_id: u for u in plan.unserved}
    session.execute(delete(Slot).where(Slot.day_id == day.id))
    rows = live_requests(session, day)
    day.version += 1
    for r in rows:
        r.changed = day.version
        h = placed.get(r.request_id)
        r.station, r.place, r.officer = (h.station, h.place, h.officer) if h else (None, None, None)
        r.start, r.end = (h.start, h.end) if h else (None, None)
        u = unserved.get(r.request_id)
        r.reason = u.reason if u else None
        r.findings = as_json(u.findings) if u else None
    session.flush()
    for r in rows:
        if r.place is not None:
            _hold_place(session, day, r)
    session.flush()
    for officer in sorted({r.officer for r in rows if r.officer}):
        _hold_officer(session, day, officer)
    session.flush()


def purge(session: Session, retention_days: int, today: date) -> list[date]:
    """Delete the days (with their requests, bookings and plans) older than the retention period."""
    limit = today - timedelta(days=retention_days)
    old = list(session.scalars(select(Day).where(Day.date < limit)))
    for day in old:
        session.execute(delete(Slot).where(Slot.day_id == day.id))
        session.execute(delete(PlanRun).where(PlanRun.day_id == day.id))
        session.delete(day)
    return [d.date for d in old]
