"""What `remise validate` tells a planner about a day before anything is solved."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table

from .scenario import Scenario
from .screening import Screening
from .timeutil import format_range, intersect


def supervisable_minutes(scenario: Scenario, officer_id: str) -> int:
    """Minutes an officer could supervise: on duty while the station is open, up to the cap."""
    officer = scenario.officer_by_id[officer_id]
    station = scenario.station_by_id[officer.station]
    open_minutes = sum(e - s for s, e in intersect(station.hours, [officer.on_duty]))
    return min(open_minutes, scenario.supervision_cap(officer))


def print_summary(console: Console, scenario: Scenario, screening: Screening, source: str) -> None:
    console.print(f"[bold]{scenario.name}[/bold] — {scenario.date.isoformat()} — {source}")

    stations = Table(title="Stations", title_justify="left")
    for column in ("station", "hours", "rooms", "bays", "max visitors", "officers"):
        stations.add_column(column)
    for s in scenario.stations:
        stations.add_row(
            s.id, ", ".join(format_range(h) for h in s.hours), str(len(s.rooms)), str(len(s.bays)),
            "—" if s.max_visitors is None else str(s.max_visitors), str(len(scenario.officers_at(s.id))),
        )
    console.print(stations)

    officers = Table(title="Officers", title_justify="left")
    for column in ("officer", "station", "shift", "skills", "cap", "supervisable minutes"):
        officers.add_column(column)
    for o in scenario.officers:
        officers.add_row(
            o.id, o.station, format_range(o.on_duty), ", ".join(o.skills) or "—",
            str(scenario.supervision_cap(o)), str(supervisable_minutes(scenario, o.id)),
        )
    console.print(officers)

    categories = Table(title="Requests by category", title_justify="left")
    for column in ("category", "place", "requests", "minutes"):
        categories.add_column(column)
    counts: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    for r in scenario.requests:
        counts[r.category] += 1
        if scenario.category(r).forbidden is None:
            minutes[r.category] += scenario.minutes(r)
    for name, count in sorted(counts.items()):
        category = scenario.policy.categories[name]
        place = category.place or f"forbidden: {category.forbidden}"
        categories.add_row(name, place, str(count), str(minutes[name]) if minutes[name] else "—")
    console.print(categories)

    demand: dict[str, int] = defaultdict(int)
    for rid, options in screening.options.items():
        demand[options[0].station] += scenario.minutes(scenario.request_by_id[rid])
    balance = Table(title="Demand against supervision capacity (first acceptable station)", title_justify="left")
    for column in ("station", "demand minutes", "supervisable minutes", "ratio"):
        balance.add_column(column)
    for s in scenario.stations:
        capacity = sum(supervisable_minutes(scenario, o.id) for o in scenario.officers_at(s.id))
        ratio = f"{demand[s.id] / capacity:.2f}" if capacity else "—"
        balance.add_row(s.id, str(demand[s.id]), str(capacity), ratio)
    console.print(balance)

    plannable = len(screening.options)
    console.print(f"{len(scenario.requests)} requests: {plannable} can be planned, {len(screening.unserved)} cannot.")
    if screening.unserved:
        findings = Table(title="Screening", title_justify="left")
        for column in ("request", "reason", "detail"):
            findings.add_column(column)
        for rid, (reason, detail) in screening.unserved.items():
            findings.add_row(rid, reason, detail)
        console.print(findings)
