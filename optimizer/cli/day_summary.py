"""What `remise validate` prints about a day before anything is solved (the figures come
from `screening.py`; this module only lays them out)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..core.i18n import N_, _, decimal, integer
from ..core.problems import printable
from ..core.sentences import PLACE_WORDS, detail, reason_label
from ..core.times import format_range
from ..scenario.schema import Scenario
from ..screening import Screening, first_choice_demand, supervisable_minutes
from .common import PlainTable


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = PlainTable(title=escape(_(title)), title_justify="left")
    for column in columns:
        table.add_column(_(column))
    return table


def print_summary(console: Console, scenario: Scenario, screening: Screening, source: str) -> None:
    console.print(f"[bold]{escape(printable(scenario.name))}[/bold] — {scenario.date.isoformat()} — "
                  f"{escape(printable(source))}")

    stations = _table(N_("Stations"), (N_("station"), N_("hours"), N_("rooms"), N_("bays"), N_("max visitors"),
                                       N_("officers")))
    for s in scenario.stations:
        stations.add_row(
            s.id, ", ".join(format_range(h) for h in s.hours), str(len(s.rooms)), str(len(s.bays)),
            "—" if s.max_visitors is None else str(s.max_visitors), str(len(scenario.officers_at(s.id))),
        )
    console.print(stations)

    officers = _table(N_("Officers"), (N_("officer"), N_("station"), N_("shift"), N_("skills"), N_("cap"),
                                       N_("supervisable minutes")))
    for o in scenario.officers:
        officers.add_row(
            o.id, o.station, format_range(o.on_duty), ", ".join(o.skills) or "—",
            str(scenario.supervision_cap(o)), str(supervisable_minutes(scenario, o.id)),
        )
    console.print(officers)

    categories = _table(N_("Requests by category"), (N_("category"), N_("place"), N_("requests"), N_("minutes")))
    counts: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    for r in scenario.requests:
        counts[r.category] += 1
        if scenario.category(r).forbidden is None:
            minutes[r.category] += scenario.minutes(r)
    for name, count in sorted(counts.items(), key=lambda item: scenario.policy.label(item[0])):
        category = scenario.policy.categories[name]
        place = _(PLACE_WORDS[category.place]) if category.place else _("forbidden: {why}").format(why=category.forbidden)
        categories.add_row(scenario.policy.label(name), place, integer(count),
                           integer(minutes[name]) if minutes[name] else "—")
    console.print(categories)

    demand = first_choice_demand(scenario, screening)
    balance = _table(N_("Demand against supervision capacity (first acceptable station)"),
                     (N_("station"), N_("demand minutes"), N_("supervisable minutes"), N_("ratio")))
    for s in scenario.stations:
        capacity = sum(supervisable_minutes(scenario, o.id) for o in scenario.officers_at(s.id))
        ratio = decimal(demand.get(s.id, 0) / capacity, 2) if capacity else "—"
        balance.add_row(s.id, integer(demand.get(s.id, 0)), integer(capacity), ratio)
    console.print(balance)

    plannable = len(screening.options)
    console.print(escape(_("{requests} requests: {plannable} can be planned, {unplannable} cannot.").format(
        requests=integer(len(scenario.requests)), plannable=integer(plannable),
        unplannable=integer(len(screening.unserved)))), highlight=False)
    if screening.unserved:
        findings = _table(N_("Screening"), (N_("request"), N_("reason"), N_("detail")))
        for rid, (reason, why) in screening.unserved.items():
            findings.add_row(rid, reason_label(reason), detail(why))
        console.print(findings)
