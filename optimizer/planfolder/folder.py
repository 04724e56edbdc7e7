"""The plan folder: CSV files, summary.json, written all at once or not at all.

Files are written into a temporary sibling folder and renamed into place, so
an interrupted run never leaves a half-written plan where the last good one was.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import yaml

from .metrics import officer_loads, station_loads
from ..plan.rows import Plan
from ..scenario.schema import Scenario
from ..solvers.cpsat import SolveResult, solver_version
from ..core.times import format_time

PLAN_COLUMNS = ["request_id", "station", "place", "officer", "start", "end", "category", "seller", "buyer"]
UNSERVED_COLUMNS = ["request_id", "reason", "detail"]
OFFICER_COLUMNS = [
    "officer", "station", "shift_minutes", "supervised_minutes", "cap", "handovers",
    "share_of_shift", "first_start", "last_end", "shift_start", "shift_end",
]
STATION_COLUMNS = ["station", "handovers", "room_utilisation", "bay_utilisation", "peak_visitors"]


class OutputExists(Exception):
    """The output folder exists and --force was not given."""


def input_hash(scenario: Scenario) -> str:
    """Hash of the validated scenario, so equal inputs in any layout hash the same."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _time(value: int | None) -> str:
    return "" if value is None else format_time(value)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "request_id": h.request_id, "station": h.station, "place": h.place, "officer": h.officer,
            "start": format_time(h.start), "end": format_time(h.end), "category": h.category,
            "seller": h.seller, "buyer": h.buyer,
        }
        for h in plan.handovers
    ]


def officer_rows(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "officer": o.officer, "station": o.station, "shift_minutes": o.shift_minutes,
            "supervised_minutes": o.supervised_minutes, "cap": o.cap, "handovers": o.handovers,
            "share_of_shift": _number(o.share_of_shift), "first_start": _time(o.first_start),
            "last_end": _time(o.last_end), "shift_start": _time(o.shift_start),
            "shift_end": _time(o.shift_end),
        }
        for o in officer_loads(scenario, plan)
    ]


def station_rows(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "station": s.station, "handovers": s.handovers, "room_utilisation": _number(s.room_utilisation),
            "bay_utilisation": _number(s.bay_utilisation), "peak_visitors": s.peak_visitors,
        }
        for s in station_loads(scenario, plan)
    ]


def summary(scenario: Scenario, result: SolveResult) -> dict[str, Any]:
    plan = result.plan
    reasons = plan.unserved_by_reason()
    loads = officer_loads(scenario, plan)
    options = result.options
    return {
        "scenario": scenario.name,
        "date": scenario.date.isoformat(),
        "status": result.status,
        "objective": {level.name: level.value for level in result.levels},
        "bound": {level.name: level.bound for level in result.levels},
        "gap": {level.name: round(level.gap, 6) for level in result.levels},
        "levels": [
            {"name": level.name, "sense": level.sense, "value": level.value, "bound": level.bound,
             "status": level.status, "gap": round(level.gap, 6), "seconds": round(level.seconds, 3)}
            for level in result.levels
        ],
        "solve_seconds": round(result.seconds, 3),
        "counts": {
            "requests": len(scenario.requests),
            "served": len(plan.handovers),
            "unserved": len(plan.unserved),
            "unserved_by_reason": reasons,
            "officers": len(scenario.officers),
            "officers_mobilised": sum(1 for o in loads if o.handovers),
            "supervised_minutes": sum(o.supervised_minutes for o in loads),
        },
        "solver": result.solver,
        "solver_version": solver_version(),
        "seed": options.seed,
        "workers": options.workers,
        "time_limit": options.time_limit,
        "deterministic": options.deterministic,
        "input_hash": input_hash(scenario),
    }


def dump_scenario(scenario: Scenario, path: Path) -> None:
    """The validated scenario as one self-contained YAML file that reloads to the same day.

    Kept in every plan folder so the plan can be checked and reported on later
    even if the source files (parents, CSV sections) have changed since.
    """
    data = scenario.model_dump(mode="json", exclude_none=True)
    header = f"# The validated scenario this plan was made from ({input_hash(scenario)}).\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def load_dumped_scenario(path: Path) -> Scenario:
    """Read back a plan folder's scenario.yaml (written by `dump_scenario`).

    It was validated when it was planned and is self-contained, so it is read as
    data, not as input: a request whose stations a variant all removed keeps its
    empty list here, which the input format forbids writing.
    """
    from ..scenario.yamltext import load_text_yaml

    return Scenario.model_validate(load_text_yaml(Path(path).read_text(encoding="utf-8")))


def write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_plan_files(folder: Path, scenario: Scenario, result: SolveResult) -> None:
    """The contract's plan files, into an existing folder."""
    plan = result.plan.sorted()
    write_csv(folder / "plan.csv", PLAN_COLUMNS, plan_rows(plan))
    write_csv(
        folder / "unserved.csv", UNSERVED_COLUMNS,
        [{"request_id": u.request_id, "reason": u.reason, "detail": u.detail} for u in plan.unserved],
    )
    write_csv(folder / "officers.csv", OFFICER_COLUMNS, officer_rows(scenario, plan))
    write_csv(folder / "stations.csv", STATION_COLUMNS, station_rows(scenario, plan))
    dump_scenario(scenario, folder / "scenario.yaml")
    (folder / "summary.json").write_text(
        json.dumps(summary(scenario, result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def publish(out: Path, force: bool, write: Callable[[Path], None]) -> None:
    """Write a folder through `write(tmp)` and rename it into place.

    An existing folder is kept unless `force`; with `force` it is swapped out only
    once the new one is complete.
    """
    out = Path(out)
    if out.exists() and not force:
        raise OutputExists(f"{out} already exists (use --force to replace it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        write(tmp)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
