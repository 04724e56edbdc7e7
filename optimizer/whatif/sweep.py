"""Staffing sweep: how many officers, per station, keep the service at the target share.

Each combination keeps the first N officers of a station's roster (roster order)
and removes the others. Only stations linked by a request or a person can change
each other's results (`solvers.groups.components`), so each component is swept on its
own: the product of its stations' ranges, never the product over the whole day.
Variants are independent solves, run in parallel processes or on a Dask cluster.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from itertools import product
from typing import Callable

from ..core.codes import Level
from ..core.problems import Problem
from ..scenario.references import check_references
from ..scenario.schema import Scenario
from ..screening import screen
from ..solvers.cpsat import solve
from ..solvers.groups import components, part_of
from ..solvers.parallel import gather
from ..solvers.result import SolveOptions

INVALID = "invalid"  # a roster that leaves out an officer a lock names: no plan can keep it
MAX_VARIANTS = 2000  # rosters in one sweep; beyond it, narrow the ranges
_SPEC = re.compile(r"^\s*([^=\s]+)\s*=\s*([0-9]+)\s*(?:\.\.\s*([0-9]+))?\s*$")


@dataclass(frozen=True)
class Variant:
    component: int
    roster: tuple[tuple[str, int], ...]  # (station, officers kept), swept stations of the component

    @property
    def officers(self) -> int:
        return sum(n for _, n in self.roster)


@dataclass
class Outcome:
    variant: Variant
    requests: int  # requests of the component
    servable: int  # requests the full roster could serve alone (not forbidden, not no_feasible_slot)
    served: int = 0
    officer_minutes: int = 0
    unserved: dict[str, int] = field(default_factory=dict)
    status: str = ""  # optimal | feasible | invalid
    detail: str = ""

    @property
    def share(self) -> float:
        return self.served / self.servable if self.servable else 1.0


def parse_ranges(specs: list[str], scenario: Scenario) -> tuple[dict[str, range], list[Problem]]:
    """`paris-11=1..4` or `paris-11=2` into ranges; each problem names the option."""
    ranges: dict[str, range] = {}
    problems = []
    for spec in specs:
        match = _SPEC.match(spec)
        if not match:
            problems.append(Problem("--officers", spec, "", "expected STATION=MIN..MAX or STATION=N"))
            continue
        station, low, high = match.group(1), int(match.group(2)), int(match.group(3) or match.group(2))
        roster = len(scenario.officers_at(station))
        if station not in scenario.station_by_id:
            problems.append(Problem("--officers", spec, "", f"unknown station '{station}'"))
        elif low > high:
            problems.append(Problem("--officers", spec, "", "the range is empty"))
        elif high > roster:
            problems.append(Problem("--officers", spec, "", f"{station} has {roster} officers on its roster"))
        elif station in ranges:
            problems.append(Problem("--officers", spec, "", f"{station} is given twice"))
        else:
            ranges[station] = range(low, high + 1)
    return ranges, problems


def variants(scenario: Scenario, ranges: dict[str, range]) -> tuple[list[list[str]], list[Variant]]:
    """The components with a swept station, and the product of ranges within each."""
    groups = [g for g in components(scenario) if any(s in ranges for s in g)]
    out = []
    for index, group in enumerate(groups):
        swept = [s for s in group if s in ranges]
        for counts in product(*(ranges[s] for s in swept)):
            out.append(Variant(index, tuple(zip(swept, counts))))
    return groups, out


def with_roster(scenario: Scenario, roster: tuple[tuple[str, int], ...]) -> Scenario:
    """The day with only the first N officers of each named station (roster order)."""
    keep_count = dict(roster)
    seen: dict[str, int] = {}
    officers = []
    for officer in scenario.officers:
        if officer.station in keep_count:
            seen[officer.station] = seen.get(officer.station, 0) + 1
            if seen[officer.station] > keep_count[officer.station]:
                continue
        officers.append(officer)
    return scenario.with_changes(officers=officers)


def run_variant(data: dict, variant: Variant, servable: int, options: SolveOptions, all_levels: bool) -> Outcome:
    """Runs in a worker: solve one variant of one component, or record why it cannot be planned.

    By default only `served` is solved: the sweep asks how much is served, and the
    later levels (who, how balanced) do not change that.
    """
    part = Scenario.model_validate(data)
    if not all_levels:
        part.policy.objective = [Level.SERVED]
    outcome = Outcome(variant, len(part.requests), servable)
    day = with_roster(part, variant.roster)
    problems = check_references(day)
    if problems:
        # e.g. a lock names an officer this roster leaves out: no plan can keep it.
        outcome.status = INVALID
        outcome.detail = "; ".join(f"{p.entry}: {p.message}" for p in problems)
        return outcome
    result = solve(day, options)
    outcome.served = len(result.plan.handovers)
    outcome.officer_minutes = sum(h.end - h.start for h in result.plan.handovers)
    for row in result.plan.unserved:
        outcome.unserved[row.reason] = outcome.unserved.get(row.reason, 0) + 1
    outcome.status = result.status
    return outcome


@dataclass
class Sweep:
    groups: list[list[str]]
    ranges: dict[str, range]
    outcomes: list[Outcome]
    target: float

    def answer(self, component: int) -> Outcome | None:
        """The fewest officers reaching the target; ties go to the higher share."""
        reaching = [o for o in self.outcomes if o.variant.component == component
                    and o.status != INVALID and o.share >= self.target - 1e-9]
        if not reaching:
            return None
        return min(reaching, key=lambda o: (o.variant.officers, -o.share, o.variant.roster))

    def curve(self, station: str) -> list[tuple[int, float | None]]:
        """Share served against officers at `station`, the component's other swept stations at their maximum."""
        points = []
        for n in self.ranges[station]:
            match = [o for o in self.outcomes
                     if dict(o.variant.roster).get(station) == n
                     and all(k == station or c == self.ranges[k][-1] for k, c in o.variant.roster)]
            points.append((n, match[0].share if match and match[0].status != INVALID else None))
        return points


def run_sweep(scenario: Scenario, ranges: dict[str, range], target: float, options: SolveOptions, pool,
              all_levels: bool = False, counted: Callable[[int, int], None] | None = None) -> Sweep:
    """Every roster planned on `pool`; `counted(finished, total)` hears each one that ends."""
    groups, todo = variants(scenario, ranges)
    parts = [part_of(scenario, group) for group in groups]
    servable = [len(screen(part).options) for part in parts]
    data = [part.model_dump(mode="json") for part in parts]
    futures = [pool.submit(run_variant, data[v.component], v, servable[v.component], options, all_levels) for v in todo]
    # Every variant has its time limit; lanes run them side by side, with room for a slow start.
    lanes = max(1, getattr(pool, "lanes", 1))
    deadline = time.monotonic() + (len(todo) / lanes + 1) * (options.time_limit + 30)
    outcomes = gather(pool, futures, deadline=deadline, counted=counted)
    return Sweep(groups, ranges, [o for o in outcomes if o is not None], target)
