"""The booking page, in French: server-rendered forms over the same functions as the API.

`/` lists the open days; `/jour/{date}` asks what, where and when; the offers come back
as buttons; a booking ends on `/reservation/{reference}` with the place, the time and the
calendar file. No script, no build step: plain forms that work on a 390 px phone.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from ..core.codes import Reason
from ..core.i18n import N_, _, language, long_date
from ..core.sentences import detail, reason_label
from ..core.times import format_time, parse_time
from ..report.pages import render
from . import bookings, queries
from .bookings import (
    BeingPlanned,
    Invalid,
    MalformedReference,
    NotFound,
    Refused,
    SlotTaken,
)
from .days import DayNotOpen
from .schemas import BookingBody, WishBody

router = APIRouter(include_in_schema=False)
PACKAGE = "optimizer.service"
STATION_CHOICES = 3
WINDOW_CHOICES = 2


def _page(template: str, status: int = 200, **context) -> HTMLResponse:
    with language("fr"):
        return HTMLResponse(render(template, package=PACKAGE, **context), status_code=status)


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {key: values[-1].strip() for key, values in parse_qs(body, keep_blank_values=True).items()}


def _wish_data(form: dict[str, str]) -> dict:
    stations = [form.get(f"station{i}", "") for i in range(1, STATION_CHOICES + 1)]
    windows = [(form.get(f"from{i}", ""), form.get(f"to{i}", "")) for i in range(1, WINDOW_CHOICES + 1)]
    party = form.get("party_size", "2")
    return {
        "category": form.get("category", ""),
        "stations": list(dict.fromkeys(s for s in stations if s)),
        "windows": [f"{a}-{b}" for a, b in windows if a or b],
        "party_size": int(party) if party.isdigit() else party,
        "seller": form.get("seller", ""),
        "buyer": form.get("buyer", ""),
    }


FIELD_HELP = {
    "category": N_("Choose what you are selling."),
    "stations": N_("Choose at least one station."),
    "windows": N_("Give at least one time window, its end after its start (HH:MM)."),
    "party_size": N_("Give a number of people between 1 and 20."),
    "seller": N_("Give the seller's id from the advertisement (letters and digits, 64 at most)."),
    "buyer": N_("Give the buyer's id from the advertisement (letters and digits, 64 at most)."),
}


def _errors(exc: ValidationError) -> dict[str, str]:
    out = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        out.setdefault(field, _(FIELD_HELP[field]) if field in FIELD_HELP else _("Check this field."))
    return out


def _day_context(url: str, day: date) -> dict:
    categories = queries.categories(url, day)
    return {
        "day": day, "day_text": long_date(day),
        "categories": [(name, c) for name, c in categories.items() if c.forbidden is None],
        "forbidden": [(name, c.forbidden) for name, c in categories.items() if c.forbidden is not None],
        "stations": queries.stations(url, day),
        "station_choices": range(1, STATION_CHOICES + 1), "window_choices": range(1, WINDOW_CHOICES + 1),
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    days = queries.open_days(request.app.state.settings.database)
    with language("fr"):
        listed = [(d, name, long_date(d)) for d, name in days]
    return _page("home.html.j2", days=listed)


@router.get("/jour/{day}", response_class=HTMLResponse)
def day_form(day: date, request: Request) -> HTMLResponse:
    url = request.app.state.settings.database
    try:
        with language("fr"):
            context = _day_context(url, day)
    except DayNotOpen:
        return _page("message.html.j2", 404, title=_closed_title(), text=_closed_text(day))
    return _page("form.html.j2", form={}, errors={}, **context)


def _closed_title() -> str:
    with language("fr"):
        return _("This day is not open")


def _closed_text(day: date) -> str:
    with language("fr"):
        return _("{date} is not open for booking").format(date=day.isoformat())


def _why(reason: str, findings) -> str:
    return _("{label}: {value}").format(label=reason_label(reason), value=detail(findings))


def _slot_list(options, names) -> list[dict]:
    return [{"station": o.station, "station_name": names.get(o.station) or o.station,
             "start": format_time(o.start), "end": format_time(o.end)} for o in options]


@router.post("/jour/{day}/offres", response_class=HTMLResponse)
async def offers_page(day: date, request: Request) -> HTMLResponse:
    url = request.app.state.settings.database
    form = await _form(request)
    try:
        with language("fr"):
            context = _day_context(url, day)
        body = WishBody.model_validate(_wish_data(form))
        found = bookings.offer(url, day, body.wish()).offers
    except DayNotOpen:
        return _page("message.html.j2", 404, title=_closed_title(), text=_closed_text(day))
    except ValidationError as exc:
        with language("fr"):
            return _page("form.html.j2", 422, form=form, errors=_errors(exc), **context)
    except Invalid as exc:
        with language("fr"):
            return _page("form.html.j2", 422, form=form, errors={exc.field: str(exc)}, **context)
    names = {s.id: s.name for s in context["stations"]}
    with language("fr"):
        if found.reason == Reason.FORBIDDEN_ITEM:
            return _page("form.html.j2", 422, form=form,
                         errors={"category": _why(found.reason, found.findings)}, **context)
        why = _why(found.reason, found.findings) if found.reason else None
        return _page("offers.html.j2", form=form, options=_slot_list(found.options, names), why=why, **context)


@router.post("/jour/{day}/reserver", response_class=HTMLResponse)
async def book_page(day: date, request: Request):
    url = request.app.state.settings.database
    form = await _form(request)
    try:
        with language("fr"):
            context = _day_context(url, day)
        body = BookingBody.model_validate({**_wish_data(form), "station": form.get("station", ""),
                                           "start": form.get("start", "")})
        booked = bookings.book(url, day, body.wish(), body.station, parse_time(body.start))
    except DayNotOpen:
        return _page("message.html.j2", 404, title=_closed_title(), text=_closed_text(day))
    except (ValidationError, Invalid, Refused):
        with language("fr"):
            return _page("message.html.j2", 422, title=_("This booking cannot be made"),
                         text=_("The form was changed or is incomplete: start again from the day's page."))
    except SlotTaken as exc:
        names = {s.id: s.name for s in context["stations"]}
        with language("fr"):
            return _page("offers.html.j2", 409, form=form, options=_slot_list(exc.options.offers.options, names),
                         taken=True, why=None, **context)
    except BeingPlanned:
        with language("fr"):
            return _page("message.html.j2", 503, title=_("Bookings are paused"),
                         text=_("The day is being planned; try again in a few minutes."))
    return RedirectResponse(f"/reservation/{bookings.display_reference(booked.reference)}", status_code=303)


@router.post("/jour/{day}/demande", response_class=HTMLResponse)
async def request_page(day: date, request: Request):
    url = request.app.state.settings.database
    form = await _form(request)
    try:
        body = WishBody.model_validate(_wish_data(form))
        kept = bookings.submit(url, day, body.wish())
    except DayNotOpen:
        return _page("message.html.j2", 404, title=_closed_title(), text=_closed_text(day))
    except (ValidationError, Invalid, Refused):
        with language("fr"):
            return _page("message.html.j2", 422, title=_("This request cannot be kept"),
                         text=_("The form was changed or is incomplete: start again from the day's page."))
    return RedirectResponse(f"/demande/{bookings.display_reference(kept.reference)}", status_code=303)


def _lookup_page(reference: str, kind: str, url: str):
    try:
        return bookings.lookup(url, reference, kind), None
    except (NotFound, MalformedReference):
        with language("fr"):
            return None, _page("message.html.j2", 404, title=_("Unknown reference"),
                               text=_("No booking has this reference. Check it in your confirmation."))


@router.get("/reservation/{reference}", response_class=HTMLResponse)
def booking_page(reference: str, request: Request) -> HTMLResponse:
    booked, missing = _lookup_page(reference, bookings.BOOKING, request.app.state.settings.database)
    if missing:
        return missing
    return _shown(booked)


def _shown(b: bookings.Booking, template: str = "booking.html.j2") -> HTMLResponse:
    shown = bookings.display_reference(b.reference)
    with language("fr"):
        return _page(template, reference=shown, booking=b, day_text=long_date(b.date),
                     start=format_time(b.start) if b.start is not None else None,
                     end=format_time(b.end) if b.end is not None else None,
                     why=_why(b.reason, b.findings) if b.reason else None)


@router.post("/reservation/{reference}/annuler", response_class=HTMLResponse)
def cancel_page(reference: str, request: Request) -> HTMLResponse:
    url = request.app.state.settings.database
    booked, missing = _lookup_page(reference, bookings.BOOKING, url)
    if missing:
        return missing
    return _shown(bookings.cancel(url, reference))


@router.get("/demande/{reference}", response_class=HTMLResponse)
def request_status_page(reference: str, request: Request) -> HTMLResponse:
    kept, missing = _lookup_page(reference, bookings.REQUEST, request.app.state.settings.database)
    if missing:
        return missing
    return _shown(kept, "request.html.j2")
