"""Staffing comparison: the same figures for several plans, and their differences.

Each scenario is compared through its plan folder (planned now by `remise
compare`, or given), so the figures are exactly those of each plan's report.
The first scenario is the reference; `comparison.csv` has one row per scenario
and station (and a `total` row per scenario), `comparison.html` states the
answer in a sentence and shows the tables and a chart.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from markupsafe import Markup
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ..core.codes import Reason
from ..core.csvfile import Number, write_csv
from ..core.i18n import N_, _, integer, language, long_date, ngettext, percent, signed
from ..core.sentences import level_label, reason_label
from ..planfolder.folder import REPORTS, NotAPlanFolder, PlanFolder
from ..scenario.schema import Scenario
from ..solvers.result import SolveResult
from .charts import CHART_STYLE, new_figure, svg
from .pages import render, write_page
from .workload import level_status, summary_levels

COMPARISON_CSV = "comparison.csv"
COMPARISON_HTML = "comparison.html"
TOTAL = "total"
REASON_ORDER = tuple(Reason)
COUNTS = ("requests", "served", "unserved")
STAFF = ("officers_rostered", "officers_mobilised", "supervised_minutes", "shift_minutes")
SHARES = ("share_of_shift", "max_share_of_shift", "room_utilisation", "bay_utilisation")


@dataclass
class Candidate:
    """One scenario of the comparison: a scenario to plan now, or an existing plan folder."""

    name: str
    source: Path
    scenario: Scenario | None = None  # planned now when given
    result: SolveResult | None = None
    folder: PlanFolder | None = None  # the plan folder, read back
    link: str | None = None  # its report.html, relative to the comparison folder
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # station (or "total") -> metrics

    @property
    def planned_now(self) -> bool:
        return self.scenario is not None


def unique_names(candidates: list[Candidate]) -> None:
    """Name each candidate after its scenario; a repeated name gets -2, -3..."""
    seen: dict[str, int] = {}
    for candidate in candidates:
        base = candidate.scenario.name if candidate.scenario is not None else candidate.folder.name
        seen[base] = seen.get(base, 0) + 1
        candidate.name = base if seen[base] == 1 else f"{base}-{seen[base]}"


def default_comparison_folder(candidates: list[Candidate], root: Path = REPORTS) -> Path:
    return root / ("compare-" + "-vs-".join(c.name for c in candidates))


# --------------------------------------------------------------------------- figures


def reasons_of(candidates: list[Candidate]) -> list[str]:
    found = set()
    for c in candidates:
        found |= set(c.folder.summary["counts"].get("unserved_by_reason", {}))
        found |= {u.reason for u in c.folder.plan.unserved}
    # Every reason, found or not: comparison.csv has one fixed set of columns.
    return list(REASON_ORDER) + sorted(found - set(REASON_ORDER))


def _opening(scenario: Scenario, station_id: str) -> int:
    station = scenario.station_by_id.get(station_id)
    return sum(end - start for start, end in station.hours) if station else 0


def plan_metrics(folder: PlanFolder, reasons: list[str]) -> dict[str, dict[str, Any]]:
    """Per station and in total, from the plan folder's files.

    Per station, a request (served or not) counts for the first station it
    accepts, whatever the plan; `served` counts the handovers at the station.
    Each adds up to the total over the stations.
    """
    scenario = folder.scenario
    first_choice = {r.id: r.stations[0] for r in scenario.requests if r.stations}
    rows: dict[str, dict[str, Any]] = {}
    capacity: dict[str, list[tuple[float, int]]] = {"room": [], "bay": []}  # (utilisation, places x opening)
    # Grouped once: a national day has 1,000 stations and 50,000 requests.
    officers, unserved = defaultdict(list), defaultdict(list)
    for o in folder.officers:
        officers[o.station].append(o)
    for u in folder.plan.unserved:
        unserved[first_choice.get(u.request_id)].append(u)
    wanted = Counter(first_choice.values())
    served = Counter(h.station for h in folder.plan.handovers)
    for s in folder.stations:
        mine, lost = officers[s.station], unserved[s.station]
        supervised, shift = sum(o.supervised_minutes for o in mine), sum(o.shift_minutes for o in mine)
        row = {
            "requests": wanted[s.station], "served": served[s.station], "unserved": len(lost),
            **{f"unserved_{r}": sum(1 for u in lost if u.reason == r) for r in reasons},
            "officers_rostered": len(mine), "officers_mobilised": sum(1 for o in mine if o.handovers > 0),
            "supervised_minutes": supervised, "shift_minutes": shift,
            "share_of_shift": supervised / shift if shift else None,
            "max_share_of_shift": max((o.share_of_shift for o in mine), default=None),
            "room_utilisation": s.room_utilisation, "bay_utilisation": s.bay_utilisation,
        }
        rows[s.station] = row
        station = scenario.station_by_id.get(s.station)
        opening = _opening(scenario, s.station)
        for kind in ("room", "bay"):
            if row[f"{kind}_utilisation"] is not None and station is not None:
                capacity[kind].append((row[f"{kind}_utilisation"], len(station.places(kind)) * opening))
    counts = folder.summary["counts"]
    by_reason = counts.get("unserved_by_reason", {})
    supervised, shift = int(counts["supervised_minutes"]), sum(o.shift_minutes for o in folder.officers)

    def weighted(kind: str) -> float | None:
        total = sum(weight for _place, weight in capacity[kind])
        return sum(u * weight for u, weight in capacity[kind]) / total if total else None

    rows[TOTAL] = {
        "requests": int(counts["requests"]), "served": int(counts["served"]), "unserved": int(counts["unserved"]),
        **{f"unserved_{r}": int(by_reason.get(r, 0)) for r in reasons},
        "officers_rostered": int(counts["officers"]), "officers_mobilised": int(counts["officers_mobilised"]),
        "supervised_minutes": supervised, "shift_minutes": shift,
        "share_of_shift": supervised / shift if shift else None,
        "max_share_of_shift": max((o.share_of_shift for o in folder.officers), default=None),
        "room_utilisation": weighted("room"), "bay_utilisation": weighted("bay"),
    }
    return rows


def metric_names(reasons: list[str]) -> list[str]:
    return [*COUNTS, *(f"unserved_{r}" for r in reasons), *STAFF, *SHARES]


def delta(value: Any, reference: Any) -> float | None:
    if value is None or reference is None:
        return None
    return value - reference


def station_order(candidates: list[Candidate]) -> list[str]:
    order: list[str] = []
    for c in candidates:
        order += [s for s in c.rows if s != TOTAL and s not in order]
    return order


# --------------------------------------------------------------------------- csv


def _cell(metric: str, value: Any) -> str:
    if value is None:
        return ""
    if metric in SHARES:
        return Number(f"{value:.4f}")
    return str(int(value))


def write_comparison_csv(path: Path, candidates: list[Candidate], metrics: list[str], target: Path) -> None:
    """One row per scenario and station, then its total; delta_* against the first scenario."""
    reference = candidates[0]
    columns = ["scenario", "station", *metrics, *(f"delta_{m}" for m in metrics), "status", "plan_folder"]
    records = []
    for c in candidates:
        for station in [*station_order([c]), TOTAL]:
            row = c.rows[station]
            ref = reference.rows.get(station) if c is not reference else None
            record = {"scenario": c.name, "station": station, "status": c.folder.summary.get("status", ""),
                      "plan_folder": _folder_text(c, target)}
            for m in metrics:
                record[m] = _cell(m, row.get(m))
                record[f"delta_{m}"] = "" if ref is None else _cell(m, delta(row.get(m), ref.get(m)))
            records.append(record)
    write_csv(path, columns, records)


def _folder_text(c: Candidate, target: Path) -> str:
    if c.planned_now:
        return f"plans/{c.name}"
    return os.path.relpath(c.source.resolve(), target.resolve())


# --------------------------------------------------------------------------- answer


def _difference(metric: str, d: int) -> str:
    n = integer(abs(d))
    if metric == "served":
        if d == 0:
            return _("as many requests served")
        return (ngettext("{n} fewer request served", "{n} fewer requests served", abs(d)) if d < 0 else
                ngettext("{n} more request served", "{n} more requests served", abs(d))).format(n=n)
    if metric == "supervised_minutes":
        if d == 0:
            return _("as many officer-minutes")
        return (_("{n} fewer officer-minutes") if d < 0 else _("{n} more officer-minutes")).format(n=n)
    return (ngettext("{n} fewer officer rostered", "{n} fewer officers rostered", abs(d)) if d < 0 else
            ngettext("{n} more officer rostered", "{n} more officers rostered", abs(d))).format(n=n)


def answers(candidates: list[Candidate]) -> list[str]:
    """The sentence a station chief asks for: what each scenario gains or loses against the first."""
    reference = candidates[0]
    ref = reference.rows[TOTAL]
    lines = []
    for c in candidates[1:]:
        row = c.rows[TOTAL]
        parts = []
        for metric in ("served", "supervised_minutes", "officers_rostered"):
            d = int(row[metric] - ref[metric])
            if d == 0 and metric == "officers_rostered":
                continue
            parts.append(_difference(metric, d))
        lines.append(_("With {name}: {parts} (against {ref}).").format(
            name=c.name, parts=", ".join(parts), ref=reference.name))
    return lines


def station_sentences(candidates: list[Candidate]) -> list[str]:
    reference = candidates[0]
    lines = []
    for c in candidates[1:]:
        items = []
        for station in station_order([reference, c]):
            a, b = reference.rows.get(station), c.rows.get(station)
            if a and b and b["served"] != a["served"]:
                items.append(f"{station} {signed(b['served'] - a['served'])}")
        sentence = _("Requests served, difference per station: {items}.").format(items=", ".join(items))
        if items and len(candidates) > 2:
            lines.append(f"{c.name} — {sentence}")
        elif items:
            lines.append(sentence)
    return lines


def cautions(candidates: list[Candidate]) -> list[str]:
    lines = []
    for c in candidates:
        open_levels = [lv for lv in summary_levels(c.folder.summary) if lv.get("status") != "optimal"]
        if open_levels:
            text = "; ".join(_("{label}: {value}").format(label=level_label(lv["name"]), value=level_status(lv))
                             for lv in open_levels)
            lines.append(_("Caution: the plan of {name} is not proven optimal ({levels}); part of the difference"
                           " may come from the solving time.").format(name=c.name, levels=text))
    return lines


# --------------------------------------------------------------------------- chart

SCENARIO_COLOURS = ["#1f4e79", "#e07b00", "#2e8b57", "#8e44ad", "#c0392b", "#7f8c8d"]


def comparison_chart(candidates: list[Candidate]) -> Markup:
    """Left: requests served against officer-minutes, one point per scenario. Right: the same per station."""
    stations = station_order(candidates)
    fig = new_figure(3.7)
    colours = {c.name: SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i, c in enumerate(candidates)}
    with matplotlib.rc_context(CHART_STYLE):
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.15, 1, 1], "wspace": 0.38})
        fig.subplots_adjust(left=0.07, right=0.99, top=0.8, bottom=0.15)
        ax = axes[0]
        xs = [c.rows[TOTAL]["supervised_minutes"] for c in candidates]
        ys = [c.rows[TOTAL]["served"] for c in candidates]
        for c, x, y in zip(candidates, xs, ys):
            ax.scatter([x], [y], s=70, color=colours[c.name], zorder=3)
        for c, x, y in zip(candidates[1:], xs[1:], ys[1:]):
            ax.annotate("", xy=(x, y), xytext=(xs[0], ys[0]),
                        arrowprops={"arrowstyle": "->", "color": "#999999", "shrinkA": 6, "shrinkB": 6})
        ax.set_xlim(0, max(xs + [1]) * 1.15)
        ax.set_ylim(0, max(ys + [1]) * 1.15)
        ax.set_xlabel(_("officer-minutes supervised"))
        ax.set_ylabel(_("requests served"))
        ax.grid(color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: integer(v)))
        ax.set_title(_("Total"), loc="left", fontsize=9.5)
        width = 0.8 / max(1, len(candidates))
        positions = np.arange(len(stations))
        for panel, metric, label in ((axes[1], "served", _("requests served")),
                                     (axes[2], "supervised_minutes", _("officer-minutes supervised"))):
            for i, c in enumerate(candidates):
                values = [c.rows.get(s, {}).get(metric) or 0 for s in stations]
                bars = panel.bar(positions + (i - (len(candidates) - 1) / 2) * width, values, width * 0.92,
                                 color=colours[c.name], label=c.name)
                panel.bar_label(bars, labels=[integer(v) for v in values], fontsize=7, padding=1.5)
            panel.set_xticks(positions, stations)
            panel.set_title(label, loc="left", fontsize=9.5)
            panel.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: integer(v)))
            panel.margins(y=0.15)
            panel.grid(axis="y", color="#e5e5e5", linewidth=0.6)
            panel.set_axisbelow(True)
        handles = [Line2D([], [], marker="s", linestyle="", markersize=9, color=colours[c.name])
                   for c in candidates]
        fig.legend(handles, [c.name for c in candidates], loc="upper left", ncols=min(4, len(candidates)),
                   frameon=False, bbox_to_anchor=(0.06, 1.0), fontsize=9)
    return svg(fig, "comparison")


# --------------------------------------------------------------------------- html

METRIC_LABELS = {
    "requests": N_("Requests received"),
    "served": N_("Requests served"),
    "unserved": N_("Requests not served"),
    "officers_rostered": N_("Officers rostered"),
    "officers_mobilised": N_("Officers mobilised"),
    "supervised_minutes": N_("Officer-minutes supervised"),
    "share_of_shift": N_("Share of shifts (all officers)"),
    "max_share_of_shift": N_("Largest share of an officer's shift"),
    "room_utilisation": N_("Room utilisation"),
    "bay_utilisation": N_("Bay utilisation"),
}


def _format(metric: str, value: Any) -> str:
    if value is None:
        return "—"
    return percent(value) if metric in SHARES else integer(value)


def _format_delta(metric: str, value: Any) -> str:
    if value is None:
        return "—"
    return signed(100 * value) + "\u00a0pt" if metric in SHARES else signed(value)


def _label(metric: str) -> str:
    if metric.startswith("unserved_"):
        return _("of which {reason}").format(reason=reason_label(metric[len("unserved_"):]))
    return _(METRIC_LABELS[metric])


def table(candidates: list[Candidate], station: str, metrics: list[str]) -> list[dict[str, Any]]:
    """Rows of one comparison table: a metric, then per scenario its value and difference."""
    reference = candidates[0].rows.get(station)
    rows = []
    for metric in metrics:
        if metric == "shift_minutes":
            continue  # in the CSV; the table shows the share instead
        cells = []
        for index, c in enumerate(candidates):
            value = c.rows.get(station, {}).get(metric)
            d = None if index == 0 or reference is None else delta(value, reference.get(metric))
            cells.append({
                "scenario": c.name, "value": value, "text": _format(metric, value),
                "delta": d, "delta_text": _format_delta(metric, d) if index else "",
                "sign": "" if d is None or abs(d) < 1e-9 else "changed",
            })
        rows.append({"metric": metric, "label": _label(metric), "sub": metric.startswith("unserved_"),
                     "cells": cells})
    return rows


def _link(c: Candidate, target: Path) -> str | None:
    if c.link:
        return c.link
    report = c.source / "report.html"
    return os.path.relpath(report.resolve(), target.resolve()) if report.exists() else None


def write_comparison(folder: Path, target: Path, candidates: list[Candidate], lang: str = "fr") -> list[str]:
    """Write comparison.csv and comparison.html into `folder` (to be published at `target`).

    Returns the answer sentences, for the terminal.
    """
    for c in candidates:
        if c.folder is None:
            raise NotAPlanFolder(f"{c.name} has no plan folder")
    reasons = reasons_of(candidates)
    for c in candidates:
        c.rows = plan_metrics(c.folder, reasons)
    metrics = metric_names(reasons)
    write_comparison_csv(folder / COMPARISON_CSV, candidates, metrics, target)
    with language(lang):
        said = answers(candidates)
        stations = station_order(candidates)
        html = render(
            "comparison.html.j2",
            names=" / ".join(c.name for c in candidates),
            reference=candidates[0].name,
            answers=said,
            by_station=station_sentences(candidates),
            cautions=cautions(candidates),
            scenarios=[
                {"name": c.name, "source": str(c.source), "planned": c.planned_now,
                 "date": long_date(c.folder.scenario.date), "link": _link(c, target),
                 "status": [{"label": level_label(lv["name"]), "status": lv.get("status"),
                             "text": level_status(lv)} for lv in summary_levels(c.folder.summary)]}
                for c in candidates
            ],
            chart=comparison_chart(candidates),
            total=table(candidates, TOTAL, metrics),
            stations=[{"id": s, "rows": table(candidates, s, metrics)} for s in stations],
            candidates=candidates,
        )
    write_page(folder / COMPARISON_HTML, html)
    return said
