"""The plan folder, written and read here only: its file names, columns and formats.

A plan folder holds the contract's files (`plan.csv`, `unserved.csv`, `officers.csv`,
`stations.csv`, `summary.json`), the validated scenario it was made from
(`scenario.yaml`), the structured findings behind each unserved detail
(`findings.json`), `changes.csv` after a re-plan, and `report.html`. Everything a later
command needs (check, report, replan, offer, compare) is read back through
`read_plan` or `read_folder`, never by spelling a file name or a column elsewhere.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import signal
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..check import CheckReport, check_plan
from ..core.codes import Sense
from ..core.csvfile import (
    BOM,
    CSV,
    Number,
    check_dialect,
    csv_dialect,
    csv_text,
    current_dialect,
    number,
    plain,
    sniff,
    write_csv,
)
from ..core.files import UnreadableFile, read_text
from ..core.findings import Finding, as_json, verbatim
from ..core.i18n import _, language, ngettext
from ..core.problems import pydantic_message, shown
from ..core.sentences import detail
from ..core.times import format_time, parse_time
from ..plan.changes import Change, ChangeKind
from ..plan.rows import Handover, Plan, Unserved
from ..scenario.parties import pseudonymised, pseudonyms
from ..scenario.schema import Scenario
from ..scenario.writing import write_scenario_file
from ..scenario.yamltext import load_text_yaml
from ..solvers.result import SolveResult, Status, relative_gap, solver_version
from .metrics import OfficerLoad, StationLoad, officer_loads, station_loads

PLAN = "plan.csv"
UNSERVED = "unserved.csv"
OFFICERS = "officers.csv"
STATIONS = "stations.csv"
SUMMARY = "summary.json"
SCENARIO = "scenario.yaml"
FINDINGS = "findings.json"
PSEUDONYMISED = "pseudonymised"  # summary.json "parties" of a folder written with --redact-parties
CHANGES = "changes.csv"
REPORT = "report.html"
# What every plan folder has, whichever command wrote it.
REQUIRED = (SUMMARY, PLAN, UNSERVED, OFFICERS, STATIONS, SCENARIO)

PLAN_COLUMNS = ("date", "request_id", "station", "place", "officer", "start", "end", "category", "seller", "buyer")
# Read without `date`: folders written before it was added are still plan folders.
PLAN_READ_COLUMNS = PLAN_COLUMNS[1:]
UNSERVED_COLUMNS = ("request_id", "reason", "detail")
OFFICER_COLUMNS = (
    "officer", "station", "shift_minutes", "supervised_minutes", "cap", "handovers",
    "share_of_shift", "first_start", "last_end", "shift_start", "shift_end",
)
STATION_COLUMNS = ("station", "handovers", "room_utilisation", "bay_utilisation", "peak_visitors")
_APPOINTMENT = ("station", "place", "officer", "start", "end")
CHANGE_COLUMNS = ("request_id", "change", *(f"from_{c}" for c in _APPOINTMENT), *(f"to_{c}" for c in _APPOINTMENT))

# Language of the sentences written in the files (the `detail` column).
FILE_LANGUAGE = "en"
REPORTS = Path("reports")  # where folders go unless --out says otherwise


def default_folder(name: str, day: date, command: str = "plan", root: Path = REPORTS) -> Path:
    """Where a command writes by default: `reports/<name>/<date>/` for the plan, and beside it
    `reports/<name>/<date>-<command>/` for a re-plan or a sweep, never inside the plan's folder
    (a later `plan --force` replaces that folder whole)."""
    folder = day.isoformat() if command == "plan" else f"{day.isoformat()}-{command}"
    return root / name / folder

_PADDED_TIME = re.compile(r"^[0-9]{2}:[0-9]{2}$")


class NotAPlanFolder(Exception):
    """The folder is missing, or lacks (or has unreadable) plan files."""


# --------------------------------------------------------------------------- writing


def input_hash(scenario: Scenario) -> str:
    """Hash of the validated scenario, so equal inputs in any layout hash the same."""
    data = scenario.model_dump(mode="json")
    # Optional fields added to the format later are left out when absent, so that the folders
    # written before them keep their hash (and pass `remise check`).
    for category in data["policy"]["categories"].values():
        if category.get("label") is None:
            category.pop("label", None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _time(value: int | None) -> str:
    return "" if value is None else format_time(value)


def _ratio(value: float | None) -> str:
    return "" if value is None else Number(f"{value:.4f}")


def _handover_row(h: Handover, day: date) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "request_id": h.request_id, "station": h.station, "place": h.place, "officer": h.officer,
        "start": format_time(h.start), "end": format_time(h.end), "category": h.category,
        "seller": h.seller, "buyer": h.buyer,
    }


def _officer_row(o: OfficerLoad) -> dict[str, Any]:
    return {
        "officer": o.officer, "station": o.station, "shift_minutes": o.shift_minutes,
        "supervised_minutes": o.supervised_minutes, "cap": o.cap, "handovers": o.handovers,
        "share_of_shift": _ratio(o.share_of_shift), "first_start": _time(o.first_start),
        "last_end": _time(o.last_end), "shift_start": _time(o.shift_start), "shift_end": _time(o.shift_end),
    }


def _station_row(s: StationLoad) -> dict[str, Any]:
    return {
        "station": s.station, "handovers": s.handovers, "room_utilisation": _ratio(s.room_utilisation),
        "bay_utilisation": _ratio(s.bay_utilisation), "peak_visitors": s.peak_visitors,
    }


def _appointment(h: Handover | None, side: str) -> dict[str, str]:
    """One side of a change, a column each: empty for an added or a cancelled request."""
    if h is None:
        return {f"{side}_{c}": "" for c in _APPOINTMENT}
    values = (h.station, h.place, h.officer, format_time(h.start), format_time(h.end))
    return {f"{side}_{c}": v for c, v in zip(_APPOINTMENT, values)}


def _rounded(gap: float | None) -> float | None:
    return None if gap is None else round(gap, 6)


def summary(scenario: Scenario, result: SolveResult) -> dict[str, Any]:
    plan = result.plan
    loads = officer_loads(scenario, plan)
    options = result.options
    return {
        "scenario": scenario.name,
        "date": scenario.date.isoformat(),
        "status": result.status,
        "objective": {level.name: level.value for level in result.levels},
        "bound": {level.name: level.bound for level in result.levels},
        "gap": {level.name: _rounded(level.gap) for level in result.levels},
        "levels": [
            {"name": level.name, "sense": level.sense, "value": level.value, "bound": level.bound,
             "bound_by": level.bound_by, "status": level.status, "gap": _rounded(level.gap),
             "seconds": round(level.seconds, 3)}
            for level in result.levels
        ],
        "solve_seconds": round(result.seconds, 3),
        "counts": {
            "requests": len(scenario.requests),
            "served": len(plan.handovers),
            "unserved": len(plan.unserved),
            "unserved_by_reason": plan.unserved_by_reason(),
            "officers": len(scenario.officers),
            "officers_mobilised": sum(1 for o in loads if o.handovers),
            "supervised_minutes": sum(o.supervised_minutes for o in loads),
        },
        "interrupted": signal.Signals(result.interrupted).name if result.interrupted is not None else None,
        "solver": result.solver,
        "solver_version": solver_version(),
        "seed": options.seed,
        "workers": options.workers,
        "time_limit": options.time_limit,
        "deterministic": options.deterministic,
        "input_hash": input_hash(scenario),
        "csv_dialect": current_dialect().name,
    }


def dump_scenario(scenario: Scenario, path: Path) -> str:
    """The validated scenario as one self-contained YAML file that reloads to the same day;
    returns its text.

    Kept in every plan folder so the plan can be checked and reported on later
    even if the source files (parents, CSV sections) have changed since.
    """
    return write_scenario_file(scenario, path,
                               f"The validated scenario this plan was made from ({input_hash(scenario)}).")


@dataclass(frozen=True)
class WrittenScenario:
    """The scenario copy a plan folder was just given, and the text written for it.

    The report, rendered right after from the folder's files, need not parse that copy again
    (3 to 5 s for a 5,000-request region on 2 cores) while the file still holds this text:
    `dump_scenario` reloads to the same day (tests/test_loading.py, test_input_properties.py).
    The plan's files are read and checked against it as always.
    """
    scenario: Scenario
    text: str


def write_plan_files(folder: Path, scenario: Scenario, result: SolveResult,
                     changes: list[Change] | None = None, redact_parties: bool = False) -> WrittenScenario:
    """Every file of a plan folder but the report, into an existing folder; returns the
    scenario copy as written.

    With `redact_parties`, sellers and buyers are written as their pseudonyms (plan.csv and
    the scenario copy); summary.json keeps the input's hash and records the copy's.
    """
    folder = Path(folder)
    facts = summary(scenario, result)
    plan = result.plan.sorted()
    if redact_parties:
        mapping = pseudonyms(scenario)
        scenario = pseudonymised(scenario)
        plan = Plan([replace(h, seller=mapping[h.seller], buyer=mapping[h.buyer]) for h in plan.handovers],
                    plan.unserved)
        facts.update(parties=PSEUDONYMISED, scenario_hash=input_hash(scenario))
    write_csv(folder / PLAN, PLAN_COLUMNS, (_handover_row(h, scenario.date) for h in plan.handovers))
    with language(FILE_LANGUAGE):
        unserved = [{"request_id": u.request_id, "reason": u.reason, "detail": detail(u.findings)}
                    for u in plan.unserved]
    write_csv(folder / UNSERVED, UNSERVED_COLUMNS, unserved)
    write_csv(folder / OFFICERS, OFFICER_COLUMNS, (_officer_row(o) for o in officer_loads(scenario, plan)))
    write_csv(folder / STATIONS, STATION_COLUMNS, (_station_row(s) for s in station_loads(scenario, plan)))
    findings = {u.request_id: as_json(u.findings) for u in plan.unserved}
    (folder / FINDINGS).write_text(json.dumps(findings, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if changes is not None:
        write_csv(folder / CHANGES, CHANGE_COLUMNS, (
            {"request_id": c.request_id, "change": c.change, **_appointment(c.before, "from"),
             **_appointment(c.after, "to")} for c in changes))
    text = dump_scenario(scenario, folder / SCENARIO)
    (folder / SUMMARY).write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return WrittenScenario(scenario, text)


# --------------------------------------------------------------------------- reading


def load_dumped_scenario(path: Path) -> Scenario:
    """Read back a plan folder's scenario.yaml (written by `dump_scenario`).

    It was validated when it was planned and is self-contained, so it is read as
    data, not as input: a request whose stations a variant all removed keeps its
    empty list here, which the input format forbids writing.
    """
    try:
        return Scenario.model_validate(load_text_yaml(read_text(path)))
    except RecursionError:
        raise ValueError(_("nested too deeply to read")) from None


def _time_cell(text: str, *, end: bool) -> int:
    if not _PADDED_TIME.match(text):
        raise ValueError(_("{value} is not a zero-padded time HH:MM").format(value=shown(text)))
    return parse_time(text, allow_midnight_end=end)


def _optional_time(text: str) -> int | None:
    return _time_cell(text, end=True) if text else None


def _read_table(path: Path, columns: tuple[str, ...], problems: list[str]) -> tuple[list[tuple[int, dict[str, str]]], bool]:
    """Rows of one CSV file with their line numbers; problems are collected, not raised.

    Returns the rows and whether the file could be read at all (a bad row only loses that row).
    """
    try:
        text = read_text(path)
    except FileNotFoundError:
        problems.append(_("{file}: the file is missing.").format(file=path))
        return [], False
    except (OSError, UnreadableFile) as error:
        problems.append(_("{file}: cannot be read ({error}).").format(
            file=path, error=getattr(error, "strerror", None) or error))
        return [], False
    try:
        text, delimiter = sniff(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            problems.append(_("{file}: the file is empty; it needs a header ({columns}).").format(
                file=path, columns=", ".join(columns)))
            return [], False
        header = [name.strip() for name in header]
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            problems.append(_("{file}: the header names column {column} twice.").format(
                file=path, column=shown(repeated[0])))
            return [], False
        missing = [c for c in columns if c not in header]
        if missing:
            problems.append(ngettext("{file}: the header lacks column {columns}.",
                                     "{file}: the header lacks columns {columns}.",
                                     len(missing)).format(file=path, columns=", ".join(missing)))
            return [], False
        rows = []
        for cells in reader:
            line = reader.line_num
            if not cells:
                continue
            if len(cells) != len(header):
                problems.append(_("{file}, line {line}: {cells} cells, but the header has {columns}.").format(
                    file=path, line=line, cells=len(cells), columns=len(header)))
                continue
            rows.append((line, dict(zip(header, (plain(c) for c in cells)))))
        return rows, True
    except csv.Error as error:
        problems.append(_("{file}: not valid CSV ({error}).").format(file=path, error=error))
        return [], False


def _read_findings(folder: Path, problems: list[str]) -> dict[str, tuple[Finding, ...]]:
    """The structured findings of `findings.json`, if the folder has them."""
    path = folder / FINDINGS
    if not path.is_file():
        return {}
    try:
        data = json.loads(read_text(path))
        return {rid: tuple(Finding.from_json(f) for f in items) for rid, items in data.items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError, RecursionError) as error:
        problems.append(_("{file}: not the findings remise writes ({error}).").format(
            file=path, error=shown(str(error))))
        return {}


def read_plan_rows(folder: Path) -> tuple[Plan, list[str], bool]:
    """The plan in a folder, the problems found reading it, and whether both files were readable."""
    folder = Path(folder)
    problems: list[str] = []
    plan = Plan()
    plan_rows, plan_ok = _read_table(folder / PLAN, PLAN_READ_COLUMNS, problems)
    for line, row in plan_rows:
        try:
            if not row["request_id"]:
                raise ValueError(_("request_id is empty"))
            start = _time_cell(row["start"], end=False)
            end = _time_cell(row["end"], end=True)
        except ValueError as error:
            problems.append(_("{file}, line {line}: {problem}.").format(file=folder / PLAN, line=line, problem=error))
            continue
        plan.handovers.append(Handover(
            start=start, station=row["station"], place=row["place"], request_id=row["request_id"],
            officer=row["officer"], end=end, category=row["category"], seller=row["seller"], buyer=row["buyer"],
        ))
    unserved_rows, unserved_ok = _read_table(folder / UNSERVED, UNSERVED_COLUMNS, problems)
    findings = _read_findings(folder, problems)
    for line, row in unserved_rows:
        if not row["request_id"]:
            problems.append(_("{file}, line {line}: request_id is empty.").format(file=folder / UNSERVED, line=line))
            continue
        why = findings.get(row["request_id"]) or verbatim(row["detail"])
        plan.unserved.append(Unserved(row["request_id"], row["reason"], why))
    return plan, problems, plan_ok and unserved_ok


def read_plan(folder: Path) -> Plan:
    """`plan.csv` and `unserved.csv` of a plan folder; any problem raises ValueError naming file and line."""
    plan, problems, _readable = read_plan_rows(Path(folder))
    if problems:
        raise ValueError("\n".join(problems))
    return plan


def check_folder(scenario: Scenario | None, folder: Path) -> CheckReport:
    """Every file of a plan folder checked, trusting none: the plan against `scenario` (or,
    without one, the folder's own copy), and the folder against itself (`audit_folder`).

    A bad row is reported and the rest is still checked (so its request is also
    reported as missing). A missing or unreadable plan file is reported alone, since
    every request would otherwise be reported as missing too.
    """
    folder = Path(folder)
    plan, problems, readable = read_plan_rows(folder)
    copy, summary_data, own = _read_own(folder)
    target = scenario if scenario is not None else copy
    if scenario is not None and summary_data is not None and summary_data.get("parties") == PSEUDONYMISED:
        target = pseudonymised(scenario)  # the folder names parties by the pseudonyms of this input
    if target is None:
        return CheckReport(problems + own, {})
    if scenario is not None and summary_data is not None and summary_data["date"] != scenario.date.isoformat():
        # Said first: every opening-hours violation below follows from it.
        problems.insert(0, _("The plan is for {plan_date} and the scenario for {scenario_date}: is this the "
                             "scenario the plan was made from?").format(plan_date=summary_data["date"][:20],
                                                                        scenario_date=scenario.date.isoformat()))
    report = check_plan(target, plan)
    if not readable:
        return CheckReport(problems + own, report.levels)
    if copy is not None and summary_data is not None:
        own += audit_folder(folder, copy, summary_data, plan)
    return CheckReport(problems + report.violations + own, report.levels)


class SummaryFile(BaseModel):
    """What summary.json must hold for a folder to be read (remise writes more)."""

    scenario: str
    date: str
    status: str
    objective: dict[str, int]
    counts: dict[str, Any]
    input_hash: str
    scenario_hash: str | None = None  # of the scenario.yaml copy, where it differs from the input's


def _read_summary(folder: Path) -> dict[str, Any]:
    """summary.json, checked for what the readers need; NotAPlanFolder with a sentence otherwise."""
    path = folder / SUMMARY
    try:
        data = json.loads(read_text(path))
    except FileNotFoundError:
        raise NotAPlanFolder(_("{file} is missing").format(file=path)) from None
    except (OSError, UnreadableFile) as exc:
        raise NotAPlanFolder(_("{file} cannot be read: {error}").format(
            file=path, error=getattr(exc, "strerror", None) or exc)) from None
    except (ValueError, RecursionError) as exc:
        raise NotAPlanFolder(_("{file} is not valid JSON: {error}").format(file=path, error=shown(str(exc)))) from None
    if not isinstance(data, dict):
        raise NotAPlanFolder(_("{file} is not the summary remise writes (not an object)").format(file=path))
    try:
        SummaryFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise NotAPlanFolder(_("{file} is not the summary remise writes: '{key}': {problem}").format(
            file=path, key=where, problem=pydantic_message(first))) from None
    counts = data["counts"]
    for key in ("requests", "served", "unserved", "supervised_minutes"):
        if not isinstance(counts.get(key), int):
            raise NotAPlanFolder(_("{file} is not the summary remise writes: '{key}' is not a number").format(
                file=path, key=f"counts.{key}"))
    return data


def parties_redacted(folder: Path) -> bool:
    """Whether the folder was written with --redact-parties (its sellers and buyers are pseudonyms)."""
    try:
        return _read_summary(Path(folder)).get("parties") == PSEUDONYMISED
    except NotAPlanFolder:
        return False


def restore_parties(plan: Plan, scenario: Scenario) -> Plan:
    """A redacted folder's plan with the parties of `scenario`, the input its pseudonyms were made from."""
    real = {pseudonym: party for party, pseudonym in pseudonyms(scenario).items()}
    return Plan([replace(h, seller=real[h.seller], buyer=real[h.buyer]) for h in plan.handovers], plan.unserved)


def _read_own(folder: Path) -> tuple[Scenario | None, dict[str, Any] | None, list[str]]:
    """The folder's scenario copy and summary, each None (with the problem) if unreadable."""
    problems: list[str] = []
    copy = summary_data = None
    try:
        summary_data = _read_summary(folder)
    except NotAPlanFolder as exc:
        problems.append(f"{exc}.")
    try:
        copy = load_dumped_scenario(folder / SCENARIO)
    except FileNotFoundError:
        problems.append(_("{file} is missing.").format(file=folder / SCENARIO))
    except (OSError, ValueError, yaml.YAMLError) as exc:  # pydantic's ValidationError is a ValueError
        problems.append(_("{file} is not a valid scenario: {error}.").format(
            file=folder / SCENARIO, error=shown(str(exc).splitlines()[0])))
    return copy, summary_data, problems


def audit_folder(folder: Path, copy: Scenario, summary_data: dict[str, Any], plan: Plan,
                 report: CheckReport | None = None) -> list[str]:
    """Whether the folder agrees with itself: the scenario copy is the one planned (its hash),
    summary.json's counts, objective and levels are the plan's, officers.csv and stations.csv
    are what the plan gives, unserved.csv's details are findings.json's, and changes.csv agrees
    with plan.csv. Any edit after remise wrote the folder shows here. `report` is the checker's
    report on `plan` against `copy` where the caller has one already."""
    problems = []
    recorded = summary_data.get("scenario_hash") or summary_data["input_hash"]
    if input_hash(copy) != recorded:
        problems.append(_("{file} was changed after the plan was written (its hash is not the one {summary} "
                           "records).").format(file=folder / SCENARIO, summary=SUMMARY))
    counts = summary_data["counts"]
    actual = {"requests": len(copy.requests), "served": len(plan.handovers), "unserved": len(plan.unserved)}
    for key, value in actual.items():
        if counts[key] != value:
            problems.append(_("{file}: counts.{key} is {written}, the plan has {value}.").format(
                file=folder / SUMMARY, key=key, written=shown(counts[key]), value=value))
    levels = (report or check_plan(copy, plan)).levels  # `report`: the checker's, against the copy, if run
    for name, value in summary_data["objective"].items():
        if name in levels and levels[name] != value:
            problems.append(_("{file}: objective {level} is {written}, the plan gives {value}.").format(
                file=folder / SUMMARY, level=name, written=value, value=levels[name]))
    problems += _audit_levels(folder / SUMMARY, summary_data)
    problems += _audit_details(folder, plan)
    if (folder / CHANGES).exists():
        problems += _audit_changes(folder / CHANGES, copy, plan)
    if any(h.request_id not in copy.request_by_id or h.officer not in copy.officer_by_id
           or h.station not in copy.station_by_id for h in plan.handovers):
        return problems  # the checker names the unknown rows; the tables cannot be recomputed
    try:
        dialect = check_dialect(str(summary_data.get("csv_dialect", CSV.name)))
    except ValueError as exc:
        return problems + [_("{file}: {problem}.").format(file=folder / SUMMARY, problem=exc)]
    with csv_dialect(dialect.name):  # the tables are compared as written, in the folder's dialect
        expected = {
            OFFICERS: csv_text(OFFICER_COLUMNS, (_officer_row(o) for o in officer_loads(copy, plan))),
            STATIONS: csv_text(STATION_COLUMNS, (_station_row(s) for s in station_loads(copy, plan))),
        }
    for name, text in expected.items():
        try:
            found = read_text(folder / name)
        except (OSError, UnreadableFile) as exc:
            problems.append(_("{file} cannot be read: {error}.").format(
                file=folder / name, error=getattr(exc, "strerror", None) or exc))
            continue
        text = text.removeprefix(BOM)  # read_text drops it
        if found.replace("\r\n", "\n") != text:
            line = next((i for i, (a, b) in enumerate(zip(found.splitlines(), text.splitlines()), start=1) if a != b),
                        min(len(found.splitlines()), len(text.splitlines())) + 1)
            problems.append(_("{file}, line {line}: not what the plan gives (edited after it was written?).").format(
                file=folder / name, line=line))
    return problems


_STATUSES = {s.value for s in Status}


def _audit_levels(path: Path, data: dict[str, Any]) -> list[str]:
    """summary.json's levels agree with its objective, bound and gap tables and with themselves:
    a bound on the right side of its value, the gap that value and bound give, 'optimal' only
    where value and bound meet, a status remise writes."""
    problems = []
    levels = data.get("levels")
    if not isinstance(levels, list) or not all(isinstance(item, dict) for item in levels):
        return [_("{file}: 'levels' is not the list of levels remise writes.").format(file=path)]
    bounds, gaps = data.get("bound") or {}, data.get("gap") or {}
    if [item.get("name") for item in levels] != list(data["objective"]):
        problems.append(_("{file}: 'levels' does not name the levels of 'objective'.").format(file=path))
    if data["status"] not in _STATUSES:
        problems.append(_("{file}: status {status} is not one remise writes.").format(
            file=path, status=shown(data["status"])))
    for item in levels:
        name, value, bound, status = item.get("name"), item.get("value"), item.get("bound"), item.get("status")
        where = _("{file}: level {level}").format(file=path, level=shown(name))
        if value != data["objective"].get(name):
            problems.append(_("{where}: value {value}, but 'objective' says {written}.").format(
                where=where, value=shown(value), written=shown(data["objective"].get(name))))
            continue
        if bound != bounds.get(name) or item.get("gap") != gaps.get(name):
            problems.append(_("{where}: its bound or gap differs from the 'bound' and 'gap' tables.").format(
                where=where))
        if status not in _STATUSES:
            problems.append(_("{where}: status {status} is not one remise writes.").format(
                where=where, status=shown(status)))
        if bound is None:
            if status == Status.OPTIMAL or item.get("gap") is not None:
                problems.append(_("{where}: proven optimal or given a gap without a bound.").format(where=where))
            continue
        if not isinstance(bound, int) or not isinstance(value, int):
            problems.append(_("{where}: value and bound must be whole numbers.").format(where=where))
            continue
        if (bound < value) if item.get("sense") == Sense.MAX else (bound > value):
            problems.append(_("{where}: the bound {bound} is on the wrong side of the value {value}.").format(
                where=where, bound=bound, value=value))
        gap = relative_gap(value, bound)
        if item.get("gap") != _rounded(gap):
            problems.append(_("{where}: gap {written}, but value {value} and bound {bound} give {gap}.").format(
                where=where, written=shown(item.get("gap")), value=value, bound=bound, gap=_rounded(gap)))
        if status == Status.OPTIMAL and bound != value:
            problems.append(_("{where}: 'optimal', but the bound {bound} is not the value {value}.").format(
                where=where, bound=bound, value=value))
    return problems


def _audit_details(folder: Path, plan: Plan) -> list[str]:
    """unserved.csv's `detail` is what findings.json's findings say, for the same requests."""
    path = folder / FINDINGS
    if not path.is_file():
        return []
    problems: list[str] = []
    findings = _read_findings(folder, problems)
    rows, _readable = _read_table(folder / UNSERVED, UNSERVED_COLUMNS, problems)
    written = {row["request_id"]: (line, row["detail"]) for line, row in rows}
    if set(findings) != set(written):
        problems.append(_("{file}: does not hold the findings of the requests of {unserved}.").format(
            file=path, unserved=UNSERVED))
        return problems
    with language(FILE_LANGUAGE):
        for rid, (line, text) in written.items():
            if detail(findings[rid]) != text:
                problems.append(_("{file}, line {line}: the detail is not what {findings} says (edited after it "
                                   "was written?).").format(file=folder / UNSERVED, line=line, findings=FINDINGS))
    return problems


def _audit_changes(path: Path, copy: Scenario, plan: Plan) -> list[str]:
    """changes.csv agrees with the plan: each `to_` side is the request's appointment in plan.csv,
    each kind of change has the sides it needs, and no request is listed twice."""
    problems: list[str] = []
    rows, _readable = _read_table(path, CHANGE_COLUMNS, problems)
    after = {h.request_id: _appointment(h, "to") for h in plan.handovers}
    kinds = {k.value for k in ChangeKind}
    seen: set[str] = set()
    for line, row in rows:
        rid, kind = row["request_id"], row["change"]
        where = _("{file}, line {line}").format(file=path, line=line)
        if rid in seen:
            problems.append(_("{where}: request {request} is listed twice.").format(where=where, request=shown(rid)))
        seen.add(rid)
        if kind not in kinds:
            problems.append(_("{where}: change {change} is not one remise writes.").format(
                where=where, change=shown(kind)))
            continue
        to_side = {c: row[c] for c in CHANGE_COLUMNS if c.startswith("to_")}
        has_from = any(row[c] for c in CHANGE_COLUMNS if c.startswith("from_"))
        if to_side != after.get(rid, _appointment(None, "to")):
            problems.append(_("{where}: the new appointment of {request} is not the one in {plan}.").format(
                where=where, request=shown(rid), plan=PLAN))
        elif has_from == (kind == ChangeKind.NEW) or (kind == ChangeKind.CANCELLED) == (rid in copy.request_by_id):
            problems.append(_("{where}: a change {change} with the sides of another kind of change.").format(
                where=where, change=kind))
    return problems


@dataclass
class PlanFolder:
    """Every file of a plan folder, read back: ids as text, times as minutes, numbers as numbers."""

    path: Path
    summary: dict[str, Any]
    scenario: Scenario
    plan: Plan
    officers: list[OfficerLoad]
    stations: list[StationLoad]
    problems: list[str] = field(default_factory=list)  # rules it breaks, edits since it was written

    @property
    def name(self) -> str:
        return str(self.summary.get("scenario") or self.scenario.name)

    def kind_of(self, place: str) -> str:
        return self.scenario.place_index.get(place, ("", "room"))[1]


def _int(row: dict[str, str], name: str) -> int:
    return int(row[name])


def _float(row: dict[str, str], name: str) -> float | None:
    return number(row[name]) if row[name] != "" else None


def _typed(path: Path, columns: tuple[str, ...], build) -> list:
    problems: list[str] = []
    rows, _readable = _read_table(path, columns, problems)
    if problems:
        raise NotAPlanFolder(problems[0])
    out = []
    for line, row in rows:
        try:
            out.append(build(row))
        except ValueError as exc:
            raise NotAPlanFolder(_("{file}, line {line}: a value is not a number or a time: {error}").format(
                file=path, line=line, error=exc)) from None
    return out


def read_folder(folder: Path | str, written: WrittenScenario | None = None) -> PlanFolder:
    """Read a whole plan folder; raise NotAPlanFolder with a sentence if it is not one.

    `written`: the scenario copy just written into it, taken as read if the file still holds it."""
    folder = Path(folder)
    if not folder.exists():
        raise NotAPlanFolder(_("{folder} does not exist").format(folder=folder))
    if not folder.is_dir():
        raise NotAPlanFolder(_("{folder} is not a folder").format(folder=folder))
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise NotAPlanFolder(_("{folder} is not a plan folder: {files} missing").format(
            folder=folder, files=", ".join(missing)))
    summary_data = _read_summary(folder)
    try:
        if written is not None and read_text(folder / SCENARIO) == written.text:
            scenario = written.scenario
        else:
            scenario = load_dumped_scenario(folder / SCENARIO)
    except (OSError, ValueError, yaml.YAMLError) as exc:  # pydantic's ValidationError is a ValueError
        raise NotAPlanFolder(_("{file} is not a valid scenario: {error}").format(
            file=folder / SCENARIO, error=shown(str(exc).splitlines()[0]))) from None
    try:
        plan = read_plan(folder)
    except ValueError as exc:
        raise NotAPlanFolder(str(exc).splitlines()[0]) from None
    officers = _typed(folder / OFFICERS, OFFICER_COLUMNS, lambda r: OfficerLoad(
        officer=r["officer"], station=r["station"], shift_minutes=_int(r, "shift_minutes"),
        supervised_minutes=_int(r, "supervised_minutes"), cap=_int(r, "cap"), handovers=_int(r, "handovers"),
        share_of_shift=number(r["share_of_shift"]), first_start=_optional_time(r["first_start"]),
        last_end=_optional_time(r["last_end"]), shift_start=_time_cell(r["shift_start"], end=False),
        shift_end=_time_cell(r["shift_end"], end=True),
    ))
    stations = _typed(folder / STATIONS, STATION_COLUMNS, lambda r: StationLoad(
        station=r["station"], handovers=_int(r, "handovers"), room_utilisation=_float(r, "room_utilisation"),
        bay_utilisation=_float(r, "bay_utilisation"), peak_visitors=_int(r, "peak_visitors"),
    ))
    report = check_plan(scenario, plan)  # the copy is the scenario here: one run serves both
    problems = report.violations + audit_folder(folder, scenario, summary_data, plan, report)
    # Rows naming what the scenario does not know are not drawn (the banner lists them).
    known = Plan([h for h in plan.handovers if h.request_id in scenario.request_by_id
                  and h.officer in scenario.officer_by_id and h.station in scenario.station_by_id
                  and h.place in scenario.place_index], plan.unserved)
    return PlanFolder(folder, summary_data, scenario, known, officers, stations, problems)
