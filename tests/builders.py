"""Tiny days written in a few lines: the builders the rule, re-plan and offer tests share.

Each builder returns the dict a scenario file would hold, with defaults small enough to
check by hand: one station `st-a` open 10:00-18:00 with one room, one officer `alice`
with the `vehicle` skill, and the contract's default policy.
"""

from __future__ import annotations

from optimizer.scenario.references import check_references
from optimizer.scenario.schema import Scenario

CATEGORIES = {
    "phone": {"place": "room", "minutes": 15},
    "laptop": {"place": "room", "minutes": 20},
    "car": {"place": "bay", "minutes": 30, "skill": "vehicle"},
    "knife": {"forbidden": "objets tranchants"},
}
POLICY = {"slot_minutes": 5, "turnover_minutes": 5, "max_supervision_minutes": 240,
          "bay_handovers_per_officer": 2, "party_travel_minutes": 30}


def station(id: str = "st-a", hours=("10:00-18:00",), rooms=("room-1",), bays=(), **extra) -> dict:
    return {"id": id, "hours": list(hours), "rooms": list(rooms), "bays": list(bays), **extra}


def officer(id: str = "alice", station: str = "st-a", shift: str = "08:00-18:00", skills=("vehicle",), **extra) -> dict:
    return {"id": id, "station": station, "shift": shift, "skills": list(skills), **extra}


def request(id: str, category: str = "phone", windows=("10:00-12:00",), stations=("st-a",), **extra) -> dict:
    """A request with its own seller `s-<id>` and buyer `b-<id>` unless given."""
    extra.setdefault("seller", f"s-{id}")
    extra.setdefault("buyer", f"b-{id}")
    return {"id": id, "category": category, "stations": list(stations), "windows": list(windows), **extra}


def lock(station: str, place: str, officer: str, start: str) -> dict:
    return {"station": station, "place": place, "officer": officer, "start": start}


def day(requests: list[dict], stations: list[dict] | None = None, officers: list[dict] | None = None,
        **policy) -> Scenario:
    """A validated scenario whose cross-entity checks all pass."""
    data = {
        "name": "rule",
        "date": "2026-12-01",
        "policy": {**POLICY, "categories": CATEGORIES, **policy},
        "stations": stations if stations is not None else [station()],
        "officers": officers if officers is not None else [officer()],
        "requests": requests,
    }
    scenario = Scenario.model_validate(data)
    problems = check_references(scenario)
    assert problems == [], "\n".join(str(p) for p in problems)
    return scenario
