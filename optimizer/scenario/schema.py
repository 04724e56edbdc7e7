"""The validated planning day: policy, stations, officers and requests.

Field rules live on each model; rules across entities live in `loading.py`.
Times are minutes from midnight once validated, and are written back as
`HH:MM` when a scenario is dumped, so a dump reloads to the same scenario.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from ..core.codes import POLICY_LEVELS, Level
from ..core.i18n import _, integer
from ..core.problems import shown
from ..core.times import (
    Range,
    format_range,
    format_time,
    merge_ranges,
    parse_range,
    parse_shift,
    parse_time,
    shift_on_date,
)

PlaceKind = Literal["room", "bay"]


def _text_time(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_time(value)


def _text_range(value):
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return tuple(value)
    return parse_range(value)


def _text_shift(value):
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return tuple(value)
    return parse_shift(value)


def _no_bool(value):
    if isinstance(value, bool):
        raise ValueError(_("expected a whole number, not true/false"))
    return value


def _policy_level(value):
    if isinstance(value, str) and value not in POLICY_LEVELS:
        raise ValueError(_("{value} is not an objective level (one of {levels})").format(
            value=shown(value), levels=", ".join(POLICY_LEVELS)))
    return value


# Bounds that keep every value within what the model, the files and a person can hold: CP-SAT
# sums priorities and minutes in 64 bits, a file name has 255 bytes, and no day is longer than
# 1,440 minutes. Text carries no control or invisible formatting characters (they would reach
# terminals and spreadsheets raw, or make two ids look alike).
ID_LENGTH, NAME_LENGTH, TEXT_LENGTH = 64, 100, 300
NAME_BYTES = 200  # a folder name holds 255 bytes; the name is one, with room for what is added to it
MAX_MINUTES, MAX_PRIORITY, MAX_COUNT = 24 * 60, 1_000_000, 100_000


def _printable(value):
    if isinstance(value, str):
        for char in value:
            if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
                raise ValueError(_("contains the control or invisible character {code} ({name}); use plain text").format(
                    code=f"U+{ord(char):04X}", name=unicodedata.name(char, "?")))
    return value


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value):
    """A date as the format writes it, YYYY-MM-DD; 01/12/2026 is ambiguous across countries."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError(_("{value} is not a date written YYYY-MM-DD (AAAA-MM-JJ), for example 2026-12-01").format(
            value=shown(value.strip()[:40])))
    return value.strip() if isinstance(value, str) else value


def _at_most(limit: int):
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(_("at most {limit} characters (this one has {length})").format(
                limit=limit, length=integer(len(value))))
        return value
    return AfterValidator(check)


Id = Annotated[str, BeforeValidator(_printable), StringConstraints(strip_whitespace=True, min_length=1),
               _at_most(ID_LENGTH)]
Text = Annotated[str, BeforeValidator(_printable), StringConstraints(strip_whitespace=True), _at_most(TEXT_LENGTH)]
PositiveInt = Annotated[int, BeforeValidator(_no_bool), Field(gt=0, le=MAX_COUNT)]
Minutes = Annotated[int, BeforeValidator(_no_bool), Field(gt=0, le=MAX_MINUTES)]
MinutesOrNone = Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=MAX_MINUTES)]
TimeOfDay = Annotated[int, BeforeValidator(_text_time), PlainSerializer(format_time, return_type=str)]
TimeRange = Annotated[Range, BeforeValidator(_text_range), PlainSerializer(format_range, return_type=str)]
PolicyLevel = Annotated[Level, BeforeValidator(_policy_level)]
ShiftRange = Annotated[
    Range,
    BeforeValidator(_text_shift),
    PlainSerializer(lambda v: f"{format_time(v[0])}-{format_time(v[1])}", return_type=str),
]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in YAML must not become a silent default."""

    model_config = ConfigDict(extra="forbid")


class Category(Strict):
    place: PlaceKind | None = None
    minutes: Minutes | None = None
    skill: Id | None = None
    forbidden: Text | None = None
    # How people read the category in pages and tables ("Lave-linge"); the id where absent.
    label: Text | None = None

    @model_validator(mode="after")
    def _forbidden_or_runnable(self) -> Category:
        if self.forbidden is not None:
            if not self.forbidden.strip():
                raise ValueError(_("'forbidden' needs the charter's reason as non-empty text"))
            if self.place is not None or self.minutes is not None or self.skill is not None:
                raise ValueError(_("a forbidden category has no 'place', 'minutes' or 'skill'"))
        elif self.place is None or self.minutes is None:
            raise ValueError(_("a category needs 'place' and 'minutes', or 'forbidden' with a reason"))
        return self


class Policy(Strict):
    slot_minutes: Minutes = 5
    turnover_minutes: MinutesOrNone = 5
    max_supervision_minutes: Minutes = 240
    bay_handovers_per_officer: Annotated[int, BeforeValidator(_no_bool), Field(gt=0, le=100)] = 2
    party_travel_minutes: MinutesOrNone = 30
    objective: list[PolicyLevel] = Field(default_factory=lambda: list(POLICY_LEVELS), min_length=1)
    categories: dict[Id, Category] = Field(default_factory=dict)

    @field_validator("objective")
    @classmethod
    def _distinct(cls, value: list[Level]) -> list[Level]:
        if len(set(value)) != len(value):
            raise ValueError(_("objective levels must be distinct"))
        return value

    def label(self, category: str) -> str:
        """The category as people read it: its `label`, or its id."""
        found = self.categories.get(category)
        return found.label if found is not None and found.label else category


def _place_list(value):
    if isinstance(value, list):
        return [{"id": item} if isinstance(item, str) else item for item in value]
    return value


class Place(Strict):
    id: Id


class Station(Strict):
    id: Id
    name: Text | None = None
    hours: list[TimeRange] = Field(min_length=1)
    max_visitors: PositiveInt | None = None
    rooms: Annotated[list[Place], BeforeValidator(_place_list)] = Field(default_factory=list)
    bays: Annotated[list[Place], BeforeValidator(_place_list)] = Field(default_factory=list)

    @field_validator("hours")
    @classmethod
    def _merge(cls, value: list[Range]) -> list[Range]:
        return merge_ranges(value)

    def places(self, kind: PlaceKind) -> list[Place]:
        return self.rooms if kind == "room" else self.bays


class Officer(Strict):
    id: Id
    station: Id
    shift: ShiftRange
    skills: list[Id] = Field(default_factory=list)
    max_supervision_minutes: Minutes | None = None
    max_handovers: PositiveInt | None = None

    @property
    def on_duty(self) -> Range:
        """The part of the shift on the planning day (a night shift is cut at 24:00)."""
        return shift_on_date(self.shift)


class Lock(Strict):
    """A confirmed appointment. Station and start are what the parties were promised; a lock
    without `place` and `officer` (a booking) leaves them to the plan."""

    station: Id
    place: Id | None = None
    officer: Id | None = None
    start: TimeOfDay

    @property
    def partial(self) -> bool:
        return self.place is None or self.officer is None


class Request(Strict):
    id: Id
    category: Id
    # Never empty as written (the loader checks); empty once a variant removed every station.
    stations: list[Id] = Field(default_factory=list)
    windows: list[TimeRange] = Field(min_length=1)
    seller: Id
    buyer: Id
    priority: Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=MAX_PRIORITY)] = 1
    minutes: Minutes | None = None
    party_size: Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=100)] = 2
    submitted: datetime | None = None
    locked: Lock | None = None

    @field_validator("windows")
    @classmethod
    def _merge(cls, value: list[Range]) -> list[Range]:
        return merge_ranges(value)

    @field_validator("stations")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        seen = set()
        for station in value:
            if station in seen:
                raise ValueError(_("station {station} is listed twice").format(station=shown(station)))
            seen.add(station)
        return value


class Scenario(Strict):
    """A whole planning day, every id resolved and every lock checked."""

    model_config = ConfigDict(extra="forbid", ignored_types=(cached_property,))

    name: Annotated[str, BeforeValidator(_printable),
                    StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^/\\]+$"),
                    _at_most(NAME_LENGTH)]
    date: Annotated[date, BeforeValidator(_iso_date)]
    policy: Policy = Field(default_factory=Policy)
    stations: list[Station] = Field(default_factory=list)
    officers: list[Officer] = Field(default_factory=list)
    requests: list[Request] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _usable_as_folder(cls, value: str) -> str:
        if set(value) == {"."}:
            raise ValueError(_("the name is used for the output folder: it cannot be only dots"))
        if len(value.encode("utf-8")) > NAME_BYTES:  # 100 emoji are 400 bytes: too long for a folder
            raise ValueError(_("the name is used for the output folder: at most {limit} bytes in UTF-8 "
                               "(this one has {length})").format(limit=NAME_BYTES,
                                                                 length=integer(len(value.encode("utf-8")))))
        return value

    @cached_property
    def station_by_id(self) -> dict[str, Station]:
        return {s.id: s for s in self.stations}

    @cached_property
    def officer_by_id(self) -> dict[str, Officer]:
        return {o.id: o for o in self.officers}

    @cached_property
    def request_by_id(self) -> dict[str, Request]:
        return {r.id: r for r in self.requests}

    @cached_property
    def place_index(self) -> dict[str, tuple[str, PlaceKind]]:
        """place id -> (station id, kind)."""
        index: dict[str, tuple[str, PlaceKind]] = {}
        for station in self.stations:
            for kind in ("room", "bay"):
                for place in station.places(kind):
                    index[place.id] = (station.id, kind)
        return index

    def category(self, request: Request) -> Category:
        return self.policy.categories[request.category]

    def minutes(self, request: Request) -> int:
        """Handover duration: the request's override, else its category's."""
        if request.minutes is not None:
            return request.minutes
        minutes = self.category(request).minutes
        assert minutes is not None, "forbidden categories have no duration"
        return minutes

    def supervision_cap(self, officer: Officer) -> int:
        if officer.max_supervision_minutes is not None:
            return officer.max_supervision_minutes
        return self.policy.max_supervision_minutes

    @cached_property
    def roster_by_station(self) -> dict[str, list[Officer]]:
        roster: dict[str, list[Officer]] = {}
        for officer in self.officers:
            roster.setdefault(officer.station, []).append(officer)
        return roster

    def officers_at(self, station_id: str) -> list[Officer]:
        return self.roster_by_station.get(station_id, [])

    def part(self, stations: set[str], requests: list[Request], **fields) -> "Scenario":
        """The day cut to some stations (their places and officers) and the given requests."""
        return self.with_changes(
            stations=[s for s in self.stations if s.id in stations],
            officers=[o for o in self.officers if o.station in stations],
            requests=requests, **fields,
        )

    def with_changes(self, **fields) -> "Scenario":
        """The same day with some fields replaced, not validated again (its parts already are).

        model_construct, not model_copy: a copy would carry the cached id indexes over.
        """
        current = {name: getattr(self, name) for name in Scenario.model_fields}
        return Scenario.model_construct(**{**current, **fields})
