"""Properties of the input side, on scenarios built by construction.

1. A valid scenario loads as written (ids stay text, windows and hours are the union
   of the written ranges) and survives `dump_scenario` -> reload unchanged.
2. A corrupted scenario never crashes `remise validate`: it exits 0 or 2, and with 2
   it names the file, without a traceback.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.planfolder.folder import dump_scenario
from optimizer.scenario.loading import load_scenario

TINY = Path(__file__).parent / "data" / "input" / "tiny.yaml"
LEVELS = ["served", "officers", "balance", "preference"]
DAY = 24 * 60

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- valid scenarios


def clock(minutes: int, short: bool) -> str:
    """Minutes as `HH:MM`, or `H:MM` when short (both are valid input); 1440 is 24:00."""
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}" if short else f"{hours:02d}:{rest:02d}"


@st.composite
def day_ranges(draw, min_size: int = 1, max_size: int = 3) -> list[tuple[int, int]]:
    """Non-empty ranges inside the day; they may overlap or touch."""
    count = draw(st.integers(min_size, max_size))
    out = []
    for _ in range(count):
        start = draw(st.integers(0, DAY - 1))
        end = draw(st.integers(start + 1, min(DAY, start + 10 * 60)))
        out.append((start, end))
    return out


def range_text(draw, value: tuple[int, int]) -> str:
    short = draw(st.booleans())
    return f"{clock(value[0], short)}-{clock(value[1], short)}"


# Ids are text: include the ones YAML 1.1 would turn into numbers, booleans or null.
TRICKY_IDS = ["0123", "007", "1e3", "0x1F", "10:30", "true", "no", "null", "~", "1_000", ".5", "-1", "on"]
ids = st.one_of(st.sampled_from(TRICKY_IDS), st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.:", min_size=1, max_size=8))
# Text as the scenario format allows it: no control, invisible or unassigned characters.
printable = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp"))


def unique_ids(count: int):
    return st.lists(ids, min_size=count, max_size=count, unique=True)


@st.composite
def valid_days(draw) -> tuple[dict, dict]:
    """(scenario dict to write as YAML, what it must load to: ids and minute sets)."""
    expect: dict[str, Any] = {"hours": {}, "shift": {}, "windows": {}}
    n_stations = draw(st.integers(1, 3))
    station_ids = draw(unique_ids(n_stations))
    n_places = [(draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in station_ids]
    place_ids = iter(draw(unique_ids(sum(r + b for r, b in n_places))))
    stations = []
    for station_id, (n_rooms, n_bays) in zip(station_ids, n_places):
        hours = draw(day_ranges())
        station: dict[str, Any] = {"id": station_id, "hours": [range_text(draw, h) for h in hours]}
        expect["hours"][station_id] = hours
        if draw(st.booleans()):
            station["name"] = draw(st.text(printable, max_size=20))
        if draw(st.booleans()):
            station["max_visitors"] = draw(st.integers(1, 6))
        for kind, count in (("rooms", n_rooms), ("bays", n_bays)):
            places = [next(place_ids) for _ in range(count)]
            if places or draw(st.booleans()):
                # plain id lists and {id: ...} mappings are both valid
                station[kind] = places if draw(st.booleans()) else [{"id": p} for p in places]
        stations.append(station)

    skills = ["vehicle", "first-aid"]
    categories: dict[str, Any] = {
        "phone": {"place": "room", "minutes": draw(st.integers(5, 60))},
        "car": {"place": "bay", "minutes": draw(st.integers(5, 90)), "skill": "vehicle"},
        "knife": {"forbidden": draw(st.text(printable, min_size=1, max_size=20).filter(str.strip))},
    }
    for name in draw(st.lists(ids.filter(lambda i: i not in categories), max_size=2, unique=True)):
        if draw(st.booleans()):
            categories[name] = {"forbidden": draw(st.text(printable, min_size=1, max_size=20).filter(str.strip))}
        else:
            categories[name] = {"place": draw(st.sampled_from(["room", "bay"])), "minutes": draw(st.integers(1, 120))}
            if draw(st.booleans()):
                categories[name]["skill"] = draw(st.sampled_from(skills))

    policy: dict[str, Any] = {"categories": categories}
    optional_policy = {
        "slot_minutes": st.sampled_from([1, 5, 10, 15]),
        "turnover_minutes": st.integers(0, 15),
        "max_supervision_minutes": st.integers(30, 600),
        "bay_handovers_per_officer": st.integers(1, 3),
        "party_travel_minutes": st.integers(0, 60),
        "objective": st.permutations(LEVELS).flatmap(lambda p: st.integers(1, 4).map(lambda k: p[:k])),
    }
    for key, strategy in optional_policy.items():
        if draw(st.booleans()):
            policy[key] = draw(strategy)

    officer_ids = draw(unique_ids(draw(st.integers(1, 4))))
    officers = []
    for index, officer_id in enumerate(officer_ids):
        if index == 0:
            # a night shift crossing midnight; only 21:00-24:00 (say) is on the day
            start, end = draw(st.integers(18 * 60, DAY - 5)), draw(st.integers(0, 8 * 60))
        else:
            start = draw(st.integers(0, DAY - 1))
            end = draw(st.integers(0, DAY).filter(lambda e: e != start))
        officer: dict[str, Any] = {
            "id": officer_id,
            "station": draw(st.sampled_from(station_ids)),
            "shift": range_text(draw, (start, end)),
        }
        expect["shift"][officer_id] = (start, end)
        if draw(st.booleans()):
            officer["skills"] = draw(st.lists(st.sampled_from(skills), unique=True))
        if draw(st.booleans()):
            officer["max_supervision_minutes"] = draw(st.integers(1, 600))
        if draw(st.booleans()):
            officer["max_handovers"] = draw(st.integers(1, 20))
        officers.append(officer)

    people = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    requests = []
    for request_id in draw(st.lists(ids, max_size=5, unique=True)):
        windows = draw(day_ranges(1, 2))
        listed = draw(st.permutations(station_ids))[: draw(st.integers(1, n_stations))]
        seller, buyer = draw(st.permutations(people))[:2]
        request: dict[str, Any] = {
            "id": request_id,
            "category": draw(st.sampled_from(sorted(categories))),
            "stations": listed,
            "windows": [range_text(draw, w) for w in windows],
            "seller": seller,
            "buyer": buyer,
        }
        expect["windows"][request_id] = windows
        if draw(st.booleans()):
            request["priority"] = draw(st.integers(1, 3))
        if draw(st.booleans()):
            request["minutes"] = draw(st.integers(1, 120))
        if draw(st.booleans()):
            request["party_size"] = draw(st.integers(1, 5))
        if draw(st.booleans()):
            moment = draw(st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)))
            request["submitted"] = moment.isoformat(timespec=draw(st.sampled_from(["minutes", "seconds"])))
        requests.append(request)

    if draw(st.booleans()):
        # One locked request, valid by construction: its own room, station, officer on duty
        # all day, and a start on the hour (a multiple of every slot size drawn above).
        # Upper-case ids cannot collide with the drawn ones.
        station = draw(st.sampled_from(stations))
        start = 60 * draw(st.integers(0, 22))
        station.setdefault("rooms", []).append("LOCK-ROOM")
        station["hours"].append(range_text(draw, (start, start + 60)))
        expect["hours"][station["id"]].append((start, start + 60))
        station.pop("max_visitors", None)
        officers.append({"id": "LOCK-OFFICER", "station": station["id"], "shift": "00:00-24:00",
                         "max_supervision_minutes": 600})
        expect["shift"]["LOCK-OFFICER"] = (0, DAY)
        categories["phone"]["minutes"] = min(categories["phone"]["minutes"], 60)
        requests.append({
            "id": "LOCK-REQUEST", "category": "phone", "stations": [station["id"]],
            "windows": [range_text(draw, (start, start + 60))], "seller": "LOCK-SELLER", "buyer": "LOCK-BUYER",
            "locked": {"station": station["id"], "place": "LOCK-ROOM", "officer": "LOCK-OFFICER",
                       "start": clock(start, draw(st.booleans()))},
        })
        expect["windows"]["LOCK-REQUEST"] = [(start, start + 60)]
        expect["lock_start"] = start

    data = {
        "name": draw(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)),
        "date": draw(st.dates()).isoformat() if draw(st.booleans()) else "2026-12-01",
        "policy": policy,
        "stations": stations,
        "officers": officers,
        "requests": requests,
    }
    expect["ids"] = {
        "stations": [s["id"] for s in stations],
        "officers": [o["id"] for o in officers],
        "requests": [r["id"] for r in requests],
    }
    return data, expect


def minutes_of(ranges) -> set[int]:
    return {m for start, end in ranges for m in range(start, end)}


@settings(max_examples=60, **SETTINGS)
@given(valid_days())
def test_valid_scenario_loads_as_written_and_survives_a_dump(day) -> None:
    data, expect = day
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "scenario.yaml"
        source.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        first, _ = load_scenario(source)

        # ids are text, as written, in the written order
        assert [s.id for s in first.stations] == expect["ids"]["stations"]
        assert [o.id for o in first.officers] == expect["ids"]["officers"]
        assert [r.id for r in first.requests] == expect["ids"]["requests"]
        # hours and windows are the union of the written ranges: sorted, disjoint, not touching
        for owner, ranges in [*((s.id, s.hours) for s in first.stations), *((r.id, r.windows) for r in first.requests)]:
            assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:])), (owner, ranges)
        for station in first.stations:
            assert minutes_of(station.hours) == minutes_of(expect["hours"][station.id])
        for request in first.requests:
            assert minutes_of(request.windows) == minutes_of(expect["windows"][request.id])
        for officer in first.officers:
            assert officer.shift == expect["shift"][officer.id]
            start, end = expect["shift"][officer.id]
            assert officer.on_duty == ((start, end) if end > start else (start, DAY))
        if "lock_start" in expect:
            assert first.request_by_id["LOCK-REQUEST"].locked.start == expect["lock_start"]

        dumped = Path(folder) / "dumped.yaml"
        dump_scenario(first, dumped)
        second, _ = load_scenario(dumped)
        assert second == first


# --------------------------------------------------------------------------- corrupted scenarios


def base_day() -> dict:
    """tiny.yaml with every optional field used once, so that each can be corrupted."""
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["policy"].update({"slot_minutes": 5, "objective": ["served", "officers"]})
    data["officers"][1].update({"max_supervision_minutes": 120, "max_handovers": 4})
    data["requests"][0].update({
        "priority": 2, "minutes": 20, "party_size": 3, "submitted": "2026-11-27T18:22",
        "locked": {"station": "st-a", "place": "a-room", "officer": "bob", "start": "10:30"},
    })
    data["requests"].append({"id": "r3", "category": "knife", "stations": ["st-b"], "windows": ["10:00-11:00"],
                             "seller": "u-5", "buyer": "u-6"})
    return data


def paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key of every mapping and every index of every list, as a path from the root."""
    out = []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return out
    for key, value in items:
        out.append((*prefix, key))
        out.extend(paths(value, (*prefix, key)))
    return out


def container(data: Any, path: tuple) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


# Garbage strings include NUL bytes and Rich markup such as '[/': a NUL byte as a path and
# '[/' printed by `validate` once crashed (see test_unusable_paths_are_input_errors and
# test_validate_prints_user_text_literally in test_loading.py).
garbage = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(["[/]", "[red]x", "a\x00b", "x" * 300]),
)
known_ids = st.sampled_from(["st-a", "st-b", "a-room", "a-bay", "b-room", "alice", "bob", "carol", "r1", "r2", "r3"])
wrong_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    garbage,
    st.lists(st.one_of(st.integers(), garbage, known_ids), max_size=3),
    st.dictionaries(st.one_of(garbage, st.sampled_from(["id", "station", "officers", "stations"])),
                    st.one_of(st.integers(), garbage, known_ids, st.lists(known_ids, max_size=2)), max_size=3),
)
added_keys = st.one_of(
    st.sampled_from(["extends", "remove", "locked", "skills", "hours", "rooms", "bays", "minutes", "id", "place"]),
    garbage,
)


@st.composite
def corrupted_files(draw) -> bytes:
    data = base_day()
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(["delete", "replace", "add"]))
        if operation == "delete":
            keys = [p for p in paths(data) if isinstance(container(data, p), dict)]
            path = draw(st.sampled_from(keys))
            del container(data, path)[path[-1]]
        elif operation == "replace":
            path = draw(st.sampled_from(paths(data)))
            container(data, path)[path[-1]] = draw(wrong_values)
        else:
            mappings = [()] + [p for p in paths(data) if isinstance(container(data, (*p, None)), dict)]
            target = container(data, (*draw(st.sampled_from(mappings)), None))
            target[draw(added_keys)] = draw(wrong_values)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(garbage) + text[at:]
    raw = text.encode("utf-8")
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw  # may end inside a multi-byte character


@settings(max_examples=60, **SETTINGS)
@given(corrupted_files())
def test_validate_survives_any_corruption(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_bytes(content)
        result = CliRunner().invoke(app, ["validate", str(path)])
    output = result.output + (result.stderr if result.stderr not in result.output else "")
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.exception!r}\n{output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    if result.exit_code == 2:
        # Problems name the scenario file, or the file it refers to that could not be read.
        assert "scenario.yaml" in output or "file not found" in output or "cannot be read" in output, output
    else:
        assert "Le scénario est valide." in output


def test_base_of_the_corruptions_is_valid() -> None:
    """Each corruption starts from a valid day, so what breaks is the corruption."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(yaml.safe_dump(base_day(), sort_keys=False), encoding="utf-8")
        scenario, _ = load_scenario(path)
    assert scenario.request_by_id["r1"].locked.start == 630
