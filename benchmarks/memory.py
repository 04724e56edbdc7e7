"""The memory a command needs of the machine: the peak of its processes' resident sets together.

A process's own peak (`ru_maxrss`, GNU time's "maximum resident set size") misses what its
children hold at the same moment: the worker processes of the rounds of blocks, HiGHS' own
processes, a Dask cluster's nannies and workers. This sums them every half second. It is an
estimate, neither floor nor ceiling: a peak shorter than half a second is missed, and pages
two processes share (their libraries) count once per process (about 33 MB more per process
that imports the solver, measured against the proportional set size).
"""

from __future__ import annotations

import threading

import psutil  # installed with distributed


class TreeMemory:
    """Samples a process and all its descendants in a thread until `stop()`, which gives the peak
    of their summed resident sets in MB."""

    def __init__(self, pid: int | None = None, every: float = 0.5) -> None:
        self._root = psutil.Process(pid)
        self._every = every
        self.peak = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(self._every):
            total = 0
            try:
                processes = [self._root, *self._root.children(recursive=True)]
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                return  # the command has ended
            for process in processes:
                try:
                    total += process.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass  # ended between the listing and the reading: nothing left to count
            self.peak = max(self.peak, total / 2**20)

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak
