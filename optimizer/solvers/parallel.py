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
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Iterator


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
    # spawn: OR-Tools' threads must not be inherited half-way through a fork.
    with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


class _DaskExecutor(Executor):
    """The Dask client behind the Executor interface (pure=False: every call runs)."""

    def __init__(self, client):
        self.client = client

    def submit(self, fn, /, *args, **kwargs):
        return self.client.submit(fn, *args, pure=False, **kwargs)
