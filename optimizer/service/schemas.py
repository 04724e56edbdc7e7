"""What the JSON API accepts and answers: every body is validated here, field by field,
before it reaches the booking logic (unknown keys are refused, as in scenario files)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ..core.times import format_range, format_time, parse_range, parse_time
from .bookings import Wish

NO_CONTROL = r"^[^\x00-\x1f\x7f]+$"
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=NO_CONTROL)]


def _window(text: str) -> str:
    return format_range(parse_range(text))


def _time(text: str) -> str:
    return format_time(parse_time(text))


Window = Annotated[str, StringConstraints(max_length=11), AfterValidator(_window)]
Time = Annotated[str, StringConstraints(max_length=5), AfterValidator(_time)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WishBody(Body):
    """A sale to hand over: what, where (stations in order of preference) and when."""

    category: Id
    stations: list[Id] = Field(min_length=1, max_length=10)
    windows: list[Window] = Field(min_length=1, max_length=6)
    party_size: int = Field(2, ge=1, le=20)
    seller: Id
    buyer: Id

    def wish(self) -> Wish:
        return Wish(self.category, list(self.stations), list(self.windows), self.seller, self.buyer, self.party_size)


class BookingBody(WishBody):
    station: Id
    start: Time


class Slot(BaseModel):
    station: str
    station_name: str | None
    start: str
    end: str


class Offers(BaseModel):
    date: date
    options: list[Slot]
    reason: str | None = None  # a code: capacity, no_feasible_slot
    message: str | None = None  # the reason in words


class Taken(BaseModel):
    detail: str
    options: list[Slot]


class BookingOut(BaseModel):
    reference: str
    date: date
    status: str  # confirmed, cancelled
    station: str | None = None
    station_name: str | None = None
    start: str | None = None
    end: str | None = None
    category: str
    calendar: str | None = None  # where the .ics file is


class RequestOut(BaseModel):
    reference: str
    date: date
    status: str  # pending, planned, unserved, cancelled
    category: str
    station: str | None = None
    station_name: str | None = None
    start: str | None = None
    end: str | None = None
    reason: str | None = None
    message: str | None = None


class Category(BaseModel):
    name: str
    place: str | None = None  # room, bay
    minutes: int | None = None
    forbidden: str | None = None  # the charter's reason


class DayOut(BaseModel):
    date: date
    name: str
