"""What a new user meets first (issue 16): the version, help for every option, the default
scenario said aloud, and dates that are checked and explained."""

from __future__ import annotations

import click
import typer.main
from conftest import DATA, ROOT
from typer.testing import CliRunner

from optimizer.cli import app

TINY = DATA / "tiny.yaml"
FAST = ["--time-limit", "5", "--workers", "1", "--no-explain"]


def invoke(*args: str):
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})
    return result, result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_version_names_remise_and_its_solver():
    result, said = invoke("--version")
    assert result.exit_code == 0
    assert said.startswith("remise ") and "ortools" in said


def _commands(command: click.Command, path: str = ""):
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, f"{path} {name}")
    else:
        yield path.strip(), command


def test_every_option_of_every_command_has_a_help_text():
    missing = [(name, p.opts) for name, command in _commands(typer.main.get_command(app))
               for p in command.params if isinstance(p, click.Option) and not p.help]
    assert not missing


def test_flags_are_shown_without_a_value_type():
    result, said = invoke("replan", "--help")
    assert result.exit_code == 0
    assert "--deterministic" in said and "<bool>" not in said


def test_validate_without_a_scenario_says_it_uses_the_bundled_pilot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result, said = invoke("validate")
    assert result.exit_code == 0, said
    assert "No scenario given: using the bundled pilot day" in said
    assert str(ROOT / "scenarios" / "paris-pilot.yaml") in said


def test_a_date_in_another_format_names_the_expected_one(tmp_path):
    scenario = tmp_path / "day.yaml"
    scenario.write_text(TINY.read_text(encoding="utf-8").replace("date: 2026-12-01", "date: 01/12/2026"),
                        encoding="utf-8")
    result, said = invoke("validate", scenario)
    assert result.exit_code == 2
    assert "'01/12/2026' is not a date written YYYY-MM-DD (AAAA-MM-JJ)" in said and "day.yaml" in said
    assert "invalid character" not in said


def test_requests_submitted_after_the_date_are_warned_about(tmp_path):
    scenario = tmp_path / "day.yaml"
    text = TINY.read_text(encoding="utf-8").replace("date: 2026-12-01", "date: 2025-12-01")
    scenario.write_text(text.replace("seller: u-1,", 'seller: u-1, submitted: "2026-11-27T18:22",'),
                        encoding="utf-8")
    result, said = invoke("validate", scenario)
    assert result.exit_code == 0, said
    assert "1 requests were submitted after the scenario's date 2025-12-01 (r1)" in said


def test_check_against_another_day_says_so_first(tmp_path):
    out = tmp_path / "plan"
    assert invoke("plan", TINY, "--out", out, *FAST)[0].exit_code == 0
    later = tmp_path / "later.yaml"
    later.write_text(TINY.read_text(encoding="utf-8").replace("date: 2026-12-01", "date: 2026-12-05"),
                     encoding="utf-8")
    result, said = invoke("check", later, out)
    assert result.exit_code == 1
    first = next(line for line in said.splitlines() if "2026-12" in line)
    assert "The plan is for 2026-12-01 and the scenario for 2026-12-05" in first
