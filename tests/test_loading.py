"""Loading a scenario: bad input is an error that names the culprit; good input loads as written.

Every case starts from `tests/data/input/tiny.yaml` (two stations, three officers,
two requests; see the comments in that file) and changes one thing. A bad input
must raise `ScenarioError`, and one of its problems must name the file, the entry
(with its id where it has one) and the field at fault.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.core.codes import Reason
from optimizer.core.i18n import language
from optimizer.core.problems import Problem, ScenarioError
from optimizer.core.sentences import detail
from optimizer.planfolder.folder import dump_scenario, load_dumped_scenario
from optimizer.scenario.loading import load_scenario
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen


@pytest.fixture(autouse=True)
def english():
    """The loader's messages are asserted here in English, the code's own words; the CLI's
    tests (French by default) and tests/test_translations.py cover the French."""
    with language("en"):
        yield

HERE = Path(__file__).parent
TINY = HERE / "data" / "input" / "tiny.yaml"
SCENARIOS = HERE.parent / "scenarios"


# --------------------------------------------------------------------------- helpers


def tiny() -> dict:
    """A fresh copy of the base day, to edit."""
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


def write(path: Path, content: dict | list | str) -> Path:
    """Write a dict as YAML (or a text as is) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> Scenario:
    return load_scenario(path)[0]


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def listing(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def _walk(data: Any, path: str) -> tuple[Any, Any]:
    """(container, key) of a dotted path such as 'requests.0.priority'."""
    keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
    for key in keys[:-1]:
        data = data[key]
    return data, keys[-1]


Edit = Callable[[dict], None]


def put(path: str, value: Any) -> Edit:
    def edit(data: dict) -> None:
        container, key = _walk(data, path)
        container[key] = copy.deepcopy(value)
    return edit


def drop(path: str) -> Edit:
    def edit(data: dict) -> None:
        container, key = _walk(data, path)
        del container[key]
    return edit


def append(path: str, value: Any) -> Edit:
    def edit(data: dict) -> None:
        container, key = _walk(data, path)
        container[key].append(copy.deepcopy(value))
    return edit


def edits(*steps: Edit) -> Edit:
    def edit(data: dict) -> None:
        for step in steps:
            step(data)
    return edit


# A valid lock for each base request: r1 (phone) in st-a's room with bob at 10:30,
# r2 (car) in st-a's bay with alice at 14:00.
R1_LOCK = {"station": "st-a", "place": "a-room", "officer": "bob", "start": "10:30"}
R2_LOCK = {"station": "st-a", "place": "a-bay", "officer": "alice", "start": "14:00"}


def lock_r1(**changes: str) -> Edit:
    return put("requests.0.locked", {**R1_LOCK, **changes})


def lock_r2(**changes: str) -> Edit:
    return put("requests.1.locked", {**R2_LOCK, **changes})


def r3(**fields: Any) -> Edit:
    """A third phone request, at st-a or st-b, 10:00-12:00, by other people."""
    request = {"id": "r3", "category": "phone", "stations": ["st-a", "st-b"], "windows": ["10:00-12:00"],
               "seller": "u-5", "buyer": "u-6", **fields}
    return append("requests", request)


def tiny_text(replace: str, by: str) -> str:
    """The base file's text with one exact piece replaced (for what a dict cannot express)."""
    text = TINY.read_text(encoding="utf-8")
    assert replace in text
    return text.replace(replace, by, 1)


REQUESTS_CSV_HEADER = "id,category,stations,windows,seller,buyer,priority,locked_station,locked_place,locked_officer,locked_start\n"


@dataclass
class Bad:
    """One invalid input and where its problem must point."""

    edit: Edit | dict | str  # an edit of the base dict, or the whole of scenario.yaml (a dict or a text)
    entry: str  # must appear in Problem.entry, e.g. "request 'r1'", "policy", "scenario"
    field: str  # Problem.field, exactly
    file: str = "scenario.yaml"  # name of Problem.file
    also: tuple[str, ...] = ()  # must appear in the problem's text as well
    files: dict[str, Any] = field(default_factory=dict)  # other files written beside it


def case(edit, entry: str, field_name: str, id: str, marks=(), **kw):
    return pytest.param(Bad(edit, entry, field_name, **kw), id=id, marks=marks)



BAD_INPUTS = [
    # ---- unknown keys: a typo must be an error, not a silent default
    # a top-level key that the format does not know
    case(put("colour", "blue"), "scenario", "colour", "unknown-top-level-key"),
    # `max_visitor` for max_visitors in a station
    case(put("stations.0.max_visitor", 4), "station 'st-a'", "max_visitor", "typo-in-station"),
    # `skils` for skills in an officer
    case(put("officers.1.skils", ["vehicle"]), "officer 'bob'", "skils", "typo-in-officer"),
    # `prority` for priority in a request
    case(put("requests.0.prority", 2), "request 'r1'", "prority", "typo-in-request"),
    # an unknown key inside a category
    case(put("policy.categories.phone.colour", "red"), "policy", "categories.phone.colour", "typo-in-category"),
    # `slot_minute` for slot_minutes in the policy
    case(put("policy.slot_minute", 5), "policy", "slot_minute", "typo-in-policy"),
    # an unknown key inside a lock
    case(lock_r1(room="a-room"), "request 'r1'", "locked.room", "typo-in-lock"),
    # ---- required fields
    case(drop("name"), "scenario", "name", "missing-name"),
    case(drop("date"), "scenario", "date", "missing-date"),
    case(drop("stations.0.hours"), "station 'st-a'", "hours", "missing-station-hours"),
    case(drop("stations.1.id"), "station (line", "id", "missing-station-id"),
    case(drop("officers.0.station"), "officer 'alice'", "station", "missing-officer-station"),
    case(drop("officers.0.shift"), "officer 'alice'", "shift", "missing-officer-shift"),
    case(drop("requests.0.category"), "request 'r1'", "category", "missing-request-category"),
    case(drop("requests.0.stations"), "request 'r1'", "stations", "missing-request-stations"),
    case(drop("requests.0.windows"), "request 'r1'", "windows", "missing-request-windows"),
    case(drop("requests.0.seller"), "request 'r1'", "seller", "missing-request-seller"),
    case(drop("requests.0.buyer"), "request 'r1'", "buyer", "missing-request-buyer"),
    # a lock needs its station and its start (place and officer may be left to the plan)
    case(edits(lock_r1(), drop("requests.0.locked.start")), "request 'r1'", "locked.start", "lock-without-start"),
    # ---- times
    # 25:00 is not a time of the day
    case(put("stations.0.hours", ["10:00-12:00", "14:00-25:00"]), "station 'st-a'", "hours[1]", "hour-25"),
    # 10h30 is not HH:MM
    case(put("requests.0.windows", ["10h30-12:00"]), "request 'r1'", "windows[0]", "time-10h30"),
    case(put("officers.1.shift", "10h-18h"), "officer 'bob'", "shift", "shift-10h"),
    case(lock_r1(start="25:00"), "request 'r1'", "locked.start", "lock-start-25"),
    # 24:00 may end a range but not start a handover
    case(lock_r1(start="24:00"), "request 'r1'", "locked.start", "lock-start-24"),
    # an empty range
    case(put("stations.1.hours", ["08:00-08:00"]), "station 'st-b'", "hours[0]", "empty-hours-range"),
    case(put("requests.0.windows", ["11:00-11:00"]), "request 'r1'", "windows[0]", "empty-window"),
    case(put("officers.2.shift", "09:00-09:00"), "officer 'carol'", "shift", "empty-shift"),
    # a range that ends before it starts (only a shift may cross midnight)
    case(put("stations.1.hours", ["12:00-11:00"]), "station 'st-b'", "hours[0]", "reversed-hours"),
    case(put("requests.0.windows", ["10:00-11:00", "12:00-11:00"]), "request 'r1'", "windows[1]", "reversed-window"),
    # a range ending 00:00 outside shifts: 24:00 is how the day ends
    case(put("stations.1.hours", ["16:00-00:00"]), "station 'st-b'", "hours[0]", "hours-end-0000"),
    case(put("requests.0.windows", ["22:00-00:00"]), "request 'r1'", "windows[0]", "window-end-0000"),
    # submitted is an ISO date-time
    case(put("requests.0.submitted", "yesterday"), "request 'r1'", "submitted", "submitted-not-iso"),
    case(put("date", "2026-02-30"), "scenario", "date", "date-not-a-day"),
    # ---- numbers
    case(put("requests.0.minutes", 0), "request 'r1'", "minutes", "minutes-0"),
    case(put("requests.0.minutes", -5), "request 'r1'", "minutes", "minutes-negative"),
    case(put("policy.categories.phone.minutes", 0), "policy", "categories.phone.minutes", "category-minutes-0"),
    case(put("requests.0.priority", 0), "request 'r1'", "priority", "priority-0"),
    case(put("requests.0.priority", "high"), "request 'r1'", "priority", "priority-text"),
    case(put("requests.0.party_size", 0), "request 'r1'", "party_size", "party-size-0"),
    case(put("stations.0.max_visitors", 0), "station 'st-a'", "max_visitors", "max-visitors-0"),
    case(put("officers.0.max_handovers", 0), "officer 'alice'", "max_handovers", "max-handovers-0"),
    case(put("officers.0.max_supervision_minutes", -1), "officer 'alice'", "max_supervision_minutes", "officer-cap-negative"),
    case(put("policy.slot_minutes", 0), "policy", "slot_minutes", "slot-minutes-0"),
    case(put("policy.max_supervision_minutes", 0), "policy", "max_supervision_minutes", "policy-cap-0"),
    # ---- ids
    case(append("stations", {"id": "st-b", "hours": ["10:00-11:00"]}), "station 'st-b'", "id", "duplicate-station-id"),
    case(append("officers", {"id": "bob", "station": "st-b", "shift": "10:00-11:00"}), "officer 'bob'", "id",
         "duplicate-officer-id"),
    case(r3(id="r1"), "request 'r1'", "id", "duplicate-request-id"),
    # a place id used at two stations (st-b lists st-a's bay as a room)
    case(append("stations.1.rooms", {"id": "a-bay"}), "station 'st-b'", "rooms[1]", "place-id-at-two-stations",
         also=("a-bay",)),
    # rooms and bays share one namespace
    case(put("stations.0.bays", [{"id": "a-room"}]), "station 'st-a'", "bays[0]", "place-id-room-and-bay",
         also=("a-room",)),
    # references to ids that were never defined
    case(put("officers.2.station", "st-z"), "officer 'carol'", "station", "officer-unknown-station", also=("st-z",)),
    case(put("requests.0.stations", ["st-a", "st-z"]), "request 'r1'", "stations[1]", "request-unknown-station",
         also=("st-z",)),
    case(put("requests.0.category", "sofa"), "request 'r1'", "category", "unknown-category", also=("sofa",)),
    # a station listed twice in one request
    case(put("requests.0.stations", ["st-a", "st-b", "st-a"]), "request 'r1'", "stations", "station-listed-twice"),
    # ---- required lists may not be empty
    case(put("requests.0.stations", []), "request 'r1'", "stations", "empty-stations"),
    case(put("requests.0.windows", []), "request 'r1'", "windows", "empty-windows"),
    case(put("stations.0.hours", []), "station 'st-a'", "hours", "empty-hours"),
    # ---- categories: forbidden (with a reason) or place and minutes, never both
    case(put("policy.categories.knife", {"forbidden": "objets tranchants", "place": "room", "minutes": 5}),
         "policy", "categories.knife", "category-forbidden-and-place"),
    case(put("policy.categories.knife", {"skill": "vehicle"}), "policy", "categories.knife", "category-neither"),
    case(put("policy.categories.phone", {"place": "room"}), "policy", "categories.phone", "category-without-minutes"),
    case(put("policy.categories.knife", {"forbidden": ""}), "policy", "categories.knife", "forbidden-empty-reason"),
    case(put("policy.categories.knife", {"forbidden": "   "}), "policy", "categories.knife", "forbidden-blank-reason"),
    case(put("policy.categories.phone.place", "hall"), "policy", "categories.phone.place", "category-place-hall"),
    # ---- objective: a non-empty list of distinct level names
    case(put("policy.objective", ["served", "balance", "served"]), "policy", "objective", "objective-duplicate"),
    case(put("policy.objective", ["served", "cost"]), "policy", "objective[1]", "objective-unknown-level"),
    case(put("policy.objective", []), "policy", "objective", "objective-empty"),
    # ---- not a scenario at all
    # a duplicate key in one mapping (here `seller` twice in r1): the line is named
    case(tiny_text("    seller: u-1\n", "    seller: u-1\n    seller: u-9\n"), "file", "", "duplicate-yaml-key",
         also=("duplicate key 'seller'", "line ")),
    case("name: [unclosed\n\tdate: {{{\n", "file", "", "garbage-text", also=("not valid YAML",)),
    case("- name: tiny\n- date: 2026-12-01\n", "scenario", "", "top-level-list"),
    case(put("policy", ["slot_minutes"]), "policy", "", "policy-not-a-mapping"),
    case(put("stations", {"id": "st-a"}), "scenario", "stations", "section-not-a-list"),
    # a section given as a path that does not exist
    case(put("officers", "nowhere.csv"), "officers", "", "section-file-missing", file="nowhere.csv"),
    # ---- locks that break a rule on their own
    # r1 is a phone (room) locked on a bay
    case(lock_r1(place="a-bay"), "request 'r1'", "locked.place", "lock-place-wrong-kind"),
    # b-room is at st-b, the lock says st-a
    case(lock_r1(place="b-room"), "request 'r1'", "locked.place", "lock-place-other-station"),
    # carol is rostered at st-b
    case(lock_r1(officer="carol"), "request 'r1'", "locked.officer", "lock-officer-other-station"),
    # r2 is a car; bob lacks skill vehicle
    case(lock_r2(officer="bob"), "request 'r2'", "locked.officer", "lock-officer-without-skill", also=("vehicle",)),
    # window 10:00-11:00, lock 11:00-11:15: inside hours and bob's shift, outside the window
    case(edits(put("requests.0.windows", ["10:00-11:00"]), lock_r1(start="11:00")), "request 'r1'", "locked.start",
         "lock-outside-window", also=("window",)),
    # window 10:00-13:00, lock 12:00-12:15: st-a closes at 12:00
    case(edits(put("requests.0.windows", ["10:00-13:00"]), lock_r1(start="12:00")), "request 'r1'", "locked.start",
         "lock-outside-hours", also=("hours",)),
    # bob starts at 11:00, lock 10:30-10:45
    case(edits(put("officers.1.shift", "11:00-18:00"), lock_r1()), "request 'r1'", "locked.start",
         "lock-outside-shift", also=("shift",)),
    # 10:32 is not a multiple of 5 minutes
    case(lock_r1(start="10:32"), "request 'r1'", "locked.start", "lock-off-grid", also=("grid",)),
    # r1 accepts only st-b but is locked at st-a
    case(edits(put("requests.0.stations", ["st-b"]), lock_r1()), "request 'r1'", "locked.station",
         "lock-station-not-listed"),
    # a forbidden category can never be planned, so not locked either
    case(edits(put("requests.0.category", "knife"), lock_r1()), "request 'r1'", "category", "lock-forbidden-category",
         also=("objets tranchants",)),
    case(lock_r1(place="z-room"), "request 'r1'", "locked.place", "lock-unknown-place", also=("z-room",)),
    case(lock_r1(officer="zed"), "request 'r1'", "locked.officer", "lock-unknown-officer", also=("zed",)),
    case(lock_r1(station="st-z"), "request 'r1'", "locked.station", "lock-unknown-station", also=("st-z",)),
    # a party of 5 in a room of st-a (max_visitors 4)
    case(edits(put("requests.0.party_size", 5), lock_r1()), "request 'r1'", "party_size", "lock-party-over-visitors"),
    # a 300-minute handover locked on bob, whose cap is the policy's 240
    case(edits(put("requests.0.minutes", 300), put("requests.0.windows", ["10:00-18:00"]),
               put("stations.0.hours", ["10:00-18:00"]), put("officers.1.shift", "10:00-18:00"),
               lock_r1(start="10:00")), "request 'r1'", "locked.officer", "lock-over-officer-cap", also=("cap",)),
    # ---- locks that break a rule together (both ids named)
    # r1 holds a-room 10:30-10:45 and turnover until 10:50; r3 locked there at 10:45
    case(edits(lock_r1(), r3(locked={**R1_LOCK, "officer": "alice", "start": "10:45"})), "request 'r1'", "locked",
         "locks-overlap-on-place-turnover", also=("'r1'", "'r3'", "a-room")),
    # bob supervises r1 in a-room 10:30-10:45 and r3 in a second room from 10:40
    case(edits(append("stations.0.rooms", {"id": "a-room-2"}), lock_r1(),
               r3(locked={**R1_LOCK, "place": "a-room-2", "start": "10:40"})), "request 'r1'", "locked",
         "locks-overlap-on-officer-room", also=("'r1'", "'r3'", "bob")),
    # u-1 ends at st-a at 10:45 and starts at st-b at 11:00: 15 minutes, 30 needed
    case(edits(lock_r1(), r3(seller="u-1", locked={"station": "st-b", "place": "b-room", "officer": "carol",
                                                    "start": "11:00"})),
         "request 'r1'", "locked", "locks-party-travel-gap", also=("'r1'", "'r3'", "seller of 'r1'")),
    # ---- variants
    # scenario.yaml extends other.yaml, which extends scenario.yaml again
    case(put("extends", "other.yaml"), "scenario", "extends", "extends-cycle", file="other.yaml",
         files={"other.yaml": {"extends": "scenario.yaml"}}, also=("cycle",)),
    case({"extends": "nowhere.yaml"}, "scenario", "extends", "extends-missing-parent", also=("nowhere.yaml",)),
    # removing an officer that the parent does not have
    case({"extends": "parent.yaml", "remove": {"officers": ["zed"]}}, "remove", "officers", "remove-unknown-id",
         files={"parent.yaml": tiny()}, also=("zed",)),
    case({"extends": "parent.yaml", "remove": {"places": ["a-room"]}}, "remove", "places", "remove-unknown-section",
         files={"parent.yaml": tiny()}),
    # the variant locks r1 on bob and removes bob
    case({"extends": "parent.yaml", "requests": [{**tiny()["requests"][0], "locked": R1_LOCK}],
          "remove": {"officers": ["bob"]}}, "request 'r1'", "locked.officer", "lock-names-removed-officer",
         files={"parent.yaml": tiny()}, also=("bob",)),
    # the variant locks r1 at st-a and removes st-a
    case({"extends": "parent.yaml", "requests": [{**tiny()["requests"][0], "locked": R1_LOCK}],
          "remove": {"stations": ["st-a"]}}, "request 'r1'", "locked.station", "lock-names-removed-station",
         files={"parent.yaml": tiny()}, also=("st-a",)),
    # ---- CSV sections: the field is the CSV column
    case(put("requests", "requests.csv"), "request 'r1'", "priority", "csv-priority-0", file="requests.csv",
         files={"requests.csv": REQUESTS_CSV_HEADER + "r1,phone,st-a|st-b,10:00-12:00,u-1,u-2,0,,,,\n"}),
    case(put("requests", "requests.csv"), "request 'r1'", "locked_start", "csv-lock-off-grid", file="requests.csv",
         files={"requests.csv": REQUESTS_CSV_HEADER + "r1,phone,st-a|st-b,10:00-12:00,u-1,u-2,,st-a,a-room,bob,10:32\n"}),
    case(put("requests", "requests.csv"), "request 'r1'", "prioriy", "csv-unknown-column", file="requests.csv",
         files={"requests.csv": REQUESTS_CSV_HEADER.replace("priority", "prioriy")
                + "r1,phone,st-a|st-b,10:00-12:00,u-1,u-2,1,,,,\n"}),
    # locked_start left empty while the other locked_* cells are filled
    case(put("requests", "requests.csv"), "request 'r1'", "locked_start", "csv-lock-without-start",
         file="requests.csv",
         files={"requests.csv": REQUESTS_CSV_HEADER + "r1,phone,st-a|st-b,10:00-12:00,u-1,u-2,,st-a,a-room,bob,\n"}),
]


@pytest.mark.parametrize("bad_input", BAD_INPUTS)
def test_bad_input_names_file_entry_and_field(tmp_path: Path, bad_input: Bad) -> None:
    for name, content in bad_input.files.items():
        write(tmp_path / name, content)
    if isinstance(bad_input.edit, (str, dict)):
        main = write(tmp_path / "scenario.yaml", bad_input.edit)
    else:
        data = tiny()
        bad_input.edit(data)
        main = write(tmp_path / "scenario.yaml", data)

    problems = problems_of(main)

    matching = [
        p for p in problems
        if Path(p.file).name == bad_input.file and bad_input.entry in p.entry and p.field == bad_input.field
        and all(text in str(p) for text in bad_input.also)
    ]
    assert matching, f"expected {bad_input.file} / {bad_input.entry} / '{bad_input.field}' among:\n{listing(problems)}"
    assert all(p.message for p in problems)


def test_base_day_is_valid() -> None:
    """The base of every bad case loads: each case's error is its own."""
    scenario = load(TINY)
    assert [s.id for s in scenario.stations] == ["st-a", "st-b"]
    assert [r.id for r in scenario.requests] == ["r1", "r2"]


GOOD_EDGES = [
    # the next lock on a-room may start when r1's turnover ends (10:45 + 5)
    pytest.param(edits(lock_r1(), r3(locked={**R1_LOCK, "officer": "alice", "start": "10:50"})), id="place-after-turnover"),
    # bob may start a room handover the minute the previous one ends
    pytest.param(edits(append("stations.0.rooms", {"id": "a-room-2"}), lock_r1(),
                       r3(locked={**R1_LOCK, "place": "a-room-2", "start": "10:45"})), id="officer-back-to-back"),
    # u-1 ends at st-a at 10:45 and starts at st-b at 11:15: exactly the 30 minutes of travel
    pytest.param(edits(lock_r1(), r3(seller="u-1", locked={"station": "st-b", "place": "b-room", "officer": "carol",
                                                            "start": "11:15"})), id="travel-gap-exact"),
    # 11:45-12:00 ends exactly when the window and st-a's hours end (half-open ranges)
    pytest.param(lock_r1(start="11:45"), id="lock-ends-at-closing"),
    # a bay handover brings nobody inside: a party of 6 at st-a (max_visitors 4) is fine
    pytest.param(edits(put("requests.1.party_size", 6), lock_r2()), id="bay-party-over-visitors"),
    # rooms and bays as plain id lists; H:MM times; 24:00 ends the hours
    pytest.param(edits(put("stations.1.rooms", ["b-room", "b-room-2"]), put("stations.1.bays", ["b-bay"]),
                       put("stations.1.hours", ["9:00-24:00"])), id="plain-place-lists-and-short-times"),
]


@pytest.mark.parametrize("edit", GOOD_EDGES)
def test_edge_inputs_that_are_valid(tmp_path: Path, edit: Edit) -> None:
    data = tiny()
    edit(data)
    load(write(tmp_path / "scenario.yaml", data))


def test_cli_reports_invalid_input_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    data = tiny()
    put("requests.0.priority", 0)(data)
    path = write(tmp_path / "scenario.yaml", data)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "priority" in result.stderr and "r1" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- collecting all errors


def test_three_independent_errors_are_all_reported(tmp_path: Path) -> None:
    data = tiny()
    put("stations.1.colour", "blue")(data)  # 1: unknown key in st-b
    put("officers.2.shift", "9h-17h")(data)  # 2: malformed shift of carol
    put("requests.1.priority", 0)(data)  # 3: priority 0 of r2
    problems = problems_of(write(tmp_path / "scenario.yaml", data))
    found = {(p.entry.split(" (")[0], p.field) for p in problems}
    assert found == {("station 'st-b'", "colour"), ("officer 'carol'", "shift"), ("request 'r2'", "priority")}


def test_three_reference_errors_are_all_reported(tmp_path: Path) -> None:
    data = tiny()
    put("officers.2.station", "st-z")(data)  # 1: unknown station
    put("requests.0.category", "sofa")(data)  # 2: unknown category
    append("stations.1.rooms", {"id": "a-room"})(data)  # 3: place id used twice
    problems = problems_of(write(tmp_path / "scenario.yaml", data))
    found = {(p.entry.split(" (")[0], p.field) for p in problems}
    assert found == {("officer 'carol'", "station"), ("request 'r1'", "category"), ("station 'st-b'", "rooms[1]")}


def test_bad_date_is_reported_beside_entry_errors(tmp_path: Path) -> None:
    data = tiny()
    put("date", "2026-02-30")(data)
    put("requests.0.priority", 0)(data)
    put("stations.0.colour", "blue")(data)
    problems = problems_of(write(tmp_path / "scenario.yaml", data))
    assert {p.field for p in problems} == {"date", "priority", "colour"}


def test_unreadable_yaml_is_the_only_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "scenario.yaml", tiny_text("name: tiny\n", "name: tiny\nname: again\n"))
    problems = problems_of(path)
    assert [p.entry for p in problems] == ["file"], listing(problems)


# --------------------------------------------------------------------------- text, not numbers


def test_unquoted_times_and_ids_load_as_written(tmp_path: Path) -> None:
    # YAML 1.1 would read 10:30 as 630 (sexagesimal), 0123 as 83 (octal) and 1e3 as 1000.0
    text = """\
name: tiny
date: 2026-12-01
policy:
  categories:
    phone: {place: room, minutes: 15}
stations:
  - id: 0123
    hours: [10:00-12:00, 9:00-9:30]
    rooms: [0777]
officers:
  - {id: 007, station: 0123, shift: 8:00-16:00}
requests:
  - id: 0123
    category: phone
    stations: [0123]
    windows: [10:00-12:00]
    seller: 0x1F
    buyer: 1e3
    locked: {station: 0123, place: 0777, officer: 007, start: 10:30}
"""
    scenario = load(write(tmp_path / "scenario.yaml", text))
    station, officer, request = scenario.stations[0], scenario.officers[0], scenario.requests[0]
    assert station.id == "0123" and station.rooms[0].id == "0777"
    assert station.hours == [(9 * 60, 9 * 60 + 30), (10 * 60, 12 * 60)]
    assert officer.id == "007" and officer.station == "0123" and officer.shift == (8 * 60, 16 * 60)
    assert request.id == "0123" and request.stations == ["0123"]
    assert (request.seller, request.buyer) == ("0x1F", "1e3")
    assert request.locked.start == 630  # 10 * 60 + 30, read from the text "10:30"
    assert request.locked.officer == "007"


# --------------------------------------------------------------------------- ranges


def test_touching_windows_merge_into_one_range(tmp_path: Path) -> None:
    data = tiny()
    put("requests.0.windows", ["10:00-11:00", "11:00-12:00"])(data)
    # a 30-minute handover may then span 10:45-11:15, across the two written ranges
    put("requests.0.minutes", 30)(data)
    lock_r1(start="10:45")(data)
    scenario = load(write(tmp_path / "scenario.yaml", data))
    assert scenario.requests[0].windows == [(600, 720)]


def test_overlapping_hours_merge(tmp_path: Path) -> None:
    data = tiny()
    put("stations.1.hours", ["14:00-18:00", "10:00-12:00", "11:00-15:00"])(data)
    assert load(write(tmp_path / "scenario.yaml", data)).stations[1].hours == [(600, 1080)]


def test_night_shift_counts_until_midnight(tmp_path: Path) -> None:
    data = tiny()
    put("officers.2.shift", "21:00-05:00")(data)
    officer = load(write(tmp_path / "scenario.yaml", data)).officers[2]
    assert officer.on_duty == (1260, 1440)  # 21 * 60, 24 * 60


def test_hours_may_end_at_2400(tmp_path: Path) -> None:
    data = tiny()
    put("stations.1.hours", ["20:00-24:00"])(data)
    assert load(write(tmp_path / "scenario.yaml", data)).stations[1].hours == [(1200, 1440)]


# --------------------------------------------------------------------------- YAML and CSV forms


def test_yaml_and_csv_forms_load_to_the_same_day() -> None:
    inline = load(SCENARIOS / "paris-pilot.yaml")
    from_csv = load(SCENARIOS / "paris-pilot-csv.yaml")
    assert inline.name != from_csv.name
    assert from_csv.officers == inline.officers
    assert from_csv.requests == inline.requests
    assert from_csv.stations == inline.stations and from_csv.policy == inline.policy


def test_csv_with_byte_order_mark_loads(tmp_path: Path) -> None:
    data = tiny()
    data["officers"] = "officers.csv"
    (tmp_path / "officers.csv").write_text(
        "id,station,shift,skills,max_handovers\n"
        "alice,st-a,08:00-16:00,vehicle|first-aid,\n"
        "bob,st-a,10:00-18:00,,3\n"
        "carol,st-b,09:00-17:00,,\n",
        encoding="utf-8-sig",  # starts with EF BB BF
    )
    assert (tmp_path / "officers.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    scenario = load(write(tmp_path / "scenario.yaml", data))
    assert [o.id for o in scenario.officers] == ["alice", "bob", "carol"]
    assert scenario.officers[0].skills == ["vehicle", "first-aid"]
    assert scenario.officers[1].max_handovers == 3 and scenario.officers[1].skills == []


# --------------------------------------------------------------------------- variants


def test_variant_overrides_policy_keys_categories_and_entries(tmp_path: Path) -> None:
    parent = tiny()
    parent["policy"].update({"slot_minutes": 10, "turnover_minutes": 5})
    write(tmp_path / "parent.yaml", parent)
    child = {
        "extends": "parent.yaml",
        "policy": {
            "turnover_minutes": 10,
            # replaces the parent's car whole: no skill any more
            "categories": {"car": {"place": "bay", "minutes": 30}, "bike": {"place": "bay", "minutes": 20}},
        },
        "officers": [
            {"id": "bob", "station": "st-b", "shift": "12:00-18:00"},  # same id: replaces bob
            {"id": "dan", "station": "st-a", "shift": "10:00-14:00"},  # new id: added
        ],
    }
    scenario = load(write(tmp_path / "child.yaml", child))
    policy = scenario.policy
    assert (policy.slot_minutes, policy.turnover_minutes) == (10, 10)  # one key overridden, the other kept
    assert policy.categories["car"].model_dump(exclude_none=True) == {"place": "bay", "minutes": 30}
    assert set(policy.categories) == {"phone", "car", "knife", "bike"}
    assert [o.id for o in scenario.officers] == ["alice", "bob", "carol", "dan"]
    bob = scenario.officer_by_id["bob"]
    assert (bob.station, bob.shift) == ("st-b", (720, 1080))
    # name and date come from the parent
    assert (scenario.name, scenario.date.isoformat()) == ("tiny", "2026-12-01")


def test_variant_may_give_its_own_name_and_date(tmp_path: Path) -> None:
    write(tmp_path / "parent.yaml", tiny())
    scenario = load(write(tmp_path / "child.yaml", {"extends": "parent.yaml", "name": "tiny-sat", "date": "2026-12-05"}))
    assert (scenario.name, scenario.date.isoformat()) == ("tiny-sat", "2026-12-05")


def test_remove_applies_after_the_merge(tmp_path: Path) -> None:
    write(tmp_path / "parent.yaml", tiny())
    child = {
        "extends": "parent.yaml",
        "officers": [{"id": "dan", "station": "st-a", "shift": "10:00-14:00"}],
        "requests": [{**tiny()["requests"][1], "windows": ["15:00-16:00"]}],
        "remove": {"officers": ["dan"], "requests": ["r2"]},
    }
    scenario = load(write(tmp_path / "child.yaml", child))
    assert [o.id for o in scenario.officers] == ["alice", "bob", "carol"]
    assert [r.id for r in scenario.requests] == ["r1"]


def test_removing_a_station_removes_its_places_officers_and_listings(tmp_path: Path) -> None:
    write(tmp_path / "parent.yaml", tiny())
    scenario = load(write(tmp_path / "child.yaml", {"extends": "parent.yaml", "remove": {"stations": ["st-a"]}}))
    assert [s.id for s in scenario.stations] == ["st-b"]
    assert set(scenario.place_index) == {"b-room"}
    assert [o.id for o in scenario.officers] == ["carol"]  # alice and bob were rostered at st-a
    r1, r2 = scenario.requests
    assert r1.stations == ["st-b"] and r2.stations == []
    screening = screen(scenario)
    # preference counts positions in what remains: st-b was second, it is now first
    assert [(o.station, o.rank) for o in screening.options["r1"]] == [("st-b", 0)]
    # r2 listed only st-a
    assert screening.unserved["r2"][0] == Reason.NO_FEASIBLE_SLOT


def test_dump_of_a_variant_that_removed_every_station_of_a_request_reloads(tmp_path: Path) -> None:
    # A plan folder's scenario.yaml is read back as data: the empty station list a variant
    # left stays empty (as input, the format forbids writing one, and the loader says so).
    write(tmp_path / "parent.yaml", tiny())
    scenario = load(write(tmp_path / "child.yaml", {"extends": "parent.yaml", "remove": {"stations": ["st-a"]}}))
    dump_scenario(scenario, tmp_path / "dumped.yaml")
    assert load_dumped_scenario(tmp_path / "dumped.yaml") == scenario
    with pytest.raises(ScenarioError) as raised:
        load(tmp_path / "dumped.yaml")
    assert any(p.field == "stations" for p in raised.value.problems)


def test_extends_and_section_paths_are_relative_to_the_file_naming_them(tmp_path: Path) -> None:
    # main.yaml -> sub/mid.yaml -> sub/base.yaml (sibling of mid), whose officers are sub/officers.csv.
    # Decoys beside main.yaml would be picked up if paths were read from the wrong folder.
    base = tiny()
    base["officers"] = "officers.csv"
    write(tmp_path / "sub" / "base.yaml", base)
    (tmp_path / "sub" / "officers.csv").write_text(
        "id,station,shift\nalice,st-a,08:00-16:00\nbob,st-a,10:00-18:00\ncarol,st-b,09:00-17:00\n", encoding="utf-8"
    )
    write(tmp_path / "sub" / "mid.yaml", {"extends": "base.yaml", "name": "mid"})
    write(tmp_path / "base.yaml", "not: [a scenario\n")
    write(tmp_path / "officers.csv", "garbage\n")
    scenario = load(write(tmp_path / "main.yaml", {"extends": "sub/mid.yaml"}))
    assert scenario.name == "mid"
    assert [o.id for o in scenario.officers] == ["alice", "bob", "carol"]


# --------------------------------------------------------------------------- screening


def screened(tmp_path: Path, *steps: Edit) -> dict[str, tuple[str, str]]:
    """Unserved requests after screening: (reason, detail as unserved.csv writes it, in English)."""
    data = tiny()
    edits(*steps)(data)
    unserved = screen(load(write(tmp_path / "scenario.yaml", data))).unserved
    with language("en"):
        return {rid: (reason, detail(why)) for rid, (reason, why) in unserved.items()}


def test_forbidden_item_quotes_the_charter_reason(tmp_path: Path) -> None:
    unserved = screened(tmp_path, put("requests.1.category", "knife"))
    reason, detail = unserved["r2"]
    assert reason == Reason.FORBIDDEN_ITEM and "objets tranchants" in detail
    assert "r1" not in unserved


def test_no_feasible_slot_names_the_missing_skill_and_station(tmp_path: Path) -> None:
    # st-b gets a bay, but its only officer carol cannot drive
    unserved = screened(tmp_path, put("stations.1.bays", [{"id": "b-bay"}]), put("requests.1.stations", ["st-b"]))
    reason, detail = unserved["r2"]
    assert reason == Reason.NO_FEASIBLE_SLOT and "vehicle" in detail and "st-b" in detail


def test_no_feasible_slot_names_the_missing_place_kind(tmp_path: Path) -> None:
    # st-b has a room and no bay
    reason, detail = screened(tmp_path, put("requests.1.stations", ["st-b"]))["r2"]
    assert reason == Reason.NO_FEASIBLE_SLOT and "st-b" in detail and "bay" in detail


def test_no_feasible_slot_names_the_window_and_hours(tmp_path: Path) -> None:
    # st-a is closed 12:00-14:00, exactly the window
    reason, detail = screened(tmp_path, put("requests.0.stations", ["st-a"]),
                              put("requests.0.windows", ["12:00-14:00"]))["r1"]
    assert reason == Reason.NO_FEASIBLE_SLOT and "st-a" in detail and "12:00-14:00" in detail


def test_no_feasible_slot_when_no_officer_is_on_shift(tmp_path: Path) -> None:
    # st-b is open until 18:00 but carol leaves at 17:00
    reason, detail = screened(tmp_path, put("requests.0.stations", ["st-b"]),
                              put("requests.0.windows", ["17:00-18:00"]))["r1"]
    assert reason == Reason.NO_FEASIBLE_SLOT and "st-b" in detail and "shift" in detail


def test_no_feasible_slot_when_the_handover_exceeds_every_cap(tmp_path: Path) -> None:
    # 60 minutes at st-b, where carol may supervise 45 minutes a day
    reason, detail = screened(tmp_path, put("requests.0.stations", ["st-b"]), put("requests.0.minutes", 60),
                              put("officers.2.max_supervision_minutes", 45))["r1"]
    assert reason == Reason.NO_FEASIBLE_SLOT and "st-b" in detail and "cap" in detail


def test_forbidden_item_takes_precedence_over_no_feasible_slot(tmp_path: Path) -> None:
    # a knife at st-b at 06:00-07:00: st-b is closed then, but the charter is the reason given
    unserved = screened(tmp_path, put("requests.0.category", "knife"), put("requests.0.stations", ["st-b"]),
                        put("requests.0.windows", ["06:00-07:00"]))
    assert unserved["r1"] == (Reason.FORBIDDEN_ITEM, "objets tranchants")


def test_party_larger_than_max_visitors_has_no_feasible_slot(tmp_path: Path) -> None:
    # a party of 5 for a room at st-a (max_visitors 4)
    reason, detail = screened(tmp_path, put("requests.0.stations", ["st-a"]), put("requests.0.party_size", 5))["r1"]
    assert reason == Reason.NO_FEASIBLE_SLOT and "max_visitors" in detail and "st-a" in detail


def test_party_size_only_matters_where_visitors_are_limited(tmp_path: Path) -> None:
    # st-b has no max_visitors: r1 keeps st-b only
    data = tiny()
    put("requests.0.party_size", 5)(data)
    screening = screen(load(write(tmp_path / "scenario.yaml", data)))
    assert [o.station for o in screening.options["r1"]] == ["st-b"]


# --------------------------------------------------------------------------- bundled scenarios and the CLI


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_scenario_validates(path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "Le scénario est valide." in result.output


@pytest.mark.parametrize(
    "key, value",
    [
        pytest.param("extends", "parent\0.yaml", id="extends-nul-byte"),
        pytest.param("officers", "officers\0.csv", id="section-nul-byte"),
        pytest.param("extends", "p" * 300 + ".yaml", id="extends-name-too-long"),
    ],
)
def test_unusable_paths_are_input_errors(tmp_path: Path, key: str, value: str) -> None:
    data = tiny()
    data[key] = value
    path = write(tmp_path / "scenario.yaml", data)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, repr(result.exception)


@pytest.mark.parametrize(
    "edit",
    [
        # a charter reason with brackets, as people write them
        pytest.param(edits(put("policy.categories.knife.forbidden", "armes [/]"), put("requests.1.category", "knife")),
                     id="reason-with-closing-bracket"),
        pytest.param(put("officers.0.skills", ["vehicle", "[/x]"]), id="skill-with-brackets"),
    ],
)
def test_validate_prints_user_text_literally(tmp_path: Path, edit: Edit) -> None:
    data = tiny()
    edit(data)
    result = CliRunner().invoke(app, ["validate", str(write(tmp_path / "scenario.yaml", data))])
    assert result.exit_code == 0, repr(result.exception)


def test_yaml_merge_keys_and_anchors_work(tmp_path):
    # A planner may share request defaults with an anchor and `<<`; scalars stay text.
    text = TINY.read_text().replace("requests:", "requests:\n  - &phone_defaults {id: r-anchor, category: phone,"
                                    " stations: [st-a], windows: ['10:00-12:00'], seller: u-x, buyer: u-y}\n"
                                    "  - <<: *phone_defaults\n    id: r-merged\n    buyer: 0123", 1)
    scenario, _ = load_scenario(write(tmp_path / "merge.yaml", text))
    merged = scenario.request_by_id["r-merged"]
    assert merged.windows == [(600, 720)] and merged.buyer == "0123" and merged.seller == "u-x"


def test_a_party_may_be_both_seller_and_buyer(tmp_path):
    # The contract sets no rule against it (an account selling to itself is odd, not invalid).
    text = TINY.read_text().replace("requests:", "requests:\n  - {id: r-self, category: phone, stations: [st-a],"
                                    " windows: ['10:00-12:00'], seller: u-same, buyer: u-same}", 1)
    scenario, _ = load_scenario(write(tmp_path / "self.yaml", text))
    assert scenario.request_by_id["r-self"].seller == scenario.request_by_id["r-self"].buyer


def test_a_partial_lock_is_read_from_yaml_and_csv(tmp_path: Path) -> None:
    # A booking promises a station and a start; the place and the officer are left to the plan.
    data = tiny()
    put("requests.0.locked", {"station": "st-a", "start": "10:30"})(data)
    from_yaml = load(write(tmp_path / "yaml.yaml", data)).request_by_id["r1"].locked
    assert (from_yaml.station, from_yaml.start, from_yaml.place, from_yaml.officer) == ("st-a", 630, None, None)
    data = tiny()
    data["requests"] = "requests.csv"
    (tmp_path / "requests.csv").write_text(
        REQUESTS_CSV_HEADER + "r1,phone,st-a|st-b,10:00-12:00,u-1,u-2,,st-a,,,10:30\n"
        "r2,phone,st-a,10:00-12:00,u-3,u-4,,,,,\n", encoding="utf-8")
    from_csv = load(write(tmp_path / "csv.yaml", data)).request_by_id
    assert from_csv["r1"].locked == from_yaml and from_csv["r2"].locked is None


def test_the_scenario_copy_keeps_an_emoji_as_it_reads(tmp_path: Path) -> None:
    # libyaml's emitter, which writes the copy fast, escapes what lies beyond Unicode's first
    # plane: a name people wrote with an emoji must stay readable in the folder.
    scenario = load(write(tmp_path / "day.yaml", {**tiny(), "name": "Noël 🎄 marché"}))
    text = dump_scenario(scenario, tmp_path / "dumped.yaml")
    assert "Noël 🎄 marché" in text and "\\U" not in text
    assert load_dumped_scenario(tmp_path / "dumped.yaml") == scenario
