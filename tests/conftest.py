"""Fixtures and helpers every test file may use.

- `tiny` and `tiny_path`: `data/tiny.yaml`, four requests at two stations, small enough
  to plan by hand (see its comments).
- `pilot` and `pilot_path`: the bundled pilot day, loaded once for the session.
- `assert_valid(scenario, plan)`: every plan a test makes goes through the checker.
- `english(row)`: an unserved row's detail in English, as `unserved.csv` writes it.

Hypothesis runs with the `ci` profile (derandomized, no deadline: a solve may be slow on
a busy machine) unless HYPOTHESIS_PROFILE names another (`dev` explores more).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from optimizer.check import CheckReport, check_plan
from optimizer.core.i18n import language
from optimizer.core.sentences import detail
from optimizer.plan.rows import Plan, Unserved
from optimizer.scenario.loading import load_scenario
from optimizer.scenario.schema import Scenario
from optimizer.solvers.result import SolveOptions

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SCENARIOS = ROOT / "scenarios"
# Solver tests: small instances, one worker, a fixed seed.
FAST = SolveOptions(time_limit=10, workers=1, seed=0)

settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def assert_valid(scenario: Scenario, plan: Plan) -> CheckReport:
    report = check_plan(scenario, plan)
    assert report.ok, "\n".join(report.violations)
    return report


def english(row: Unserved) -> str:
    with language("en"):
        return detail(row.findings)


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    return DATA / "tiny.yaml"


@pytest.fixture(scope="session")
def tiny(tiny_path) -> Scenario:
    return load_scenario(tiny_path)[0]


@pytest.fixture(scope="session")
def pilot_path() -> Path:
    return SCENARIOS / "paris-pilot.yaml"


@pytest.fixture(scope="session")
def pilot(pilot_path) -> Scenario:
    return load_scenario(pilot_path)[0]
