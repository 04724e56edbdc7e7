"""A linear program as plain arrays, and HiGHS' model of it.

Built where the day is known (`bound.time_indexed_model`), solved by HiGHS in this process
(the bound's interior point) or in a process of its own (`first_solution.py`, which imports
nothing but this module, NumPy and HiGHS, so that it starts in a fraction of a second).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from highspy import _core as highs_core


@dataclass(frozen=True)
class LinearProgram:
    """Maximise `cost · x` over columns in [0, 1], rows `lower <= A x <= upper`; A by rows
    (row r's entries are `index[starts[r]:starts[r + 1]]` with `value`)."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray

    def highs(self, integer: bool = False) -> highs_core._Highs:
        """HiGHS' model of the program, silent; its columns integer if asked (0 or 1)."""
        # The core class: highspy.Highs prints its banner on the terminal from its constructor,
        # before output_flag can be set (ERGO-Code/HiGHS#1932); its run() is this one's.
        highs = highs_core._Highs()
        highs.setOptionValue("output_flag", False)
        n = len(self.cost)
        highs.addVars(n, np.zeros(n), np.ones(n))
        columns = np.arange(n, dtype=np.int32)
        highs.changeColsCost(n, columns, self.cost)
        highs.changeObjectiveSense(highs_core.ObjSense.kMaximize)
        highs.addRows(len(self.lower), self.lower, self.upper, len(self.index), self.starts, self.index, self.value)
        if integer:
            highs.changeColsIntegrality(n, columns, np.array([highs_core.HighsVarType.kInteger] * n))
        return highs
