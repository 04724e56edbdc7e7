"""What changed for each request between a published plan and a new one.

Only the parties whose appointment changed are told, so unchanged appointments are
not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..scenario.schema import Scenario
from .rows import Handover, Plan


class ChangeKind(StrEnum):
    MOVED = "moved"  # another station or start time
    PLACE = "place"  # same station and time, another place
    OFFICER = "officer"  # same station, time and place, another officer
    UNSERVED = "unserved"  # was planned, no longer fits
    CANCELLED = "cancelled"  # gone from the scenario
    NEW = "new"  # not in the published plan


@dataclass(frozen=True, order=True)
class Change:
    request_id: str
    change: ChangeKind
    before: Handover | None
    after: Handover | None


def changes(scenario: Scenario, previous: Plan, plan: Plan) -> list[Change]:
    """What changed for each request between the published plan and the new one."""
    before = {h.request_id: h for h in previous.handovers}
    after = {h.request_id: h for h in plan.handovers}
    out = []
    for rid, old in before.items():
        new = after.get(rid)
        if rid not in scenario.request_by_id:
            out.append(Change(rid, ChangeKind.CANCELLED, old, None))
        elif new is None:
            out.append(Change(rid, ChangeKind.UNSERVED, old, None))
        elif (new.station, new.start) != (old.station, old.start):
            out.append(Change(rid, ChangeKind.MOVED, old, new))
        elif new.place != old.place:
            out.append(Change(rid, ChangeKind.PLACE, old, new))
        elif new.officer != old.officer:
            out.append(Change(rid, ChangeKind.OFFICER, old, new))
    for rid, new in after.items():
        if rid not in before:
            out.append(Change(rid, ChangeKind.NEW, None, new))
    return sorted(out, key=lambda c: (c.request_id, c.change))


def count_by_kind(items: list[Change]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for change in items:
        kinds[change.change] = kinds.get(change.change, 0) + 1
    return dict(sorted(kinds.items()))
