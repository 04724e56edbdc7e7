"""Where the paris gap lies: in the plan, or in the bound? Two measures around one night's plan.

    python benchmarks/gap.py                                   # paris, seed 1
    python benchmarks/gap.py --size paris --seed 2 --mip-seconds 600

1. The plan: the night's search (`plan_day`, `--time-limit` seconds), then one round of
   large blocks (`--block-requests` requests each, every one free that the rounds' rule
   frees, `--block-seconds` each, a full CP-SAT portfolio and presolve) around it. What that
   round still gains, and the sum of the blocks' own CP-SAT bounds, say how far the plan is
   from what a much larger neighbourhood can reach.
2. The bound: the time-indexed LP of `optimizer/solvers/bound.py` (the stronger of the two
   served bounds), then the same model with integer columns handed to HiGHS' MIP solver for
   `--mip-seconds`. The MIP's dual bound is a bound on `served` at least as strong as the LP;
   its best solution is what the relaxation itself can reach, so no bound from this
   relaxation can ever prove a plan worth less than that.
3. How much of that solution is a plan: its requests held at its stations and starts, the
   officers and places chosen by a night's search (`plan_day`) under every rule; and what the
   night's search reaches when it starts from that plan rather than from greedy's.

Prints one Markdown table row per measure; the figures go to benchmarks/NOTES.md by hand.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
from highspy import _core as highs_core

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from optimizer.check import check_plan  # noqa: E402
from optimizer.plan.rows import whole_plan  # noqa: E402
from optimizer.scenario.generate import SIZES, generate  # noqa: E402
from optimizer.scenario.schema import Scenario  # noqa: E402
from optimizer.screening import screen  # noqa: E402
from optimizer.solvers import blocks  # noqa: E402
from optimizer.solvers.bound import interior_point, time_indexed_model  # noqa: E402
from optimizer.solvers.day import plan_day  # noqa: E402
from optimizer.solvers.groups import station_blocks  # noqa: E402
from optimizer.solvers.parallel import executor  # noqa: E402
from optimizer.solvers.relaxed import held_day  # noqa: E402
from optimizer.solvers.result import SolveOptions  # noqa: E402

PROCESSES = 2


def served(scenario: Scenario, plan) -> int:
    return sum(scenario.request_by_id[h.request_id].priority for h in plan.handovers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="paris", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0, help="Seconds for the night's search.")
    parser.add_argument("--block-requests", type=int, default=250)
    parser.add_argument("--block-seconds", type=float, default=30.0)
    parser.add_argument("--mip-seconds", type=float, default=300.0)
    args = parser.parse_args()
    stations, requests = SIZES[args.size]
    scenario = Scenario.model_validate(generate(stations, requests, seed=args.seed))
    screening = screen(scenario)
    print("| measure | value | seconds |")
    print("|---|---|---|")

    # 1. The plan, and what one round of large blocks still finds around it.
    with executor(processes=PROCESSES) as pool:
        started = time.monotonic()
        night = plan_day(scenario, SolveOptions(time_limit=args.time_limit, seed=0), pool, processes=PROCESSES,
                         screening=screening)
        print(f"| the night's plan (`plan_day`, {args.time_limit:g} s) | {served(scenario, night.plan)} "
              f"| {time.monotonic() - started:.0f} |", flush=True)
        cut = station_blocks(scenario, args.block_requests, random.Random(args.seed))
        seconds = args.block_seconds * len(cut) / PROCESSES
        options = SolveOptions(time_limit=seconds, workers=8, seed=0)
        # The rounds' settings are for 1-s blocks; a large block gets CP-SAT's defaults.
        blocks.BLOCK_WORKERS, blocks.BLOCK_PRESOLVE_PASSES = 8, None
        started = time.monotonic()
        wider, results = blocks._solve_blocks(scenario, screening, night.plan, cut, options, pool, seconds,
                                              PROCESSES, served_only=True)
    assert check_plan(scenario, wider).ok
    own = sum(r.levels[0].bound if r.levels[0].bound is not None else r.levels[0].value for r in results)
    values = sum(r.levels[0].value for r in results)
    print(f"| one round of {len(cut)} blocks of about {args.block_requests} requests, {args.block_seconds:g} s each "
          f"| {served(scenario, wider)} (the blocks: {values}, their CP-SAT bounds {own}) "
          f"| {time.monotonic() - started:.0f} |", flush=True)

    # 2. The time-indexed relaxation: its LP, then its integer optimum as far as HiGHS gets.
    ids = list(screening.options)
    program, meaning = time_indexed_model(scenario, screening, ids)
    highs = program.highs()
    started = time.monotonic()
    lp = interior_point(highs, 3600.0)
    print(f"| time-indexed LP ({highs.getNumCol()} columns, {highs.getNumRow()} rows) | {lp:.1f} "
          f"| {time.monotonic() - started:.0f} |", flush=True)
    n = highs.getNumCol()
    highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highs_core.HighsVarType.kInteger] * n))
    highs.setOptionValue("solver", "choose")
    highs.setOptionValue("time_limit", args.mip_seconds)
    started = time.monotonic()
    highs.run()
    info = highs.getInfo()
    print(f"| time-indexed MIP, {args.mip_seconds:g} s ({highs.getModelStatus().name}) | dual bound "
          f"{info.mip_dual_bound:.1f}, its best solution {info.objective_function_value:.1f}, "
          f"{info.mip_node_count} nodes | {time.monotonic() - started:.0f} |", flush=True)

    # 3. How much of the relaxation's best solution a real plan keeps: each request it serves held
    # at its station and start, officers and places left to CP-SAT, every rule in force.
    chosen = [meaning[j] for j, x in enumerate(highs.getSolution().col_value) if x > 0.5]
    fixed = held_day(scenario, chosen)
    started = time.monotonic()
    with executor(processes=PROCESSES) as pool:
        kept = plan_day(fixed, SolveOptions(time_limit=args.time_limit, seed=0), pool, processes=PROCESSES)
    assert check_plan(fixed, kept.plan).ok
    print(f"| a plan of the MIP's stations and starts ({len(chosen)} requests, worth "
          f"{sum(scenario.request_by_id[r].priority for r, _, _ in chosen)}), officers by CP-SAT "
          f"| {served(fixed, kept.plan)} ({kept.levels[0].status}) | {time.monotonic() - started:.0f} |", flush=True)

    # 4. The night's search again, started from that plan instead of greedy's.
    start = whole_plan(scenario, screening, kept.plan.handovers)
    assert check_plan(scenario, start).ok
    started = time.monotonic()
    with executor(processes=PROCESSES) as pool:
        again = plan_day(scenario, SolveOptions(time_limit=args.time_limit, seed=0), pool, processes=PROCESSES,
                         screening=screening, start=start)
    assert check_plan(scenario, again.plan).ok
    print(f"| the night's search (`plan_day`, {args.time_limit:g} s) started from that plan | "
          f"{served(scenario, again.plan)} | {time.monotonic() - started:.0f} |", flush=True)


if __name__ == "__main__":
    main()
