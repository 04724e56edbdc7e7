"""Offers, bookings, pending requests and cancellations: what the platform does with a day.

Every function takes the database URL and returns a value; the HTTP handlers (`api.py`,
`pages.py`) only translate. A booking is checked against every promise of the day with
the planner's own rules (`whatif/offer.py`) on a snapshot, then written in one
transaction that first locks the day: on PostgreSQL its row (`SELECT ... FOR UPDATE`), on
SQLite the whole database (`BEGIN IMMEDIATE`). Under the lock, the check is trusted only
if nothing at that station or of those parties changed since the snapshot; otherwise it
is made again. The slot rows the booking holds are inserted under a primary key that
refuses a second holder: the database's own guard.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.codes import Reason
from ..core.findings import Finding, Why, finding
from ..core.i18n import _
from ..core.problems import InputError, shown
from ..scenario.origins import entry_name
from ..scenario.references import check_references
from ..scenario.schema import Lock, Scenario
from ..scenario.schema import Request as ScenarioRequest
from ..screening import screen_request
from ..whatif.offer import Offer, Offers, offer_at, offers
from .days import (
    BOOKING,
    CANCELLED,
    CONFIRMED,
    PENDING,
    REQUEST,
    find_day,
    hold,
    now,
    open_day,
    promises,
)
from .db.engine import reading, writing
from .db.tables import Day, Request, Slot

REFERENCE_BYTES = 10  # 80 random bits, written as 16 characters of base32
REFERENCE_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


# --------------------------------------------------------------------------- faults


class Refused(InputError):
    """A request the day cannot take, with the reason as a code and the findings behind it."""

    def __init__(self, reason: Reason, findings: tuple[Finding, ...], field: str = "windows"):
        self.reason, self.findings, self.field = reason, findings, field
        super().__init__(str(reason))


class NotFound(InputError):
    pass


class Invalid(InputError):
    """A field of a request that the day cannot read (an unknown category or station)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Answer:
    """Offers for a wish, with the names of the day's stations to show them."""

    offers: Offers
    names: dict[str, str | None]


class SlotTaken(Exception):
    """The slot asked for is no longer free; here are the ones that are."""

    def __init__(self, options: Answer):
        self.options = options
        super().__init__("the slot is no longer free")


class BeingPlanned(Exception):
    """The nightly plan of the day is running: bookings wait until it has written its plan."""

    def __init__(self, until):
        self.until = until
        super().__init__("the day is being planned")


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Wish:
    """A request as a buyer and a seller write it: no id, no slot yet."""

    category: str
    stations: list[str]
    windows: list[str]
    seller: str
    buyer: str
    party_size: int = 2


def new_reference() -> str:
    return base64.b32encode(secrets.token_bytes(REFERENCE_BYTES)).decode("ascii")


def normal_reference(text: str) -> str:
    """The reference as stored: spaces and dashes dropped, upper case; NotFound if it cannot be one."""
    value = text.replace("-", "").replace(" ", "").upper()
    if len(value) != 16 or not set(value) <= REFERENCE_ALPHABET:
        raise MalformedReference(text)
    return value


class MalformedReference(InputError):
    def __init__(self, text: str):
        super().__init__(f"'{text[:40]}' is not a booking reference (16 letters and digits 2-7)")


def display_reference(reference: str) -> str:
    return "-".join(reference[i:i + 4] for i in range(0, len(reference), 4))


def _request(scenario: Scenario, wish: Wish, request_id: str, lock: Lock | None = None) -> ScenarioRequest:
    """The wish as a request of the day, checked against it: a category and stations it knows."""
    request = ScenarioRequest.model_validate({
        "id": request_id, "category": wish.category, "stations": wish.stations, "windows": wish.windows,
        "seller": wish.seller, "buyer": wish.buyer, "party_size": wish.party_size,
        **({"locked": lock} if lock is not None else {}),
    })
    named = entry_name("requests", shown(request_id))  # the wish's problems, not the day's
    problems = [p for p in check_references(scenario.with_changes(requests=[request])) if p.entry.startswith(named)]
    if problems:
        name = problems[0].field
        raise Invalid(name.split(".", 1)[1] if name.startswith("locked.") else name.split("[")[0], problems[0].message)
    return request


def _screened(scenario: Scenario, request: ScenarioRequest) -> None:
    """A forbidden item, or windows no station ever opens: refused before anything is kept."""
    category = scenario.category(request)
    if category.forbidden is not None:
        raise Refused(Reason.FORBIDDEN_ITEM, (finding(Why.CHARTER, charter=category.forbidden),), field="category")
    options, why = screen_request(scenario, request)
    if not options:
        raise Refused(Reason.NO_FEASIBLE_SLOT, why)


def _not_planning(day: Day) -> None:
    if day.planning_until is not None and day.planning_until > now():
        raise BeingPlanned(day.planning_until)


def offer(url: str, day_date: date, wish: Wish, top: int = 5) -> Answer:
    """Slots for a wish against every promise of the day, best first; none: the reason."""
    with reading(url) as session:
        day = open_day(session, day_date)
        scenario, plan = promises(session, day)
        request = _request(scenario, wish, "offer")
        day_with = scenario.with_changes(requests=[*scenario.requests, request])
        return Answer(offers(day_with, plan, request, top), {s.id: s.name for s in scenario.stations})


@dataclass(frozen=True)
class Booking:
    reference: str
    request_id: str
    date: date
    station: str
    station_name: str | None
    start: int
    end: int
    category: str
    status: str
    kind: str  # booking | request
    reason: str | None = None
    findings: tuple[Finding, ...] = ()


def _booking(session: Session, row: Request, day: Day) -> Booking:
    station = next((s for s in day.stations if s.station_id == row.station), None)
    return Booking(row.reference, row.request_id, day.date, row.station, station.name if station else None,
                   row.start, row.end, row.category, row.status, row.origin, row.reason,
                   tuple(Finding.from_json(f) for f in row.findings or ()))


def _new_id() -> str:
    return f"web-{secrets.token_hex(5)}"


def _check(session: Session, day: Day, wish: Wish, station: str, start: int,
           request_id: str) -> tuple[ScenarioRequest, Offer | None]:
    """The booking as a request of the day, and the slot it gets beside every promise (None: taken)."""
    scenario, plan = promises(session, day)
    request = _request(scenario, wish, request_id, Lock(station=station, start=start))
    if station not in request.stations:
        raise Invalid("station", _("{station} is not one of the stations asked for").format(station=shown(station)))
    _screened(scenario, request)
    day_with = scenario.with_changes(requests=[*scenario.requests, request])
    return request, offer_at(day_with, plan, request, station, start)


def _still_valid(session: Session, day: Day, seen: tuple, station: str, wish: Wish) -> bool:
    """Whether a check made at `seen` (the day's load and version) still holds now.

    Only a change at the same station, or to a booking of the same parties, can take what
    the check found free (a cancellation only frees); the rows record the version that
    last changed them, so the question is one query.
    """
    if (day.loaded_at, day.version) == seen:
        return True
    if day.loaded_at != seen[0]:
        return False
    parties = {wish.seller, wish.buyer}
    moved = session.execute(select(Request.station, Request.seller, Request.buyer).where(
        Request.day_id == day.id, Request.changed > seen[1])).all()
    return not any(r.station == station or {r.seller, r.buyer} & parties for r in moved)


def book(url: str, day_date: date, wish: Wish, station: str, start: int) -> Booking:
    """Book the slot at `station` and `start`, or raise SlotTaken with the slots still free.

    The slot is checked first on a snapshot, outside any lock; the write transaction then
    only verifies that nothing at that station (or of these parties) changed since, and
    checks again under the lock when something did. Writers hold the lock briefly.
    """
    request_id = _new_id()
    with reading(url) as session:
        day = open_day(session, day_date)
        _not_planning(day)
        request, found = _check(session, day, wish, station, start, request_id)
        seen = (day.loaded_at, day.version)
    if found is None:
        raise SlotTaken(offer(url, day_date, wish))
    try:
        with writing(url) as session:
            day = open_day(session, day_date, lock=True)
            _not_planning(day)
            if not _still_valid(session, day, seen, station, wish):
                request, found = _check(session, day, wish, station, start, request_id)
                if found is None:
                    raise _Taken(request)
            day.version += 1
            row = _row(day, request, BOOKING, CONFIRMED, wish)
            row.lock_station, row.lock_start = station, start
            _assign(row, found)
            session.add(row)
            session.flush()
            hold(session, day, row)
            return _booking(session, row, day)
    except _Taken:
        raise SlotTaken(offer(url, day_date, wish)) from None
    except IntegrityError:
        # The slot rows' key refused a second holder: the checks above should make this
        # impossible, and the database says no all the same.
        raise SlotTaken(offer(url, day_date, wish)) from None


class _Taken(Exception):
    def __init__(self, request):
        self.request = request


def _row(day: Day, request: ScenarioRequest, origin: str, status: str, wish: Wish) -> Request:
    return Request(
        day_id=day.id, request_id=request.id, reference=new_reference(), origin=origin, status=status,
        category=request.category, stations=list(wish.stations), windows=list(wish.windows),
        seller=wish.seller, buyer=wish.buyer, priority=1, party_size=wish.party_size,
        submitted=now(), created_at=now(), changed=day.version,
    )


def _assign(row: Request, slot: Offer) -> None:
    row.station, row.place, row.officer, row.start, row.end = slot.station, slot.place, slot.officer, slot.start, slot.end


def submit(url: str, day_date: date, wish: Wish) -> Booking:
    """Keep a request without a slot: the nightly plan gives it one, or a reason."""
    with writing(url) as session:
        day = open_day(session, day_date, lock=True)
        scenario, _plan = promises(session, day)
        request = _request(scenario, wish, _new_id())
        _screened(scenario, request)
        row = _row(day, request, REQUEST, PENDING, wish)
        day.version += 1
        row.changed = day.version
        session.add(row)
        session.flush()
        return _booking(session, row, day)


def _find(session: Session, reference: str, kind: str | None = None) -> tuple[Request, Day]:
    row = session.scalars(select(Request).where(Request.reference == normal_reference(reference))).one_or_none()
    if row is None or (kind is not None and row.origin != kind):
        raise NotFound("no such reference")
    return row, session.get(Day, row.day_id)


def lookup(url: str, reference: str, kind: str | None = None) -> Booking:
    with reading(url) as session:
        row, day = _find(session, reference, kind)
        return _booking(session, row, day)


def cancel(url: str, reference: str) -> Booking:
    """Cancel a booking or a request: its slot is free again at once."""
    with writing(url) as session:
        row, day = _find(session, reference)
        day = find_day(session, day.date, lock=True)
        if row.status != CANCELLED:
            day.version += 1
            row.status, row.cancelled_at, row.changed = CANCELLED, now(), day.version
            session.execute(delete(Slot).where(Slot.request_pk == row.id))
        return _booking(session, row, day)
