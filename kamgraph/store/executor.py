"""One executor interface for portfolio-wide jobs: this process, local worker processes, or a Dask cluster.

A portfolio-wide job (:func:`kamgraph.portfolio.table.build_portfolio`, :func:`kamgraph.monitor.alerts.run_alerts`)
splits its account ids into chunks and hands each chunk to a *task*: a module-level function
``task(store, account_ids, payload) -> list`` that loads the chunk with
:meth:`~kamgraph.store.base.GraphStore.load_accounts` and analyses it. The executor decides where tasks run:

* ``serial`` -- here, on the store already open;
* ``local`` (default) -- worker processes of this machine (``concurrent.futures``), each opening the store
  again; small portfolios (fewer than ``[executor] min_accounts``) stay in this process, where starting
  workers would cost more than it saves, and so does a Neo4j store whose password a worker cannot find;
* ``dask://HOST:PORT`` -- the workers of a Dask distributed scheduler (optional extra ``kamgraph[dask]``),
  each opening the store itself: the Neo4j server of the team (a worker finds the password in
  ``KAMGRAPH_NEO4J_PASSWORD`` or its own settings), or an SQLite file on a path every worker can read.

Results come back in chunk order, so a job's output never depends on where it ran.

Examples
--------
>>> ex = executor_for("serial")
>>> type(ex).__name__, list(chunked(["a", "b", "c"], 2))
('SerialExecutor', [['a', 'b'], ['c']])
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from ..errors import InputError
from ..settings import ExecutorSettings
from .base import GraphStore

__all__ = ["Executor", "SerialExecutor", "ProcessExecutor", "DaskExecutor", "executor_for", "chunked", "Task"]

R = TypeVar("R")
#: A task: ``task(store, account_ids, payload)`` returns one result per account (or any list).
Task = Callable[[GraphStore, list[str], Any], list[R]]


def chunked(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    """``ids`` in consecutive chunks of at most ``size``."""
    for start in range(0, len(ids), max(1, size)):
        yield list(ids[start:start + size])


def run_on_store(url: str, options: dict[str, Any], task: Task[R], ids: list[str], payload: Any) -> list[R]:
    """Open the store at ``url`` (in a worker), run ``task`` on one chunk, close the store."""
    from . import open_store

    with open_store(url, **options) as store:
        return task(store, ids, payload)


class Executor(ABC):
    """Runs a task over chunks of account ids; results in chunk order, concatenated."""

    def __init__(self, chunk_size: int = 200) -> None:
        self.chunk_size = chunk_size

    @abstractmethod
    def map(self, store: GraphStore, task: Task[R], ids: Sequence[str],
            payload: Callable[[list[str]], Any]) -> Iterator[list[R]]:
        """The results of ``task`` on each chunk of ``ids`` (``payload(chunk)`` gives the chunk's extra input)."""

    def run(self, store: GraphStore, task: Task[R], ids: Sequence[str],
            payload: Callable[[list[str]], Any] = lambda _ids: None,
            progress: Callable[[int, int], None] | None = None) -> list[R]:
        """All results of ``task`` over ``ids``, in order; ``progress(done, total)`` after each chunk."""
        results: list[R] = []
        for part in self.map(store, task, ids, payload):
            results.extend(part)
            if progress is not None:
                progress(len(results), len(ids))
        return results


class SerialExecutor(Executor):
    """Every chunk in this process, on the open store."""

    def map(self, store: GraphStore, task: Task[R], ids: Sequence[str],
            payload: Callable[[list[str]], Any]) -> Iterator[list[R]]:
        for part in chunked(ids, self.chunk_size):
            yield task(store, part, payload(part))


class ProcessExecutor(Executor):
    """Chunks in local worker processes (``fork`` where available), each opening the store again.

    Chunks are at most ``chunk_size`` accounts, and small enough that every worker gets at least two:
    500 accounts in chunks of 200 would keep one of two workers busy for 400 accounts and the other for 100.

    Examples
    --------
    >>> ProcessExecutor(200, workers=2).balanced_size(500), ProcessExecutor(200, workers=2).balanced_size(2000)
    (125, 200)
    """

    def __init__(self, chunk_size: int = 200, workers: int | None = None, min_accounts: int = 0) -> None:
        super().__init__(chunk_size)
        self.workers = workers or os.cpu_count() or 1
        self.min_accounts = min_accounts

    def balanced_size(self, n: int) -> int:
        """The chunk size for ``n`` accounts: ``chunk_size``, or less so that each worker gets two chunks."""
        if self.workers < 2:
            return self.chunk_size
        return max(1, min(self.chunk_size, -(-n // (2 * self.workers))))

    def map(self, store: GraphStore, task: Task[R], ids: Sequence[str],
            payload: Callable[[list[str]], Any]) -> Iterator[list[R]]:
        parts = list(chunked(ids, self.balanced_size(len(ids))))
        if self.workers < 2 or len(parts) < 2 or len(ids) < self.min_accounts or not store.reopenable():
            yield from SerialExecutor(self.chunk_size).map(store, task, ids, payload)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        options = store.reopen_options()
        with ProcessPoolExecutor(min(self.workers, len(parts)), mp_context=multiprocessing.get_context(method)) as pool:
            futures = [pool.submit(run_on_store, store.url, options, task, part, payload(part)) for part in parts]
            for future in futures:
                yield future.result()


class DaskExecutor(Executor):
    """Chunks on the workers of a Dask distributed scheduler (``dask://HOST:PORT`` or a ``Client``)."""

    def __init__(self, address: Any, chunk_size: int = 200) -> None:
        super().__init__(chunk_size)
        self.address = address

    def map(self, store: GraphStore, task: Task[R], ids: Sequence[str],
            payload: Callable[[list[str]], Any]) -> Iterator[list[R]]:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the installed extras
            raise InputError("the Dask executor needs the optional extra: pip install 'kamgraph[dask]'",
                             field="executor") from None
        own = not isinstance(self.address, Client)
        client = Client(self.address) if own else self.address
        try:
            options = store.reopen_options()
            futures = [client.submit(run_on_store, store.url, options, task, part, payload(part), pure=False)
                       for part in chunked(ids, self.chunk_size)]
            for future in futures:
                yield future.result()
        finally:
            if own:
                client.close()


def executor_for(spec: str | None = None, settings: ExecutorSettings | None = None) -> Executor:
    """The executor a URL names (``serial``, ``local``, ``dask://HOST:PORT``), else the settings' one.

    The settings' ``[executor] url`` is also read from ``KAMGRAPH_EXECUTOR__URL`` (see :mod:`kamgraph.settings`).
    """
    settings = settings or ExecutorSettings()
    url = (spec or settings.url).strip()
    if url == "serial":
        return SerialExecutor(settings.chunk_size)
    if url == "local":
        return ProcessExecutor(settings.chunk_size, settings.workers, settings.min_accounts)
    if url.startswith(("dask://", "tcp://")):
        return DaskExecutor("tcp://" + url.split("://", 1)[1], settings.chunk_size)
    raise InputError(f"unknown executor {url!r} (use 'local', 'serial' or 'dask://HOST:PORT')", field="executor")
