"""The platform's tables: open days, their stations, places and officers, the requests
and bookings of each day, the capacity they hold, and the latest plan of each day.

A day is what a scenario describes (`service/days.py` loads one in and exports it back).
`Slot` is the second guard against double booking: every handover that holds capacity
(a booking, a locked appointment, a request the nightly plan placed) holds one row per
slot of its place (turnover included) and of its officer's attention, and the primary
key forbids two holders of the same slot, whatever the code above it does.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ID = 64  # longest id kept (validation refuses longer ones)


class UTC(TypeDecorator):
    """A moment, kept in UTC and read back aware of it on every database (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


class Day(Base):
    __tablename__ = "day"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    policy: Mapped[dict] = mapped_column(JSON)  # the scenario's policy, as written back by export
    open: Mapped[bool] = mapped_column(default=True)  # bookings and requests accepted
    version: Mapped[int] = mapped_column(Integer, default=0)  # +1 at every change of promises
    planning_until: Mapped[datetime | None] = mapped_column(UTC)  # a nightly plan runs
    loaded_at: Mapped[datetime] = mapped_column(UTC)

    stations: Mapped[list[Station]] = relationship(back_populates="day", cascade="all, delete-orphan",
                                                   order_by="Station.position")
    officers: Mapped[list[Officer]] = relationship(back_populates="day", cascade="all, delete-orphan",
                                                   order_by="Officer.position")
    requests: Mapped[list[Request]] = relationship(back_populates="day", cascade="all, delete-orphan",
                                                   order_by="Request.id")


class Station(Base):
    """A station of a day; its row is what a booking at that station locks."""

    __tablename__ = "station"
    __table_args__ = (UniqueConstraint("day_id", "station_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[str] = mapped_column(String(ID))
    position: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(200))
    hours: Mapped[list] = mapped_column(JSON)  # ["10:00-12:30", ...]
    max_visitors: Mapped[int | None]
    rooms: Mapped[list] = mapped_column(JSON)  # place ids
    bays: Mapped[list] = mapped_column(JSON)

    day: Mapped[Day] = relationship(back_populates="stations")


class Officer(Base):
    __tablename__ = "officer"
    __table_args__ = (UniqueConstraint("day_id", "officer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[str] = mapped_column(String(ID))
    position: Mapped[int]
    station_id: Mapped[str] = mapped_column(String(ID))
    shift: Mapped[str] = mapped_column(String(20))
    skills: Mapped[list] = mapped_column(JSON)
    max_supervision_minutes: Mapped[int | None]
    max_handovers: Mapped[int | None]

    day: Mapped[Day] = relationship(back_populates="officers")


class Request(Base):
    """A request of a day: from the scenario, booked on the platform, or pending there.

    `status`: `pending` (the nightly plan decides), `confirmed` (a booking, or a locked
    appointment of the scenario: its station and start are promised) or `cancelled`.
    The assignment columns hold where the request stands now: for a booking, what was
    chosen when it was made, then what the latest plan chose; for a pending request,
    what the latest plan gave it, or the reason it was not served.
    """

    __tablename__ = "request"
    __table_args__ = (UniqueConstraint("day_id", "request_id"), Index("ix_request_day_changed", "day_id", "changed"))

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[str] = mapped_column(String(ID))
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)  # the parties' secret, platform only
    origin: Mapped[str] = mapped_column(String(16))  # scenario | booking | request
    status: Mapped[str] = mapped_column(String(16), index=True)
    category: Mapped[str] = mapped_column(String(ID))
    stations: Mapped[list] = mapped_column(JSON)
    windows: Mapped[list] = mapped_column(JSON)
    seller: Mapped[str] = mapped_column(String(ID))
    buyer: Mapped[str] = mapped_column(String(ID))
    priority: Mapped[int] = mapped_column(default=1)
    minutes: Mapped[int | None]
    party_size: Mapped[int] = mapped_column(default=2)
    submitted: Mapped[datetime | None] = mapped_column(UTC)
    # The lock: a booking's promise (station, start) or a scenario's lock (all four).
    lock_station: Mapped[str | None] = mapped_column(String(ID))
    lock_start: Mapped[int | None]
    lock_place: Mapped[str | None] = mapped_column(String(ID))
    lock_officer: Mapped[str | None] = mapped_column(String(ID))
    # Where it stands now (minutes from midnight), or why the latest plan left it out.
    station: Mapped[str | None] = mapped_column(String(ID))
    place: Mapped[str | None] = mapped_column(String(ID))
    officer: Mapped[str | None] = mapped_column(String(ID))
    start: Mapped[int | None]
    end: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(32))
    findings: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTC)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTC)
    changed: Mapped[int | None] = mapped_column(Integer)  # the day's version that last changed the row

    day: Mapped[Day] = relationship(back_populates="requests")


class Slot(Base):
    """One slot of one resource held by one request: the constraint behind the code."""

    __tablename__ = "slot"

    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"), primary_key=True)
    resource: Mapped[str] = mapped_column(String(ID + 16), primary_key=True)  # place:ID, officer:ID#lane
    slot: Mapped[int] = mapped_column(primary_key=True)  # minute // slot_minutes
    request_pk: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)


class PlanRun(Base):
    """A nightly plan of a day: its summary, and where its plan folder was written."""

    __tablename__ = "plan_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTC)
    folder: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict] = mapped_column(JSON)
