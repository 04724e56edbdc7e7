"""HiGHS' first integer solution worth something, in a process of its own.

Run by `highs_process.py` as `python -m optimizer.solvers.first_solution`. HiGHS' feasibility
jump and its root LP call no callback and cannot be interrupted from a thread; a process can be
ended at the deadline whatever HiGHS is doing, and the memory of HiGHS' MIP goes with it (150 MB
at paris size at its first solution; in a thread it ran on to 1.4 GB). Reads a pickled
`(LinearProgram, seconds)` on stdin; writes the pickled indices of the columns at 1 in the first
solution worth more than 0 (None if there was none within `seconds`) on stdout, and exits at
once, without waiting for HiGHS to stop.
"""

from __future__ import annotations

import os
import pickle
import sys

import numpy as np
from highspy import _core as highs_core

from .program import LinearProgram


def main() -> None:
    program: LinearProgram
    program, seconds = pickle.load(sys.stdin.buffer)
    highs = program.highs(integer=True)
    highs.setOptionValue("threads", 1)
    # Without presolve the feasibility jump finds its solution in half the time (paris: 4 to 8 s
    # against 11).
    highs.setOptionValue("presolve", "off")
    # A backstop only: the parent ends this process at its deadline. If the parent itself was
    # killed, HiGHS stops here, or at its next callback once the parent is seen gone.
    highs.setOptionValue("time_limit", float(seconds))
    parent = os.getppid()
    kinds = highs_core.cb.HighsCallbackType

    def heard(kind, message, data_out, data_in, user) -> None:
        if kind == kinds.kCallbackMipImprovingSolution and data_out.objective_function_value > 0:
            _answer(np.flatnonzero(np.asarray(data_out.mip_solution) > 0.5))
        elif data_in is not None and os.getppid() != parent:
            data_in.user_interrupt = True

    highs.setCallback(heard, None)
    for kind in (kinds.kCallbackMipImprovingSolution, kinds.kCallbackMipInterrupt,
                 kinds.kCallbackSimplexInterrupt, kinds.kCallbackIpmInterrupt):
        highs.startCallback(kind)
    highs.run()
    _answer(None)


def _answer(columns: np.ndarray | None) -> None:
    sys.stdout.buffer.write(pickle.dumps(columns))
    sys.stdout.buffer.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
