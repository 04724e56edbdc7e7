"""The bundled days give the same plan files as before the package was restructured.

`tests/data/golden/` holds `plan.csv` and `unserved.csv` written by the flat layout
(commit eaa8f7c) in `--deterministic` mode with two workers, and the insertion
explanations of its plans. Moving code between modules must not change a plan: the
model is built in the same order, greedy books in the same order, and every sentence
of `unserved.csv` reads the same. A model change that is meant to change plans
regenerates these files in its own commit, saying why.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import english
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.model.build import build_model
from optimizer.planfolder.folder import read_plan
from optimizer.scenario.loading import load_scenario
from optimizer.screening import screen
from optimizer.whatif.explain import explain_unserved

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "data" / "golden"
DAYS = ["paris-pilot", "paris-pilot-one-officer-less", "paris-pilot-weekend", "paris-pilot-csv"]
# The CSV form builds the very model of the pilot (below), so CP-SAT writes the pilot's files
# for it: solving it again would spend 17 s proving nothing more. Its greedy plan below still
# runs the whole command on the CSV form.
SOLVED_DAYS = [day for day in DAYS if day != "paris-pilot-csv"]
DETERMINISTIC = ["--deterministic", "--workers", "2", "--seed", "0", "--time-limit", "2", "--no-explain"]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("day", SOLVED_DAYS)
def test_cp_sat_plan_is_unchanged(tmp_path, day):
    out = tmp_path / day
    result = CliRunner().invoke(app, ["plan", str(ROOT / "scenarios" / f"{day}.yaml"), "--out", str(out),
                                      *DETERMINISTIC])
    assert result.exit_code == 0, result.output
    for name in ("plan.csv", "unserved.csv"):
        assert _text(out / name) == _text(GOLDEN / day / name), f"{day}/{name} differs from the golden file"


def test_the_csv_form_builds_the_pilot_s_model():
    models = []
    for day in ("paris-pilot", "paris-pilot-csv"):
        scenario, _ = load_scenario(ROOT / "scenarios" / f"{day}.yaml")
        models.append(str(build_model(scenario, screen(scenario)).model.Proto()))
    assert models[0].count("constraints {") > 100 and models[0] == models[1]


@pytest.mark.parametrize("day", DAYS)
def test_greedy_plan_is_unchanged(tmp_path, day):
    out = tmp_path / day
    result = CliRunner().invoke(app, ["plan", str(ROOT / "scenarios" / f"{day}.yaml"), "--out", str(out),
                                      "--solver", "greedy", "--no-explain"])
    assert result.exit_code == 0, result.output
    for name in ("plan.csv", "unserved.csv"):
        assert _text(out / name) == _text(GOLDEN / f"{day}-greedy" / name), f"{day} greedy/{name} differs"


@pytest.mark.parametrize("day", ["paris-pilot", "paris-pilot-one-officer-less", "paris-pilot-weekend"])
def test_insertion_explanations_are_unchanged(day):
    scenario, _ = load_scenario(ROOT / "scenarios" / f"{day}.yaml")
    plan = read_plan(GOLDEN / day)
    explained = explain_unserved(scenario, screen(scenario), plan, budget=1e9, solve_checks=False)
    with (GOLDEN / day / "explained.csv").open(newline="", encoding="utf-8") as handle:
        expected = [(r["request_id"], r["reason"], r["detail"]) for r in csv.DictReader(handle)]
    assert [(u.request_id, u.reason, english(u)) for u in explained.unserved] == expected
