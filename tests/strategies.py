"""Hypothesis strategies that build valid scenarios by construction.

Small on purpose: a few stations, places, officers and requests drawn from a
small pool of people, so that conflicts between requests are common.
"""

from __future__ import annotations

from hypothesis import strategies as st

from optimizer.core.times import format_time
from optimizer.scenario.schema import Scenario
from optimizer.screening import screen

CATEGORIES = {
    "phone": {"place": "room", "minutes": 15},
    "laptop": {"place": "room", "minutes": 25},
    "car": {"place": "bay", "minutes": 30, "skill": "vehicle"},
    "knife": {"forbidden": "objets tranchants"},
}
PEOPLE = [f"u-{i}" for i in range(6)]


@st.composite
def time_range(draw, earliest=8 * 60, latest=19 * 60, min_len=15, max_len=240):
    start = draw(st.integers(earliest // 5, (latest - min_len) // 5)) * 5
    length = draw(st.integers(min_len // 5, max_len // 5)) * 5
    return f"{format_time(start)}-{format_time(min(start + length, 24 * 60))}"


@st.composite
def scenario_dicts(draw, max_requests=6):
    n_stations = draw(st.integers(1, 2))
    stations = []
    for s in range(n_stations):
        rooms = [f"s{s}-room-{i}" for i in range(draw(st.sampled_from([1, 2, 1, 0])))]
        bays = [f"s{s}-bay-{i}" for i in range(draw(st.sampled_from([1, 2, 0])))]
        station = {
            "id": f"st-{s}",
            "hours": draw(st.one_of(
                st.sampled_from([["09:00-12:30", "14:00-18:00"], ["10:00-18:00"], ["08:00-13:00"]]),
                st.lists(time_range(min_len=60), min_size=1, max_size=2),
            )),
            "rooms": rooms,
            "bays": bays,
        }
        if draw(st.booleans()):
            station["max_visitors"] = draw(st.integers(1, 5))
        stations.append(station)
    officers = []
    for o in range(draw(st.integers(1, 3))):
        officer = {
            "id": f"off-{o}",
            "station": f"st-{draw(st.integers(0, n_stations - 1))}",
            "shift": draw(st.sampled_from(["08:00-16:00", "10:00-18:00", "12:00-20:08", "21:00-05:00", "07:00-19:08"])),
        }
        if draw(st.integers(0, 2)):
            officer["skills"] = ["vehicle"]
        if draw(st.integers(0, 3)) == 0:
            officer["max_supervision_minutes"] = draw(st.integers(15, 90))
        if draw(st.integers(0, 3)) == 0:
            officer["max_handovers"] = draw(st.integers(1, 3))
        officers.append(officer)
    requests = []
    for r in range(draw(st.integers(1, max_requests))):
        station_ids = draw(st.permutations([s["id"] for s in stations]))
        seller, buyer = draw(st.lists(st.sampled_from(PEOPLE), min_size=2, max_size=2, unique=True))
        request = {
            "id": f"req-{r}",
            "category": draw(st.sampled_from(["phone", "phone", "laptop", "car", "car", "knife"])),
            "stations": list(station_ids[: draw(st.integers(1, len(station_ids)))]),
            "windows": draw(st.lists(time_range(9 * 60, 18 * 60, min_len=30, max_len=240), min_size=1, max_size=2)),
            "seller": seller,
            "buyer": buyer,
        }
        if draw(st.booleans()):
            request["priority"] = draw(st.integers(1, 3))
        if draw(st.integers(0, 3)) == 0:
            request["party_size"] = draw(st.integers(1, 4))
        if draw(st.integers(0, 3)) == 0 and request["category"] != "knife":
            request["minutes"] = draw(st.integers(1, 8)) * 5
        requests.append(request)
    data = {
        "name": "prop",
        "date": "2026-12-01",
        "policy": {
            "slot_minutes": draw(st.sampled_from([5, 10, 15])),
            "turnover_minutes": draw(st.sampled_from([0, 5, 10])),
            "party_travel_minutes": draw(st.sampled_from([0, 30])),
            "bay_handovers_per_officer": draw(st.integers(1, 2)),
            "objective": draw(st.permutations(["served", "officers", "balance", "preference"])),
            "categories": CATEGORIES,
        },
        "stations": stations,
        "officers": officers,
        "requests": requests,
    }
    if draw(st.booleans()):
        _add_lock(data, draw)
    return data


def _add_lock(data, draw) -> None:
    """Lock one request at a start that screening says fits it alone."""
    scenario = Scenario.model_validate(data)
    options = screen(scenario).options
    if not options:
        return
    rid = draw(st.sampled_from(sorted(options)))
    option = draw(st.sampled_from(options[rid]))
    officer = draw(st.sampled_from(sorted(option.officer_starts)))
    first, _ = option.officer_starts[officer][0]
    station = next(s for s in data["stations"] if s["id"] == option.station)
    place = (station["rooms"] if option.kind == "room" else station["bays"])[0]
    request = next(r for r in data["requests"] if r["id"] == rid)
    request["locked"] = {"station": option.station, "place": place, "officer": officer, "start": format_time(first)}
