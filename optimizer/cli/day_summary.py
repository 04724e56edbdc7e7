"""What `remise validate` prints about a day before anything is solved (the figures come
from `screening.py`; this module only lays them out)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..core.i18n import language
from ..core.problems import printable
from ..core.sentences import detail
from ..core.times import format_range
from ..scenario.schema import Scenario
from ..screening import Screening, first_choice_demand, supervisable_minutes
from .common import PlainTable


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = PlainTable(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    return table


def print_summary(console: Console, scenario: Scenario, screening: Screening, source: str) -> None:
    console.print(f"[bold]{escape(printable(scenario.name))}[/bold] — {scenario.date.isoformat()} — "
                  f"{escape(printable(source))}")

    stations = _table("Stations", ("station", "hours", "rooms", "bays", "max visitors", "officers"))
    for s in scenario.stations:
        stations.add_row(
            s.id, ", ".join(format_range(h) for h in s.hours), str(len(s.rooms)), str(len(s.bays)),
            "—" if s.max_visitors is None else str(s.max_visitors), str(len(scenario.officers_at(s.id))),
        )
    console.print(stations)

    officers = _table("Officers", ("officer", "station", "shift", "skills", "cap", "supervisable minutes"))
    for o in scenario.officers:
        officers.add_row(
            o.id, o.station, format_range(o.on_duty), ", ".join(o.skills) or "—",
            str(scenario.supervision_cap(o)), str(supervisable_minutes(scenario, o.id)),
        )
    console.print(officers)

    categories = _table("Requests by category", ("category", "place", "requests", "minutes"))
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

    demand = first_choice_demand(scenario, screening)
    balance = _table("Demand against supervision capacity (first acceptable station)", ("station", "demand minutes", "supervisable minutes", "ratio"))
    for s in scenario.stations:
        capacity = sum(supervisable_minutes(scenario, o.id) for o in scenario.officers_at(s.id))
        ratio = f"{demand.get(s.id, 0) / capacity:.2f}" if capacity else "—"
        balance.add_row(s.id, str(demand.get(s.id, 0)), str(capacity), ratio)
    console.print(balance)

    plannable = len(screening.options)
    console.print(f"{len(scenario.requests)} requests: {plannable} can be planned, {len(screening.unserved)} cannot.")
    if screening.unserved:
        findings = _table("Screening", ("request", "reason", "detail"))
        for rid, (reason, why) in screening.unserved.items():
            with language("en"):
                findings.add_row(rid, reason, detail(why))
        console.print(findings)
