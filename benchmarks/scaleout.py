"""Scale-out on a Dask cluster (issue 14): the same day with a local cluster of 1 and of 2 workers.

    python benchmarks/scaleout.py                                # region seed 1, 300 s, 1 and 2 workers
    python benchmarks/scaleout.py --size national --time-limit 900 --workers 1 2

For each worker count, in a process of its own (so that one run's memory is not the next's),
it starts a `distributed.LocalCluster` of that many single-threaded worker processes, plans
the day through it exactly as `remise plan --cluster HOST:PORT --no-explain` does
(`runs.make_plan`), and records the wall time, what was served against the proven bound, and
memory: the peak of the main process and of each worker (`ru_maxrss`, read in each process at
the end), and the peak of all of them together, HiGHS' processes included (their resident
sets summed every half second: an estimate of what the machine must hold, `memory.py`). The time limit holds
whatever the cluster: what more workers buy is a better plan in the same time, not an earlier
end. Rows go to `benchmarks/scaleout.csv`; `--report` writes them between the scale-out markers
of RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.memory import TreeMemory  # noqa: E402
from optimizer.scenario.generate import SIZES, generate, write_scenario  # noqa: E402

RESULTS = HERE / "scaleout.csv"
REPORT = HERE / "RESULTS.md"
MARK, END = "<!-- scaleout -->", "<!-- /scaleout -->"
COLUMNS = ["when", "command", "size", "seed", "workers", "time_limit", "wall_seconds", "served", "served_priority",
           "bound", "bound_by", "gap", "check_ok", "main_peak_mb", "worker_peak_mb", "all_peak_mb", "rounds"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(path: Path, workers: int, time_limit: float, seed: int) -> dict:
    from distributed import Client, LocalCluster

    from optimizer.runs import PlanSettings, make_plan
    from optimizer.scenario.loading import load_scenario
    from optimizer.solvers.result import SolveOptions

    memory = TreeMemory()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0) as cluster, Client(cluster) as client:
        started = time.monotonic()
        scenario, _ = load_scenario(path)
        settings = PlanSettings(cluster=cluster.scheduler_address, explain=False)
        made = make_plan(scenario, SolveOptions(time_limit=time_limit, seed=seed), settings)
        wall = time.monotonic() - started
        peaks = client.run(_peak_mb)
    served = next(lv for lv in made.result.levels if lv.name == "served")
    return {
        "wall_seconds": round(wall, 1), "served": len(made.result.plan.handovers), "served_priority": served.value,
        # make_plan checks the plan and raises PlanRejected if it broke a rule.
        "bound": served.bound, "bound_by": served.bound_by, "gap": None if served.gap is None else round(served.gap, 4),
        "check_ok": True, "main_peak_mb": round(_peak_mb()), "worker_peak_mb": round(max(peaks.values())),
        "all_peak_mb": round(memory.stop()), "rounds": made.result.solver,
    }


def report(results: Path) -> None:
    with results.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # The latest row of each day and worker count (the file is in time order): older rows, of older
    # code, stay in the file but would blur the medians.
    latest = {(row["size"], row["time_limit"], row["workers"], row["seed"]): row for row in rows}
    rows = list(latest.values())
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["size"], row["time_limit"], row["workers"]].append(row)
    lines = [
        "## Scale-out on a Dask cluster (issue 14)",
        "",
        "Written by `python benchmarks/scaleout.py --report` from `benchmarks/scaleout.csv`: one day planned",
        "through a local Dask cluster of single-threaded worker processes, as `remise plan --cluster` does.",
        "The latest run of each day and worker count (older ones stay in the CSV); medians over the",
        "seeds of each row; memory is each process's peak resident set, and the peak of",
        "all of them together (HiGHS' processes included), sampled every half second.",
        "",
        "Commands: " + ", ".join(f"`{c}`" for c in sorted({r['command'] for r in rows})),
        "",
        "| size | time limit s | Dask workers | seeds | wall s | served | served priority | bound | gap "
        "| main process MB | per worker MB | all processes MB | checker |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (size, limit, workers), runs in sorted(groups.items(), key=lambda kv: (kv[0][0], float(kv[0][1]), int(kv[0][2]))):
        def median(column: str) -> str:
            values = [float(r[column]) for r in runs if r.get(column) not in (None, "")]
            return "–" if not values else f"{statistics.median(values):,.0f}".replace(",", " ")

        gaps = [float(r["gap"]) for r in runs if r.get("gap")]
        lines.append(
            f"| {size} | {limit} | {workers} | {len(runs)} | {median('wall_seconds')} | {median('served')} "
            f"| {median('served_priority')} | {median('bound')} "
            f"| {'–' if not gaps else f'{statistics.median(gaps):.1%}'} | {median('main_peak_mb')} "
            f"| {median('worker_peak_mb')} | {median('all_peak_mb')} "
            f"| {sum(r['check_ok'] == 'True' for r in runs)}/{len(runs)} pass |")
    text = "\n".join(lines) + "\n"
    current = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    block = f"{MARK}\n{text}{END}\n"
    if MARK in current and END in current:
        current = current[:current.index(MARK)] + block + current[current.index(END) + len(END) + 1:]
    else:
        current = current.rstrip("\n") + "\n\n" + block
    REPORT.write_text(current, encoding="utf-8")
    (HERE / "scaleout.md").write_text(text, encoding="utf-8")
    print(f"wrote the scale-out section of {REPORT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="region")
    parser.add_argument("--seeds", nargs="+", type=int, default=[1])
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2], help="Dask worker counts to compare")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--report", action="store_true", help="only write the RESULTS.md section from the CSV")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a scenario file: one run, its row as JSON on stdout
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(Path(args.one), args.workers[0], args.time_limit, args.seeds[0])))
        return
    if args.report:
        report(Path(args.results))
        return
    command = "python benchmarks/scaleout.py " + shlex.join(sys.argv[1:])
    folder = Path(tempfile.mkdtemp(prefix="remise-scaleout-"))
    for seed in args.seeds:
        stations, requests = SIZES[args.size]
        path = write_scenario(generate(stations, requests, seed=seed), folder / f"{args.size}-{seed}.yaml")[0]
        for workers in args.workers:
            one = subprocess.run([sys.executable, __file__, "--one", str(path), "--workers", str(workers),
                                  "--time-limit", str(args.time_limit), "--seeds", str(seed)],
                                 check=True, stdout=subprocess.PIPE, text=True)
            row = json.loads(one.stdout.strip().splitlines()[-1])
            row.update({"when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "command": command,
                        "size": args.size, "seed": seed, "workers": workers, "time_limit": args.time_limit})
            print(row, flush=True)
            new = not Path(args.results).exists()
            with open(args.results, "a", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
                if new:
                    writer.writeheader()
                writer.writerow(row)
    report(Path(args.results))


if __name__ == "__main__":
    main()
