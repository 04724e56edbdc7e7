"""Deadlines and interruptions: a nightly job has a deadline, and a planner may press Ctrl-C.

`Deadline` is the time a whole command must end by; every stage asks it what is left.
`stoppable()` turns SIGINT and SIGTERM into a request to stop: the CP-SAT searches running
now are told to stop (`StopSearch`), solvers check `stopped()` between their steps and
return the best plan they have, and the command writes it, marked as interrupted, and
exits 130 (SIGINT) or 143 (SIGTERM). A second signal stops at once.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

_lock = threading.Lock()
_searches: set = set()  # CP-SAT solvers searching now
_signal: int | None = None
PARENT_CHECK_SECONDS = 1.0  # how often a worker looks for its main process


@dataclass(frozen=True)
class Deadline:
    """When a command must be done by (time.monotonic())."""

    at: float

    @classmethod
    def after(cls, seconds: float, started: float | None = None) -> Deadline:
        return cls((time.monotonic() if started is None else started) + seconds)

    def left(self) -> float:
        return self.at - time.monotonic()


def stopped() -> int | None:
    """The signal that asked to stop, if one did."""
    return _signal


def exit_code(signum: int) -> int:
    return 128 + signum  # 130 for SIGINT, 143 for SIGTERM, as shells report them


def search(solver, model, callback=None) -> int:
    """`solver.Solve(model)`, stoppable by a signal: the search runs in a thread while the main
    thread waits, since Python runs signal handlers only between its own instructions, never
    inside the solver's C++. CP-SAT's own SIGINT handler is turned off: ours decides."""
    solver.parameters.catch_sigint_signal = False
    with _lock:
        _searches.add(solver)
        if _signal is not None:
            solver.StopSearch()
    try:
        if threading.current_thread() is not threading.main_thread():
            return solver.Solve(model, callback) if callback else solver.Solve(model)
        outcome: list = []

        def run() -> None:
            try:
                outcome.append(solver.Solve(model, callback) if callback else solver.Solve(model))
            except BaseException as exc:  # handed to the main thread, raised there
                outcome.append(exc)

        worker = threading.Thread(target=run, name="cp-sat", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]
    finally:
        with _lock:
            _searches.discard(solver)


def _handle(signum, frame) -> None:
    global _signal
    if _signal is not None:
        raise SystemExit(exit_code(signum))  # a second signal: stop now (folders are written whole or not at all)
    _signal = signum
    with _lock:
        for solver in list(_searches):
            solver.StopSearch()


@contextmanager
def stoppable() -> Iterator[None]:
    """SIGINT and SIGTERM ask the running work to stop and keep its best plan (main thread only)."""
    global _signal
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _signal = None
    previous = {s: signal.signal(s, _handle) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def start_worker() -> None:
    """For local worker processes: interrupts are the main process's, and a worker whose main
    process is gone ends. A main process killed outright (SIGKILL, the OOM killer) left its
    workers waiting for tasks forever: each holds both ends of its task queue's pipe, so the
    queue never closes for it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
