"""Dates in both stores, by hand: provenance keeps the *first* day a source showed a record when it is seen
again later, and a stored analysis snapshot is read only for its own as-of date (never an earlier one)."""

from __future__ import annotations

import datetime as dt

from kamgraph.domain.dataset import Batch
from kamgraph.domain.metrics import AccountMetrics, MetricsSnapshot
from kamgraph.domain.models import Account
from kamgraph.domain.provenance import Provenance
from kamgraph.store.base import GraphStore

D1, D2, D3, D4 = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)


def _seen(first: dt.date, last: dt.date) -> Provenance:
    return Provenance(kind="account", record_id="acc", source="crm", source_id="A-1", first_seen=first,
                      last_seen=last)


def test_provenance_seen_again_keeps_the_first_day_and_the_latest(store: GraphStore) -> None:
    store.import_batch(Batch(accounts=[Account(id="acc", name="Acme")]))
    assert store.record_provenance([_seen(D2, D2)]) == 1
    # seen again later (D3): first_seen stays D2, last_seen moves to D3
    store.record_provenance([_seen(D3, D3)])
    assert [(e.first_seen, e.last_seen) for e in store.provenance_of(["acc"])["acc"]] == [(D2, D3)]
    # an older sighting (D1, last D1): first_seen moves back to D1, last_seen stays D3
    store.record_provenance([_seen(D1, D1)])
    assert [(e.first_seen, e.last_seen) for e in store.provenance_of(["acc"])["acc"]] == [(D1, D3)]


def _metrics(as_of: dt.date, coverage: float) -> MetricsSnapshot:
    return MetricsSnapshot(account=AccountMetrics(account="acc", name="Acme", as_of=as_of, fingerprint="f",
                                                  generation=1, computed_at=dt.datetime(2026, 6, 2, 9, 0),
                                                  coverage=coverage))


def test_a_snapshot_is_read_for_its_own_date_only(store: GraphStore) -> None:
    store.import_batch(Batch(accounts=[Account(id="acc", name="Acme")]))
    # the later date written first, then an earlier one (SQLite keeps both rows; Neo4j keeps the last written)
    store.write_metrics([_metrics(D3, 0.75)])
    store.write_metrics([_metrics(D2, 0.5)])
    # no snapshot was computed on D4 (nor on D1): nothing is read, not the snapshot of an earlier date
    assert store.account_metrics(["acc"], D4) == {}
    assert store.account_metrics(["acc"], D1) == {}
    found = store.account_metrics(["acc"], D2)
    assert (found["acc"].as_of, found["acc"].coverage) == (D2, 0.5)
