"""The generator of realistic days: deterministic, valid, loadable, with the issue's mix."""

from __future__ import annotations

from collections import Counter

import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.scenario.generate import SIZES, describe, generate, write_scenario
from optimizer.scenario.loading import load_scenario
from optimizer.scenario.references import check_references
from optimizer.scenario.schema import Scenario


@pytest.fixture(scope="module")
def paris() -> dict:
    """One Paris-size day (20 stations, 1,000 requests), shared by the mix tests."""
    return generate(*SIZES["paris"], seed=7)


def test_same_seed_same_day_and_different_seeds_differ():
    assert generate(3, 60, seed=1) == generate(3, 60, seed=1)
    assert generate(3, 60, seed=1) != generate(3, 60, seed=2)
    assert generate(3, 60, 2, seed=1) == generate(3, 60, 2, seed=1)


@pytest.mark.parametrize("size", ["pilot", "paris"])
def test_named_sizes_have_their_station_and_request_counts(size):
    stations, requests = SIZES[size]
    data = generate(stations, requests, seed=3)
    assert len(data["stations"]) == stations
    assert len(data["requests"]) == requests
    assert len({r["id"] for r in data["requests"]}) == requests
    scenario = Scenario.model_validate(data)
    assert check_references(scenario) == []


def test_sizes_are_the_issues():
    assert SIZES == {"pilot": (3, 60), "paris": (20, 1000), "region": (100, 5000), "national": (1000, 50000)}


def test_category_mix_roughly_matches_the_issue(paris):
    categories = paris["policy"]["categories"]
    counts = Counter(r["category"] for r in paris["requests"])
    share = {c: n / len(paris["requests"]) for c, n in counts.items()}
    assert 0.25 <= share["phone"] <= 0.35
    assert 0.15 <= share["console"] + share["laptop"] <= 0.25
    assert 0.10 <= share["car"] <= 0.20
    assert 0.06 <= share["scooter"] <= 0.14
    forbidden = sum(n for c, n in counts.items() if "forbidden" in categories[c])
    assert 0.005 <= forbidden / len(paris["requests"]) <= 0.04


def test_durations_windows_stations_and_parties_are_realistic(paris):
    phones = [r["minutes"] for r in paris["requests"] if r["category"] == "phone"]
    cars = [r["minutes"] for r in paris["requests"] if r["category"] == "car"]
    assert 8 <= min(phones) and max(phones) <= 25 and 13 <= sum(phones) / len(phones) <= 19
    assert 30 <= min(cars) and max(cars) <= 70 and 43 <= sum(cars) / len(cars) <= 53
    assert {len(r["windows"]) for r in paris["requests"]} == {1, 2}
    assert {len(r["stations"]) for r in paris["requests"]} == {1, 2, 3}
    sellers = Counter(r["seller"] for r in paris["requests"])
    assert max(sellers.values()) >= 3  # some parties sell several items
    assert all(r["seller"] != r["buyer"] for r in paris["requests"])
    with_time = [r["submitted"] for r in paris["requests"] if "submitted" in r]
    assert 0.9 * len(paris["requests"]) <= len(with_time) < len(paris["requests"])


def test_roster_has_both_shift_patterns_and_a_vehicle_officer_per_station(paris):
    shifts = {o["shift"] for o in paris["officers"]}
    lengths = set()
    for shift in shifts:
        first, last = (int(t[:2]) * 60 + int(t[3:]) for t in shift.split("-"))
        lengths.add(last - first)
    assert lengths == {8 * 60, 12 * 60 + 8}
    vehicle = {o["station"] for o in paris["officers"] if "vehicle" in o.get("skills", [])}
    assert vehicle == {s["id"] for s in paris["stations"]}
    assert all(len(s["bays"]) == 2 and 1 <= len(s["rooms"]) <= 2 for s in paris["stations"])


def test_default_roster_is_a_little_short_of_demand(paris):
    assert 1.05 <= describe(paris)["demand_over_caps"] <= 1.3


def test_pilot_written_to_disk_loads_as_the_same_day(tmp_path):
    data = generate(*SIZES["pilot"], seed=5)
    path = tmp_path / "pilot.yaml"
    assert write_scenario(data, path) == [path]
    loaded, _ = load_scenario(path)
    assert loaded == Scenario.model_validate(data)


def test_csv_sections_load_as_the_same_day(tmp_path):
    data = generate(4, 120, seed=5)
    path = tmp_path / "day.yaml"
    written = write_scenario(data, path, csv_sections=True)
    assert sorted(p.name for p in written) == ["day-officers.csv", "day-requests.csv", "day-stations.csv", "day.yaml"]
    loaded, _ = load_scenario(path)
    assert loaded == Scenario.model_validate(data)


def test_generate_command_writes_a_loadable_file(tmp_path):
    out = tmp_path / "small.yaml"
    runner = CliRunner()
    result = runner.invoke(app, ["generate", "--size", "paris", "--stations", "2", "--requests", "30",
                                 "--officers-per-station", "2", "--seed", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    loaded, _ = load_scenario(out)
    assert loaded.name == "small"
    assert len(loaded.stations) == 2 and len(loaded.requests) == 30 and len(loaded.officers) == 4
    again = runner.invoke(app, ["generate", "--seed", "4", "--out", str(out)])
    assert again.exit_code == 2  # an existing file is kept without --force
