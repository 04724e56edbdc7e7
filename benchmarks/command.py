"""The nightly command as a planner runs it: `remise plan DAY --time-limit T`, timed whole.

`run.py` times the solve (`plan_day` given the limit to itself); this times the process from
its start to its exit, loading, explanations, checking and the folder included, which is what
the `--time-limit` promises since issue 14, and the peak memory of all its processes together
(`memory.py`). Each run is a fresh process, one after another.

    python benchmarks/command.py --size paris --seeds 1 2 3 --time-limit 60

Prints a Markdown table (one row per seed, then the median) for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks.memory import TreeMemory  # noqa: E402


def run(args: list[str]) -> tuple[float, float]:
    """The command's wall time, and the peak of its processes' memory together (MB)."""
    started = time.monotonic()
    process = subprocess.Popen(["remise", "--quiet", *args], stdout=subprocess.DEVNULL)
    memory = TreeMemory(process.pid)
    if process.wait():
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return time.monotonic() - started, memory.stop()


def level(summary: dict, name: str) -> dict:
    return next(item for item in summary["levels"] if item["name"] == name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="paris", help="a size of `remise generate` (default paris)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            day = Path(tmp) / f"{args.size}-{seed}.yaml"
            subprocess.run(["remise", "--quiet", "generate", "--size", args.size, "--seed", str(seed),
                            "--out", str(day)], check=True, stdout=subprocess.DEVNULL)
            greedy_out, out = Path(tmp) / f"greedy-{seed}", Path(tmp) / f"plan-{seed}"
            run(["plan", str(day), "--solver", "greedy", "--out", str(greedy_out)])
            wall, memory = run(["plan", str(day), "--time-limit", str(args.time_limit), "--seed", str(seed),
                        "--out", str(out)])
            summary = json.loads((out / "summary.json").read_text())
            greedy = json.loads((greedy_out / "summary.json").read_text())
            served = level(summary, "served")
            rows.append({
                "seed": seed, "wall": wall, "memory": memory, "served": summary["counts"]["served"], "priority": served["value"],
                "bound": served["bound"], "bound_by": served["bound_by"], "gap": served["gap"],
                "greedy": level(greedy, "served")["value"], "solver": summary["solver"],
            })
            print(f"seed {seed}: {rows[-1]}", file=sys.stderr)
    print(f"`python benchmarks/command.py --size {args.size} --seeds {' '.join(map(str, args.seeds))} "
          f"--time-limit {args.time_limit:g}`\n")
    print("| seed | whole command s | all processes MB | served | served priority | bound (by) | gap | greedy priority "
          "| × greedy |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['seed']} | {r['wall']:.1f} | {r['memory']:.0f} | {r['served']} | {r['priority']} | {r['bound']} ({r['bound_by']}) "
              f"| {r['gap']:.1%} | {r['greedy']} | {r['priority'] / r['greedy']:.3f} |")
    med = statistics.median
    print(f"| median | {med(r['wall'] for r in rows):.1f} | {med(r['memory'] for r in rows):.0f} "
          f"| {med(r['served'] for r in rows):g} "
          f"| {med(r['priority'] for r in rows):g} | | {med(r['gap'] for r in rows):.1%} | "
          f"{med(r['greedy'] for r in rows):g} | {med(r['priority'] / r['greedy'] for r in rows):.3f} |")


if __name__ == "__main__":
    main()
