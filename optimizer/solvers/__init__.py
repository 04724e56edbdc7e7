"""Solvers turn a screened day into a plan and say how good it is (`result.py`, shared by
all of them): CP-SAT level by level (`cpsat.py`, with hints from any checked plan and
places given afterwards), the greedy baseline (`greedy.py`), independent groups of
stations (`groups.py`) and rounds of blocks for large days (`blocks.py`), the LP bound
that goes with them (`bound.py`), the workers they run on (`parallel.py`), and the choice
between them (`day.py`). Only this stage imports OR-Tools, with the model."""
