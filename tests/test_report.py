"""The workload report and the staffing comparison, on a day small enough to check by hand.

tiny-a: station st-a (one room, one bay, 10:00-12:00) with alice (vehicle skill,
cap 60) and bob (cap 30); station st-b (one room, 10:00-12:00) with officer
"007" (cap 30; an id that must stay text). Requests: four 15-minute phones and
one 45-minute car of priority 4 at st-a; two phones at st-b; a knife
(forbidden_item) and a phone wanted at 14:00 (no_feasible_slot) at st-b.

At st-a, 60 + 30 = 90 minutes can be supervised against 4 x 15 + 45 = 105:
the best plan serves the car (weight 4, alice only) and three phones, weight 7
(four phones would weigh 4), and leaves one phone for `capacity`. So tiny-a
serves 4 + 2 = 6 of 9 requests with 60 + 30 + 30 = 120 officer-minutes.

tiny-b is tiny-a without bob. Alice's 60 minutes serve the car and one phone
(weight 5 beats four phones, 4): 2 + 2 = 4 served, 60 + 30 = 90 minutes.
So against tiny-a: 2 requests served less, 30 officer-minutes less, one
officer less, all of it at st-a.
"""

from __future__ import annotations

import csv
import json
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from optimizer.check import check_plan
from optimizer.cli import app
from optimizer.planfolder.folder import read_folder, write_plan_files
from optimizer.planfolder.publish import publish
from optimizer.report import workload
from optimizer.report.workload import write_report
from optimizer.scenario.loading import load_scenario
from optimizer.solvers.cpsat import solve
from optimizer.solvers.result import SolveOptions

FAST = SolveOptions(time_limit=5.0, workers=1, seed=0)
FAST_ARGS = ["--time-limit", "5", "--workers", "1", "--seed", "0"]


def tiny_data(name: str = "tiny-a", bob: bool = True) -> dict:
    """A fresh scenario dict; without bob it is tiny-b."""
    officers = [
        {"id": "alice", "station": "st-a", "shift": "10:00-14:00", "skills": ["vehicle"], "max_supervision_minutes": 60},
        {"id": "bob", "station": "st-a", "shift": "10:00-12:00", "max_supervision_minutes": 30},
        {"id": "007", "station": "st-b", "shift": "09:00-13:00", "max_supervision_minutes": 30},
    ]
    if not bob:
        officers = [o for o in officers if o["id"] != "bob"]

    def request(rid: str, category: str, station: str, window: str = "10:00-12:00", **extra) -> dict:
        return {"id": rid, "category": category, "stations": [station], "windows": [window],
                "seller": f"s-{rid}", "buyer": f"b-{rid}", **extra}

    return {
        "name": name,
        "date": "2026-12-01",
        "policy": {
            "slot_minutes": 5, "turnover_minutes": 5, "max_supervision_minutes": 240,
            "categories": {
                "phone": {"place": "room", "minutes": 15},
                "car": {"place": "bay", "minutes": 45, "skill": "vehicle"},
                "knife": {"forbidden": "objets tranchants"},
            },
        },
        "stations": [
            {"id": "st-a", "name": "Station A", "hours": ["10:00-12:00"], "rooms": ["a-room"], "bays": ["a-bay"]},
            {"id": "st-b", "hours": ["10:00-12:00"], "rooms": ["b-room"]},
        ],
        "officers": officers,
        "requests": [
            *(request(f"p{i}", "phone", "st-a") for i in range(1, 5)),
            request("c1", "car", "st-a", priority=4),
            request("q1", "phone", "st-b"),
            request("q2", "phone", "st-b"),
            request("k1", "knife", "st-b"),
            request("n1", "phone", "st-b", window="14:00-15:00"),
        ],
    }


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def plan_folder(target: Path, data: dict, lang: str = "fr") -> Path:
    """Plan a scenario and write its folder as `remise plan` does, report included."""
    scenario, _ = load_scenario(write_yaml(target.parent / f"{data['name']}.yaml", data))
    result = solve(scenario, FAST)
    assert check_plan(scenario, result.plan).ok
    publish(target, False, lambda f: (write_plan_files(f, scenario, result), write_report(f, lang)))
    return target


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory) -> Path:
    """tiny-a planned once for the module; tests that change it work on a copy."""
    return plan_folder(tmp_path_factory.mktemp("plans") / "tiny-a", tiny_data())


class Metrics(HTMLParser):
    """Every element with data-metric: its scope (officer, station, level), raw value and shown text."""

    SCOPES = ("data-officer", "data-station", "data-level")

    def __init__(self):
        super().__init__()
        self.scope: tuple[str, str] | None = None
        self.open: list[dict] = []
        self.found: dict[tuple, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in self.SCOPES:
            if key in attrs and tag == "tr":
                self.scope = (key, attrs[key])
        if "data-metric" in attrs and tag in ("span", "td"):
            self.open.append({"tag": tag, "metric": attrs["data-metric"], "value": attrs.get("data-value"),
                              "scope": self.scope, "text": ""})
        elif self.open:
            self.open[-1].setdefault("depth", 0)
            self.open[-1]["depth"] += 1 if tag not in ("br",) else 0

    def handle_endtag(self, tag):
        if tag == "tr":
            self.scope = None
        if self.open:
            item = self.open[-1]
            if item.get("depth"):
                item["depth"] -= 1
            elif tag == item["tag"]:
                self.open.pop()
                self.found[(item["scope"], item["metric"])] = item

    def handle_data(self, data):
        for item in self.open:
            item["text"] += data


def metrics_of(html_path: Path) -> dict[tuple, dict]:
    parser = Metrics()
    parser.feed(html_path.read_text(encoding="utf-8"))
    return parser.found


def rows(path: Path, key: str) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


# --------------------------------------------------------------------------- report


def test_headline_figures_equal_summary_and_hand_count(tiny_plan: Path):
    found = metrics_of(tiny_plan / "report.html")
    counts = json.loads((tiny_plan / "summary.json").read_text())["counts"]
    for metric in ("requests", "served", "unserved", "officers", "officers_mobilised", "supervised_minutes"):
        assert int(found[(None, metric)]["value"]) == counts[metric], metric
        assert found[(None, metric)]["text"].strip() == str(counts[metric]), metric
    for reason, n in counts["unserved_by_reason"].items():
        assert int(found[(None, f"unserved.{reason}")]["value"]) == n
    # Worked out in the module docstring.
    assert (counts["requests"], counts["served"], counts["supervised_minutes"]) == (9, 6, 120)
    assert counts["unserved_by_reason"] == {"capacity": 1, "forbidden_item": 1, "no_feasible_slot": 1}
    # Largest share: alice 60/240, bob 30/120, 007 30/240 -> 25 %.
    officers = rows(tiny_plan / "officers.csv", "officer")
    top = max(float(o["share_of_shift"]) for o in officers.values())
    assert float(found[(None, "max_share_of_shift")]["value"]) == pytest.approx(top) == 0.25
    assert found[(None, "max_share_of_shift")]["text"] == "25\u00a0%"


def test_officer_and_station_tables_equal_the_csv_files(tiny_plan: Path):
    found = metrics_of(tiny_plan / "report.html")
    officers = rows(tiny_plan / "officers.csv", "officer")
    assert set(officers) == {"alice", "bob", "007"}  # "007" stays text
    for officer, row in officers.items():
        scope = ("data-officer", officer)
        for metric in ("shift_minutes", "supervised_minutes", "cap", "handovers"):
            assert int(found[(scope, metric)]["value"]) == int(row[metric]), (officer, metric)
            assert found[(scope, metric)]["text"].strip() == row[metric], (officer, metric)
        assert float(found[(scope, "share_of_shift")]["value"]) == pytest.approx(float(row["share_of_shift"]))
    stations = rows(tiny_plan / "stations.csv", "station")
    for station, row in stations.items():
        scope = ("data-station", station)
        for metric in ("handovers", "peak_visitors"):
            assert int(found[(scope, metric)]["value"]) == int(row[metric]), (station, metric)
        for metric in ("room_utilisation", "bay_utilisation"):
            shown = found[(scope, metric)]["value"]
            if row[metric] == "":
                assert shown == "" and found[(scope, metric)]["text"] == "—"  # st-b has no bay
            else:
                assert float(shown) == pytest.approx(float(row[metric])), (station, metric)


def test_a_day_with_more_stations_than_charted_draws_the_busiest(tiny_plan: Path, tmp_path: Path, monkeypatch):
    # At 100 stations and more, a timeline each made the report the slowest part of the night.
    monkeypatch.setattr(workload, "STATIONS_CHARTED", 1)
    folder = tmp_path / "copy"
    shutil.copytree(tiny_plan, folder)
    write_report(folder)
    use = {station: max(float(row["room_utilisation"] or 0), float(row["bay_utilisation"] or 0))
           for station, row in rows(folder / "stations.csv", "station").items()}
    busiest, other = sorted(use, key=lambda station: -use[station])
    assert use[busiest] > use[other]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f'data-chart="station-{busiest}"' in html and f'data-chart="station-{other}"' not in html
    assert f'id="station-{other}"' not in html  # no section without its chart
    found = metrics_of(folder / "report.html")
    assert {scope[1] for scope, metric in found if scope and scope[0] == "data-station"} == set(use)  # the table keeps all
    assert "Les 1 commissariats dont les salles ou les emplacements sont les plus occupés" in unescape(html)
    utilisation = html[html.index('data-chart="utilisation"'):]
    utilisation = utilisation[:utilisation.index("</svg>")]
    assert f">{busiest}</text>" in utilisation and f">{other}</text>" not in utilisation


def test_the_scenario_copy_just_written_is_not_parsed_again_unless_it_changed(tmp_path: Path):
    scenario, _ = load_scenario(write_yaml(tmp_path / "tiny-a.yaml", tiny_data()))
    result = solve(scenario, FAST)
    folder = tmp_path / "plan"
    folder.mkdir()
    written = write_plan_files(folder, scenario, result)
    assert written.text == (folder / "scenario.yaml").read_text(encoding="utf-8")
    parsed, taken = read_folder(folder), read_folder(folder, written)
    assert taken.scenario is written.scenario and parsed.scenario == written.scenario
    assert (taken.plan, taken.officers, taken.stations) == (parsed.plan, parsed.officers, parsed.stations)
    assert taken.problems == parsed.problems == []
    # Changed since: the file is what is read, and the audit says it was edited.
    edited = written.text.replace("10:00-14:00", "10:00-13:00", 1)
    assert edited != written.text
    (folder / "scenario.yaml").write_text(edited, encoding="utf-8")
    again = read_folder(folder, written)
    assert again.scenario is not written.scenario and again.scenario != written.scenario
    assert again.problems == read_folder(folder).problems != []


def test_solve_status_per_level_equals_summary(tiny_plan: Path):
    found = metrics_of(tiny_plan / "report.html")
    summary = json.loads((tiny_plan / "summary.json").read_text())
    assert [level["name"] for level in summary["levels"]] == ["served", "officers", "balance", "preference"]
    for level in summary["levels"]:
        scope = ("data-level", level["name"])
        assert int(found[(scope, "value")]["value"]) == level["value"]
        bound = found[(scope, "bound")]
        assert (int(bound["value"]) if bound["value"] else None) == level["bound"]
        assert found[(scope, "status")]["value"] == level["status"]
    # 4 (car) + 3 + 2 phones; alice's 60 minutes are the busiest.
    assert summary["objective"]["served"] == 9 and summary["objective"]["balance"] == 60


def test_report_is_self_contained_and_french_by_default(tiny_plan: Path):
    html = (tiny_plan / "report.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Chiffres clés" in html and "capacité insuffisante" in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    for needle in ('src="http', "src='http", "url(http", 'href="http'):
        assert needle not in html
    assert html.count('<svg class="chart"') == 5  # officers, caps, utilisation, one timeline per station


def test_report_command_rerenders_in_english(tiny_plan: Path, tmp_path: Path):
    folder = tmp_path / "copy"
    shutil.copytree(tiny_plan, folder)
    (folder / "report.html").unlink()
    result = CliRunner().invoke(app, ["report", str(folder), "--lang", "en"])
    assert result.exit_code == 0, result.output
    html = (folder / "report.html").read_text(encoding="utf-8")
    for heading in ("Key figures", "Officers", "Stations", "Requests not served", "Solve quality"):
        assert f">{heading}</h2>" in html
    assert "Chiffres clés" not in html and "not enough capacity" in html
    def values(path: Path) -> dict:
        return {key: item["value"] for key, item in metrics_of(path).items()}

    assert values(folder / "report.html") == values(tiny_plan / "report.html")  # same figures, other words


@pytest.mark.parametrize("case", ["missing", "empty", "broken summary", "a word for a number"])
def test_report_command_rejects_what_is_not_a_plan_folder(case: str, tiny_plan: Path, tmp_path: Path):
    folder = tmp_path / "folder"
    if case == "empty":
        folder.mkdir()  # no plan files at all
    elif case == "broken summary":
        shutil.copytree(tiny_plan, folder)
        (folder / "summary.json").write_text("{not json", encoding="utf-8")
    elif case == "a word for a number":
        shutil.copytree(tiny_plan, folder)
        header, first, *rest = (folder / "officers.csv").read_text(encoding="utf-8").splitlines()
        cells = first.split(",")
        cells[-1] = "abc"
        (folder / "officers.csv").write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # a message, no traceback
    assert "Impossible d'écrire le rapport" in result.output
    if case == "a word for a number":
        assert "ligne 2" in " ".join(result.output.split())


def test_read_folder_keeps_ids_as_text(tiny_plan: Path):
    folder = read_folder(tiny_plan)
    officers = {o.officer: o for o in folder.officers}
    assert "007" in officers
    assert officers["007"].supervised_minutes == 30


# --------------------------------------------------------------------------- compare


def test_compare_two_scenarios_writes_both_files_with_the_differences(tmp_path: Path):
    a = write_yaml(tmp_path / "a.yaml", tiny_data("tiny-a"))
    b = write_yaml(tmp_path / "b.yaml", tiny_data("tiny-b", bob=False))
    out = tmp_path / "cmp"
    result = CliRunner().invoke(app, ["compare", str(a), str(b), "--out", str(out), *FAST_ARGS])
    assert result.exit_code == 0, result.output
    assert (out / "comparison.html").is_file() and (out / "comparison.csv").is_file()
    for name in ("tiny-a", "tiny-b"):
        assert (out / "plans" / name / "report.html").is_file()
        assert (out / "plans" / name / "plan.csv").is_file()
    with (out / "comparison.csv").open(encoding="utf-8") as handle:
        table = {(row["scenario"], row["station"]): row for row in csv.DictReader(handle)}
    assert set(table) == {(s, st) for s in ("tiny-a", "tiny-b") for st in ("st-a", "st-b", "total")}
    total = table[("tiny-b", "total")]
    assert (total["served"], total["supervised_minutes"], total["officers_rostered"]) == ("4", "90", "2")
    assert (total["delta_served"], total["delta_supervised_minutes"], total["delta_officers_rostered"]) == ("-2", "-30", "-1")
    assert (total["unserved_capacity"], total["delta_unserved_capacity"]) == ("3", "2")
    assert table[("tiny-b", "st-a")]["delta_served"] == "-2"
    assert table[("tiny-b", "st-b")]["delta_served"] == "0"
    assert table[("tiny-a", "total")]["delta_served"] == ""  # the reference has no difference
    assert table[("tiny-a", "total")]["requests"] == "9"
    # Per station, requests count at their first station: 5 at st-a, 4 at st-b.
    assert (table[("tiny-a", "st-a")]["requests"], table[("tiny-a", "st-b")]["requests"]) == ("5", "4")
    html = unescape((out / "comparison.html").read_text(encoding="utf-8"))
    assert ("Avec tiny-b\u00a0: 2 demandes servies de moins, 30 minutes d'agents en moins, "
            "1 agent de moins au planning (par rapport à tiny-a).") in html
    assert html.count('<svg class="chart"') == 1 and "<script" not in html


def test_compare_takes_a_plan_folder_and_a_default_out(tiny_plan: Path, tmp_path: Path, monkeypatch):
    b = write_yaml(tmp_path / "b.yaml", tiny_data("tiny-b", bob=False))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["compare", str(tiny_plan), str(b), "--lang", "en", *FAST_ARGS])
    assert result.exit_code == 0, result.output
    out = tmp_path / "reports" / "compare-tiny-a-vs-tiny-b"
    assert sorted(p.name for p in (out / "plans").iterdir()) == ["tiny-b"]  # the folder is used as it is
    html = unescape((out / "comparison.html").read_text(encoding="utf-8"))
    assert "With tiny-b: 2 fewer requests served, 30 fewer officer-minutes, 1 fewer officer rostered" in html
    again = runner.invoke(app, ["compare", str(tiny_plan), str(b), *FAST_ARGS])
    assert again.exit_code == 2 and "existe déjà" in again.output


@pytest.mark.parametrize("case", ["invalid scenario", "missing file", "one input"])
def test_compare_rejects_bad_input_with_exit_2(case: str, tmp_path: Path):
    good = write_yaml(tmp_path / "good.yaml", tiny_data())
    bad = tiny_data("bad")
    bad["officers"][0]["shfit"] = "10:00-12:00"  # a typo in a key
    args = {
        "invalid scenario": [str(good), str(write_yaml(tmp_path / "bad.yaml", bad))],
        "missing file": [str(good), str(tmp_path / "nowhere.yaml")],
        "one input": [str(good)],
    }[case]
    result = CliRunner().invoke(app, ["compare", *args, "--out", str(tmp_path / "cmp"), *FAST_ARGS])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "cmp").exists()
    if case == "invalid scenario":
        assert "Scénario invalide" in result.output and "shfit" in result.output
