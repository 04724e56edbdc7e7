"""Read a scenario file, its `extends` parents and section files, into a Scenario.

Stages: read each file (YAML or CSV, scalars kept as text) -> merge the
`extends` chain by id -> validate each entry with its model -> check the
references across entities (`validation.py`). Every problem names the file,
the entry and the field, and all of them are collected before raising.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..core.csvfile import sniff
from ..core.files import UnreadableFile, read_text
from ..core.i18n import _
from ..core.problems import (
    Problem,
    ScenarioError,
    display_path,
    pydantic_message,
    shown,
)
from .origins import Origin, Origins, at_entry, at_line, at_row, entry_name
from .references import check_references
from .schema import Lock, Officer, Policy, Request, Scenario, Station
from .yamltext import LineDict, load_text_yaml

SECTIONS = {"stations": Station, "officers": Officer, "requests": Request}
MAX_EXTENDS = 32  # files in one extends chain; a real variant chain has two or three
TOP_KEYS = {"name", "date", "extends", "policy", "stations", "officers", "requests", "remove"}
CSV_LIST_FIELDS = {"stations", "windows", "skills", "hours", "rooms", "bays"}
LOCK_COLUMNS = {f"locked_{k}": k for k in Lock.model_fields}
LOCK_REQUIRED = ("station", "start")  # a partial lock leaves the place and the officer to the plan


@dataclass
class RawEntry:
    data: dict[str, Any]
    origin: Origin


@dataclass
class _Layer:
    """The merged state of an extends chain, from the root down."""

    name: Any = None
    date: Any = None
    policy: dict[str, Any] = field(default_factory=dict)
    categories: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, dict[str, RawEntry]] = field(
        default_factory=lambda: {name: {} for name in SECTIONS}
    )
    unnamed: dict[str, list[RawEntry]] = field(default_factory=lambda: {name: [] for name in SECTIONS})
    removed_stations: set[str] = field(default_factory=set)


def _field_name(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _pydantic_problems(error: ValidationError, file: str, entry: str, prefix: str = "") -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(p for p in item["loc"] if p not in ("function-after[_forbidden_or_runnable(), Category]",))
        name = _field_name(loc)
        if prefix:
            name = f"{prefix}.{name}" if name else prefix
        problems.append(Problem(file, entry, name, pydantic_message(item)))
    return problems


def _resolve(base: Path, value: str, file: str, entry: str, field_name: str, problems: list[Problem]) -> Path | None:
    """A path named in a scenario, relative to the file naming it; None if the OS rejects it."""
    try:
        path = (base / value).resolve()
        path.exists()
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
        problems.append(Problem(file, entry, field_name, _("unusable path {path}: {reason}").format(path=shown(value), reason=_reason(exc))))
        return None
    return path


def _reason(exc: Exception) -> str:
    """An OS error as a short reason, without the path it repeats."""
    return getattr(exc, "strerror", None) or str(exc)


def _read(path: Path, label: str, problems: list[Problem]) -> str | None:
    """The text of an input file, or None with the problem recorded."""
    try:
        return read_text(path)
    except FileNotFoundError:
        problems.append(Problem(display_path(path), label, "", _("file not found")))
    except UnreadableFile as exc:
        problems.append(Problem(display_path(path), label, "", _("the file {problem}").format(problem=exc)))
    except (OSError, RuntimeError) as exc:
        problems.append(Problem(display_path(path), label, "", _("cannot be read: {reason}").format(reason=_reason(exc))))
    return None


def _read_yaml(path: Path, label: str, problems: list[Problem]) -> Any:
    text = _read(path, label, problems)
    if text is None:
        return None
    try:
        return load_text_yaml(text)
    except RecursionError:  # the limits of yamltext should stop it first
        problems.append(Problem(display_path(path), _("file"), "", _("nested too deeply to read")))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        message = (_("not valid YAML at line {line}, column {column}: {reason}").format(
            line=mark.line + 1, column=mark.column + 1, reason=reason) if mark else
            _("not valid YAML: {reason}").format(reason=reason))
        problems.append(Problem(display_path(path), _("file"), "", message))
        return None


def _read_csv(path: Path, section: str, problems: list[Problem]) -> list[RawEntry] | None:
    file = display_path(path)
    text = _read(path, section, problems)
    if text is None:
        return None
    text, delimiter = sniff(text)  # French Excel separates with semicolons
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        problems.append(Problem(file, section, "", _("not valid CSV: {reason}").format(reason=exc)))
        return None
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        problems.append(Problem(file, _("header"), shown(repeated[0]), _("column named twice: which one holds the value?")))
        return None
    entries: list[RawEntry] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        origin = Origin(file, at_row(number), csv=True)
        if len(row) != len(header):
            problems.append(Problem(file, at_row(number), "", _("has {cells} cells, the header has {header}").format(
                cells=len(row), header=len(header))))
            continue
        data: dict[str, Any] = {}
        lock: dict[str, Any] = {}
        for column, cell in zip(header, row):
            cell = cell.strip()
            if cell == "":
                continue
            if column in LOCK_COLUMNS:
                lock[LOCK_COLUMNS[column]] = cell
            elif column in CSV_LIST_FIELDS:
                data[column] = [part.strip() for part in cell.split("|")]
            else:
                data[column] = cell
        if lock:
            missing = sorted(f"locked_{k}" for k in LOCK_REQUIRED if k not in lock)
            if missing:
                entry = entry_name(section, shown(data["id"]), at_row(number)) if data.get("id") else at_row(number)
                problems.append(Problem(file, entry, missing[0],
                                        _("a lock needs locked_station and locked_start (locked_place and"
                                          " locked_officer are optional)")))
                continue
            data["locked"] = lock
        entries.append(RawEntry(LineDict(data), origin))
    return entries


def _read_section(value: Any, section: str, base: Path, file: str, problems: list[Problem]) -> list[RawEntry]:
    """A section is a list written inline, or a path to a YAML list or a CSV file."""
    if isinstance(value, str):
        path = _resolve(base, value, file, _("scenario"), section, problems)
        if path is None:
            return []
        if path.suffix.lower() == ".csv":
            return _read_csv(path, section, problems) or []
        loaded = _read_yaml(path, section, problems)
        if loaded is None:
            return []
        if not isinstance(loaded, list):
            problems.append(Problem(display_path(path), section, "", _("must be a YAML list of entries")))
            return []
        return _entries(loaded, section, display_path(path), problems)
    if isinstance(value, list):
        return _entries(value, section, file, problems)
    if value is None:
        return []
    problems.append(Problem(file, _("scenario"), section, _("must be a list or a path to a YAML or CSV file")))
    return []


def _entries(items: list, section: str, file: str, problems: list[Problem]) -> list[RawEntry]:
    entries = []
    for index, item in enumerate(items, start=1):
        line = getattr(item, "line", None)
        where = at_line(line) if line else at_entry(index)
        if not isinstance(item, dict):
            problems.append(Problem(file, entry_name(section, f"#{index}", where), "", _("must be a mapping")))
            continue
        entries.append(RawEntry(item, Origin(file, where)))
    return entries


def _entry_id(entry: RawEntry) -> str | None:
    value = entry.data.get("id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _apply_file(path: Path, layer: _Layer, origins: Origins, chain: list[Path], problems: list[Problem]) -> bool:
    """Merge one file (after its parents) into the layer; False if a file of the chain was unreadable."""
    file = display_path(path)
    before = len(problems)
    data = _read_yaml(path, _("scenario"), problems)
    origins.files.append(path)
    if data is None:
        if len(problems) == before:
            problems.append(Problem(file, _("scenario"), "", _("the file is empty")))
        return False
    if not isinstance(data, dict):
        problems.append(Problem(file, _("scenario"), "", _("must be a YAML mapping with name, date, stations, ...")))
        return False
    readable = True
    for key in data:
        if key not in TOP_KEYS:
            problems.append(Problem(file, _("scenario"), str(key), _("unknown field (check the spelling)")))

    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            problems.append(Problem(file, _("scenario"), "extends", _("must be a path to a scenario file")))
        else:
            parent_path = _resolve(path.parent, parent, file, _("scenario"), "extends", problems)
            if parent_path is None:
                pass
            elif len(chain) >= MAX_EXTENDS:
                problems.append(Problem(file, _("scenario"), "extends", _(
                    "more than {most} files extend one another: flatten the chain").format(most=MAX_EXTENDS)))
                readable = False
            elif parent_path in chain:
                cycle = " -> ".join(display_path(p) for p in [*chain, parent_path])
                problems.append(Problem(file, _("scenario"), "extends", _("cycle of extends: {cycle}").format(cycle=cycle)))
            elif not parent_path.exists():
                problems.append(Problem(file, _("scenario"), "extends", _("parent file {parent} not found").format(
                    parent=shown(parent))))
                readable = False
            else:
                readable = _apply_file(parent_path, layer, origins, [*chain, parent_path], problems)

    if "name" in data:
        layer.name = data["name"]
    if "date" in data:
        layer.date = data["date"]

    policy = data.get("policy")
    if policy is not None:
        if not isinstance(policy, dict):
            problems.append(Problem(file, "policy", "", _("must be a mapping")))
        else:
            for key, value in policy.items():
                if key == "categories":
                    if not isinstance(value, dict):
                        problems.append(Problem(file, "policy", "categories", _("must be a mapping of name -> category")))
                        continue
                    for name, category in value.items():
                        layer.categories[name] = category
                        origins.policy[f"categories.{name}"] = file
                else:
                    layer.policy[key] = value
                    origins.policy[key] = file

    for section in SECTIONS:
        if section not in data:
            continue
        seen: set[str] = set()
        for entry in _read_section(data[section], section, path.parent, file, problems):
            entry_id = _entry_id(entry)
            if entry_id is None:
                layer.unnamed[section].append(entry)
                continue
            if entry_id in seen:
                problems.append(
                    Problem(entry.origin.file, entry_name(section, shown(entry_id), entry.origin.where), "id",
                            _("this id is already used by another entry of {section}").format(section=section))
                )
                continue
            seen.add(entry_id)
            layer.sections[section][entry_id] = entry
            if section == "stations":
                layer.removed_stations.discard(entry_id)

    remove = data.get("remove")
    if remove is not None:
        _apply_remove(remove, layer, file, problems)
    return readable


def _apply_remove(remove: Any, layer: _Layer, file: str, problems: list[Problem]) -> None:
    if not isinstance(remove, dict):
        problems.append(Problem(file, "remove", "", _("must be a mapping {officers: [...], requests: [...], stations: [...]}")))
        return
    for section, ids in remove.items():
        if section not in SECTIONS:
            problems.append(Problem(file, "remove", str(section), _("unknown section: use stations, officers or requests")))
            continue
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            problems.append(Problem(file, "remove", section, _("must be a list of ids")))
            continue
        for entry_id in ids:
            if entry_id not in layer.sections[section]:
                problems.append(Problem(file, "remove", section, _("nothing to remove: there is no {entry}").format(entry=entry_name(section, shown(entry_id)))))
                continue
            del layer.sections[section][entry_id]
            if section == "stations":
                layer.removed_stations.add(entry_id)
                for officer_id, entry in list(layer.sections["officers"].items()):
                    if entry.data.get("station") == entry_id:
                        del layer.sections["officers"][officer_id]


def _validate_entries(layer: _Layer, origins: Origins, problems: list[Problem]) -> dict[str, list[BaseModel]]:
    models: dict[str, list[BaseModel]] = {}
    for section, model in SECTIONS.items():
        models[section] = []
        for entry in layer.unnamed[section]:
            label = entry_name(section, None, entry.origin.where)
            try:
                model.model_validate(dict(entry.data))
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, entry.origin.file, label))
            else:  # valid apart from the id, which is then empty or not text
                problems.append(Problem(entry.origin.file, label, "id", _("required field is missing")))
        for entry_id, entry in layer.sections[section].items():
            origins.entries[(section, entry_id)] = entry.origin
            data = dict(entry.data)
            written_wrong = None
            if section == "requests" and "stations" not in data:
                written_wrong = _("required field is missing")
            elif section == "requests" and data.get("stations") == []:
                written_wrong = _("may not be empty")
            if written_wrong:
                problems.append(origins.problem(section, entry_id, "stations", written_wrong))
            if section == "requests" and isinstance(data.get("stations"), list) and layer.removed_stations:
                # Stations removed by a variant leave the request's list; screening reports an empty one.
                data["stations"] = [s for s in data["stations"] if not (isinstance(s, str) and s in layer.removed_stations)]
            try:
                instance = model.model_validate(data)
            except ValidationError as exc:
                label = origins.entry_label(section, entry_id)[1]
                for p in _pydantic_problems(exc, entry.origin.file, label):
                    if entry.origin.csv and p.field.startswith("locked."):
                        p = Problem(p.file, p.entry, "locked_" + p.field.split(".", 1)[1], p.message)
                    problems.append(p)
                continue
            if not written_wrong:
                models[section].append(instance)
    return models


def load_scenario(path: Path | str) -> tuple[Scenario, Origins]:
    """Load and fully validate a scenario; raises ScenarioError with every problem."""
    try:
        path = Path(path).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
        raise ScenarioError([Problem(str(path), _("scenario"), "", _("unusable path: {reason}").format(
            reason=_reason(exc)))]) from None
    file = display_path(path)
    problems: list[Problem] = []
    layer = _Layer()
    origins = Origins(scenario_file=file)
    if not _apply_file(path, layer, origins, [path], problems):
        raise ScenarioError(problems)  # an unreadable file or parent: the rest would be noise

    header_ok = True
    for key in ("name", "date"):
        if getattr(layer, key) is None:
            problems.append(Problem(file, _("scenario"), key, _("required field is missing")))
            header_ok = False
    if header_ok:
        try:
            Scenario(name=layer.name, date=layer.date)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, file, _("scenario")))

    policy = None
    categories = {}
    for name, raw in layer.categories.items():
        categories[name] = raw
    try:
        policy = Policy.model_validate({**layer.policy, "categories": categories})
    except ValidationError as exc:
        for item in _pydantic_problems(exc, file, "policy"):
            key = item.field.split(".")[0].split("[")[0]
            if key == "categories":
                name = item.field.split(".")[1] if "." in item.field else ""
                owner = origins.policy.get(f"categories.{name}", file)
            else:
                owner = origins.policy.get(key, file)
            problems.append(Problem(owner, "policy", item.field, item.message))

    models = _validate_entries(layer, origins, problems)
    if problems or policy is None:
        raise ScenarioError(problems)
    try:
        scenario = Scenario(
            name=layer.name, date=layer.date, policy=policy,
            stations=models["stations"], officers=models["officers"], requests=models["requests"],
        )
    except ValidationError as exc:
        raise ScenarioError(_pydantic_problems(exc, file, _("scenario"))) from None
    problems.extend(check_references(scenario, origins))
    if problems:
        raise ScenarioError(problems)
    return scenario, origins


def load_request(path: Path | str, scenario: Scenario) -> Request:
    """One new request from a YAML file (a mapping, or a list of one), checked against the day."""
    try:
        path = Path(path).resolve()
    except (OSError, RuntimeError) as exc:
        raise ScenarioError([Problem(str(path), _("request"), "", _("unusable path: {reason}").format(
            reason=_reason(exc)))]) from None
    file = display_path(path)
    problems: list[Problem] = []
    data = _read_yaml(path, _("request"), problems)
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not problems and not isinstance(data, dict):
        problems.append(Problem(file, _("request"), "", _("must be one request as a YAML mapping")))
    if problems:
        raise ScenarioError(problems)
    where = at_line(data.line) if getattr(data, "line", None) else at_entry(1)
    label = entry_name("requests", None, where)
    try:
        request = Request.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(_pydantic_problems(exc, file, label)) from None
    origins = Origins(scenario_file=file)
    origins.entries[("requests", request.id)] = Origin(file, where)
    if request.id in scenario.request_by_id:
        raise ScenarioError([origins.problem("requests", request.id, "id", _("a request with this id is already in the scenario"))])
    day = scenario.with_changes(requests=[*scenario.requests, request])
    problems = [p for p in check_references(day, origins) if p.file == file]
    if problems:
        raise ScenarioError(problems)
    return request
