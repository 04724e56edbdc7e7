"""Staffing comparison: the same figures for several plans, and their differences.

Each scenario is compared through its plan folder (planned now by `remise
compare`, or given), so the figures are exactly those of each plan's report.
The first scenario is the reference; `comparison.csv` has one row per scenario
and station (and a `total` row per scenario), `comparison.html` states the
answer in a sentence and shows the tables and a chart.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter
from markupsafe import Markup

from .workload import (
    CHART_STYLE, NotAPlanFolder, PlanFolder, Words, environment, level_status, new_figure, summary_levels, svg,
)
from ..scenario.schema import Scenario
from ..solvers.cpsat import SolveResult

TOTAL = "total"
REASON_ORDER = ("capacity", "no_feasible_slot", "forbidden_item")
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


def default_folder(candidates: list[Candidate]) -> Path:
    return Path("reports") / ("compare-" + "-vs-".join(c.name for c in candidates))


# --------------------------------------------------------------------------- figures


def reasons_of(candidates: list[Candidate]) -> list[str]:
    found = set()
    for c in candidates:
        found |= set(c.folder.summary["counts"].get("unserved_by_reason", {}))
        found |= set(c.folder.unserved["reason"])
    return [r for r in REASON_ORDER if r in found] + sorted(found - set(REASON_ORDER))


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
    first_choice = {r.id: r.stations[0] for r in scenario.requests}
    officers, plan, unserved = folder.officers, folder.plan, folder.unserved
    rows: dict[str, dict[str, Any]] = {}
    capacity = {"room": [], "bay": []}  # (utilisation, rooms x opening minutes) per station
    for s in folder.stations.itertuples():
        mine = officers[officers["station"] == s.station]
        lost = unserved[[first_choice.get(rid) == s.station for rid in unserved["request_id"]]]
        served = int((plan["station"] == s.station).sum())
        supervised, shift = int(mine["supervised_minutes"].sum()), int(mine["shift_minutes"].sum())
        row = {
            "requests": sum(1 for station in first_choice.values() if station == s.station),
            "served": served, "unserved": len(lost),
            **{f"unserved_{r}": int((lost["reason"] == r).sum()) for r in reasons},
            "officers_rostered": len(mine), "officers_mobilised": int((mine["handovers"] > 0).sum()),
            "supervised_minutes": supervised, "shift_minutes": shift,
            "share_of_shift": supervised / shift if shift else None,
            "max_share_of_shift": float(mine["share_of_shift"].max()) if len(mine) else None,
            "room_utilisation": None if math.isnan(s.room_utilisation) else float(s.room_utilisation),
            "bay_utilisation": None if math.isnan(s.bay_utilisation) else float(s.bay_utilisation),
        }
        rows[s.station] = row
        station = scenario.station_by_id.get(s.station)
        opening = _opening(scenario, s.station)
        for kind in ("room", "bay"):
            if row[f"{kind}_utilisation"] is not None and station is not None:
                capacity[kind].append((row[f"{kind}_utilisation"], len(station.places(kind)) * opening))
    counts = folder.summary["counts"]
    by_reason = counts.get("unserved_by_reason", {})
    supervised, shift = int(counts["supervised_minutes"]), int(officers["shift_minutes"].sum())

    def weighted(kind: str) -> float | None:
        total = sum(weight for _, weight in capacity[kind])
        return sum(u * weight for u, weight in capacity[kind]) / total if total else None

    rows[TOTAL] = {
        "requests": int(counts["requests"]), "served": int(counts["served"]), "unserved": int(counts["unserved"]),
        **{f"unserved_{r}": int(by_reason.get(r, 0)) for r in reasons},
        "officers_rostered": int(counts["officers"]), "officers_mobilised": int(counts["officers_mobilised"]),
        "supervised_minutes": supervised, "shift_minutes": shift,
        "share_of_shift": supervised / shift if shift else None,
        "max_share_of_shift": float(officers["share_of_shift"].max()) if len(officers) else None,
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
        return f"{value:.4f}"
    return str(int(value))


def write_csv(path: Path, candidates: list[Candidate], metrics: list[str], target: Path) -> None:
    """One row per scenario and station, then its total; delta_* against the first scenario."""
    reference = candidates[0]
    columns = ["scenario", "station", *metrics, *(f"delta_{m}" for m in metrics), "status", "plan_folder"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for c in candidates:
            for station in [*station_order([c]), TOTAL]:
                row = c.rows[station]
                ref = reference.rows.get(station) if c is not reference else None
                record = {"scenario": c.name, "station": station, "status": c.folder.summary.get("status", ""),
                          "plan_folder": _folder_text(c, target)}
                for m in metrics:
                    record[m] = _cell(m, row.get(m))
                    record[f"delta_{m}"] = "" if ref is None else _cell(m, delta(row.get(m), ref.get(m)))
                writer.writerow(record)


def _folder_text(c: Candidate, target: Path) -> str:
    if c.planned_now:
        return f"plans/{c.name}"
    return os.path.relpath(c.source.resolve(), target.resolve())


# --------------------------------------------------------------------------- answer


def answers(candidates: list[Candidate], words: Words) -> list[str]:
    """The sentence a station chief asks for: what each scenario gains or loses against the first."""
    reference = candidates[0]
    ref = reference.rows[TOTAL]
    lines = []
    for c in candidates[1:]:
        row = c.rows[TOTAL]
        parts = []
        for metric, key in (("served", "cmp_served"), ("supervised_minutes", "cmp_minutes"),
                            ("officers_rostered", "cmp_officers")):
            d = int(row[metric] - ref[metric])
            if d == 0 and metric == "officers_rostered":
                continue
            form = "less" if d < 0 else "more" if d > 0 else "same"
            parts.append(words(f"{key}_{form}", n=words.int(abs(d)), s="" if abs(d) == 1 else "s"))
        lines.append(words("cmp_answer", name=c.name, parts=", ".join(parts), ref=reference.name))
    return lines


def station_sentences(candidates: list[Candidate], words: Words) -> list[str]:
    reference = candidates[0]
    lines = []
    for c in candidates[1:]:
        items = []
        for station in station_order([reference, c]):
            a, b = reference.rows.get(station), c.rows.get(station)
            if a and b and b["served"] != a["served"]:
                items.append(f"{station} {words.signed(b['served'] - a['served'])}")
        if items and len(candidates) > 2:
            lines.append(f"{c.name} — " + words("cmp_by_station", items=", ".join(items)))
        elif items:
            lines.append(words("cmp_by_station", items=", ".join(items)))
    return lines


def cautions(candidates: list[Candidate], words: Words) -> list[str]:
    lines = []
    for c in candidates:
        open_levels = [lv for lv in summary_levels(c.folder.summary) if lv.get("status") != "optimal"]
        if open_levels:
            text = "; ".join(f"{words.level(lv['name'])}{words('colon')}{level_status(lv, words)}" for lv in open_levels)
            lines.append(words("cmp_caution", name=c.name, levels=text))
    return lines


# --------------------------------------------------------------------------- chart

SCENARIO_COLOURS = ["#1f4e79", "#e07b00", "#2e8b57", "#8e44ad", "#c0392b", "#7f8c8d"]


def comparison_chart(candidates: list[Candidate], words: Words) -> Markup:
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
        ax.set_xlabel(words("axis_officer_minutes"))
        ax.set_ylabel(words("axis_served"))
        ax.grid(color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: words.int(v)))
        ax.set_title(words("cmp_total"), loc="left", fontsize=9.5)
        width = 0.8 / max(1, len(candidates))
        positions = np.arange(len(stations))
        for panel, metric, label in ((axes[1], "served", "axis_served"),
                                     (axes[2], "supervised_minutes", "axis_officer_minutes")):
            for i, c in enumerate(candidates):
                values = [c.rows.get(s, {}).get(metric) or 0 for s in stations]
                bars = panel.bar(positions + (i - (len(candidates) - 1) / 2) * width, values, width * 0.92,
                                 color=colours[c.name], label=c.name)
                panel.bar_label(bars, labels=[words.int(v) for v in values], fontsize=7, padding=1.5)
            panel.set_xticks(positions, stations)
            panel.set_title(words(label), loc="left", fontsize=9.5)
            panel.yaxis.set_major_formatter(FuncFormatter(lambda v, _: words.int(v)))
            panel.margins(y=0.15)
            panel.grid(axis="y", color="#e5e5e5", linewidth=0.6)
            panel.set_axisbelow(True)
        handles = [Line2D([], [], marker="s", linestyle="", markersize=9, color=colours[c.name])
                   for c in candidates]
        fig.legend(handles, [c.name for c in candidates], loc="upper left", ncols=min(4, len(candidates)),
                   frameon=False, bbox_to_anchor=(0.06, 1.0), fontsize=9)
    return svg(fig, "comparison")


# --------------------------------------------------------------------------- html


def _format(metric: str, value: Any, words: Words) -> str:
    if value is None:
        return "—"
    return words.pct(value) if metric in SHARES else words.int(value)


def _format_delta(metric: str, value: Any, words: Words) -> str:
    if value is None:
        return "—"
    return words.pct_points(value) if metric in SHARES else words.signed(value)


def _label(metric: str, words: Words) -> str:
    if metric.startswith("unserved_"):
        return words("m.unserved_reason", reason=words.reason(metric[len("unserved_"):]))
    return words(f"m.{metric}")


def table(candidates: list[Candidate], station: str, metrics: list[str], words: Words) -> list[dict[str, Any]]:
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
                "scenario": c.name, "value": value, "text": _format(metric, value, words),
                "delta": d, "delta_text": _format_delta(metric, d, words) if index else "",
                "sign": "" if d is None or abs(d) < 1e-9 else "changed",
            })
        rows.append({"metric": metric, "label": _label(metric, words),
                     "sub": metric.startswith("unserved_"), "cells": cells})
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
    words = Words(lang)
    for c in candidates:
        if c.folder is None:
            raise NotAPlanFolder(f"{c.name} has no plan folder")
    reasons = reasons_of(candidates)
    for c in candidates:
        c.rows = plan_metrics(c.folder, reasons)
    metrics = metric_names(reasons)
    write_csv(folder / "comparison.csv", candidates, metrics, target)
    said = answers(candidates, words)
    stations = station_order(candidates)
    context = {
        "lang": lang, "w": words,
        "names": " / ".join(c.name for c in candidates),
        "reference": candidates[0].name,
        "answers": said,
        "by_station": station_sentences(candidates, words),
        "cautions": cautions(candidates, words),
        "scenarios": [
            {"name": c.name, "source": str(c.source), "planned": c.planned_now,
             "date": words.date(c.folder.scenario.date), "link": _link(c, target),
             "status": [{"label": words.level(lv["name"]), "status": lv.get("status"),
                         "text": level_status(lv, words)} for lv in summary_levels(c.folder.summary)]}
            for c in candidates
        ],
        "chart": comparison_chart(candidates, words),
        "total": table(candidates, TOTAL, metrics, words),
        "stations": [{"id": s, "rows": table(candidates, s, metrics, words)} for s in stations],
        "candidates": candidates,
    }
    html = environment().get_template("comparison.html.j2").render(**context)
    (folder / "comparison.html").write_text(html, encoding="utf-8")
    return said
