"""Where independent solves run: local processes by default, a Dask cluster on request.

Both give the same `submit(fn, *args) -> future` and `future.result()`; nothing
here schedules work itself. Dask distributed was chosen over Ray: it installs
from PyPI as plain Python wheels (a few MB against Ray's hundreds), a local
cluster starts in a second on loopback for tests, and its `Client.submit` has
the `concurrent.futures` shape the local path already uses.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Iterator

from .stop import ignore_interrupts, stopped


@contextmanager
def executor(cluster: str | None = None, processes: int | None = None) -> Iterator[Executor]:
    """Local worker processes, or a client of the Dask scheduler at `cluster` (host:port)."""
    if cluster:
        from distributed import Client

        client = Client(cluster, timeout="20s")
        try:
            yield _DaskExecutor(client)
        finally:
            client.close()
        return
    count = processes or max(1, min(4, os.cpu_count() or 1))
    # spawn: OR-Tools' threads must not be inherited half-way through a fork. Workers ignore
    # Ctrl-C: the main process decides what an interrupt means (`gather`).
    pool = _Processes(max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                      initializer=ignore_interrupts)
    try:
        yield pool
    finally:
        if stopped() is None:
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            pool.shutdown(wait=False)


class _Processes(ProcessPoolExecutor):
    @property
    def lanes(self) -> int:
        """How many parts run at once."""
        return self._max_workers

    def unfinished(self, futures: list, timeout: float) -> list:
        return list(wait(futures, timeout=timeout)[1])

    def stop(self, futures) -> None:
        """End the worker processes: the pool breaks, and every unfinished future says so."""
        for process in list((self._processes or {}).values()):  # no public way before Python 3.14
            process.terminate()


class _DaskExecutor(Executor):
    """The Dask client behind the Executor interface (pure=False: every call runs)."""

    def __init__(self, client):
        self.client = client

    @property
    def lanes(self) -> int:
        """How many parts run at once: the cluster's worker threads (as many as it has now)."""
        return max(1, sum(self.client.nthreads().values()))

    def submit(self, fn, /, *args, **kwargs):
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def unfinished(self, futures: list, timeout: float) -> list:
        return [f for f in futures if not f.done()] if _dask_wait(futures, timeout) else []

    def stop(self, futures) -> None:
        self.client.cancel(list(futures))


def _dask_wait(futures: list, timeout: float) -> bool:
    """Wait for the first of `futures` to finish; True when some are still running."""
    from distributed import wait as dask_wait

    try:
        dask_wait(futures, timeout=timeout, return_when="FIRST_COMPLETED")
    except TimeoutError:
        pass
    return any(not f.done() for f in futures)


def gather(pool: Executor, futures: list, poll: float = 0.2) -> list:
    """The results of `futures`, in order; if a signal asks to stop meanwhile, the work still
    running is ended and its results are None (the caller keeps its plan so far for them)."""
    pending = list(futures)
    while pending:
        pending = pool.unfinished(pending, poll)
        if pending and stopped() is not None:
            pool.stop(pending)
            break

    def result(future):
        if stopped() is None:
            return future.result()  # a worker's error is the caller's, as before
        finished = future.done() and not future.cancelled() and future.exception() is None
        return future.result() if finished else None

    return [result(f) for f in futures]
