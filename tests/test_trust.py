"""Trust nothing read back: replan, offer and report check the folder they read, and check
covers every file of it (issue 15, trust)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA
from typer.testing import CliRunner

from optimizer.cli import app

TINY = str(DATA / "tiny.yaml")
FAST = ["--time-limit", "2", "--workers", "1", "--no-explain"]


def said(result) -> str:
    return " ".join(result.output.split())


@pytest.fixture()
def folder(tmp_path) -> Path:
    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["plan", TINY, "--out", str(out), *FAST])
    assert result.exit_code == 0, result.output
    return out


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _at(lines: list[str], name: str) -> int:
    """The index of column `name` in the header line."""
    return lines[0].split(",").index(name)


def ghost_request(folder: Path) -> None:
    lines = _lines(folder / "plan.csv")
    cells = lines[1].split(",")
    cells[_at(lines, "request_id")] = "ghost"
    _write(folder / "plan.csv", lines + [",".join(cells)])


def duplicated_row(folder: Path) -> None:
    lines = _lines(folder / "plan.csv")
    _write(folder / "plan.csv", lines + [lines[1]])


def shortened_handover(folder: Path) -> None:
    lines = _lines(folder / "plan.csv")
    cells = lines[1].split(",")
    start_at, end_at = _at(lines, "start"), _at(lines, "end")
    start = int(cells[start_at][:2]) * 60 + int(cells[start_at][3:])
    cells[end_at] = f"{(start + 5) // 60:02d}:{(start + 5) % 60:02d}"
    _write(folder / "plan.csv", [lines[0], ",".join(cells), *lines[2:]])


def ghost_officer(folder: Path) -> None:
    lines = _lines(folder / "plan.csv")
    cells = lines[1].split(",")
    cells[_at(lines, "officer")] = "nobody"
    _write(folder / "plan.csv", [lines[0], ",".join(cells), *lines[2:]])


def truncated_summary(folder: Path) -> None:
    text = (folder / "summary.json").read_text(encoding="utf-8")
    (folder / "summary.json").write_text(text[: len(text) // 2], encoding="utf-8")


def missing_summary(folder: Path) -> None:
    (folder / "summary.json").unlink()


def edited_officers(folder: Path) -> None:
    lines = _lines(folder / "officers.csv")
    cells = lines[1].split(",")
    cells[3] = "0"  # supervised_minutes
    _write(folder / "officers.csv", [lines[0], ",".join(cells), *lines[2:]])


def edited_scenario_copy(folder: Path) -> None:
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_text(text.replace("10:00-12:00", "09:00-12:00", 1), encoding="utf-8")


def edited_counts(folder: Path) -> None:
    data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    data["counts"]["served"] += 1
    (folder / "summary.json").write_text(json.dumps(data), encoding="utf-8")


def _edit_summary(folder: Path, edit) -> None:
    data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    edit(data)
    (folder / "summary.json").write_text(json.dumps(data), encoding="utf-8")


def _served(data: dict) -> dict:
    return next(level for level in data["levels"] if level["name"] == "served")


def bound_below_value(folder: Path) -> None:
    def edit(data):  # the bound and both tables agree: only the sense betrays it
        level = _served(data)
        level["bound"] = data["bound"]["served"] = level["value"] - 1
    _edit_summary(folder, edit)


def optimal_with_a_gap(folder: Path) -> None:
    def edit(data):
        level = _served(data)
        level["bound"] = data["bound"]["served"] = level["value"] + 3
        level["gap"] = data["gap"]["served"] = round(3 / level["value"], 6)
        level["status"] = "optimal"
    _edit_summary(folder, edit)


def edited_gap(folder: Path) -> None:
    def edit(data):
        _served(data)["gap"] = data["gap"]["served"] = 0.5
    _edit_summary(folder, edit)


def edited_level_status(folder: Path) -> None:
    _edit_summary(folder, lambda data: _served(data).update(status="perfect"))


def edited_detail(folder: Path) -> None:
    lines = _lines(folder / "unserved.csv")
    _write(folder / "unserved.csv", [lines[0], lines[1].rsplit(",", 1)[0] + ",it was fine all along", *lines[2:]])


def edited_findings(folder: Path) -> None:
    data = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    data["ghost"] = []
    (folder / "findings.json").write_text(json.dumps(data), encoding="utf-8")


TAMPERING = [ghost_request, duplicated_row, shortened_handover, ghost_officer, truncated_summary, missing_summary,
             edited_officers, edited_scenario_copy, edited_counts, bound_below_value, optimal_with_a_gap,
             edited_gap, edited_level_status, edited_detail, edited_findings]


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda f: f.__name__)
def test_check_covers_every_file_of_the_folder(folder, tamper):
    assert CliRunner().invoke(app, ["check", TINY, str(folder)]).exit_code == 0
    tamper(folder)
    result = CliRunner().invoke(app, ["check", TINY, str(folder)])
    assert result.exit_code == 1, result.output
    assert "infraction" in result.output and "Traceback" not in result.output


def test_check_covers_changes_csv(folder, tmp_path):
    new = tmp_path / "new"
    result = CliRunner().invoke(app, ["replan", TINY, "--previous", str(folder), "--out", str(new), *FAST])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(app, ["check", TINY, str(new)]).exit_code == 0
    lines = _lines(new / "changes.csv")
    if len(lines) == 1:  # nothing moved: a ghost move is the tampering
        lines.append("r1,moved,st-a,room-1,alice,10:00,10:15,st-a,room-1,alice,10:15,10:30")
    else:
        lines[1] = lines[1].replace("room-1", "room-9")
    _write(new / "changes.csv", lines)
    result = CliRunner().invoke(app, ["check", TINY, str(new)])
    assert result.exit_code == 1 and "changes.csv, ligne 2" in said(result), result.output


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda f: f.__name__)
def test_replan_refuses_a_tampered_previous_plan(folder, tamper, tmp_path):
    tamper(folder)
    result = CliRunner().invoke(app, ["replan", TINY, "--previous", str(folder), "--out", str(tmp_path / "new"),
                                      *FAST])
    assert result.exit_code == 2, result.output
    assert "ne passe pas le contrôle" in said(result)
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("tamper", [ghost_request, duplicated_row, shortened_handover], ids=lambda f: f.__name__)
def test_offer_refuses_a_tampered_plan(folder, tamper, tmp_path):
    request = tmp_path / "request.yaml"
    request.write_text("id: r9\ncategory: phone\nstations: [st-a]\nwindows: ['10:00-12:00']\nseller: u-90\n"
                       "buyer: u-91\n", encoding="utf-8")
    tamper(folder)
    result = CliRunner().invoke(app, ["offer", TINY, "--plan", str(folder), "--request", str(request)])
    assert result.exit_code == 2 and "ne passe pas le contrôle" in said(result)


@pytest.mark.parametrize("tamper", [ghost_request, shortened_handover, edited_officers, edited_counts],
                         ids=lambda f: f.__name__)
def test_report_of_a_tampered_folder_says_so_at_the_top(folder, tamper):
    tamper(folder)
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    assert "échoue au contrôle" in said(result)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'role="alert"' in html and html.index('role="alert"') < html.index('id="headline"')


def test_report_of_an_untouched_folder_has_no_banner(folder):
    assert CliRunner().invoke(app, ["report", str(folder)]).exit_code == 0
    assert 'role="alert"' not in (folder / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", [
    lambda f: (f / "summary.json").write_text('{"scenario": "tiny"}', encoding="utf-8"),
    lambda f: (f / "summary.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8"),
    lambda f: (f / "scenario.yaml").write_text("a: " + "[" * 500 + "]" * 500, encoding="utf-8"),
    lambda f: (f / "summary.json").unlink(),
], ids=["summary-lacks-keys", "summary-nested-deep", "scenario-nested-deep", "summary-missing"])
def test_report_on_a_broken_folder_is_a_clear_exit_2(folder, damage):
    damage(folder)
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 2, result.output
    assert "Impossible d'écrire le rapport" in said(result)
    assert result.exception is None or isinstance(result.exception, SystemExit)
