"""Re-planning a changed day with the fewest moves, and telling only who moved."""

from __future__ import annotations

from dataclasses import dataclass

from ..plan.rows import Handover, Plan
from ..scenario.schema import Scenario
from ..core.times import format_time

CHANGE_COLUMNS = ["request_id", "change", "from", "to"]


@dataclass(frozen=True, order=True)
class Change:
    request_id: str
    change: str  # moved | place | officer | unserved | cancelled | new
    before: str
    after: str


def _describe(h: Handover | None) -> str:
    if h is None:
        return ""
    return f"{h.station} {h.place} {h.officer} {format_time(h.start)}-{format_time(h.end)}"


def changes(scenario: Scenario, previous: Plan, plan: Plan) -> list[Change]:
    """What changed for each request between the published plan and the new one."""
    before = {h.request_id: h for h in previous.handovers}
    after = {h.request_id: h for h in plan.handovers}
    out = []
    for rid, old in before.items():
        new = after.get(rid)
        if rid not in scenario.request_by_id:
            out.append(Change(rid, "cancelled", _describe(old), ""))
        elif new is None:
            out.append(Change(rid, "unserved", _describe(old), ""))
        elif (new.station, new.start) != (old.station, old.start):
            out.append(Change(rid, "moved", _describe(old), _describe(new)))
        elif new.place != old.place:
            out.append(Change(rid, "place", _describe(old), _describe(new)))
        elif new.officer != old.officer:
            out.append(Change(rid, "officer", _describe(old), _describe(new)))
    for rid, new in after.items():
        if rid not in before:
            out.append(Change(rid, "new", "", _describe(new)))
    return sorted(out)


def change_rows(items: list[Change]) -> list[dict[str, str]]:
    return [{"request_id": c.request_id, "change": c.change, "from": c.before, "to": c.after} for c in items]
