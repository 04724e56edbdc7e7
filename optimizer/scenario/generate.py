"""Realistic planning days of any size, in the contract's format.

`generate(stations, requests, officers_per_station, seed)` returns a scenario as
a plain dict (what a YAML file holds); `write_scenario` writes it, inline for
small days and with CSV sections beside the YAML for large ones, because the
YAML reader keeps every scalar as text and is slow on tens of thousands of rows.

What makes a day realistic, and every number that shapes it, is named at the
top of this file: the category mix, the triangular durations, the station
hours, the shift patterns, the share of repeat sellers. Only
`random.Random(seed)` draws, so one seed gives one day, byte for byte.

The roster is sized so that demand is a little above what it can supervise:
by default the handover minutes of the allowed requests are about
`DEMAND_RATIO` times the officers' supervision caps (see `default_officers`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from ..core.csvfile import CSV, csv_dialect, write_csv
from ..core.times import format_range, merge_ranges, parse_range
from .writing import HEADER, write_text_whole

SIZES: dict[str, tuple[int, int]] = {
    "pilot": (3, 60),
    "paris": (20, 1000),
    "region": (100, 5000),
    "national": (1000, 50000),
}
DATE = "2026-12-01"
CSV_ABOVE = 2000  # requests; larger days are written with CSV sections

# -- policy ---------------------------------------------------------------------
SUPERVISION_CAP = 180  # policy cap, minutes of supervision per officer per day
REDUCED_CAP = (0.15, 120)  # share of officers with a lower cap, and that cap
MAX_HANDOVERS = (0.10, 8)  # share of officers with a handover count cap, and that cap
DEMAND_RATIO = 1.15  # default roster: handover minutes / supervision caps
VEHICLE_SHARE = 0.4  # share of officers with the `vehicle` skill (at least one per station)

# category -> (place, (low, mode, high) minutes, skill); the mode is the category's default
RUNNABLE: dict[str, tuple[str, tuple[int, int, int], str | None]] = {
    "phone": ("room", (8, 15, 25), None),
    "console": ("room", (10, 20, 35), None),
    "laptop": ("room", (12, 20, 35), None),
    "watch": ("room", (8, 15, 25), None),
    "jewellery": ("room", (8, 15, 25), None),
    "tablet": ("room", (8, 15, 25), None),
    "camera": ("room", (10, 20, 30), None),
    "headphones": ("room", (5, 10, 20), None),
    "handbag": ("room", (8, 12, 20), None),
    "scooter": ("bay", (20, 35, 55), "vehicle"),
    "car": ("bay", (30, 45, 70), "vehicle"),
}
# Shares among allowed requests: phones 30 %, consoles and laptops 20 %, watches and
# jewellery 10 %, other small items 15 %, scooters 10 % and cars 15 % (on bays).
MIX: dict[str, float] = {
    "phone": 0.30,
    "console": 0.10, "laptop": 0.10,
    "watch": 0.05, "jewellery": 0.05,
    "tablet": 0.05, "camera": 0.04, "headphones": 0.03, "handbag": 0.03,
    "scooter": 0.10,
    "car": 0.15,
}
FORBIDDEN_SHARE = 0.02
FORBIDDEN: dict[str, tuple[str, float]] = {  # category -> (charter's reason, share among forbidden)
    "knife": ("objets tranchants", 0.35),
    "weapon": ("armes", 0.15),
    "washing_machine": ("gros volumes", 0.25),
    "fridge": ("gros volumes", 0.25),
}
# How people read each category in the pages (the policy's optional `label`).
LABELS = {
    "phone": "Téléphone", "console": "Console de jeux", "laptop": "Ordinateur portable", "watch": "Montre",
    "jewellery": "Bijoux", "tablet": "Tablette", "camera": "Appareil photo", "headphones": "Casque audio",
    "handbag": "Sac à main", "scooter": "Scooter", "car": "Voiture", "knife": "Couteau", "weapon": "Arme",
    "washing_machine": "Lave-linge", "fridge": "Réfrigérateur",
}

# -- stations and roster --------------------------------------------------------
STATION_HOURS = [
    ["09:00-12:30", "13:30-18:00"],
    ["10:00-12:30", "14:00-18:00"],
    ["09:30-12:30", "13:30-17:30"],
    ["10:00-13:00", "14:30-18:30"],
    ["08:30-12:00", "13:00-17:30"],
    ["09:00-17:00"],
    ["10:00-19:00"],
]
MAX_VISITORS = [4, 5, 6, 6, 8]
ROOMS = ([1, 2], [0.25, 0.75])  # rooms per station, with weights
BAYS = 2
SHIFTS_8H = ["07:00-15:00", "08:00-16:00", "09:00-17:00", "10:00-18:00", "11:00-19:00", "12:00-20:00"]
SHIFTS_12H08 = ["07:00-19:08", "08:00-20:08"]
SHARE_12H08 = 0.35
NEIGHBOURS = 4  # acceptable stations beyond the first are drawn among this many nearest

# -- requests -------------------------------------------------------------------
STATIONS_PER_REQUEST = ([1, 2, 3], [0.35, 0.40, 0.25])
WINDOWS_PER_REQUEST = ([1, 2], [0.6, 0.4])
# part of the day -> (earliest start, latest start, weight); starts on the half hour
DAY_PARTS = {
    "morning": (9 * 60, 12 * 60, 0.30),
    "midday": (11 * 60 + 30, 14 * 60, 0.25),
    "afternoon": (14 * 60, 17 * 60, 0.30),
    "evening": (16 * 60 + 30, 18 * 60, 0.15),
}
WINDOW_MINUTES = [60, 90, 120, 120, 150, 180, 240]
LATEST_END = 20 * 60
REPEAT_SELLERS = (0.12, 40)  # share of requests sold by a repeat seller; one such seller per 40 requests
REPEAT_BUYERS = (0.04, 80)
REPEAT_SELLER_HOME = 0.8  # a repeat seller mostly sells near their own station
PRIORITIES = ([1, 2, 3], [0.85, 0.12, 0.03])
PARTY_SIZES = ([2, 3, 1, 4], [0.86, 0.08, 0.04, 0.02])
SUBMITTED_DAYS = 14  # requests reach the platform in the days before the planning day
NOT_SUBMITTED = 0.05  # share without a `submitted` time (taken by phone, say)


def expected_minutes() -> float:
    """Mean handover minutes of a request, forbidden ones counting zero."""
    mean = sum(share * sum(RUNNABLE[c][1]) / 3 for c, share in MIX.items())
    return (1 - FORBIDDEN_SHARE) * mean


def mean_cap() -> float:
    share, cap = REDUCED_CAP
    return (1 - share) * SUPERVISION_CAP + share * cap


def default_officers(stations: int, requests: int) -> float:
    """Officers per station so that demand is about DEMAND_RATIO times the supervision caps."""
    total = requests * expected_minutes() / (DEMAND_RATIO * mean_cap())
    return max(1.0, total / stations)


@dataclass
class _Station:
    index: int
    id: str
    x: float
    y: float
    weight: float  # popularity: share of requests that name it first
    neighbours: list[int]


def _station_ids(count: int) -> list[str]:
    width = max(2, len(str(count)))
    return [f"st-{i + 1:0{width}d}" for i in range(count)]


def _place_stations(rng: random.Random, count: int) -> list[_Station]:
    """Stations on a jittered square grid; each knows its nearest others, nearest first."""
    cols = math.ceil(math.sqrt(count))
    ids = _station_ids(count)
    out = []
    for i, sid in enumerate(ids):
        x = i % cols + rng.uniform(-0.3, 0.3)
        y = i // cols + rng.uniform(-0.3, 0.3)
        out.append(_Station(i, sid, x, y, rng.triangular(0.5, 2.0, 0.8), []))
    cells: dict[tuple[int, int], int] = {(i % cols, i // cols): i for i in range(count)}
    reach = 2
    for s in out:
        cx, cy = s.index % cols, s.index // cols
        near = []
        for dx in range(-reach, reach + 1):
            for dy in range(-reach, reach + 1):
                other = cells.get((cx + dx, cy + dy))
                if other is not None and other != s.index:
                    o = out[other]
                    near.append(((o.x - s.x) ** 2 + (o.y - s.y) ** 2, other))
        s.neighbours = [i for _, i in sorted(near)[:NEIGHBOURS + 1]]
    return out


def _stations(rng: random.Random, placed: list[_Station]) -> list[dict[str, Any]]:
    out = []
    for s in placed:
        rooms = rng.choices(*ROOMS)[0]
        out.append({
            "id": s.id,
            "name": f"Commissariat {s.index + 1}",
            "hours": list(rng.choice(STATION_HOURS)),
            "max_visitors": rng.choice(MAX_VISITORS),
            "rooms": [f"{s.id}-salle-{j + 1}" for j in range(rooms)],
            "bays": [f"{s.id}-place-{j + 1}" for j in range(BAYS)],
        })
    return out


def _roster_sizes(rng: random.Random, placed: list[_Station], per_station: float) -> list[int]:
    """Officers at each station: at least one, the rest in proportion to popularity."""
    total = max(len(placed), round(per_station * len(placed)))
    extra = total - len(placed)
    weight = sum(s.weight for s in placed)
    quotas = [extra * s.weight / weight for s in placed]
    sizes = [1 + int(q) for q in quotas]
    left = total - sum(sizes)
    by_remainder = sorted(range(len(placed)), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    for i in by_remainder[:left]:
        sizes[i] += 1
    return sizes


def _officers(rng: random.Random, placed: list[_Station], sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    width = max(3, len(str(sum(sizes))))
    number = 0
    for s, size in zip(placed, sizes):
        vehicle = rng.randrange(size)  # at least one vehicle-skilled officer per station
        for k in range(size):
            number += 1
            shifts = SHIFTS_12H08 if rng.random() < SHARE_12H08 else SHIFTS_8H
            officer: dict[str, Any] = {"id": f"off-{number:0{width}d}", "station": s.id, "shift": rng.choice(shifts)}
            if k == vehicle or rng.random() < VEHICLE_SHARE:
                officer["skills"] = ["vehicle"]
            if rng.random() < REDUCED_CAP[0]:
                officer["max_supervision_minutes"] = REDUCED_CAP[1]
            if rng.random() < MAX_HANDOVERS[0]:
                officer["max_handovers"] = MAX_HANDOVERS[1]
            out.append(officer)
    return out


def _window(rng: random.Random, part: str) -> tuple[int, int]:
    earliest, latest, _ = DAY_PARTS[part]
    start = earliest + 30 * rng.randrange((latest - earliest) // 30 + 1)
    return start, min(start + rng.choice(WINDOW_MINUTES), LATEST_END)


def _windows(rng: random.Random) -> list[str]:
    parts = list(DAY_PARTS)
    weights = [DAY_PARTS[p][2] for p in parts]
    count = rng.choices(*WINDOWS_PER_REQUEST)[0]
    first = rng.choices(parts, weights)[0]
    ranges = [_window(rng, first)]
    if count == 2:
        others = [p for p in parts if p != first]
        ranges.append(_window(rng, rng.choices(others, [DAY_PARTS[p][2] for p in others])[0]))
    return [format_range(r) for r in merge_ranges(ranges)]


def _submitted(rng: random.Random, day: date, count: int) -> list[str]:
    """Submission times between 07:00 and midnight in the days before `day`, in increasing order."""
    first = datetime.combine(day - timedelta(days=SUBMITTED_DAYS), datetime.min.time())
    awake = 17 * 60  # minutes from 07:00 to midnight
    minutes = sorted(rng.randrange(SUBMITTED_DAYS * awake) for _ in range(count))
    return [
        (first + timedelta(days=m // awake, minutes=7 * 60 + m % awake)).strftime("%Y-%m-%dT%H:%M")
        for m in minutes
    ]


def _requests(rng: random.Random, placed: list[_Station], count: int, day: date) -> list[dict[str, Any]]:
    n_sellers = max(1, count // REPEAT_SELLERS[1])
    n_buyers = max(1, count // REPEAT_BUYERS[1])
    people = [f"u-{n}" for n in rng.sample(range(10**6, 10**7), 2 * count + n_sellers + n_buyers)]
    fresh = iter(people[n_sellers + n_buyers:])
    sellers = people[:n_sellers]
    buyers = people[n_sellers:n_sellers + n_buyers]

    cumulative, acc = [], 0.0
    for s in placed:
        acc += s.weight
        cumulative.append(acc)
    indices = list(range(len(placed)))
    seller_home = {u: rng.choices(indices, cum_weights=cumulative)[0] for u in sellers}

    runnable, runnable_w = list(MIX), list(MIX.values())
    forbidden, forbidden_w = list(FORBIDDEN), [share for _, share in FORBIDDEN.values()]
    stamps = iter(_submitted(rng, day, count))
    width = max(6, len(str(count)))
    out = []
    for i in range(count):
        if rng.random() < FORBIDDEN_SHARE:
            category = rng.choices(forbidden, forbidden_w)[0]
            minutes = None
        else:
            category = rng.choices(runnable, runnable_w)[0]
            low, mode, high = RUNNABLE[category][1]
            minutes = max(1, round(rng.triangular(low, high, mode)))

        seller = rng.choice(sellers) if rng.random() < REPEAT_SELLERS[0] else next(fresh)
        buyer = rng.choice(buyers) if rng.random() < REPEAT_BUYERS[0] else next(fresh)
        if seller in seller_home and rng.random() < REPEAT_SELLER_HOME:
            home = placed[seller_home[seller]]
        else:
            home = placed[rng.choices(indices, cum_weights=cumulative)[0]]
        wanted = min(rng.choices(*STATIONS_PER_REQUEST)[0], len(placed))
        pool = home.neighbours[:NEIGHBOURS]
        picked = set(rng.sample(pool, min(wanted - 1, len(pool))))
        stations = [home.id] + [placed[j].id for j in home.neighbours if j in picked]

        request: dict[str, Any] = {
            "id": f"lbc-{i + 1:0{width}d}",
            "category": category,
            "stations": stations,
            "windows": _windows(rng),
            "seller": seller,
            "buyer": buyer,
        }
        priority = rng.choices(*PRIORITIES)[0]
        if priority != 1:
            request["priority"] = priority
        if minutes is not None:
            request["minutes"] = minutes
        party = rng.choices(*PARTY_SIZES)[0]
        if party != 2:
            request["party_size"] = party
        stamp = next(stamps)
        if rng.random() >= NOT_SUBMITTED:
            request["submitted"] = stamp
        out.append(request)
    return out


def _policy() -> dict[str, Any]:
    categories: dict[str, Any] = {}
    for name, (place, (_, mode, _), skill) in RUNNABLE.items():
        categories[name] = {"place": place, "minutes": mode, **({"skill": skill} if skill else {}), "label": LABELS[name]}
    for name, (reason, _) in FORBIDDEN.items():
        categories[name] = {"forbidden": reason, "label": LABELS[name]}
    return {
        "slot_minutes": 5,
        "turnover_minutes": 5,
        "max_supervision_minutes": SUPERVISION_CAP,
        "bay_handovers_per_officer": 2,
        "party_travel_minutes": 30,
        "objective": ["served", "officers", "balance", "preference"],
        "categories": categories,
    }


def generate(
    stations: int,
    requests: int,
    officers_per_station: float | None = None,
    seed: int = 0,
    *,
    day: str = DATE,
    name: str | None = None,
) -> dict[str, Any]:
    """A realistic planning day as a scenario dict; `officers_per_station` may be fractional.

    Without `officers_per_station`, the roster is sized by `default_officers`.
    """
    if stations < 1 or requests < 0:
        raise ValueError("a day needs at least one station and no negative number of requests")
    rng = random.Random(seed)
    per_station = default_officers(stations, requests) if officers_per_station is None else officers_per_station
    if per_station <= 0:
        raise ValueError("officers_per_station must be positive")
    placed = _place_stations(rng, stations)
    station_rows = _stations(rng, placed)
    officer_rows = _officers(rng, placed, _roster_sizes(rng, placed, per_station))
    request_rows = _requests(rng, placed, requests, date.fromisoformat(day))
    return {
        "name": name or f"generated-{stations}x{requests}-seed{seed}",
        "date": day,
        "policy": _policy(),
        "stations": station_rows,
        "officers": officer_rows,
        "requests": request_rows,
    }


# -- fixed-interval days ----------------------------------------------------------
# What a station's roster looks like once the bookings are fixed: every request has exactly
# one possible start, officers hold many different skills, rooms are enough for everyone,
# and the objective is to serve, then to mobilise the fewest officers. The day is built
# around a hidden roster that serves every request, so everything is servable and the peak
# number of overlapping requests bounds the officers needed from below.

FIXED_SKILLS = ["auto", "moto", "luxe", "tech", "art", "arme-blanche-deco", "bijou", "velo"]
FIXED_DAY = (8 * 60, 20 * 60)
FIXED_MINUTES = [10, 15, 20, 25, 30, 45]
FIXED_GAP = [0, 5, 10, 15, 30, 60]
FIXED_HANDOVERS = (6, 12)  # handovers per officer of the hidden roster
FIXED_SPARE = 0.15  # officers beyond the hidden roster, free to be left idle


def generate_fixed_interval(stations: int, requests: int, seed: int = 0, *, day: str = DATE,
                            name: str | None = None) -> dict[str, Any]:
    """A fixed-interval day of about `requests` requests over `stations` stations (rooms only)."""
    if stations < 1 or requests < 0:
        raise ValueError("a day needs at least one station and no negative number of requests")
    rng = random.Random(seed)
    ids = _station_ids(stations)
    categories = {f"objet-{skill}": {"place": "room", "minutes": 15, "skill": skill} for skill in FIXED_SKILLS}
    officers: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    busy: dict[str, list[tuple[int, int]]] = {sid: [] for sid in ids}
    number = 0
    while len(rows) < requests:
        station = ids[number % stations]
        number += 1
        skills = sorted(rng.sample(FIXED_SKILLS, rng.randint(1, 3)))
        officer = {"id": f"off-{number:04d}", "station": station, "shift": "08:00-20:00", "skills": skills,
                   "max_supervision_minutes": 600}
        officers.append(officer)
        t = FIXED_DAY[0] + 5 * rng.randrange(24)
        for _ in range(rng.randint(*FIXED_HANDOVERS)):
            minutes = rng.choice(FIXED_MINUTES)
            if t + minutes > FIXED_DAY[1] or len(rows) >= requests:
                break
            skill = rng.choice(skills)
            rid = f"fx-{len(rows) + 1:05d}"
            rows.append({"id": rid, "category": f"objet-{skill}", "stations": [station],
                         "windows": [format_range((t, t + minutes))], "seller": f"v-{rid}", "buyer": f"a-{rid}",
                         "minutes": minutes})
            busy[station].append((t, t + minutes))
            t += minutes + rng.choice(FIXED_GAP)
    for _ in range(round(FIXED_SPARE * len(officers))):
        number += 1
        officers.append({"id": f"off-{number:04d}", "station": rng.choice(ids), "shift": "08:00-20:00",
                         "skills": sorted(rng.sample(FIXED_SKILLS, rng.randint(1, 3))),
                         "max_supervision_minutes": 600})
    station_rows = []
    for sid in ids:
        peak = max((sum(1 for a, b in busy[sid] if a <= t < b) for t, _ in busy[sid]), default=0)
        station_rows.append({"id": sid, "name": f"Commissariat {sid}", "hours": [format_range(FIXED_DAY)],
                             "rooms": [f"{sid}-salle-{j + 1}" for j in range(max(1, peak))], "bays": []})
    return {
        "name": name or f"fixed-interval-{stations}x{requests}-seed{seed}",
        "date": day,
        "policy": {"slot_minutes": 5, "turnover_minutes": 0, "max_supervision_minutes": 600,
                   "bay_handovers_per_officer": 2, "party_travel_minutes": 30,
                   "objective": ["served", "officers"], "categories": categories},
        "stations": station_rows,
        "officers": officers,
        "requests": rows,
    }


def peak_overlap(data: dict[str, Any]) -> int:
    """The most requests in progress at once at one station, summed over the stations: a lower
    bound on the officers a plan serving them all needs (a room handover has an officer alone)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for r in data["requests"]:
        start, end = parse_range(r["windows"][0])
        spans.setdefault(r["stations"][0], []).append((start, end))
    return sum(max(sum(1 for a, b in items if a <= t < b) for t, _ in items) for items in spans.values())


# -- description ----------------------------------------------------------------


def describe(data: dict[str, Any]) -> dict[str, Any]:
    """Counts and capacity ratios of a generated day, from the dict alone."""
    policy = data["policy"]
    categories = policy["categories"]
    demand = 0
    by_kind = {"room": 0, "bay": 0}
    forbidden = 0
    for r in data["requests"]:
        category = categories[r["category"]]
        if "forbidden" in category:
            forbidden += 1
            continue
        minutes = r.get("minutes", category["minutes"])
        demand += minutes
        by_kind[category["place"]] += minutes + policy["turnover_minutes"]
    caps = sum(o.get("max_supervision_minutes", policy["max_supervision_minutes"]) for o in data["officers"])
    open_minutes = {"room": 0, "bay": 0}
    for s in data["stations"]:
        hours = sum(end - start for start, end in (parse_range(h) for h in s["hours"]))
        open_minutes["room"] += hours * len(s.get("rooms", []))
        open_minutes["bay"] += hours * len(s.get("bays", []))
    return {
        "stations": len(data["stations"]),
        "officers": len(data["officers"]),
        "requests": len(data["requests"]),
        "forbidden": forbidden,
        "handover_minutes": demand,
        "supervision_caps": caps,
        "demand_over_caps": round(demand / caps, 3) if caps else None,
        "room_demand_over_open_room_minutes": round(by_kind["room"] / open_minutes["room"], 3)
        if open_minutes["room"] else None,
        "bay_demand_over_open_bay_minutes": round(by_kind["bay"] / open_minutes["bay"], 3)
        if open_minutes["bay"] else None,
    }


# -- writing --------------------------------------------------------------------

CSV_COLUMNS = {
    "stations": ["id", "name", "hours", "max_visitors", "rooms", "bays"],
    "officers": ["id", "station", "shift", "skills", "max_supervision_minutes", "max_handovers"],
    "requests": ["id", "category", "stations", "windows", "seller", "buyer", "priority", "minutes",
                 "party_size", "submitted"],
}


class _Flow(dict):
    """A mapping written on one line (the categories)."""


class _Dumper(yaml.SafeDumper):
    """Entries as blocks, lists of plain values and categories on one line."""


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flat = all(not isinstance(v, (dict, list)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(
    _Flow, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)
)
_Dumper.add_representer(
    dict, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=False)
)


def section_paths(path: Path) -> list[Path]:
    """The CSV files beside `path` that hold its stations, officers and requests."""
    return [path.with_name(f"{path.stem}-{section}.csv") for section in CSV_COLUMNS]


def write_scenario(data: dict[str, Any], path: Path | str, csv_sections: bool | None = None) -> list[Path]:
    """Write the day to `path` (YAML); returns every file written.

    With `csv_sections` (default: more than CSV_ABOVE requests), stations, officers
    and requests go to `NAME-stations.csv`, `NAME-officers.csv` and
    `NAME-requests.csv` beside the YAML, which names them.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if csv_sections is None:
        csv_sections = len(data["requests"]) > CSV_ABOVE
    head = dict(data)
    written = []
    if csv_sections:
        for (section, columns), section_path in zip(CSV_COLUMNS.items(), section_paths(path)):
            with csv_dialect(CSV.name):  # scenario sections are always plain CSV, the input format
                write_csv(section_path, columns, data[section])
            head[section] = section_path.name
            written.append(section_path)
    facts = describe(data)
    comment = "".join(f"#   {key}: {value}\n" for key, value in facts.items())
    head["policy"] = {**head["policy"], "categories": {k: _Flow(v) for k, v in head["policy"]["categories"].items()}}
    text = (
        f"{HEADER} generate (optimizer/scenario/generate.py); one seed gives one day.\n"
        + comment
        + yaml.dump(head, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    )
    write_text_whole(path, text)
    return [path, *written]
