"""Booking throughput and latency of `remise serve`, on SQLite and on PostgreSQL (issue 13).

    python benchmarks/booking.py                                   # SQLite, 3 runs of 60 s
    python benchmarks/booking.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python benchmarks/booking.py --runs 1 --seconds 10             # a smoke run

Each run starts a fresh database with the pilot day's stations, officers and policy and no
request, starts `remise serve` in its own process, and lets `--clients` threads (20 by
default) loop for `--seconds`: ask for offers with a random wish, book the first or a
random option, and cancel an earlier booking of theirs now and then so the day never
fills up. Every call's latency is measured on the client (so it includes the client's
own share of the two cores). Each run appends its figures to `benchmarks/booking.csv`;
the medians over the runs go to `benchmarks/booking.md`, which `run.py --report` puts
into RESULTS.md (this script also updates that section of RESULTS.md in place).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import secrets
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import psycopg
import yaml
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CSV = HERE / "booking.csv"
SECTION = HERE / "booking.md"
RESULTS = HERE / "RESULTS.md"
DAY = "2026-12-01"
COLUMNS = ["when", "command", "database", "clients", "think", "seconds", "offers", "offer_p50_ms", "offer_p95_ms",
           "bookings", "booking_p50_ms", "booking_p95_ms", "confirmed", "taken", "cancels", "cancel_p50_ms",
           "operations_per_second", "errors"]
CATEGORIES = ["phone", "laptop", "console", "watch", "car", "scooter"]
STATIONS = ["paris-11", "paris-13", "paris-17"]
MARK, END = "<!-- booking -->", "<!-- /booking -->"
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pilot_without_requests(path: Path) -> Path:
    data = yaml.safe_load((ROOT / "scenarios" / "paris-pilot.yaml").read_text(encoding="utf-8"))
    data["requests"] = []
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def fresh_database(kind: str, postgres: str | None, folder: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    admin = make_url(postgres)
    name = f"remise_bench_{secrets.token_hex(4)}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.set(database=name, drivername="postgresql+psycopg").render_as_string(hide_password=False), drop


def wish(rng: random.Random, i: int) -> dict:
    start = rng.randrange(9 * 12, 17 * 12) * 5
    end = min(start + rng.choice([30, 60, 120, 240]), 20 * 60)
    return {"category": rng.choice(CATEGORIES), "stations": rng.sample(STATIONS, rng.randint(1, 2)),
            "windows": [f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"],
            "seller": f"s{rng.randrange(10**6)}", "buyer": f"b{i}-{rng.randrange(10**6)}"}


def one_run(database: str, kind: str, clients: int, seconds: float, folder: Path, think: float) -> dict:
    port = free_port()
    scenario = pilot_without_requests(folder / "pilot.yaml")
    server = subprocess.Popen([sys.executable, "cli.py", "serve", str(scenario), "--db", database, "--port", str(port),
                               "--workers", str(WORKERS)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/days", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        latencies: dict[str, list[float]] = {"offer": [], "booking": [], "cancel": []}
        counts = {"confirmed": 0, "taken": 0, "errors": 0}
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(seed: int) -> None:
            rng = random.Random(seed)
            mine: list[str] = []
            with httpx.Client(base_url=base, timeout=60) as http:
                i = 0
                while time.monotonic() < stop:
                    i += 1
                    if think:
                        time.sleep(rng.expovariate(1 / think))  # a person reading, choosing
                    if len(mine) > 3 or (mine and rng.random() < 0.3):
                        reference = mine.pop(0)
                        t = time.perf_counter()
                        answer = http.delete(f"/api/v1/bookings/{reference}")
                        with lock:
                            latencies["cancel"].append(time.perf_counter() - t)
                            counts["errors"] += answer.status_code != 200
                        continue
                    body = wish(rng, seed * 10**6 + i)
                    t = time.perf_counter()
                    offers = http.post(f"/api/v1/days/{DAY}/offers", json=body)
                    with lock:
                        latencies["offer"].append(time.perf_counter() - t)
                    options = offers.json().get("options") if offers.status_code == 200 else None
                    if not options:
                        continue
                    pick = options[0] if rng.random() < 0.6 else rng.choice(options)
                    t = time.perf_counter()
                    answer = http.post(f"/api/v1/days/{DAY}/bookings",
                                       json={**body, "station": pick["station"], "start": pick["start"]})
                    with lock:
                        latencies["booking"].append(time.perf_counter() - t)
                        if answer.status_code == 201:
                            counts["confirmed"] += 1
                            mine.append(answer.json()["reference"])
                        elif answer.status_code == 409:
                            counts["taken"] += 1
                        else:
                            counts["errors"] += 1

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    def quantile(values: list[float], q: float) -> float:
        return round(1000 * statistics.quantiles(values, n=100)[int(q * 100) - 1], 1) if len(values) > 1 else 0.0

    operations = sum(len(v) for v in latencies.values())
    return {
        "database": kind, "clients": clients, "think": think, "seconds": round(elapsed, 1),
        "offers": len(latencies["offer"]), "offer_p50_ms": quantile(latencies["offer"], 0.5),
        "offer_p95_ms": quantile(latencies["offer"], 0.95),
        "bookings": len(latencies["booking"]), "booking_p50_ms": quantile(latencies["booking"], 0.5),
        "booking_p95_ms": quantile(latencies["booking"], 0.95),
        "confirmed": counts["confirmed"], "taken": counts["taken"], "cancels": len(latencies["cancel"]),
        "cancel_p50_ms": quantile(latencies["cancel"], 0.5),
        "operations_per_second": round(operations / elapsed, 1), "errors": counts["errors"],
    }


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return [f"- `uname -a`: `{' '.join(platform.uname())}`", f"- CPU: {cpu}; cores available: {os.cpu_count()}",
            f"- Python {platform.python_version()}"]


def write_section() -> str:
    with CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lines = ["## Booking platform (issue 13)", "",
             "Generated by `python benchmarks/booking.py` from `benchmarks/booking.csv`: medians over the runs of",
             "each database. Latencies are measured by the clients, which share the machine's two cores with the",
             "server (and, for PostgreSQL, with the database server). Goal: p95 under 100 ms for an offer and a",
             "booking at 20 concurrent clients. `think s` is the mean pause of a client between two actions:",
             "0 is the saturation test (every client fires back to back, so the latency is the queue of twenty);",
             "1 s is still a fast person.", "", *machine(), "", "Commands:", "",
             *[f"- `{c}`" for c in sorted({r['command'] for r in rows})], "",
             "| database | clients | think s | runs | operations/s | offers | offer p50 ms | offer p95 ms | bookings "
             "| booking p50 ms | booking p95 ms | confirmed | slot taken (409) | cancels | errors | goal |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    groups = sorted({(r["database"], int(r["clients"]), float(r.get("think") or 0)) for r in rows},
                    key=lambda g: (g[0] != "sqlite", g[1], g[2]))
    for kind, clients, think in groups:
        runs = [r for r in rows if (r["database"], int(r["clients"]), float(r.get("think") or 0))
                == (kind, clients, think)]

        def med(name: str) -> float:
            return statistics.median(float(r[name]) for r in runs)

        met = med("offer_p95_ms") < 100 and med("booking_p95_ms") < 100
        goal = "met" if met else (f"missed: offer p95 {med('offer_p95_ms'):.0f} ms, booking p95 "
                                  f"{med('booking_p95_ms'):.0f} ms against 100")
        lines.append(f"| {kind} | {clients} | {think:g} | {len(runs)} | {med('operations_per_second'):.1f} "
                     f"| {med('offers'):.0f} | {med('offer_p50_ms'):.1f} | {med('offer_p95_ms'):.1f} "
                     f"| {med('bookings'):.0f} | {med('booking_p50_ms'):.1f} | {med('booking_p95_ms'):.1f} "
                     f"| {med('confirmed'):.0f} | {med('taken'):.0f} | {med('cancels'):.0f} | {med('errors'):.0f} "
                     f"| {goal} |")
    text = "\n".join(lines) + "\n"
    SECTION.write_text(text, encoding="utf-8")
    report = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    block = f"{MARK}\n{text}{END}\n"
    if MARK in report and END in report:
        report = report[:report.index(MARK)] + block + report[report.index(END) + len(END) + 1:]
    else:
        report = report.rstrip() + "\n\n" + block
    RESULTS.write_text(report, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="an admin URL of a PostgreSQL server: also measure PostgreSQL")
    parser.add_argument("--sqlite-only", action="store_true", help="measure SQLite only")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a client waits between actions (0: back to back, the saturation test)")
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgresql"] if args.postgres and not args.sqlite_only else [])
    command = "python " + " ".join(shlex.quote(a) for a in sys.argv)
    new = not CSV.exists()
    with CSV.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        if new:
            writer.writeheader()
        for kind in kinds:
            for run in range(args.runs):
                with tempfile.TemporaryDirectory() as folder:
                    database, drop = fresh_database(kind, args.postgres, Path(folder))
                    try:
                        row = one_run(database, kind, args.clients, args.seconds, Path(folder), args.think)
                    finally:
                        drop()
                row.update(when=datetime.now(timezone.utc).isoformat(timespec="seconds"), command=command)
                writer.writerow(row)
                handle.flush()
                print(f"{kind} run {run + 1}: {row}", flush=True)
    print(write_section())


if __name__ == "__main__":
    main()
