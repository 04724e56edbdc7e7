"""The plan: solver-independent rows of handovers and unserved requests.

Nothing here knows about CP-SAT. A plan is what a planner publishes; the
checker, the metrics and the report all read it in this form (or from the
files of the plan folder, read back into it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.codes import Reason
from ..core.findings import FITS_ALONE, Finding

if TYPE_CHECKING:
    from ..scenario.schema import Scenario
    from ..screening import Screening


@dataclass(frozen=True, order=True)
class Handover:
    start: int
    station: str
    place: str
    request_id: str
    officer: str
    end: int  # start + minutes; the place stays blocked until end + turnover
    category: str
    seller: str
    buyer: str


@dataclass(frozen=True)
class Unserved:
    request_id: str
    reason: str  # a core.codes.Reason, or what a hand-edited file says
    findings: tuple[Finding, ...] = ()  # why, rendered to a sentence where a person reads it


@dataclass
class Plan:
    handovers: list[Handover] = field(default_factory=list)
    unserved: list[Unserved] = field(default_factory=list)

    def unserved_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.unserved:
            counts[row.reason] = counts.get(row.reason, 0) + 1
        return dict(sorted(counts.items()))

    def sorted(self) -> Plan:
        """Rows in a stable order, so equal plans write equal files."""
        return Plan(sorted(self.handovers), sorted(self.unserved, key=lambda u: (u.request_id, u.reason)))


def whole_plan(scenario: Scenario, screening: Screening, handovers: list[Handover]) -> Plan:
    """The day's plan of these handovers: every other request unserved, for the reason screening
    gave, else for capacity (it fits alone, not beside what was planned)."""
    served = {h.request_id for h in handovers}
    return Plan(list(handovers), [Unserved(rid, *screening.unserved.get(rid, (Reason.CAPACITY, FITS_ALONE)))
                                  for rid in scenario.request_by_id if rid not in served]).sorted()
