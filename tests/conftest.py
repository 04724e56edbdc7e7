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
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, settings
from ortools.sat.python import cp_model
from playwright.sync_api import sync_playwright
from sqlalchemy.engine import make_url

from optimizer.check import CheckReport, check_plan
from optimizer.core.codes import Sense
from optimizer.core.i18n import language
from optimizer.core.sentences import detail
from optimizer.model.variables import HandoverModel
from optimizer.plan.rows import Plan, Unserved
from optimizer.scenario.loading import load_scenario
from optimizer.scenario.schema import Scenario
from optimizer.service.db.engine import engine_for
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


def level_with_every_variable_hinted(hm: HandoverModel, values: dict[int, int], level: str, sense: Sense) -> float:
    """`level` when every variable is fixed to `values`, which must give each one a value and be
    a solution (CP-SAT takes such a hint as its first solution without search)."""
    assert set(values) == set(range(len(hm.model.Proto().variables)))
    for var in hm.solution_vars():
        hm.model.AddHint(var, values[var.Index()])
    (hm.model.Maximize if sense == Sense.MAX else hm.model.Minimize)(hm.level(level))
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.Solve(hm.model) == cp_model.OPTIMAL
    return solver.ObjectiveValue()


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


# --------------------------------------------------------------------------- databases

POSTGRES = os.environ.get("REMISE_TEST_POSTGRES")  # an admin URL: .ci/run starts a throwaway cluster


def _postgres_database() -> tuple[str, callable]:
    """A fresh PostgreSQL database for one test, and how to drop it."""
    admin = make_url(POSTGRES)
    name = f"remise_test_{secrets.token_hex(4)}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name, drivername="postgresql+psycopg").render_as_string(hide_password=False)

    def drop() -> None:
        engine_for(url).dispose()
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    """A fresh, empty database of each kind the platform supports: SQLite and PostgreSQL.

    PostgreSQL tests need REMISE_TEST_POSTGRES (CI sets it); without it they are skipped
    here, never in CI.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'remise.db'}"
        return
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: REMISE_TEST_POSTGRES is not set (see .ci/run)")
        pytest.skip("set REMISE_TEST_POSTGRES to an admin URL to test PostgreSQL (.ci/run does)")
    url, drop = _postgres_database()
    yield url
    drop()


# --------------------------------------------------------------------------- a real server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(database: str, scenario: Path | None = None):
    """`remise serve` in a child process; yields its base URL and the process."""
    port = free_port()
    args = [sys.executable, "cli.py", "serve", *([str(scenario)] if scenario else []), "--db", database,
            "--port", str(port)]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/days", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless chromium through playwright; skipped when missing, except in CI (.ci/run installs it)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {CHROMIUM} is missing (see .ci/run)")
        pytest.skip(f"chromium not installed: {CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
