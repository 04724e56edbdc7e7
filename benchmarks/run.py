"""Benchmarks of issues 6 and 14: CP-SAT against the greedy baseline and the proven bounds on generated days.

    python benchmarks/run.py                       # pilot and paris, seeds 1 2 3, both solvers
    python benchmarks/run.py --sizes region national
    python benchmarks/run.py --sizes fixed-120 fixed-320 fixed-1000 fixed-1000x4   # fixed-interval days
    python benchmarks/run.py --sizes pilot --seeds 1 --time-scale 0.2   # a quick smoke run
    python benchmarks/run.py --report              # RESULTS.md from results.csv

Each (size, seed) day is generated once and written to a scenario file. Each
solve then runs in a fresh process (multiprocessing, 'spawn'), which loads the
file, screens, solves, checks the plan and reports its own peak memory
(`ru_maxrss`), so one run's memory never leaks into the next. Every run appends
one row to `benchmarks/results.csv`; `--report` turns the rows into medians per
size and solver in `benchmarks/RESULTS.md`, with the machine and the commands.

This lives outside the tests on purpose: run it on a quiet machine, since the
time limits are wall-clock.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROCESSES = 2  # worker processes for days planned in blocks
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from optimizer.scenario.generate import (  # noqa: E402
    SIZES,
    describe,
    generate,
    generate_fixed_interval,
    peak_overlap,
    write_scenario,
)

# Fixed-interval days (issue 14): one start per request, many skills, rooms for everyone,
# objective [served, officers]; (stations, requests). One station is one model; four are
# four independent groups.
FIXED = {"fixed-120": (1, 120), "fixed-320": (2, 320), "fixed-1000": (1, 1000), "fixed-1000x4": (4, 1000)}
ALL_SIZES = {**SIZES, **FIXED}
# Seconds, from issue 14's targets (national was 1,800 s in issue 6).
TIME_LIMITS = {"pilot": 10, "paris": 60, "region": 300, "national": 900, **{size: 60 for size in FIXED}}
GAP_TARGETS = {"paris": 0.02, "region": 0.04, "national": 0.06}
MEMORY_TARGET_MB = 4 * 1024  # national
DEFAULT_SIZES = ["pilot", "paris"]
DEFAULT_SEEDS = [1, 2, 3]
SOLVERS = ["cp-sat", "greedy"]
RESULTS = HERE / "results.csv"
REPORT = HERE / "RESULTS.md"

COLUMNS = [
    "when", "command", "size", "seed", "officers_per_station", "solver", "time_limit", "workers",
    "stations", "officers", "requests", "plannable", "demand_over_caps",
    "served", "served_priority", "served_bound", "served_bound_by", "served_gap", "served_status", "levels",
    "peak_overlap", "officers_bound",
    "officers_mobilised", "first_solution_seconds", "load_seconds", "screen_seconds", "solve_seconds",
    "total_seconds", "peak_rss_mb", "check_ok", "violations", "check_seconds", "error",
]


# --------------------------------------------------------------------------- one run, in a child


def _run_one(path: str, solver: str, time_limit: float, workers: int, seed: int, check: bool) -> dict[str, Any]:
    """Load, screen, solve and check one scenario; runs in a fresh process."""
    from optimizer.check import check_plan
    from optimizer.scenario.loading import load_scenario
    from optimizer.screening import screen
    from optimizer.solvers.day import plan_day
    from optimizer.solvers.greedy import solve_greedy
    from optimizer.solvers.parallel import executor
    from optimizer.solvers.result import SolveOptions

    row: dict[str, Any] = {}
    started = time.monotonic()
    try:
        scenario, _ = load_scenario(path)
        row["load_seconds"] = round(time.monotonic() - started, 3)
        mark = time.monotonic()
        screening = screen(scenario)
        row["screen_seconds"] = round(time.monotonic() - mark, 3)
        row["plannable"] = len(screening.options)
        first: list[float] = []

        def progress(level: str, best: float, bound: float, elapsed: float) -> None:
            if not first and level == "served":
                first.append(elapsed)

        if solver == "greedy":
            result = solve_greedy(scenario, screening)
        else:
            options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
            # As `remise plan` does: one model, or blocks around greedy beyond 3,000 requests,
            # in two worker processes.
            with executor(processes=PROCESSES) as pool:
                result = plan_day(scenario, options, pool, processes=PROCESSES, progress=progress, screening=screening)
        row["total_seconds"] = round(time.monotonic() - started, 3)
        row["solve_seconds"] = round(result.seconds, 3)
        row["first_solution_seconds"] = round(first[0], 3) if first else ""
        plan = result.plan
        row["served"] = len(plan.handovers)
        row["served_priority"] = sum(scenario.request_by_id[h.request_id].priority for h in plan.handovers)
        row["officers_mobilised"] = len({h.officer for h in plan.handovers})
        levels = {level.name: level for level in result.levels}
        if "served" in levels:
            served = levels["served"]
            row["served_bound"] = "" if served.bound is None else served.bound
            row["served_bound_by"] = served.bound_by or ""
            row["served_gap"] = "" if served.gap is None else round(served.gap, 6)
            row["served_status"] = served.status
        if "officers" in levels and levels["officers"].bound is not None:
            row["officers_bound"] = levels["officers"].bound
        row["levels"] = ";".join(f"{lv.name}={lv.value}/{'none' if lv.bound is None else lv.bound}:{lv.status}"
                                 for lv in result.levels)
        if check:
            mark = time.monotonic()
            report = check_plan(scenario, plan)
            row["check_seconds"] = round(time.monotonic() - mark, 3)
            row["check_ok"] = report.ok
            row["violations"] = len(report.violations)
    except Exception:  # noqa: BLE001 - a failed run is a row, not the end of the benchmark
        row["error"] = traceback.format_exc(limit=3).strip().splitlines()[-1]
    # This process, plus its worker processes at their largest (they run side by side).
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    row["peak_rss_mb"] = round((own + PROCESSES * workers_peak) / 1024, 1)
    return row


def _child(conn, *args) -> None:
    conn.send(_run_one(*args))
    conn.close()


def run_isolated(path: Path, solver: str, time_limit: float, workers: int, seed: int, check: bool,
                 timeout: float) -> dict[str, Any]:
    """`_run_one` in a fresh 'spawn' process, killed after `timeout` seconds."""
    ctx = mp.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, str(path), solver, time_limit, workers, seed, check))
    process.start()
    send.close()
    row: dict[str, Any] = {}
    if receive.poll(timeout):
        try:
            row = receive.recv()
        except EOFError:
            row = {"error": f"the run died (exit code {process.exitcode})"}
    else:
        row = {"error": f"no result after {timeout:.0f} s; killed"}
        process.kill()
    process.join()
    if not row and process.exitcode:
        row = {"error": f"the run died (exit code {process.exitcode})"}
    return row


# --------------------------------------------------------------------------- the benchmark


def _append(path: Path, row: dict[str, Any]) -> None:
    new = not path.exists() or path.stat().st_size == 0
    if not new:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != COLUMNS:
                # Rows written before a column was added: rewritten under today's header, the new columns empty.
                old = list(reader)
                with path.open("w", newline="", encoding="utf-8") as out:
                    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
                    writer.writeheader()
                    writer.writerows({c: r.get(c, "") for c in COLUMNS} for r in old)
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerow({c: row.get(c, "") for c in COLUMNS})


def benchmark(args: argparse.Namespace) -> None:
    command = "python benchmarks/run.py " + shlex.join(sys.argv[1:])
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="remise-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        stations, requests = ALL_SIZES[size]
        time_limit = TIME_LIMITS[size] * args.time_scale
        for seed in args.seeds:
            if size in FIXED:
                data = generate_fixed_interval(stations, requests, seed)
            else:
                data = generate(stations, requests, args.officers_per_station, seed)
            facts = describe(data)
            path = folder / f"{size}-seed{seed}.yaml"
            write_scenario(data, path)
            for solver in args.solvers:
                print(f"{size} seed {seed} {solver}: ", end="", flush=True)
                timeout = 3 * time_limit + 600  # building, screening and checking are outside the limit
                row = run_isolated(path, solver, time_limit, args.workers, seed, not args.no_check, timeout)
                row.update({
                    "when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "command": command,
                    "size": size, "seed": seed, "officers_per_station": args.officers_per_station or "",
                    "solver": solver, "time_limit": time_limit if solver == "cp-sat" else "",
                    "workers": args.workers if solver == "cp-sat" else 1,
                    "stations": facts["stations"], "officers": facts["officers"], "requests": facts["requests"],
                    "demand_over_caps": facts["demand_over_caps"],
                    "peak_overlap": peak_overlap(data) if size in FIXED else "",
                })
                _append(Path(args.results), row)
                if row.get("error"):
                    print(f"ERROR {row['error']}")
                else:
                    print(f"served {row.get('served')} (bound {row.get('served_bound')}, gap {row.get('served_gap')}), "
                          f"{row.get('solve_seconds')} s, {row.get('peak_rss_mb')} MB, "
                          f"checker {'ok' if row.get('check_ok') else row.get('check_ok', 'skipped')}", flush=True)
    if not args.keep:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
    print(f"rows appended to {args.results}")


# --------------------------------------------------------------------------- the report


def _machine() -> list[str]:
    try:
        uname = subprocess.run(["uname", "-a"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        uname = " ".join(platform.uname())
    cpu, memory = "unknown", "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return [
        f"- `uname -a`: `{uname}`",
        f"- CPU: {cpu}; cores available: {os.cpu_count()}",
        f"- memory: {memory}",
        f"- Python {platform.python_version()}",
    ]


def _float(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _median(rows: list[dict[str, str]], column: str) -> float | None:
    values = [v for v in (_float(r.get(column)) for r in rows) if v is not None]
    return statistics.median(values) if values else None


def _mode(rows: list[dict[str, str]], column: str) -> str:
    values = [r.get(column) for r in rows if r.get(column)]
    return statistics.mode(values) if values else "–"


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if float(value).is_integer() and digits <= 1:
        return f"{int(value):,}".replace(",", " ")
    return f"{value:.{digits}f}"


def _latest(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The last row of each (size, seed, staffing, solver): a rerun replaces the earlier one."""
    keep: dict[tuple, dict[str, str]] = {}
    for row in rows:
        keep[row["size"], row["seed"], row["officers_per_station"], row["solver"]] = row
    return list(keep.values())


def _order(size: str) -> int:
    return list(ALL_SIZES).index(size) if size in ALL_SIZES else len(ALL_SIZES)


def report(results: Path, out: Path, since: str | None = None) -> None:
    with results.open(newline="", encoding="utf-8") as handle:
        # Rows before `since` (ISO time, as in the `when` column) measured older code: history only.
        rows = _latest([r for r in csv.DictReader(handle) if since is None or r["when"] >= since])
    groups: dict[tuple[str, str], dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        groups[row["size"], row["officers_per_station"]][row["solver"]].append(row)
    keys = sorted(groups, key=lambda k: (_order(k[0]), k[1]))
    lines = [
        "# Benchmark results (issues 6 and 14)",
        "",
        "Generated by `python benchmarks/run.py --report` from `benchmarks/results.csv`; every figure",
        "is a median over the seeds of a size. Each solve ran in a fresh process, alone on the machine unless the notes below say otherwise."
        + (f" Rows from {since} on (earlier rows measured older code and stay in the CSV)." if since else ""),
        "",
        "## Machine",
        "",
        *_machine(),
        "",
        "## Commands",
        "",
        *[f"- `{c}`" for c in sorted({r["command"] for r in rows})],
        "",
        "## Medians per size and solver",
        "",
        "| size | staffing | solver | runs | requests | plannable | served | served priority | bound | bound by | gap "
        "| officers mobilised | first solution s | solve s | total s | peak MB | checker |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in keys:
        size, staffing = key
        for solver in SOLVERS + sorted(set(groups[key]) - set(SOLVERS)):
            runs = groups[key].get(solver)
            if not runs:
                continue
            passed = sum(r.get("check_ok") == "True" for r in runs)
            errors = sum(bool(r.get("error")) for r in runs)
            gap = _median(runs, "served_gap")
            lines.append(
                f"| {size} | {staffing or 'default'} | {solver} | {len(runs)}{f' ({errors} failed)' if errors else ''} "
                f"| {_fmt(_median(runs, 'requests'))} | {_fmt(_median(runs, 'plannable'))} "
                f"| {_fmt(_median(runs, 'served'))} | {_fmt(_median(runs, 'served_priority'))} "
                f"| {_fmt(_median(runs, 'served_bound'))} | {_mode(runs, 'served_bound_by')} "
                f"| {'–' if gap is None else f'{gap:.2%}'} "
                f"| {_fmt(_median(runs, 'officers_mobilised'))} | {_fmt(_median(runs, 'first_solution_seconds'), 1)} "
                f"| {_fmt(_median(runs, 'solve_seconds'), 1)} | {_fmt(_median(runs, 'total_seconds'), 1)} "
                f"| {_fmt(_median(runs, 'peak_rss_mb'), 0)} | {passed}/{len(runs)} pass |"
            )
    lines += [
        "",
        "`served` counts requests, `served priority` is the objective level (sum of priorities) and",
        "`bound`/`gap` are that level's, and `bound by` what proved the bound (`cp-sat`, the",
        "`time-indexed-lp` or `station-lp` of `optimizer/solvers/bound.py`, or `plannable`: every",
        "plannable request). Greedy proves nothing: its bound is every plannable request's priority.",
        "`solve s` excludes loading and screening; `total s` includes them.",
        "",
        "## CP-SAT against greedy",
        "",
        "| size | staffing | seeds | median served ratio (CP-SAT / greedy) | lowest ratio | median priority ratio |",
        "|---|---|---|---|---|---|",
    ]
    for key in keys:
        cp = {r["seed"]: r for r in groups[key].get("cp-sat", []) if not r.get("error")}
        gr = {r["seed"]: r for r in groups[key].get("greedy", []) if not r.get("error")}
        seeds = sorted(set(cp) & set(gr))
        ratios = [float(cp[s]["served"]) / max(1.0, float(gr[s]["served"])) for s in seeds]
        priority = [float(cp[s]["served_priority"]) / max(1.0, float(gr[s]["served_priority"])) for s in seeds]
        if ratios:
            lines.append(
                f"| {key[0]} | {key[1] or 'default'} | {len(seeds)} | {statistics.median(ratios):.3f} "
                f"| {min(ratios):.3f} | {statistics.median(priority):.3f} |"
            )
    lines += ["", "## Targets", "", *_targets(groups, keys), ""]
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    for name in ("scaleout", "booking", "report_layout"):  # written by scaleout.py, booking.py and by hand
        section = HERE / f"{name}.md"
        if section.exists():
            lines += [f"<!-- {name} -->", section.read_text(encoding="utf-8").rstrip(), f"<!-- /{name} -->", ""]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


def _range(values: list[float], fmt) -> str:
    """Median (lowest–highest) of a few runs."""
    if not values:
        return "–"
    low, high = min(values), max(values)
    middle = statistics.median(values)
    return fmt(middle) if low == high else f"{fmt(middle)} ({fmt(low)}–{fmt(high)})"


def _targets(groups, keys) -> list[str]:
    """Each CP-SAT run against issue 14's target for its size, with the distance measured."""
    lines = ["| size | staffing | target | runs meeting it | measured: median (range) |", "|---|---|---|---|---|"]
    for size, staffing in keys:
        runs = [r for r in groups[size, staffing].get("cp-sat", []) if not r.get("error")]
        if not runs:
            continue
        limit = TIME_LIMITS.get(size, 0)
        label = staffing or "default"

        def count(test) -> str:
            return f"{sum(1 for r in runs if test(r))}/{len(runs)}"

        def seconds(r) -> float:
            return float(r["solve_seconds"])

        if size == "pilot":
            text = f"every level proven optimal in ≤ {limit} s"
            met = count(lambda r: all(p.endswith(":optimal") for p in r["levels"].split(";")) and seconds(r) <= limit)
            measured = _range([seconds(r) for r in runs], lambda v: f"{v:.1f} s")
        elif size in GAP_TARGETS:
            text = f"served within {GAP_TARGETS[size]:.0%} of the proven bound in ≤ {limit} s"
            if size == "national":
                text += f", ≤ {MEMORY_TARGET_MB // 1024} GB"

            def meets(r) -> bool:
                gap = _float(r["served_gap"])
                ok = gap is not None and gap <= GAP_TARGETS[size] and seconds(r) <= limit * 1.05
                return ok and (size != "national" or float(r["peak_rss_mb"]) <= MEMORY_TARGET_MB)

            met = count(meets)
            gaps = [g for g in (_float(r["served_gap"]) for r in runs) if g is not None]
            measured = "gap " + _range(gaps, lambda v: f"{v:.1%}") + ", " + \
                _range([seconds(r) for r in runs], lambda v: f"{v:.0f} s")
            if size == "national":
                measured += ", " + _range([float(r["peak_rss_mb"]) / 1024 for r in runs], lambda v: f"{v:.1f} GB")
        elif size in FIXED:
            text = f"every servable request served and officers within 1 of the peak overlap, in ≤ {limit} s"
            met = count(lambda r: int(r["served"]) == int(r["plannable"])
                        and int(r["officers_mobilised"]) <= int(r["peak_overlap"]) + 1 and seconds(r) <= limit * 1.05)
            measured = "unserved " + _range([int(r["plannable"]) - int(r["served"]) for r in runs], str) + \
                ", officers above the peak " + \
                _range([int(r["officers_mobilised"]) - int(r["peak_overlap"]) for r in runs], str)
        else:
            text, met, measured = "a checked plan", count(lambda r: r.get("check_ok") == "True"), ""
        lines.append(f"| {size} | {label} | {text} | {met} | {measured} |")
        gr = {r["seed"]: r for r in groups[size, staffing].get("greedy", []) if not r.get("error")}
        pairs = [(r, gr[r["seed"]]) for r in runs if r["seed"] in gr]
        if pairs:
            at_least = sum(1 for c, g in pairs if float(c["served_priority"]) >= float(g["served_priority"]))
            lines.append(f"| {size} | {label} | never below greedy (served priority) | {at_least}/{len(pairs)} | "
                         + _range([float(c["served_priority"]) / max(1.0, float(g["served_priority"]))
                                   for c, g in pairs], lambda v: f"×{v:.3f}") + " |")
        everything = groups[size, staffing].get("cp-sat", []) + groups[size, staffing].get("greedy", [])
        checked = sum(1 for r in everything if r.get("check_ok") == "True")
        lines.append(f"| {size} | {label} | every plan passes the checker | {checked}/{len(everything)} | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", choices=list(ALL_SIZES), default=DEFAULT_SIZES,
                        help="sizes to run (default: pilot paris; region, national and the fixed-interval "
                             "days fixed-* are opt-in)")
    parser.add_argument("--seeds", nargs="+", type=int, default=DEFAULT_SEEDS, help="generator and solver seeds (default: 1 2 3)")
    parser.add_argument("--solvers", nargs="+", choices=SOLVERS, default=SOLVERS)
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply the per-size time limits (pilot 10, paris 60, region 300, national 900, "
                             "fixed-* 60 s)")
    parser.add_argument("--workers", type=int, default=8, help="CP-SAT workers (default 8)")
    parser.add_argument("--officers-per-station", type=float, default=None,
                        help="roster size; default: demand about 1.15 times the supervision caps. Lower = tighter")
    parser.add_argument("--no-check", action="store_true", help="skip the checker (it is slow at national size)")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated scenarios in DIR")
    parser.add_argument("--results", default=str(RESULTS), help="CSV to append rows to (default benchmarks/results.csv)")
    parser.add_argument("--report", action="store_true", help="write RESULTS.md from the results CSV, without running")
    parser.add_argument("--out", default=str(REPORT), help="where --report writes (default benchmarks/RESULTS.md)")
    parser.add_argument("--since", metavar="ISO_TIME", help="--report: only rows from this time on, e.g. 2026-11-28T17:00:00Z")
    args = parser.parse_args()
    if args.report:
        report(Path(args.results), Path(args.out), args.since)
    else:
        benchmark(args)


if __name__ == "__main__":
    main()
