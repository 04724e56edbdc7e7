"""The JSON API, `/api/v1/...`: thin handlers over `bookings.py` and `queries.py`.

Public endpoints need nothing but what the parties hold (a day, a reference) and say
nothing about other bookings; staff endpoints need the bearer token of `REMISE_TOKEN`.
Messages are French unless the client asks for English (`Accept-Language: en`).
"""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..core.codes import Reason
from ..core.i18n import _, language
from ..core.sentences import detail, reason_label
from ..core.times import format_time, parse_time
from . import bookings, queries
from .bookings import Booking
from .calendar import Appointment, ics, what_to_bring
from .schemas import (
    BookingBody,
    BookingOut,
    Category,
    DayOut,
    Offers,
    RequestOut,
    Slot,
    Taken,
    WishBody,
)
from .settings import Settings

router = APIRouter(prefix="/api/v1")
bearer = HTTPBearer(auto_error=False)
CALENDAR = "text/calendar; charset=utf-8"


def settings(request: Request) -> Settings:
    return request.app.state.settings


def lang(accept_language: Annotated[str | None, Header()] = None) -> str:
    return "en" if (accept_language or "").strip().lower().startswith("en") else "fr"


Config = Annotated[Settings, Depends(settings)]
Lang = Annotated[str, Depends(lang)]


def staff(config: Config, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Staff endpoints: the bearer token must be REMISE_TOKEN (and there must be one)."""
    given = credentials.credentials if credentials is not None else ""
    if not config.token or not hmac.compare_digest(given.encode(), config.token.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "staff token required",
                            headers={"WWW-Authenticate": "Bearer"})


def slots(options, names: dict[str, str | None]) -> list[Slot]:
    return [Slot(station=o.station, station_name=names.get(o.station), start=format_time(o.start),
                 end=format_time(o.end)) for o in options]


def booking_out(b: Booking) -> BookingOut:
    return BookingOut(reference=bookings.display_reference(b.reference), date=b.date, status=b.status,
                      station=b.station, station_name=b.station_name,
                      start=format_time(b.start) if b.start is not None else None,
                      end=format_time(b.end) if b.end is not None else None, category=b.category,
                      calendar=f"/api/v1/bookings/{bookings.display_reference(b.reference)}/calendar.ics")


@router.get("/days", response_model=list[DayOut])
def days(config: Config) -> list[DayOut]:
    """The dates open for booking."""
    return [DayOut(date=d, name=name) for d, name in queries.open_days(config.database)]


@router.get("/days/{day}/categories", response_model=list[Category])
def categories(day: date, config: Config) -> list[Category]:
    """Per category, the place it needs and how long it takes, or the charter's reason for refusing it."""
    return [Category(name=name, place=c.place, minutes=c.minutes, forbidden=c.forbidden)
            for name, c in queries.categories(config.database, day).items()]


@router.post("/days/{day}/offers", response_model=Offers)
def offers(day: date, body: WishBody, config: Config, lang: Lang) -> Offers:
    """Free slots for a sale, against every promise of the day, best first."""
    answer = bookings.offer(config.database, day, body.wish())
    found, names = answer.offers, answer.names
    if found.reason == Reason.FORBIDDEN_ITEM:
        raise bookings.Refused(found.reason, found.findings, field="category")
    with language(lang):
        message = detail(found.findings) if found.reason else None
    return Offers(date=day, options=slots(found.options, names), reason=found.reason, message=message)


@router.post("/days/{day}/bookings", status_code=201, response_model=BookingOut,
             responses={409: {"model": Taken, "description": "the slot is no longer free; here are fresh ones"}})
def book(day: date, body: BookingBody, config: Config) -> BookingOut:
    """Book a slot: the parties are promised this station, date and start."""
    return booking_out(bookings.book(config.database, day, body.wish(), body.station, parse_time(body.start)))


@router.get("/bookings/{reference}", response_model=BookingOut)
def booking(reference: str, config: Config) -> BookingOut:
    return booking_out(bookings.lookup(config.database, reference, bookings.BOOKING))


@router.delete("/bookings/{reference}", response_model=BookingOut)
def cancel_booking(reference: str, config: Config) -> BookingOut:
    """Cancel a booking: its slot is free again at once."""
    bookings.lookup(config.database, reference, bookings.BOOKING)
    return booking_out(bookings.cancel(config.database, reference))


@router.get("/bookings/{reference}/calendar.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}}})
def booking_calendar(reference: str, config: Config, lang: Lang) -> Response:
    """The booking as an event for the parties' calendars."""
    b = bookings.lookup(config.database, reference, bookings.BOOKING)
    kind = queries.categories(config.database, b.date).get(b.category)
    shown = bookings.display_reference(b.reference)
    with language(lang):
        event = Appointment(
            uid=f"{b.reference}@remise", day=b.date, start=b.start, end=b.end,
            summary=_("Handover at the police station ({category})").format(category=b.category),
            location=b.station_name or b.station,
            description=what_to_bring(kind.place if kind else "room", shown))
    return Response(ics([event]), media_type=CALENDAR,
                    headers={"Content-Disposition": f'attachment; filename="remise-{shown}.ics"'})


@router.post("/days/{day}/requests", status_code=202, response_model=RequestOut)
def submit(day: date, body: WishBody, config: Config, lang: Lang) -> RequestOut:
    """Keep a request without a slot: the nightly plan decides, `GET /requests/{reference}` tells."""
    return request_out(bookings.submit(config.database, day, body.wish()), lang)


def request_out(b: Booking, lang: str) -> RequestOut:
    if b.status == bookings.CANCELLED:
        state = "cancelled"
    elif b.start is not None:
        state = "planned"
    elif b.reason is not None:
        state = "unserved"
    else:
        state = "pending"
    with language(lang):
        message = detail(b.findings) if b.reason else None
    return RequestOut(reference=bookings.display_reference(b.reference), date=b.date, status=state,
                      category=b.category, station=b.station if b.start is not None else None,
                      station_name=b.station_name if b.start is not None else None,
                      start=format_time(b.start) if b.start is not None else None,
                      end=format_time(b.end) if b.end is not None else None, reason=b.reason, message=message)


@router.get("/requests/{reference}", response_model=RequestOut)
def request_status(reference: str, config: Config, lang: Lang) -> RequestOut:
    """A pending request: its slot once the nightly plan gave one, or why it was not served."""
    return request_out(bookings.lookup(config.database, reference, bookings.REQUEST), lang)


@router.delete("/requests/{reference}", response_model=RequestOut)
def cancel_request(reference: str, config: Config, lang: Lang) -> RequestOut:
    bookings.lookup(config.database, reference, bookings.REQUEST)
    return request_out(bookings.cancel(config.database, reference), lang)


# --------------------------------------------------------------------------- staff


@router.get("/days/{day}/plan", dependencies=[Depends(staff)])
def day_plan(day: date, config: Config, lang: Lang) -> dict:
    """Every request of the day and where it stands; the latest nightly plan's summary."""
    plan = queries.day_plan(config.database, day)
    with language(lang):
        rows = [{"request_id": a.request_id, "origin": a.origin, "status": a.status, "category": a.category,
                 "station": a.station, "place": a.place, "officer": a.officer,
                 "start": format_time(a.start) if a.start is not None else None,
                 "end": format_time(a.end) if a.end is not None else None,
                 "reason": a.reason, "reason_label": reason_label(a.reason) if a.reason else None,
                 "message": detail(a.findings) if a.reason else None}
                for a in plan.assignments]
    return {"date": plan.date, "planned_at": plan.planned_at, "summary": plan.summary, "requests": rows}


@router.get("/days/{day}/roster", dependencies=[Depends(staff)])
def roster(day: date, config: Config) -> dict:
    stations, officers = queries.roster(config.database, day)
    return {"date": day, "stations": [s.__dict__ for s in stations], "officers": [o.__dict__ for o in officers]}


@router.get("/days/{day}/officers/{officer}/calendar.ics", dependencies=[Depends(staff)], response_class=Response)
def officer_calendar(day: date, officer: str, config: Config, lang: Lang) -> Response:
    """An officer's handovers of the day, as a calendar."""
    handovers, names = queries.officer_day(config.database, day, officer)
    with language(lang):
        events = [Appointment(uid=f"{day.isoformat()}-{a.request_id}-{officer}@remise", day=day, start=a.start,
                              end=a.end, summary=_("Supervise a handover ({category}, {place})").format(
                                  category=a.category, place=a.place), location=names.get(a.station, a.station),
                              description=_("Request {request}").format(request=a.request_id))
                  for a in handovers]
    return Response(ics(events), media_type=CALENDAR,
                    headers={"Content-Disposition": f'attachment; filename="remise-{day.isoformat()}.ics"'})
