"""The workload report: `report.html`, rendered from a plan folder alone.

Stages, in this order: read the folder (`planfolder.read_folder`), draw the charts
(`charts.py`), fill the template (`templates/report.html.j2`). Every number shown comes
from the folder's files, so `remise report` re-renders it without solving, in either
language: the reasons a request was not served are read as findings and put into words
here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core import sentences
from ..core.codes import Reason
from ..core.i18n import _, decimal, integer, language, long_date
from ..core.sentences import bound_label, level_label, reason_label, sentence
from ..core.times import format_range
from ..planfolder.folder import REPORT, PlanFolder, WrittenScenario, read_folder
from ..planfolder.metrics import OfficerLoad, StationLoad
from . import charts
from .pages import render, write_page

PROBLEMS_SHOWN = 10  # of a folder that fails the checker; `remise check` lists them all
# A day at scale stays a page a person can scan (and under 1 MB for 1,000 requests): above
# these, the officers' and the stations' charts show the busiest, the long tables are folded
# or cut, and the full lists stay in the CSV files. A station's timeline costs about 0.25 s to
# draw on 2 cores: the report of a 100-station region took 34 s to write, of a 300 s night.
OFFICERS_CHARTED = 30
STATIONS_CHARTED = 30
STATIONS_UNFOLDED = 6
UNSERVED_LISTED = 100
HANDOVERS_LISTED = 300


def summary_levels(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each level's record in summary.json (older folders have only the per-level maps)."""
    if isinstance(summary.get("levels"), list):
        return summary["levels"]
    objective, bound, gap = summary.get("objective", {}), summary.get("bound", {}), summary.get("gap", {})
    return [
        {"name": name, "value": value, "bound": bound.get(name, value), "gap": gap.get(name, 0.0),
         "status": "optimal" if gap.get(name, 0.0) == 0 else "feasible", "seconds": None}
        for name, value in objective.items()
    ]


def level_status(level: dict[str, Any]) -> str:
    """A level of summary.json in words."""
    return sentences.level_status(level.get("status", ""), level.get("gap"))


def seconds(value: float) -> str:
    return _("{n} s").format(n=decimal(value, 1))


def hours(minutes: int) -> str:
    return _("{h} h {m:02d} min").format(h=minutes // 60, m=minutes % 60)


def _max_share(officers: list[OfficerLoad]) -> tuple[float, list[str]]:
    if not officers:
        return 0.0, []
    top = max(o.share_of_shift for o in officers)
    return top, [o.officer for o in officers if o.share_of_shift == top]


def busiest(officers: list[OfficerLoad], count: int = OFFICERS_CHARTED) -> list[OfficerLoad]:
    """The `count` officers with the largest share of their shift, in the folder's order."""
    if len(officers) <= count:
        return officers
    kept = {o.officer for o in sorted(officers, key=lambda o: (-o.share_of_shift, o.officer))[:count]}
    return [o for o in officers if o.officer in kept]


def busiest_stations(stations: list[StationLoad], count: int) -> set[str]:
    """The `count` stations whose rooms or bays are the most used (then the most handovers)."""
    ranked = sorted(stations, key=lambda s: (-max(s.room_utilisation or 0.0, s.bay_utilisation or 0.0),
                                             -s.handovers, s.station))
    return {s.station for s in ranked[:count]}


def officers_by_station(folder: PlanFolder) -> list[dict[str, Any]]:
    """Per station: officers rostered and mobilised, minutes supervised, the largest share."""
    rows: dict[str, dict[str, Any]] = {}
    for o in folder.officers:
        row = rows.setdefault(o.station, {"station": o.station, "officers": 0, "mobilised": 0, "minutes": 0,
                                          "at_cap": 0, "top_share": 0.0})
        row["officers"] += 1
        row["mobilised"] += 1 if o.handovers else 0
        row["minutes"] += o.supervised_minutes
        row["at_cap"] += 1 if o.supervised_minutes >= o.cap else 0
        row["top_share"] = max(row["top_share"], o.share_of_shift)
    return list(rows.values())


def report_context(folder: PlanFolder) -> dict[str, Any]:
    """Everything the template shows, in the current language, with the raw value beside each key number."""
    scenario, summary = folder.scenario, folder.summary
    counts = summary["counts"]
    requests, served = int(counts["requests"]), int(counts["served"])
    top_share, top_officers = _max_share(folder.officers)
    charted = busiest(folder.officers)
    # A station the scenario does not know (an edited folder) has no timeline to draw.
    drawn = busiest_stations([s for s in folder.stations if s.station in scenario.station_by_id], STATIONS_CHARTED)
    stations = []
    for s in folder.stations:
        station = scenario.station_by_id.get(s.station)
        title = f"{station.name} ({s.station})" if station is not None and station.name else s.station
        stations.append({"id": s.station, "title": title, "row": s,
                         "timeline": charts.station_timeline(folder, s.station) if s.station in drawn else None})
    unserved = []
    for u in sorted(folder.plan.unserved, key=lambda u: (u.reason, u.request_id))[:UNSERVED_LISTED]:
        request = scenario.request_by_id.get(u.request_id)
        unserved.append({
            "id": u.request_id, "reason_code": u.reason, "reason": reason_label(u.reason),
            "detail": "\n".join(sentence(f) for f in u.findings),
            "category": scenario.policy.label(request.category) if request else "",
            "stations": ", ".join(request.stations) if request else "",
            "windows": ", ".join(format_range(w) for w in request.windows) if request else "",
        })
    levels = [
        {**level, "label": level_label(level["name"]), "status_text": level_status(level),
         "bound_text": "—" if level.get("bound") is None else integer(level["bound"]),
         "bound_by_text": bound_label(level.get("bound_by")),
         "seconds_text": seconds(level["seconds"]) if level.get("seconds") is not None else "—"}
        for level in summary_levels(summary)
    ]
    return {
        "scenario": folder.name,
        "date": long_date(scenario.date),
        "counts": counts,
        "requests": requests,
        "served": served,
        "served_share": served / requests if requests else 0.0,
        "unserved_by_reason": {code: (reason_label(code), n)
                               for code, n in counts.get("unserved_by_reason", {}).items()},
        "supervised": int(counts["supervised_minutes"]),
        "supervised_hours": hours(int(counts["supervised_minutes"])),
        "top_share": top_share,
        "top_officers": top_officers,
        "officers": folder.officers,
        "officers_by_station": officers_by_station(folder) if len(folder.officers) > OFFICERS_CHARTED else [],
        "charted_officers": len(charted),
        "stations": stations,
        "fold_stations": len(stations) > STATIONS_UNFOLDED,
        "charted_stations": len(drawn),
        "unserved": unserved,
        "unserved_count": len(folder.plan.unserved),
        "levels": levels,
        "plan": folder.plan.handovers if len(folder.plan.handovers) <= HANDOVERS_LISTED else [],
        "plan_count": len(folder.plan.handovers),
        "category_label": scenario.policy.label,
        "turnover": scenario.policy.turnover_minutes,
        "charts": {
            "officer_timeline": charts.officer_timeline(folder, charted),
            "officer_caps": charts.officer_caps(charted),
            "utilisation": charts.utilisation_chart([s for s in folder.stations if s.station in drawn]),
        },
        "run": {
            "solver": summary.get("solver", "cp-sat"), "version": summary.get("solver_version", "?"),
            "seed": summary.get("seed", "?"), "workers": summary.get("workers", "?"),
            "seconds": seconds(float(summary.get("solve_seconds") or 0.0)),
            "hash": summary.get("input_hash", "?"),
        },
        "reasons": Reason,
        "problems": folder.problems[:PROBLEMS_SHOWN],
        "problem_count": len(folder.problems),
    }


def render_report(folder: PlanFolder, lang: str = "fr") -> str:
    with language(lang):
        return render("report.html.j2", **report_context(folder))


def write_report(folder: Path, lang: str = "fr", written: WrittenScenario | None = None) -> list[str]:
    """Render report.html into a plan folder from the files already in it (`written`: the
    scenario copy just written there, see `read_folder`); returns what the folder breaks
    (rules, edits since it was written), which the page shows in a banner."""
    folder = Path(folder)
    read = read_folder(folder, written)
    write_page(folder / REPORT, render_report(read, lang))
    return read.problems
