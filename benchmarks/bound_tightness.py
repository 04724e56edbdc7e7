"""How far the LP bound (`optimizer/solvers/bound.py`) lies above the best plan, on days one model can settle.

    python benchmarks/bound_tightness.py                  # pilot seeds 1-3, and 100 / 150 / 300 requests
    python benchmarks/bound_tightness.py --time-limit 60

For each generated day it solves the `served` level with one CP-SAT model and
prints that model's value, bound and status next to the LP bound. Where CP-SAT
proves its optimum, the distance to the LP bound is the LP's own slack; that is what
first pointed at the plan for the gap left on paris and region days (`gap.py` measures
it on paris).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from optimizer.scenario.generate import generate  # noqa: E402
from optimizer.scenario.schema import Scenario  # noqa: E402
from optimizer.screening import screen  # noqa: E402
from optimizer.solvers.bound import served_bound  # noqa: E402
from optimizer.solvers.cpsat import solve  # noqa: E402
from optimizer.solvers.result import SolveOptions  # noqa: E402

DAYS = [  # (label, stations, requests, seed)
    ("pilot", 3, 60, 1), ("pilot", 3, 60, 2), ("pilot", 3, 60, 3),
    ("100 requests", 3, 100, 2), ("150 requests", 3, 150, 2), ("300 requests", 6, 300, 1),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=40.0, help="Seconds for the served level of each day.")
    args = parser.parse_args()
    print("| day | seed | requests | CP-SAT served | CP-SAT bound | status | LP bound | LP above the CP-SAT value | LP seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, stations, requests, seed in DAYS:
        scenario = Scenario.model_validate(generate(stations, requests, seed=seed))
        scenario.policy.objective = ["served"]
        result = solve(scenario, SolveOptions(time_limit=args.time_limit, workers=8, seed=0))
        served = result.levels[0]
        started = time.monotonic()
        bound = served_bound(scenario, screen(scenario))
        seconds = time.monotonic() - started
        above = (bound - served.value) / max(1, served.value)
        print(f"| {label} | {seed} | {requests} | {served.value} | {served.bound} | {served.status} | "
              f"{bound} | {above:.1%} | {seconds:.2f} |", flush=True)


if __name__ == "__main__":
    main()
