"""What the pages read: one store per worker thread and the figures cached per account and as-of date.

An account's analysis, X-ray, map and matrix are computed on first request and kept (least recently
used first out) for ``[web] cache_seconds``; any write through the app (a departure) drops every entry of
the accounts it touched at once. The portfolio rows are cached the same way, per account and date; rows
past their time are served while a background thread recomputes them. Portfolio rows of accounts with a current
stored analysis snapshot (``kamgraph analyze --write``) are read from it rather than analysed
(:func:`kamgraph.portfolio.table.build_portfolio`). A write from outside the app (an import, a departure
recorded on the command line) is noticed by the store's data generation
(:meth:`~kamgraph.store.base.GraphStore.data_generation`), read once per page: every cached analysis is
dropped and every portfolio row is recomputed (in the background, like rows past their time).
Readers never wait for each other: each worker thread has its own store connection (SQLite in WAL mode
lets readers run side by side) and the cache lock is held only to look up or store an entry.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..analysis.matrix import CommunicationMatrix, communication_matrix
from ..analysis.pipeline import AccountAnalysis, analyze
from ..domain.dataset import AccountSnapshot
from ..errors import StoreError
from ..portfolio.table import PortfolioRow, build_portfolio
from ..settings import Settings
from ..store.base import GraphStore
from ..views.xray import XRay, xray_from_analysis
from .relmap import RelationshipMap, relationship_map

__all__ = ["AccountFigures", "Reports"]


@dataclass
class AccountFigures:
    """One account on one date: the analysis and what the pages draw from it (built on first use)."""

    snapshot: AccountSnapshot
    analysis: AccountAnalysis
    made: float
    _xray: XRay | None = field(default=None, repr=False)
    _map: RelationshipMap | None = field(default=None, repr=False)
    _matrix: CommunicationMatrix | None = field(default=None, repr=False)
    #: Rendered page parts that do not depend on who asks (the app's own cache).
    fragments: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def xray(self) -> XRay:
        """The report model, the same as ``kamgraph xray --json``."""
        if self._xray is None:
            self._xray = xray_from_analysis(self.analysis)
        return self._xray

    @property
    def map(self) -> RelationshipMap:
        """The relationship map."""
        if self._map is None:
            self._map = relationship_map(self.analysis)
        return self._map

    @property
    def matrix(self) -> CommunicationMatrix:
        """The communication matrix."""
        if self._matrix is None:
            self._matrix = communication_matrix(self.analysis.ag)
        return self._matrix


class Reports:
    """The store and the caches behind the pages (one per app)."""

    def __init__(self, open_store: Callable[[], GraphStore], settings: Settings, *, max_entries: int = 256,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._open = open_store
        self.settings = settings
        self.ttl = settings.web.cache_seconds
        self.max_entries = max_entries
        self.clock = clock
        self._local = threading.local()
        self._stores: list[GraphStore] = []
        self._lock = threading.Lock()
        self._figures: OrderedDict[tuple[str, dt.date], AccountFigures] = OrderedDict()
        self._rows: dict[tuple[str, dt.date], tuple[float, PortfolioRow]] = {}
        self._ids: tuple[float, list[str]] | None = None
        self._refreshing: threading.Thread | None = None
        #: The store's data generation the caches were filled at (None: not read yet).
        self._generation: int | None = None
        #: How many portfolio rows were computed.
        self.row_builds = 0
        #: How many analyses were computed (the tests and the benchmark read it).
        self.computed = 0

    @property
    def store(self) -> GraphStore:
        """This thread's store."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._open()
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def run_in_own_thread(self, work: Callable[..., object], *args: object) -> None:
        """Run ``work`` in a thread of its own, then close that thread's store."""
        try:
            work(*args)
        finally:
            store = getattr(self._local, "store", None)
            if store is not None:
                with self._lock:
                    self._stores.remove(store)
                store.close()
                self._local.store = None

    def close(self) -> None:
        """Close every thread's store (call it from the thread that made the app, at the end)."""
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()

    def account_ids(self) -> list[str]:
        """Every account id of the store (cached like the figures)."""
        with self._lock:
            if self._ids is not None and self._fresh(self._ids[0]):
                return list(self._ids[1])
        ids = self.store.account_ids()
        with self._lock:
            self._ids = (self.clock(), ids)
        return list(ids)

    def _fresh(self, made: float) -> bool:
        return self.clock() - made <= self.ttl

    def _check_generation(self) -> None:
        """When the store's data changed since the caches were filled, drop the analyses and age the rows."""
        try:
            generation = self.store.data_generation()
        except StoreError:
            return
        with self._lock:
            if self._generation is not None and generation != self._generation:
                self._figures.clear()
                self._ids = None
                expired = self.clock() - self.ttl - 1
                self._rows = {key: (expired, row) for key, (_made, row) in self._rows.items()}
            self._generation = generation

    def figures(self, account_id: str, as_of: dt.date) -> AccountFigures:
        """The cached figures of an account (the caller has checked access)."""
        self._check_generation()
        key = (account_id, as_of)
        with self._lock:
            entry = self._figures.get(key)
            if entry is not None and self._fresh(entry.made):
                self._figures.move_to_end(key)
                return entry
        snapshot = self.store.load_account(account_id, as_of)
        entry = AccountFigures(snapshot=snapshot, analysis=analyze(snapshot, as_of, self.settings), made=self.clock())
        with self._lock:
            self.computed += 1
            self._figures[key] = entry
            while len(self._figures) > self.max_entries:
                self._figures.popitem(last=False)
        return entry

    def portfolio_rows(self, account_ids: list[str], as_of: dt.date) -> list[PortfolioRow]:
        """Portfolio rows of these accounts on ``as_of`` (cached per account and date), in id order.

        Rows never computed are computed now; rows older than ``cache_seconds`` are served as they are
        while one background thread recomputes them (a 2,000-account portfolio takes minutes to redo).
        """
        self._check_generation()
        with self._lock:
            missing = [a for a in account_ids if (a, as_of) not in self._rows]
            stale = [a for a in account_ids
                     if (a, as_of) in self._rows and not self._fresh(self._rows[(a, as_of)][0])]
        if missing:
            self._build_rows(missing, as_of)
        if stale:
            self._refresh(stale, as_of)
        with self._lock:
            return [self._rows[(a, as_of)][1] for a in sorted(account_ids) if (a, as_of) in self._rows]

    def _build_rows(self, account_ids: list[str], as_of: dt.date) -> None:
        built = build_portfolio(self.store, as_of, self.settings, accounts=account_ids, sort="name")
        now = self.clock()
        with self._lock:
            self.row_builds += len(built.rows)
            for row in built.rows:
                self._rows[(row.account, as_of)] = (now, row)

    def _refresh(self, account_ids: list[str], as_of: dt.date) -> threading.Thread | None:
        """Recompute stale rows in one background thread (none when a refresh is running)."""
        with self._lock:
            if self._refreshing is not None and self._refreshing.is_alive():
                return None
            thread = threading.Thread(target=self.run_in_own_thread, args=(self._build_rows, account_ids, as_of),
                                      daemon=True, name="kamgraph-refresh")
            self._refreshing = thread
        thread.start()
        return thread

    def invalidate(self, account_ids: list[str] | None = None) -> None:
        """Drop the cached figures of these accounts (None: all), e.g. after a departure."""
        with self._lock:
            if account_ids is None:
                self._ids = None
                self._figures.clear()
                self._rows.clear()
                return
            wanted = set(account_ids)
            for key in [k for k in self._figures if k[0] in wanted]:
                del self._figures[key]
            for key in [k for k in self._rows if k[0] in wanted]:
                del self._rows[key]

    def stats(self) -> dict[str, Any]:
        """Cache sizes (for the benchmark)."""
        with self._lock:
            return {"figures": len(self._figures), "rows": len(self._rows), "computed": self.computed,
                    "row_builds": self.row_builds}
