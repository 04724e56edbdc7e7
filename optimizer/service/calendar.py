"""Calendars (RFC 5545, through the `icalendar` package): a booking for its parties, a day
for an officer. Times are Europe/Paris, with the time zone written into the file so any
calendar shows the right hour on the right day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..core.i18n import _

PARIS = ZoneInfo("Europe/Paris")


def at(day: date, minutes: int) -> datetime:
    """A time of the planning day in Paris (`24:00` is midnight of the next day)."""
    return datetime.combine(day, time(0), tzinfo=PARIS) + timedelta(minutes=minutes)


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//remise//remise//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def what_to_bring(kind: str, reference: str) -> str:
    """What the parties need at the station, in the current language."""
    common = _("Bring an identity document and your booking reference {reference}. Come to the station's "
               "front desk 10 minutes before the time.").format(reference=reference)
    if kind == "bay":
        return common + " " + _("Come with the vehicle, its registration certificate (carte grise) and the "
                                "certificate of sale (Cerfa 15776) filled in.")
    return common + " " + _("Bring the item and, if you have them, its invoice and its box.")


@dataclass(frozen=True)
class Appointment:
    uid: str
    day: date
    start: int
    end: int
    summary: str
    location: str
    description: str


def ics(appointments: list[Appointment]) -> bytes:
    calendar = _calendar()
    stamp = datetime.now(timezone.utc)
    for a in appointments:
        event = Event()
        event.add("uid", a.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", at(a.day, a.start))
        event.add("dtend", at(a.day, a.end))
        event.add("summary", a.summary)
        event.add("location", a.location)
        event.add("description", a.description)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
