"""HiGHS' first integer solution of a linear program, in a process of its own.

HiGHS' feasibility jump and its root LP call no callback and cannot be interrupted from a
thread: in a thread, stopped by lowering its time limit, HiGHS ran on about a second past its
answer and could not be ended at all inside the jump (benchmarks/NOTES.md, *A start from the
relaxation*). A process (`first_solution.py`) is ended as soon as the answer is known, a signal
asks to stop, or the deadline passes, whatever HiGHS is doing, and its memory goes with it. It
starts (0.3 s) while the caller builds the program, and has a session of its own so that a
Ctrl-C at the terminal reaches the planner alone, which decides.
"""

from __future__ import annotations

import contextlib
import pickle
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from .program import LinearProgram
from .stop import stopped

# The process HiGHS runs in; a test puts another command here.
FIRST_SOLUTION = [sys.executable, "-m", "optimizer.solvers.first_solution"]
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where `-m optimizer...` finds the package


class HighsProcess:
    """One HiGHS process: started at once, given its program when it is built, ended on `close`."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + max(0.5, seconds)
        self.child = subprocess.Popen(FIRST_SOLUTION, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, start_new_session=True, cwd=_PACKAGE_ROOT)
        self.writer: threading.Thread | None = None

    def __enter__(self) -> HighsProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, program: LinearProgram) -> None:
        """The program, with what is left of the time: building it came out of the same share."""
        payload = pickle.dumps((program, max(0.5, self.deadline - time.monotonic())), protocol=pickle.HIGHEST_PROTOCOL)
        # Written from a thread: a child that never reads must not hold this one past the deadline.
        self.writer = threading.Thread(target=self._send, args=(payload,), name="highs-input", daemon=True)
        self.writer.start()

    def first_solution(self) -> np.ndarray | None:
        """The columns at 1 in HiGHS' first solution worth more than 0; None if none came in time
        or a signal asked to stop. A process that failed raises, with what it said."""
        if self.writer is None:
            return None
        answer = b""
        while stopped() is None and (left := self.deadline - time.monotonic()) > 0:
            if select.select([self.child.stdout], [], [], min(0.1, left))[0]:
                answer = self.child.stdout.read()  # the child writes its answer whole, then exits
                break
        else:
            return None
        if not answer:  # the process ended without answering: it failed, and its stderr says why
            self.child.wait()
            said = self.child.stderr.read().decode(errors="replace").strip().splitlines()
            raise RuntimeError(said[-1] if said else f"HiGHS' process ended with code {self.child.returncode}")
        return pickle.loads(answer)  # None: HiGHS found nothing within its own limit

    def close(self) -> None:
        """The process ended and its pipes closed: nothing runs on once the answer is known."""
        if self.child.poll() is None:
            self.child.kill()
        self.child.wait()
        if self.writer is not None:
            self.writer.join()  # its write fails at once on an ended process
        for pipe in (self.child.stdin, self.child.stdout, self.child.stderr):
            with contextlib.suppress(OSError):  # stdin may hold what the ended process never read
                pipe.close()

    def _send(self, payload: bytes) -> None:
        try:
            self.child.stdin.write(payload)
            self.child.stdin.close()
        except (BrokenPipeError, ValueError):
            pass  # the process ended first (killed at the deadline, or failed: its stderr says why)
