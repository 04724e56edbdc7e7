"""The booking platform's JSON API, on SQLite and on PostgreSQL (the `database` fixture).

The day is small enough to count by hand: one station with two rooms and one bay, three
officers (one drives), phones of 15 minutes and cars of 30, open 10:00-12:00.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import func, select
from typer.testing import CliRunner

from optimizer.cli import app as cli
from optimizer.scenario.schema import Scenario
from optimizer.service.app import create_app
from optimizer.service.days import find_day, load_day
from optimizer.service.db.engine import reading, writing
from optimizer.service.db.tables import Request
from optimizer.service.settings import Settings

DAY = "2026-12-01"
TOKEN = "staff-secret-token"
PHONE = {"category": "phone", "stations": ["st-a"], "windows": ["10:00-11:00"], "seller": "u-1", "buyer": "u-2"}


def day_data(officers: int = 3, **changes) -> dict:
    data = {
        "name": "platform-day", "date": DAY,
        "policy": {"categories": {"phone": {"place": "room", "minutes": 15},
                                  "car": {"place": "bay", "minutes": 30, "skill": "vehicle"},
                                  "knife": {"forbidden": "objets tranchants"}}},
        "stations": [{"id": "st-a", "name": "Commissariat A", "hours": ["10:00-12:00"],
                      "rooms": ["room-1", "room-2"], "bays": ["bay-1"]}],
        "officers": [{"id": f"o{i}", "station": "st-a", "shift": "09:00-13:00",
                      "skills": ["vehicle"] if i == 0 else []} for i in range(officers)],
        "requests": [],
    }
    data.update(changes)
    return data


def open_day(url: str, data: dict | None = None) -> None:
    with writing(url) as session:
        load_day(session, Scenario.model_validate(data or day_data()))


@pytest.fixture
def client(database):
    open_day(database)
    with TestClient(create_app(Settings(database=database, token=TOKEN, max_body=4096))) as test_client:
        test_client.database = database
        yield test_client


def requests_kept(url: str) -> int:
    with reading(url) as session:
        return session.scalar(select(func.count()).select_from(Request))


def book(client, start="10:00", **wish):
    return client.post(f"/api/v1/days/{DAY}/bookings", json={**PHONE, **wish, "station": "st-a", "start": start})


def test_days_and_categories_show_the_charter_before_anyone_books(client):
    assert client.get("/api/v1/days").json() == [{"date": DAY, "name": "platform-day"}]
    categories = {c["name"]: c for c in client.get(f"/api/v1/days/{DAY}/categories").json()}
    assert categories["phone"] == {"name": "phone", "place": "room", "minutes": 15, "forbidden": None}
    assert categories["knife"]["forbidden"] == "objets tranchants"


def test_offers_answer_slots_a_reason_or_the_charter(client):
    found = client.post(f"/api/v1/days/{DAY}/offers", json=PHONE)
    assert found.status_code == 200
    body = found.json()
    assert body["reason"] is None and body["options"][0] == {
        "station": "st-a", "station_name": "Commissariat A", "start": "10:00", "end": "10:15"}
    # Nothing about anyone else: slots only.
    assert all(set(o) == {"station", "station_name", "start", "end"} for o in body["options"])
    closed = client.post(f"/api/v1/days/{DAY}/offers", json={**PHONE, "windows": ["14:00-15:00"]}).json()
    assert closed["options"] == [] and closed["reason"] == "no_feasible_slot"
    assert "st-a" in closed["message"]
    knife = client.post(f"/api/v1/days/{DAY}/offers", json={**PHONE, "category": "knife"})
    assert knife.status_code == 422
    [error] = knife.json()["detail"]
    assert error["loc"] == ["body", "category"] and "objets tranchants" in error["msg"]


def test_a_booking_is_kept_shown_as_a_calendar_and_cancelled(client):
    made = book(client)
    assert made.status_code == 201, made.text
    booking = made.json()
    assert (booking["station"], booking["start"], booking["end"], booking["status"]) == ("st-a", "10:00", "10:15",
                                                                                         "confirmed")
    reference = booking["reference"]
    assert len(reference.replace("-", "")) == 16  # 80 random bits
    assert client.get(f"/api/v1/bookings/{reference}").json() == booking
    ics = client.get(f"/api/v1/bookings/{reference}/calendar.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2026-12-01T10:00:00+01:00"
    assert str(event["dtstart"].params["TZID"]) == "Europe/Paris"
    assert str(event["location"]) == "Commissariat A"
    assert "identité" in str(event["description"]) and reference in str(event["description"])
    cancelled = client.delete(f"/api/v1/bookings/{reference}")
    assert cancelled.json()["status"] == "cancelled"
    assert client.get(f"/api/v1/bookings/{reference}").json()["status"] == "cancelled"


def test_the_last_room_goes_to_one_booking_and_the_next_gets_fresh_options(client):
    # Two rooms at 10:00: the third phone is refused with the slots still free.
    assert book(client, seller="a1", buyer="a2").status_code == 201
    assert book(client, seller="b1", buyer="b2").status_code == 201
    third = book(client, seller="c1", buyer="c2")
    assert third.status_code == 409
    options = third.json()["options"]
    assert options and all(o["start"] != "10:00" for o in options)
    # The fresh options are real: the first of them can be booked.
    assert book(client, start=options[0]["start"], seller="c1", buyer="c2").status_code == 201


def test_a_cancellation_frees_the_capacity(client):
    first = book(client, seller="a1", buyer="a2").json()["reference"]
    book(client, seller="b1", buyer="b2")
    assert book(client, seller="c1", buyer="c2").status_code == 409
    client.delete(f"/api/v1/bookings/{first}")
    assert book(client, seller="c1", buyer="c2").status_code == 201


@pytest.mark.parametrize("case, send, status", [
    ("oversized body", lambda c: c.post(f"/api/v1/days/{DAY}/offers", content=b"{" + b" " * 8000 + b"}",
                                        headers={"content-type": "application/json"}), 413),
    ("unknown category", lambda c: book(c, category="harp"), 422),
    ("unknown station", lambda c: c.post(f"/api/v1/days/{DAY}/bookings",
                                         json={**PHONE, "stations": ["st-z"], "station": "st-z", "start": "10:00"}), 422),
    ("window out of hours", lambda c: c.post(f"/api/v1/days/{DAY}/requests",
                                             json={**PHONE, "windows": ["06:00-07:00"]}), 422),
    ("booking out of hours", lambda c: book(c, start="07:00"), 422),
    ("malformed window", lambda c: book(c, windows=["10h-11h"]), 422),
    ("unknown field", lambda c: book(c, email="a@b.fr"), 422),
    ("control character in an id", lambda c: book(c, seller="u-\x1b[31m"), 422),
    ("date not open", lambda c: c.post("/api/v1/days/2026-12-24/bookings",
                                       json={**PHONE, "station": "st-a", "start": "10:00"}), 404),
    ("not a date", lambda c: c.post("/api/v1/days/tomorrow/bookings",
                                    json={**PHONE, "station": "st-a", "start": "10:00"}), 422),
    ("malformed reference", lambda c: c.get("/api/v1/bookings/not-a-reference"), 422),
    ("unknown reference", lambda c: c.get("/api/v1/bookings/AAAA-AAAA-AAAA-AAAA"), 404),
    ("forbidden item", lambda c: c.post(f"/api/v1/days/{DAY}/requests", json={**PHONE, "category": "knife"}), 422),
])
def test_bad_input_is_a_clear_4xx_and_nothing_is_stored(client, case, send, status):
    before = requests_kept(client.database)
    answer = send(client)
    assert answer.status_code == status, answer.text
    assert "detail" in answer.json()
    assert requests_kept(client.database) == before


def test_a_malformed_body_is_answered_in_the_client_s_language(client):
    wish = {**PHONE, "station": "st-a", "start": "10:00", "email": "a@b.fr", "party_size": 500}
    french = client.post(f"/api/v1/days/{DAY}/bookings", json=wish)
    english = client.post(f"/api/v1/days/{DAY}/bookings", json=wish, headers={"Accept-Language": "en-GB"})
    assert french.status_code == english.status_code == 422
    said = {tuple(e["loc"]): e["msg"] for e in french.json()["detail"]}
    assert said[("body", "email")].startswith("champ inconnu")
    assert said[("body", "party_size")] == "doit valoir au plus 20"
    assert {tuple(e["loc"]): e["msg"] for e in english.json()["detail"]}[("body", "party_size")] == "must be at most 20"


def test_staff_endpoints_need_the_token(client):
    book(client)
    for path in (f"/api/v1/days/{DAY}/plan", f"/api/v1/days/{DAY}/roster",
                 f"/api/v1/days/{DAY}/officers/o1/calendar.ics"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    plan = client.get(f"/api/v1/days/{DAY}/plan", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    [row] = plan["requests"]
    assert (row["origin"], row["station"], row["start"], row["status"]) == ("booking", "st-a", "10:00", "confirmed")


def test_without_a_token_configured_staff_endpoints_stay_closed(database):
    open_day(database)
    with TestClient(create_app(Settings(database=database))) as test_client:
        assert test_client.get(f"/api/v1/days/{DAY}/plan", headers={"Authorization": "Bearer "}).status_code == 401


def test_a_pending_request_gets_its_slot_or_its_reason_from_the_nightly_plan(client, tmp_path):
    kept = client.post(f"/api/v1/days/{DAY}/requests", json={**PHONE, "windows": ["10:00-12:00"]})
    assert kept.status_code == 202 and kept.json()["status"] == "pending"
    car = client.post(f"/api/v1/days/{DAY}/requests",
                      json={**PHONE, "category": "car", "seller": "c1", "buyer": "c2"}).json()["reference"]
    other_car = client.post(f"/api/v1/days/{DAY}/requests",
                            json={**PHONE, "category": "car", "seller": "d1", "buyer": "d2",
                                  "windows": ["10:00-10:30"]}).json()["reference"]
    booked = book(client, seller="e1", buyer="e2", start="10:30").json()
    reference = kept.json()["reference"]
    assert client.get(f"/api/v1/requests/{reference}").json()["status"] == "pending"
    result = CliRunner().invoke(cli, ["plan", "--db", client.database, "--date", DAY, "--out", str(tmp_path / "plan"),
                                      "--time-limit", "5", "--workers", "1", "--no-explain"])
    assert result.exit_code == 0, result.output
    planned = client.get(f"/api/v1/requests/{reference}").json()
    assert planned["status"] == "planned" and planned["station"] == "st-a"
    # One bay, one driver: of two cars that both fit only 10:00-10:30 or later, one may be left out;
    # whichever it is, its status says why.
    cars = [client.get(f"/api/v1/requests/{r}").json() for r in (car, other_car)]
    assert {c["status"] for c in cars} <= {"planned", "unserved"}
    for c in cars:
        if c["status"] == "unserved":
            assert c["reason"] == "capacity" and c["message"]
    # The booking kept its station and start.
    again = client.get(f"/api/v1/bookings/{booked['reference']}").json()
    assert (again["station"], again["start"]) == ("st-a", "10:30")
    assert (tmp_path / "plan" / "plan.csv").is_file()


def test_planning_a_day_the_database_does_not_hold_says_so_in_french(client, tmp_path, monkeypatch):
    # Without --out the folder is named after the day, which is looked up first.
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["plan", "--db", client.database, "--date", "2027-01-04"])
    assert result.exit_code == 2
    assert "aucune journée 2027-01-04 dans la base" in result.output
    assert not (tmp_path / "reports").exists()


def test_bookings_wait_while_the_day_is_being_planned(client):
    from datetime import datetime, timedelta, timezone

    with writing(client.database) as session:
        find_day(session, date(2026, 12, 1)).planning_until = datetime.now(timezone.utc) + timedelta(minutes=5)
    waiting = book(client)
    assert waiting.status_code == 503 and int(waiting.headers["Retry-After"]) > 0
    assert client.post(f"/api/v1/days/{DAY}/offers", json=PHONE).status_code == 200  # reading goes on


def test_exported_day_and_its_bookings_pass_the_checker(client, tmp_path):
    for i in range(4):
        wish = {**PHONE, "seller": f"s{i}", "buyer": f"b{i}", "windows": ["10:00-12:00"]}
        start = client.post(f"/api/v1/days/{DAY}/offers", json=wish).json()["options"][0]["start"]
        assert book(client, start=start, **{k: v for k, v in wish.items() if k != "station"}).status_code == 201
    runner = CliRunner()
    out = tmp_path / "day.yaml"
    result = runner.invoke(cli, ["db", "export", "--db", client.database, "--date", DAY, "--out", str(out),
                                 "--plan", str(tmp_path / "held")])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    locks = [r["locked"] for r in exported["requests"]]
    assert len(locks) == 4 and all(set(lock) == {"station", "start"} for lock in locks)
    checked = runner.invoke(cli, ["check", str(out), str(tmp_path / "held")])
    assert checked.exit_code == 0, checked.output


def test_a_day_update_that_would_break_a_booking_is_refused(client, tmp_path):
    # A car booked at 10:00 needs the one driver; a new roster without him cannot keep it.
    assert book(client, category="car").status_code == 201
    path = tmp_path / "fewer.yaml"
    data = day_data()
    data["officers"] = data["officers"][1:]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["db", "load", str(path), "--db", client.database])
    assert result.exit_code == 2, result.output
    assert "ne peut superviser" in " ".join(result.output.split())
    with reading(client.database) as session:  # rolled back whole: the driver is still there
        assert [o.officer_id for o in find_day(session, date(2026, 12, 1)).officers] == ["o0", "o1", "o2"]


def test_purge_deletes_past_days_and_their_party_ids(database):
    open_day(database)
    open_day(database, day_data(date="2025-01-10", name="old"))
    result = CliRunner().invoke(cli, ["db", "purge", "--db", database, "--retention-days", "30"])
    assert result.exit_code == 0, result.output
    with reading(database) as session:
        assert find_day(session, date(2025, 1, 10)) is None
        assert find_day(session, date(2026, 12, 1)) is not None
