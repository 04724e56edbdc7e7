"""The independent checker on a day small enough to check by hand.

Station st-a has one room, two bays and two officers (alice drives, bob does
not); station st-b has one room and carol, and exists so that `preference`
and the travel gap can be exercised. The valid plan below is checked rule by
rule in comments; each broken plan breaks exactly one rule family.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

import builders
import pytest
from conftest import english
from hypothesis import given, settings
from strategies import scenario_dicts

from optimizer.check import DAY_END, _fits_alone, check_plan
from optimizer.core.findings import verbatim
from optimizer.core.i18n import language
from optimizer.core.times import contains, format_time, merge_ranges, parse_time
from optimizer.plan.rows import Handover, Plan, Unserved
from optimizer.planfolder.folder import check_folder, read_plan, write_plan_files
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen
from optimizer.solvers.result import SolveResult, unproven_levels


def t(text: str) -> int:
    return parse_time(text, allow_midnight_end=True)


def scenario_data() -> dict:
    """A fresh dict each time, so a case may edit it."""
    return {
        "name": "tiny",
        "date": "2026-12-01",
        "policy": {
            "slot_minutes": 5,
            "turnover_minutes": 5,
            "max_supervision_minutes": 240,
            "bay_handovers_per_officer": 2,
            "party_travel_minutes": 30,
            "categories": {
                "phone": {"place": "room", "minutes": 15},
                "car": {"place": "bay", "minutes": 45, "skill": "vehicle"},
                "knife": {"forbidden": "objets tranchants"},
            },
        },
        "stations": [
            {
                "id": "st-a",
                "hours": ["10:00-12:00", "14:00-18:00"],
                "max_visitors": 4,
                "rooms": ["room-1"],
                "bays": ["bay-1", "bay-2"],
            },
            {"id": "st-b", "hours": ["10:00-18:00"], "rooms": ["room-b"]},
        ],
        "officers": [
            {"id": "alice", "station": "st-a", "shift": "08:00-15:30", "skills": ["vehicle"], "max_supervision_minutes": 120},
            {"id": "bob", "station": "st-a", "shift": "10:00-18:00", "max_handovers": 2},
            {"id": "carol", "station": "st-b", "shift": "10:00-02:00"},
        ],
        "requests": [
            # locked; u1 sells twice (r1, r2)
            {"id": "r1", "category": "phone", "stations": ["st-a"], "windows": ["10:00-11:00"], "seller": "u1",
             "buyer": "u2", "priority": 2,
             "locked": {"station": "st-a", "place": "room-1", "officer": "bob", "start": "10:00"}},
            {"id": "r2", "category": "phone", "stations": ["st-a", "st-b"], "windows": ["09:00-12:00"],
             "seller": "u1", "buyer": "u3"},
            # st-b has no bay, so r3 can only get its second station: preference 1
            {"id": "r3", "category": "car", "stations": ["st-b", "st-a"], "windows": ["10:00-16:00"],
             "seller": "u4", "buyer": "u5"},
            {"id": "r4", "category": "car", "stations": ["st-a"], "windows": ["14:00-16:00"],
             "seller": "u6", "buyer": "u7"},
            {"id": "r5", "category": "knife", "stations": ["st-a"], "windows": ["10:00-12:00"],
             "seller": "u8", "buyer": "u9"},
            # a 45-minute car between 18:00 and 19:00: st-a closes at 18:00
            {"id": "r6", "category": "car", "stations": ["st-a"], "windows": ["18:00-19:00"],
             "seller": "u10", "buyer": "u11"},
            # fits alone (room-1 at 10:00), but room-1 is blocked 10:00-10:40 by r1 and r2
            {"id": "r7", "category": "phone", "stations": ["st-a"], "windows": ["10:00-10:30"],
             "seller": "u12", "buyer": "u13"},
        ],
    }


def valid_plan() -> Plan:
    # room-1: r1 blocks 10:00-10:20, r2 10:20-10:40 (turnover 5); bob: two room handovers in a row,
    #   2 handovers <= max_handovers 2; u1: same station, no overlap, so no gap needed.
    # alice watches bay-1 (r3 14:00-14:45) and bay-2 (r4 14:10-14:55): 2 bays at once <= 2,
    #   90 minutes <= her cap of 120, both end before her shift ends at 15:30.
    # visitors at st-a: one room handover at a time, party 2 <= 4.
    return Plan(
        handovers=[
            Handover(t("10:00"), "st-a", "room-1", "r1", "bob", t("10:15"), "phone", "u1", "u2"),
            Handover(t("10:20"), "st-a", "room-1", "r2", "bob", t("10:35"), "phone", "u1", "u3"),
            Handover(t("14:00"), "st-a", "bay-1", "r3", "alice", t("14:45"), "car", "u4", "u5"),
            Handover(t("14:10"), "st-a", "bay-2", "r4", "alice", t("14:55"), "car", "u6", "u7"),
        ],
        unserved=[
            Unserved("r5", "forbidden_item", verbatim("objets tranchants")),
            Unserved("r6", "no_feasible_slot", verbatim("no 45-minute slot")),
            Unserved("r7", "capacity"),
        ],
    )


# served = r1 (priority 2) + r2 + r3 + r4 = 5; officers = {alice, bob} = 2;
# balance = max(alice 45 + 45, bob 15 + 15) = 90; preference = r3 at st-a, index 1 in [st-b, st-a] = 1.
VALID_LEVELS = {"served": 5, "officers": 2, "balance": 90, "preference": 1}


def test_valid_plan_passes_with_recomputed_levels():
    report = check_plan(Scenario.model_validate(scenario_data()), valid_plan())
    assert report.violations == []
    assert report.ok
    assert report.levels == VALID_LEVELS


def test_empty_plan_levels_are_zero():
    scenario = Scenario.model_validate({**scenario_data(), "requests": []})
    report = check_plan(scenario, Plan())
    assert report.ok
    assert report.levels == {"served": 0, "officers": 0, "balance": 0, "preference": 0}


# --------------------------------------------------------------------------- broken plans


def move(plan: Plan, rid: str, **changes) -> None:
    """Replace request `rid`'s row; `start='HH:MM'` also moves its end by the same amount."""
    for i, h in enumerate(plan.handovers):
        if h.request_id == rid:
            if "start" in changes:
                start = t(changes.pop("start"))
                changes.setdefault("end", h.end + start - h.start)
                changes["start"] = start
            plan.handovers[i] = replace(h, **changes)
            return
    raise AssertionError(f"{rid} is not planned")


def unserve(plan: Plan, rid: str, reason: str, detail: str = "") -> None:
    plan.handovers = [h for h in plan.handovers if h.request_id != rid]
    plan.unserved = [u for u in plan.unserved if u.request_id != rid] + [Unserved(rid, reason, verbatim(detail))]


def plan_it(plan: Plan, handover: Handover) -> None:
    plan.unserved = [u for u in plan.unserved if u.request_id != handover.request_id]
    plan.handovers.append(handover)


def add_room(data: dict, room: str, max_visitors: int = 4) -> None:
    data["stations"][0]["rooms"].append(room)
    data["stations"][0]["max_visitors"] = max_visitors


Breaker = Callable[[dict, Plan], None]

CASES: list[tuple[str, Breaker, str, str]] = [
    # (id, how the valid plan is broken, culprit named, word of the rule)
    # accounting: r7 is nowhere
    ("missing", lambda d, p: setattr(p, "unserved", p.unserved[:-1]), "'r7'", "neither"),
    # accounting: r7 listed twice as unserved
    ("duplicate", lambda d, p: p.unserved.append(Unserved("r7", "capacity")), "'r7'", "2 times"),
    # accounting: an id the scenario does not have
    ("unknown id", lambda d, p: p.unserved.append(Unserved("r99", "capacity")), "'r99'", "not a request"),
    # accounting: r3 planned and also unserved
    ("planned and unserved", lambda d, p: p.unserved.append(Unserved("r3", "capacity")), "'r3'", "both"),
    # fidelity: the row's category is not the scenario's
    ("category", lambda d, p: move(p, "r2", category="laptop"), "'r2'", "category 'laptop'"),
    # fidelity: the row's seller is not the scenario's
    ("seller", lambda d, p: move(p, "r2", seller="u9"), "'r2'", "seller 'u9'"),
    # fidelity: 14:00-14:40 for a 45-minute car
    ("end", lambda d, p: move(p, "r3", end=t("14:40")), "'r3'", "ends at 14:45"),
    # rule 1: the knife is planned (11:00 in room-1 with bob)
    ("forbidden planned",
     lambda d, p: plan_it(p, Handover(t("11:00"), "st-a", "room-1", "r5", "bob", t("11:15"), "knife", "u8", "u9")),
     "'r5'", "forbidden"),
    # rule 1: the knife unserved for another reason
    ("forbidden reason", lambda d, p: unserve(p, "r5", "no_feasible_slot"), "'r5'", "instead of 'forbidden_item'"),
    # rule 1: forbidden_item without the charter's reason in the detail
    ("forbidden detail", lambda d, p: unserve(p, "r5", "forbidden_item", "interdit"), "'r5'", "objets tranchants"),
    # rule 1: an allowed phone reported as forbidden
    ("allowed as forbidden", lambda d, p: unserve(p, "r7", "forbidden_item"), "'r7'", "allowed"),
    # reasons: not one of the three codes
    ("unknown reason", lambda d, p: unserve(p, "r7", "busy"), "'r7'", "'busy'"),
    # screening: r7 fits alone (room-1, 10:00), so it is not no_feasible_slot
    ("false no slot", lambda d, p: unserve(p, "r7", "no_feasible_slot"), "'r7'", "could be planned"),
    # screening: r6 never fits, so it is not capacity
    ("false capacity", lambda d, p: unserve(p, "r6", "capacity"), "'r6'", "even alone"),
    # rule 2: r4 at st-b, not among its stations (bay-2 and alice are at st-a as well)
    ("station", lambda d, p: move(p, "r4", station="st-b"), "'r4'", "not among its stations"),
    # rule 2: a place that does not exist
    ("unknown place", lambda d, p: move(p, "r3", place="bay-9"), "'bay-9'", "unknown place"),
    # rule 2: a phone in a bay
    ("place kind", lambda d, p: move(p, "r2", place="bay-1"), "'bay-1'", "needs a room"),
    # rule 2: an officer who does not exist
    ("unknown officer", lambda d, p: move(p, "r2", officer="zoe"), "'zoe'", "unknown officer"),
    # rule 2: carol is rostered at st-b
    ("officer station", lambda d, p: move(p, "r2", officer="carol"), "'carol'", "rostered at 'st-b'"),
    # rule 2: bob cannot supervise a car (he also exceeds max_handovers)
    ("skill", lambda d, p: move(p, "r4", officer="bob"), "'bob'", "lacks skill 'vehicle'"),
    # rule 2: 14:02 is off the 5-minute grid
    ("grid", lambda d, p: move(p, "r3", start="14:02"), "'r3'", "grid"),
    # rule 3: 11:50-12:05 leaves r2's window (and st-a's hours) at 12:00
    ("window", lambda d, p: move(p, "r2", start="11:50"), "'r2'", "outside its windows"),
    # rule 3: 09:30 is inside r2's window and alice's shift, before st-a opens
    ("hours", lambda d, p: move(p, "r2", start="09:30", officer="alice"), "'st-a'", "outside the hours"),
    # rule 3: 15:00-15:45 is inside window and hours; alice goes home at 15:30
    ("shift", lambda d, p: move(p, "r4", start="15:00"), "'alice'", "outside the shift"),
    # rule 4: r4 in bay-1 while r3 holds it
    ("place overlap", lambda d, p: move(p, "r4", place="bay-1"), "'bay-1'", "double-booked"),
    # rule 4: r2 at 10:15 meets r1's end but not its turnover (bob and u1 are fine)
    ("turnover", lambda d, p: move(p, "r2", start="10:15"), "'room-1'", "turnover"),
    # rule 4: alice supervises r2 in the room while watching r3 in bay-1
    ("room attention",
     lambda d, p: (move(p, "r2", officer="alice"), move(p, "r3", start="10:00")), "'alice'", "whole attention"),
    # rule 4: one bay at a time, but r3 and r4 overlap 14:10-14:45
    ("bay limit", lambda d, p: d["policy"].update(bay_handovers_per_officer=1), "'alice'", "2 bay handovers"),
    # rule 5: alice's 90 minutes over a cap of 60
    ("minutes cap", lambda d, p: d["officers"][0].update(max_supervision_minutes=60), "'alice'", "over the cap of 60"),
    # rule 5: bob's 2 handovers over max_handovers 1
    ("handover cap", lambda d, p: d["officers"][1].update(max_handovers=1), "'bob'", "max_handovers 1"),
    # rule 6: a second room, max 3 visitors; r7 (alice, room-2) beside r1 at 10:00 brings 4 people in
    ("visitors",
     lambda d, p: (add_room(d, "room-2", 3),
                   plan_it(p, Handover(t("10:00"), "st-a", "room-2", "r7", "alice", t("10:15"), "phone", "u12", "u13"))),
     "'st-a'", "4 visitors"),
    # rule 7: u1 in r1 (10:00-10:15) and r2 (10:05-10:20, room-2, alice) at once
    ("person overlap",
     lambda d, p: (add_room(d, "room-2"), move(p, "r2", place="room-2", officer="alice", start="10:05")),
     "'r2'", "at once"),
    # rule 7: u1 ends r1 at st-a at 10:15 and starts r2 at st-b at 10:20: 5 < 30 minutes
    ("travel", lambda d, p: move(p, "r2", station="st-b", place="room-b", officer="carol"), "'r2'", "travel"),
    # rule 8: r1 is locked to bob
    ("lock moved", lambda d, p: move(p, "r1", officer="alice"), "'r1'", "locked to 'bob'"),
    # rule 8: r1 is locked, so it must be planned
    ("lock unserved", lambda d, p: unserve(p, "r1", "capacity"), "'r1'", "not planned"),
]


@pytest.mark.parametrize("breaker, culprit, word", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_plan_is_rejected_naming_the_culprit(breaker: Breaker, culprit: str, word: str):
    data, plan = scenario_data(), valid_plan()
    breaker(data, plan)
    with language("en"):  # the English wording; French is the package's default
        report = check_plan(Scenario.model_validate(data), plan)
    assert not report.ok
    assert any(culprit in v and word in v for v in report.violations), report.violations


@pytest.mark.parametrize("case", ["person overlap", "travel"])
def test_a_party_is_named_by_role_and_request_not_by_its_id(case: str):
    breaker = next(c[1] for c in CASES if c[0] == case)
    data, plan = scenario_data(), valid_plan()
    breaker(data, plan)
    with language("en"):
        violations = check_plan(Scenario.model_validate(data), plan).violations
    assert any("seller of request 'r1'" in v and "'r2'" in v for v in violations), violations
    assert not any("u1" in v for v in violations)  # party ids may be personal data


def test_night_shift_counts_until_midnight():
    # carol works 10:00-02:00: on the date she is on duty until 24:00, so a request at
    # st-b ending exactly at 24:00 is fine (and hours/windows end at 24:00 too).
    data = scenario_data()
    data["stations"][1]["hours"] = ["10:00-24:00"]
    data["requests"].append({"id": "r8", "category": "phone", "stations": ["st-b"], "windows": ["23:00-24:00"],
                             "seller": "u14", "buyer": "u15"})
    plan = valid_plan()
    plan.handovers.append(Handover(t("23:45"), "st-b", "room-b", "r8", "carol", t("24:00"), "phone", "u14", "u15"))
    report = check_plan(Scenario.model_validate(data), plan)
    assert report.ok, report.violations
    assert report.levels == {"served": 6, "officers": 3, "balance": 90, "preference": 1}


# --------------------------------------------------------------------------- plan folders


def write_plan(folder: Path, plan: Plan, *, notes: bool = True, whole: bool = True) -> None:
    """A whole plan folder for `scenario_data()`, then plan.csv and unserved.csv rewritten by
    hand, with an extra `notes` column the checker must ignore."""
    if whole:
        scenario = Scenario.model_validate(scenario_data())
        write_plan_files(folder, scenario, SolveResult(plan, unproven_levels(scenario, screen(scenario), plan)))
    with (folder / "plan.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["request_id", "station", "place", "officer", "start", "end", "category", "seller", "buyer"]
                        + (["notes"] if notes else []))
        for h in plan.handovers:
            writer.writerow([h.request_id, h.station, h.place, h.officer, format_time(h.start), format_time(h.end),
                             h.category, h.seller, h.buyer] + (["-"] if notes else []))
    with (folder / "unserved.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["request_id", "reason", "detail"])
        for u in plan.unserved:
            writer.writerow([u.request_id, u.reason, english(u)])


def test_folder_round_trip(tmp_path: Path):
    write_plan(tmp_path, valid_plan())
    assert read_plan(tmp_path).sorted() == valid_plan().sorted()
    report = check_folder(Scenario.model_validate(scenario_data()), tmp_path)
    assert report.violations == []
    assert report.levels == VALID_LEVELS


def test_end_at_midnight_reads_as_24_00(tmp_path: Path):
    plan = Plan([Handover(t("23:45"), "st-b", "room-b", "r8", "carol", t("24:00"), "phone", "u14", "u15")], [])
    write_plan(tmp_path, plan, notes=False, whole=False)
    assert read_plan(tmp_path).handovers[0].end == 24 * 60


def test_bad_time_is_a_violation_not_a_traceback(tmp_path: Path):
    write_plan(tmp_path, valid_plan())
    text = (tmp_path / "plan.csv").read_text(encoding="utf-8").replace("14:10", "14h10")
    (tmp_path / "plan.csv").write_text(text, encoding="utf-8")
    with language("en"), pytest.raises(ValueError, match=r"plan\.csv, line 5: '14h10' is not a zero-padded time"):
        read_plan(tmp_path)
    with language("en"):
        report = check_folder(Scenario.model_validate(scenario_data()), tmp_path)
    assert not report.ok
    assert any("plan.csv, line 5" in v and "14h10" in v for v in report.violations)
    # the bad row is lost, so its request is missing too; the other rows are still checked
    assert any("'r4'" in v and "neither" in v for v in report.violations)


@pytest.mark.parametrize(
    "name, content, message",
    [
        # a plan folder without unserved.csv
        ("unserved.csv", None, "unserved.csv: the file is missing"),
        # a header without the end column
        ("plan.csv", "request_id,station,place,officer,start,category,seller,buyer\n", "lacks column end"),
        # a row with a cell too few
        ("unserved.csv", "request_id,reason,detail\nr5,forbidden_item\n", "unserved.csv, line 2: 2 cells"),
        # 24:00 cannot start a handover
        ("plan.csv", "request_id,station,place,officer,start,end,category,seller,buyer\n"
                     "r8,st-b,room-b,carol,24:00,24:15,phone,u14,u15\n", "out of range"),
    ],
    ids=["missing file", "missing column", "short row", "start at 24:00"],
)
def test_malformed_folder_is_reported(tmp_path: Path, name: str, content: str | None, message: str):
    write_plan(tmp_path, valid_plan())
    if content is None:
        (tmp_path / name).unlink()
    else:
        (tmp_path / name).write_text(content, encoding="utf-8")
    with language("en"), pytest.raises(ValueError, match=re.escape(message)):
        read_plan(tmp_path)
    with language("en"):
        report = check_folder(Scenario.model_validate(scenario_data()), tmp_path)
    assert any(message in v for v in report.violations), report.violations


def _fits_alone_by_every_start(scenario: Scenario, request) -> bool:
    """The checker's question asked the slow way: every start of the day, every officer of the roster."""
    category = scenario.policy.categories.get(request.category)
    if category is None or category.forbidden is not None:
        return False
    minutes = request.minutes if request.minutes is not None else category.minutes
    windows = merge_ranges(request.windows)
    for station_id in request.stations:
        station = scenario.station_by_id.get(station_id)
        if station is None or not station.places(category.place):
            continue
        if category.place == "room" and station.max_visitors is not None and request.party_size > station.max_visitors:
            continue
        for officer in scenario.officers:
            if officer.station != station_id or (category.skill and category.skill not in officer.skills):
                continue
            if scenario.supervision_cap(officer) < minutes or officer.max_handovers == 0:
                continue
            for t in range(0, DAY_END - minutes + 1, scenario.policy.slot_minutes):
                if all(contains(ranges, t, t + minutes)
                       for ranges in (windows, merge_ranges(station.hours), [officer.on_duty])):
                    return True
    return False


@settings(max_examples=60, deadline=None)
@given(scenario_dicts(max_requests=6))
def test_fits_alone_tries_every_start_an_officer_could_take(data):
    # The checker looks only at the starts inside the request's windows and at the officers of
    # each station (a national day: 28 s to under 5 s); the answer must be the slow one's.
    scenario = Scenario.model_validate(data)
    for request in scenario.requests:
        assert _fits_alone(scenario, request) == _fits_alone_by_every_start(scenario, request), request.id


def test_fits_alone_takes_only_starts_on_the_grid():
    # A 15-minute phone wanted 10:05-10:25 on a 15-minute grid: 10:15 ends too late, and 10:05 is
    # not a start of the grid.
    tight, wide = (builders.request(rid, windows=[window]) for rid, window in (("tight", "10:05-10:25"),
                                                                                 ("wide", "10:05-10:30")))
    scenario = builders.day([tight, wide], slot_minutes=15)
    assert not _fits_alone(scenario, scenario.request_by_id["tight"])
    assert _fits_alone(scenario, scenario.request_by_id["wide"])


def test_fits_alone_at_the_ends_of_the_day_agrees_with_the_slow_way():
    # Windows at midnight and a night shift, which the generated days do not draw.
    requests = [builders.request(rid, windows=[window]) for rid, window in
                (("late", "23:30-24:00"), ("early", "00:05-00:30"), ("edge", "23:50-24:00"))]
    for shift in ("21:00-05:00", "00:00-24:00"):
        scenario = builders.day(requests, stations=[builders.station(hours=("00:00-24:00",))],
                                officers=[builders.officer(shift=shift)], slot_minutes=15)
        found = {r.id: _fits_alone(scenario, r) for r in scenario.requests}
        assert found == {r.id: _fits_alone_by_every_start(scenario, r) for r in scenario.requests}, shift
        assert found["late"] and not found["edge"]  # 23:30-23:45 fits; 23:50 is off the grid
