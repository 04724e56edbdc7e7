"""Where independent solves run: local processes by default, a Dask cluster on request.

Both give the same `submit(fn, *args) -> future` and `future.result()`; nothing
here schedules work itself. Dask distributed was chosen over Ray: it installs
from PyPI as plain Python wheels (a few MB against Ray's hundreds), a local
cluster starts in a second on loopback for tests, and its `Client.submit` has
the `concurrent.futures` shape the local path already uses.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Callable, Iterator

from ..core.i18n import _
from .stop import start_worker, stopped

CONNECT_SECONDS = 10  # to reach the scheduler and hear it answer as a Dask scheduler
PROBE_START_SECONDS = 15  # the probe's own start (Python, Dask's imports) on a slow day
LATE_SECONDS = 60  # past the deadline, work still out is given up (a worker or the cluster died)
DASK_POLL_SECONDS = 0.05  # how often a Dask future's state is read while waiting
log = logging.getLogger("remise")
_ADDRESS = re.compile(r"^(?:tcp://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253}):([0-9]{1,5})$")
_PROBE = """
import sys
from distributed import Client
client = Client(sys.argv[1], timeout="{seconds}s")
threads = sum(client.nthreads().values())
client.close()
print(threads)
"""


class ClusterError(ValueError):
    """The --cluster address is malformed, or no Dask scheduler answers there."""


def check_address(address: str) -> str:
    """`host:port` or `tcp://host:port`, as a Dask address; ClusterError otherwise."""
    match = _ADDRESS.match(address.strip())
    if not match or not 1 <= int(match.group(2)) <= 65535:
        raise ClusterError(_("--cluster {address} is not an address HOST:PORT (for example 10.0.0.5:8786)").format(
            address=repr(address[:80])))
    return address.strip() if address.strip().startswith("tcp://") else f"tcp://{address.strip()}"


def check_cluster(address: str) -> int:
    """The worker threads of the Dask scheduler at `address`; ClusterError if none answers.

    The probe runs in a child process with a hard timeout: a listener that is not Dask can
    stall the handshake, or answer with bytes Dask reads as a 3 EiB frame, and neither may
    hang or crash the planner.
    """
    target = check_address(address)
    if target in _answered:
        return _answered[target]
    host, port = _ADDRESS.match(target[len("tcp://"):]).groups()
    try:  # a closed port answers at once; Dask itself would retry until its timeout
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        raise ClusterError(_("nothing answers at {address} ({error})").format(
            address=target, error=exc.strerror or exc)) from None
    try:
        probe = subprocess.run([sys.executable, "-c", _PROBE.format(seconds=CONNECT_SECONDS), target],
                               capture_output=True, text=True, timeout=CONNECT_SECONDS + PROBE_START_SECONDS)
    except subprocess.TimeoutExpired:
        # A listener that stalls Dask's handshake keeps Dask past its own timeout: the probe's
        # whole wait is what the planner waited.
        raise ClusterError(_("no Dask scheduler answered at {address} within {seconds} s").format(
            address=target, seconds=CONNECT_SECONDS + PROBE_START_SECONDS)) from None
    answer = probe.stdout.strip()
    if probe.returncode != 0 or not answer.isdigit():
        last = (probe.stderr.strip().splitlines() or ["no answer"])[-1]
        raise ClusterError(_("no Dask scheduler at {address} ({answer})").format(address=target, answer=last[:160]))
    if int(answer) < 1:
        raise ClusterError(_("the Dask scheduler at {address} has no workers").format(address=target))
    _answered[target] = int(answer)
    return _answered[target]


_answered: dict[str, int] = {}  # schedulers that answered in this process


@contextmanager
def executor(cluster: str | None = None, processes: int | None = None) -> Iterator[Executor]:
    """Local worker processes, or a client of the Dask scheduler at `cluster` (host:port)."""
    if cluster:
        from distributed import Client

        client = Client(check_address(cluster), timeout=f"{CONNECT_SECONDS}s")
        try:
            yield _DaskExecutor(client)
        finally:
            client.close()
        return
    pool = _Processes(processes or max(1, min(4, os.cpu_count() or 1)))
    try:
        yield pool
    finally:
        if stopped() is None:
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            pool.shutdown(wait=False)


def run_nicer(niceness: int) -> None:
    """Lower the calling thread's priority to at least `niceness` (Unix; nothing elsewhere).

    The parts of a round then leave the cores to the main process, whose thread bounds the day
    meanwhile: on Linux the nice value is the thread's, and CP-SAT's threads, started from it,
    inherit it. It cannot be raised back without privileges, and need not be: a nicer thread
    still takes every core nothing else wants."""
    if hasattr(os, "setpriority") and os.getpriority(os.PRIO_PROCESS, 0) < niceness:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)


def start_workers(pool: Executor, ready: Callable[[], object]) -> None:
    """Start the local worker processes now, each importing the module of `ready` (the solver:
    1.3 s), while the main process screens and bounds the day; else the first blocks pay for it."""
    if isinstance(pool, _Processes):
        for _lane in range(pool.lanes):
            pool.submit(ready)


class _Processes(Executor):
    """Local worker processes. A pool that a dead worker broke (a crash in the solver, or `stop`)
    is replaced at the next submit, so later rounds run; what the dead pool had is lost (`gather`)."""

    def __init__(self, count: int):
        self._count = count
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        # spawn: OR-Tools' threads must not be inherited half-way through a fork. Workers ignore
        # Ctrl-C (the main process decides what an interrupt means, `gather`) and end with it.
        return ProcessPoolExecutor(max_workers=self._count, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=start_worker)

    @property
    def lanes(self) -> int:
        """How many parts run at once."""
        return self._count

    @property
    def local(self) -> bool:
        """The parts run on this machine, beside the main process."""
        return True

    @property
    def processes(self) -> int:
        """How many worker processes are running now."""
        return len(self._pool._processes or {})  # no public way before Python 3.14

    def submit(self, fn, /, *args, **kwargs):
        try:
            return self._pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new()
            return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def unfinished(self, futures: list, timeout: float) -> list:
        return list(wait(futures, timeout=timeout)[1])

    def lost_warning(self) -> str:
        """What a part lost without being given up means here: its worker process died."""
        return _("a worker process stopped abruptly (a crash in the solver): the parts it held "
                 "keep their plan so far")

    def stop(self, futures) -> None:
        """End the worker processes: the pool breaks, and every unfinished future says so."""
        for process in list((self._pool._processes or {}).values()):
            process.terminate()


class _DaskExecutor(Executor):
    """The Dask client behind the Executor interface (pure=False: every call runs)."""

    def __init__(self, client):
        self.client = client

    @property
    def lanes(self) -> int:
        """How many parts run at once: the cluster's worker threads (as many as it has now)."""
        return max(1, sum(self.client.nthreads().values()))

    @property
    def local(self) -> bool:
        """The cluster's workers may run anywhere: not beside the main process."""
        return False

    def submit(self, fn, /, *args, **kwargs):
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def unfinished(self, futures: list, timeout: float) -> list:
        """Those of `futures` still running after `timeout`, or as soon as one of them ends.

        Reading `done()` asks nothing of the client's event loop. `distributed.wait` with
        FIRST_COMPLETED, called every `poll`, left a waiting task behind on every future still
        running each time: a national night through a local cluster printed 66 tracebacks
        ("deque mutated during iteration") and thousands of "Task was destroyed but it is
        pending!" lines on the planner's terminal as those tasks were collected."""
        ends = time.monotonic() + timeout
        while True:
            running = [f for f in futures if not f.done()]
            if len(running) < len(futures) or time.monotonic() >= ends:
                return running
            time.sleep(min(DASK_POLL_SECONDS, max(0.0, ends - time.monotonic())))

    def lost_warning(self) -> str:
        """What a part lost without being given up means here: the scheduler cancelled what it
        could no longer run."""
        return _("the cluster gave up some parts (its scheduler or a worker was lost): they "
                 "keep their plan so far")

    def stop(self, futures) -> None:
        self.client.cancel(list(futures))


def gather(pool: Executor, futures: list, poll: float = 0.2, deadline: float | None = None,
           counted: Callable[[int, int], None] | None = None, running: set[int] | None = None) -> list:
    """The results of `futures`, in order. If a signal asks to stop meanwhile, or the work is
    still out LATE_SECONDS after `deadline` (time.monotonic(); a worker or the cluster died),
    what is still running is ended and its results are None: the caller keeps its plan so far
    for them; so is a part whose worker process died. Every wait is bounded.
    `counted(finished, total)` hears each change of the count. `running` receives the indices of
    the local parts that were running when the last of them ended: when a crash broke the pool,
    the one that crashed is among them."""
    pending = list(futures)
    given_up = False
    while pending:
        before = len(pending)
        if running is not None:
            # Local futures run once handed to a worker's queue (a few at a time); the last
            # parts seen running are those a crash caught, if one broke the pool.
            now = {i for i, f in enumerate(futures) if getattr(f, "running", lambda: False)()}
            if now:
                running.clear()
                running.update(now)
        pending = pool.unfinished(pending, poll)
        if counted is not None and len(pending) != before:
            counted(len(futures) - len(pending), len(futures))
        late = deadline is not None and time.monotonic() > deadline + LATE_SECONDS
        if pending and (stopped() is not None or late):
            pool.stop(pending)
            given_up = True
            break

    def lost(future) -> bool:
        """Given up, or its worker process died (a crash in the solver broke the pool)."""
        if given_up:
            return not (future.done() and not future.cancelled() and future.exception() is None)
        return future.cancelled() or isinstance(future.exception(), BrokenProcessPool)

    if not given_up and any(lost(f) for f in futures):
        log.warning(pool.lost_warning())
    # A lost part is None, and the caller keeps its plan there; a worker's error is the caller's.
    return [None if lost(f) else f.result() for f in futures]
