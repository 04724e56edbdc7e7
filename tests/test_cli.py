"""The command line through typer's runner: exit codes, output folders, reproducibility."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from optimizer.cli import COMMANDS, app, command_group

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
FAST = ["--time-limit", "10", "--workers", "1", "--seed", "0"]
PLAN_FILES = ["plan.csv", "unserved.csv", "officers.csv", "stations.csv", "summary.json", "scenario.yaml"]

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_plan_writes_every_file_and_accounts_for_every_request(tmp_path):
    out = tmp_path / "plan"
    result = run("plan", TINY, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    for name in PLAN_FILES:
        assert (out / name).exists(), name
    planned = {r["request_id"] for r in rows(out / "plan.csv")}
    unserved = {r["request_id"]: r["reason"] for r in rows(out / "unserved.csv")}
    # One room for r1 and r2 (15 min + 5 turnover within 10:00-11:00: both fit),
    # the car on the bay with alice, the knife refused by the charter.
    assert planned == {"r1", "r2", "r3"}
    assert unserved == {"r4": "forbidden_item"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counts"]["served"] == 3
    assert summary["objective"]["served"] == 3
    assert summary["workers"] == 1 and summary["seed"] == 0
    assert summary["input_hash"].startswith("sha256:")


def test_plan_then_check_accepts_and_a_broken_plan_is_rejected(tmp_path):
    out = tmp_path / "plan"
    assert run("plan", TINY, "--out", out, *FAST).exit_code == 0
    good = run("check", TINY, out)
    assert good.exit_code == 0, good.output
    assert "demandes servies, pondérées par la priorité (à maximiser)\u00a0: 3" in good.output
    assert "served 3" in run("check", TINY, out, "--lang", "en").output.replace(
        "requests served, weighted by priority (to maximise): ", "served ")

    # Put both phones in the one room at the same time: a place overlap.
    plan_rows = rows(out / "plan.csv")
    phones = [r for r in plan_rows if r["category"] == "phone"]
    phones[1].update(start=phones[0]["start"], end=phones[0]["end"], place=phones[0]["place"])
    with (out / "plan.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(plan_rows[0]))
        writer.writeheader()
        writer.writerows(plan_rows)
    bad = run("check", TINY, out)
    assert bad.exit_code == 1
    assert "room-1" in bad.output


def test_existing_output_is_kept_without_force_and_replaced_with_it(tmp_path):
    out = tmp_path / "plan"
    assert run("plan", TINY, "--out", out, *FAST).exit_code == 0
    (out / "plan.csv").write_text("previous plan")
    refused = run("plan", TINY, "--out", out, *FAST)
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert (out / "plan.csv").read_text() == "previous plan"

    replaced = run("plan", TINY, "--out", out, "--force", *FAST)
    assert replaced.exit_code == 0, replaced.output
    assert (out / "plan.csv").read_text() != "previous plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]  # no temporary folder or lock left behind


def test_default_output_folder_is_reports_name_date(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("plan", TINY, *FAST)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports" / "tiny" / "2026-12-01" / "plan.csv").exists()


@pytest.mark.parametrize(
    "text, field",
    [
        # A start outside the day: the field is named.
        ("requests:\n  - {id: r1, category: phone, stations: [st-a], windows: ['25:00-26:00'], seller: a, buyer: b}\n",
         "windows[0]"),
        # A lock on a place that does not exist.
        ("requests:\n  - {id: r1, category: phone, stations: [st-a], windows: ['10:00-11:00'], seller: a, buyer: b,"
         " locked: {station: st-a, place: nowhere, officer: alice, start: '10:00'}}\n", "locked.place"),
        # Not YAML at all.
        ("requests: [unclosed\n", ""),
    ],
)
def test_bad_input_exits_2_naming_file_and_field(tmp_path, text, field):
    base = TINY.read_text().split("requests:")[0]
    path = tmp_path / "bad.yaml"
    path.write_text(base + text)
    for command in (["validate", path], ["plan", path, "--out", tmp_path / "out", *FAST]):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert "bad.yaml" in result.output
        assert field in result.output
    assert not (tmp_path / "out").exists()


def test_conflicting_locks_exit_2_naming_both(tmp_path):
    text = TINY.read_text().replace(
        "{id: r1, category: phone, stations: [st-a], windows: [\"10:00-11:00\"], seller: u-1, buyer: u-2}",
        "{id: r1, category: phone, stations: [st-a], windows: [\"10:00-11:00\"], seller: u-1, buyer: u-2,"
        " locked: {station: st-a, place: room-1, officer: bob, start: \"10:00\"}}",
    ).replace(
        "{id: r2, category: phone, stations: [st-a], windows: [\"10:00-11:00\"], seller: u-3, buyer: u-4}",
        "{id: r2, category: phone, stations: [st-a], windows: [\"10:00-11:00\"], seller: u-3, buyer: u-4,"
        " locked: {station: st-a, place: room-1, officer: alice, start: \"10:15\"}}",
    )
    path = tmp_path / "locks.yaml"
    path.write_text(text)
    result = run("plan", path, "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 2, result.output
    assert "'r1'" in result.output and "'r2'" in result.output and "room-1" in result.output


def _without_timings(folder: Path) -> dict[str, object]:
    """Every file of a plan folder, with the wall-clock durations (the only thing two
    deterministic runs may differ in) taken out: `seconds` keys of summary.json, and what the
    report marks as a timing."""
    files: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.name == "summary.json":
            summary = json.loads(path.read_text(encoding="utf-8"))
            summary.pop("solve_seconds")
            for level in summary["levels"]:
                level.pop("seconds")
            files[path.name] = summary
        elif path.name == "report.html":
            html = path.read_text(encoding="utf-8")
            html, cells = re.subn(r'class="num timing">[^<]*<', 'class="num timing"><', html)
            html, spans = re.subn(r'<span class="timing">[^<]*</span>', "", html)
            assert cells >= 1 and spans == 1, "the report's timings are no longer marked"
            files[path.name] = html
        else:
            files[path.name] = path.read_bytes()
    return files


def test_deterministic_runs_write_identical_folders_but_for_timings(tmp_path):
    # Eight phone sales for one room and one officer in an hour: at most four are served, the
    # others are explained (the explanations solve too, on deterministic time).
    crowded = [f'  - {{id: r{i}, category: phone, stations: [st-a], windows: ["10:00-11:00"],'
               f" seller: s-{i}, buyer: b-{i}}}" for i in range(8)]
    text = TINY.read_text(encoding="utf-8").split("requests:")[0].replace('"10:00-12:00"]', '"10:00-11:00"]', 1)
    text = text.replace("  - {id: alice, station: st-a, shift: \"08:00-16:00\", skills: [vehicle]}\n", "")
    scenario = tmp_path / "crowded.yaml"
    scenario.write_text(text + "requests:\n" + "\n".join(crowded) + "\n", encoding="utf-8")
    folders = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = run("plan", scenario, "--out", out, "--deterministic", "--workers", "2", "--seed", "3",
                     "--time-limit", "2", "--explain-time", "2")
        assert result.exit_code == 0, result.output
        folders.append(_without_timings(out))
    unserved = rows(tmp_path / "a" / "unserved.csv")
    assert len(unserved) >= 4 and all(row["detail"] for row in unserved)  # turnover: 3 or 4 fit
    assert folders[0].keys() == folders[1].keys()
    for name in folders[0]:
        assert folders[0][name] == folders[1][name], name


MODEL_DIGEST = """
import hashlib, sys
from optimizer.model.build import build_model
from optimizer.scenario.loading import load_scenario
from optimizer.screening import screen
scenario = load_scenario(sys.argv[1])[0]
print(hashlib.sha256(str(build_model(scenario, screen(scenario)).model.Proto()).encode()).hexdigest())
"""


def test_the_model_is_the_same_whatever_the_process_s_string_hashing(tmp_path):
    # A set of strings iterates in an order set per process (PYTHONHASHSEED): constraints added
    # in that order made deterministic runs differ between processes (a block day's workers,
    # two runs of the CLI). The pilot has skills, parties and every rule family.
    digests = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", MODEL_DIGEST, str(ROOT / "scenarios" / "paris-pilot.yaml")],
                              env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
                              timeout=120, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_validate_default_scenario_exits_0(monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "paris-pilot" in result.output


def test_validate_says_in_words_why_a_request_cannot_be_planned(tmp_path):
    # tiny.yaml: r4 is a knife (the charter's reason is quoted); a copy moves r1's window
    # to 06:00-07:00, when st-a is closed, so screening explains it per station.
    text = TINY.read_text(encoding="utf-8").replace('windows: ["10:00-11:00"]', 'windows: ["06:00-07:00"]', 1)
    scenario = tmp_path / "closed.yaml"
    scenario.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(scenario)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "objets tranchants" in result.output
    assert "pas de créneau de 15 min dans les créneaux demandés (06:00-07:00)" in result.output  # French by default
    assert "Finding(" not in result.output
    english = runner.invoke(app, ["validate", str(scenario), "--lang", "en"], env={"COLUMNS": "300"})
    assert "no 15-minute slot in the windows (06:00-07:00) within the hours of st-a" in english.output


def test_the_lazy_command_list_names_each_module_s_commands():
    """`COMMANDS` says which module holds each command, so that one command loads only its own."""
    found = {}
    for module in set(COMMANDS.values()):
        group = command_group(module)
        for name in (group.commands if hasattr(group, "commands") else [group.name]):
            found[name] = module
    assert found == COMMANDS


def test_a_planning_command_does_not_load_the_booking_platform_s_stack(tmp_path):
    # FastAPI and uvicorn cost a planning command 0.6 s on 2 cores, SQLAlchemy and Alembic
    # 0.75 s: the database stack loads only for `plan --db` (tests/test_service_api.py runs it).
    probe = ("import sys\nfrom optimizer.cli import app\n"
             "app(['validate', 'tests/data/tiny.yaml'], standalone_mode=False)\n"
             "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'sqlalchemy', 'alembic') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("[]")
    # ... and loads when it runs: the day is looked for in the database.
    database = f"sqlite:///{tmp_path / 'platform.db'}"
    run = subprocess.run([sys.executable, "cli.py", "plan", "--db", database, "--date", "2026-12-01",
                          "--out", str(tmp_path / "plan")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert "aucune journée 2026-12-01 dans la base" in run.stderr


def test_a_lazy_module_is_found_as_an_import_would_find_it():
    probe = ("import sys\nimport optimizer.cli.planning\nimport optimizer.service\n"
             "assert 'sqlalchemy' not in sys.modules\n"
             "print(callable(optimizer.service.nightly.plan_from_db), 'sqlalchemy' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True"]
