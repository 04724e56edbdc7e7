"""The platform under load: a real server on 127.0.0.1, real clients racing, a crash.

Each test starts `remise serve` in its own process on a free port, over SQLite and over
PostgreSQL, and drives it with concurrent HTTP clients. What must hold: two bookings
never share capacity, what the platform promised passes the checker, and a confirmed
booking survives the server being killed.
"""

from __future__ import annotations

import random
import signal
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
import yaml
from conftest import ROOT, server
from sqlalchemy import select
from typer.testing import CliRunner

from optimizer.cli import app as cli
from optimizer.service.db.engine import reading
from optimizer.service.db.tables import Day, Request, Slot

DAY = "2026-12-01"


def day_version(database: str) -> int:
    with reading(database) as session:
        return session.scalar(select(Day.version).where(Day.date == date(2026, 12, 1)))


def write_day(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def small_day() -> dict:
    """One station, two rooms, three officers: two phones at most at 10:00."""
    return {
        "name": "race", "date": DAY,
        "policy": {"categories": {"phone": {"place": "room", "minutes": 15}}},
        "stations": [{"id": "st-a", "hours": ["10:00-12:00"], "rooms": ["room-1", "room-2"]}],
        "officers": [{"id": f"o{i}", "station": "st-a", "shift": "09:00-13:00"} for i in range(3)],
        "requests": [],
    }


def pilot_without_requests() -> dict:
    """The pilot's stations, officers and policy; every request will come from the platform."""
    data = yaml.safe_load((ROOT / "scenarios" / "paris-pilot.yaml").read_text(encoding="utf-8"))
    data.pop("extends", None)
    data["requests"] = []
    return data


def exported_day_passes_the_checker(database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    scenario, held = tmp_path / "exported.yaml", tmp_path / "held"
    result = runner.invoke(cli, ["db", "export", "--db", database, "--date", DAY, "--out", str(scenario),
                                 "--plan", str(held), "--force"])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(cli, ["check", str(scenario), str(held)])
    assert checked.exit_code == 0, checked.output


@pytest.mark.slow
def test_thirty_clients_race_for_the_last_slot(database, tmp_path):
    phone = {"category": "phone", "stations": ["st-a"], "windows": ["10:00-10:15"], "station": "st-a",
             "start": "10:00"}
    with server(database, write_day(tmp_path / "race.yaml", small_day())) as (base, _):
        barrier = threading.Barrier(30)
        statuses: list[int] = []

        def client(i: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as http:
                barrier.wait()
                answer = http.post(f"/api/v1/days/{DAY}/bookings", json={**phone, "seller": f"s{i}", "buyer": f"b{i}"})
                statuses.append(answer.status_code)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # Two rooms at 10:00 (and officers to spare): exactly two bookings, the others told it is taken.
    assert sorted(statuses) == [201] * 2 + [409] * 28, statuses
    exported_day_passes_the_checker(database, tmp_path)


CATEGORIES = ["phone", "laptop", "console", "watch", "car", "scooter"]
STATIONS = ["paris-11", "paris-13", "paris-17"]


def random_wish(rng: random.Random, i: int) -> dict:
    start = rng.randrange(9 * 12, 17 * 12) * 5
    end = min(start + rng.choice([30, 60, 120, 240]), 20 * 60)
    return {
        "category": rng.choice(CATEGORIES),
        "stations": rng.sample(STATIONS, rng.randint(1, 2)),
        "windows": [f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"],
        "seller": f"s{rng.randrange(60)}", "buyer": f"b{i}-{rng.randrange(1000)}",
    }


@pytest.mark.slow
def test_five_hundred_random_bookings_and_cancellations_keep_every_rule(database, tmp_path):
    made: dict[str, int] = {}  # reference -> last status seen (201 confirmed, 200 cancelled)
    lock = threading.Lock()
    with server(database, write_day(tmp_path / "pilot.yaml", pilot_without_requests())) as (base, _):
        first_version = day_version(database)
        counter = iter(range(500))

        def client(seed: int) -> None:
            rng = random.Random(seed)
            mine: list[str] = []
            with httpx.Client(base_url=base, timeout=60) as http:
                for i in counter:
                    if mine and rng.random() < 0.25:
                        reference = mine.pop(rng.randrange(len(mine)))
                        assert http.delete(f"/api/v1/bookings/{reference}").status_code == 200
                        with lock:
                            made[reference] = 200
                        continue
                    wish = random_wish(rng, i)
                    offers = http.post(f"/api/v1/days/{DAY}/offers", json=wish)
                    assert offers.status_code in (200, 422), offers.text
                    options = offers.json().get("options") if offers.status_code == 200 else None
                    if not options:
                        continue
                    # Often the first option, which the others want too: collisions on purpose.
                    pick = options[0] if rng.random() < 0.6 else rng.choice(options)
                    answer = http.post(f"/api/v1/days/{DAY}/bookings",
                                       json={**wish, "station": pick["station"], "start": pick["start"]})
                    assert answer.status_code in (201, 409), answer.text
                    if answer.status_code == 201:
                        reference = answer.json()["reference"]
                        mine.append(reference)
                        with lock:
                            made[reference] = 201

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with httpx.Client(base_url=base) as http:
            for reference, status in made.items():
                expected = "confirmed" if status == 201 else "cancelled"
                assert http.get(f"/api/v1/bookings/{reference}").json()["status"] == expected
    # The load really booked and cancelled (the numbers are a floor, not the result).
    assert len(made) >= 100 and sum(1 for s in made.values() if s == 200) >= 20, len(made)
    # Every change moved the day's version by exactly one: a write never bumped a stale copy,
    # which would let a booking trust a check made before another one.
    changes = len(made) + sum(1 for s in made.values() if s == 200)
    assert day_version(database) == first_version + changes
    exported_day_passes_the_checker(database, tmp_path)


@pytest.mark.slow
def test_a_killed_server_keeps_every_booking_it_confirmed(database, tmp_path):
    confirmed: list[str] = []
    stop = threading.Event()
    with server(database, write_day(tmp_path / "pilot.yaml", pilot_without_requests())) as (base, process):
        def client(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=base, timeout=30) as http:
                for i in range(10_000):
                    if stop.is_set():
                        return
                    wish = random_wish(rng, 1000 * seed + i)
                    try:
                        offers = http.post(f"/api/v1/days/{DAY}/offers", json=wish)
                        options = offers.json().get("options") if offers.status_code == 200 else None
                        if not options:
                            continue
                        answer = http.post(f"/api/v1/days/{DAY}/bookings",
                                           json={**wish, "station": options[0]["station"],
                                                 "start": options[0]["start"]})
                    except httpx.TransportError:
                        return  # the server is gone: what it answered before counts
                    if answer.status_code == 201:
                        confirmed.append(answer.json()["reference"])

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(10)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(confirmed) < 15 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)  # in the middle of the load
        process.wait()
        stop.set()
        for t in threads:
            t.join()
    assert len(confirmed) >= 15
    with server(database) as (base, _):
        with httpx.Client(base_url=base) as http:
            for reference in confirmed:
                answer = http.get(f"/api/v1/bookings/{reference}")
                assert answer.status_code == 200 and answer.json()["status"] == "confirmed", reference
    # None half-written: every confirmed booking holds its place and its officer, and the day keeps every rule.
    with reading(database) as session:
        for row in session.scalars(select(Request).where(Request.status == "confirmed")):
            assert None not in (row.station, row.place, row.officer, row.start, row.end), row.request_id
            held = {s.resource.split(":")[0] for s in session.scalars(select(Slot).where(Slot.request_pk == row.id))}
            assert held == {"place", "officer"}, row.request_id
    exported_day_passes_the_checker(database, tmp_path)
