"""Portfolio-wide loads (``GraphStore.load_accounts``) and look-ups by name, on both stores.

The bulk path is a second implementation of :meth:`GraphStore.load_account` (a few set-based queries per chunk
of accounts instead of a round of queries per account); every snapshot it yields must equal the one-account
load, which is checked here on hand-written and synthetic data, with and without an as-of cut-off.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Relationship
from kamgraph.errors import NotFoundError
from kamgraph.samples.synth import synth_portfolio
from kamgraph.store.base import GraphStore

from .test_store import sample_batch

AS_OF = dt.date(2025, 6, 30)


def _shared_batch() -> Batch:
    """The sample batch plus a meeting with people of both accounts and a tie across accounts."""
    batch = sample_batch()
    batch.meetings.append(Meeting(id="m5", date="2025-03-01", kind="workshop",
                                  attendees=["s3", "a-ceo", "b-cto"]))
    batch.relationships.append(Relationship(source="b-cto", target="a-cfo", kind="influences", weight=0.8))
    batch.relationships.append(Relationship(source="s3", target="b-cto", kind="knows", weight=0.4))
    return batch


@pytest.mark.parametrize("as_of", [None, dt.date(2025, 2, 10), dt.date(2025, 3, 5)])
def test_bulk_snapshots_equal_one_account_loads(store: GraphStore, as_of: dt.date | None) -> None:
    store.import_batch(_shared_batch())
    ids = ["beta", "acme"]  # order given is kept
    bulk = list(store.load_accounts(ids, as_of))
    assert [s.account.id for s in bulk] == ids
    assert bulk == [store.load_account(i, as_of) for i in ids]
    beta = bulk[0]
    # m5 counts for both accounts, each seeing its own stakeholders and our staff only (worked by hand):
    if as_of is None:
        assert [(m.id, m.attendees) for m in beta.meetings] == [("m4", ["b-cto", "s2"]), ("m5", ["b-cto", "s3"])]
        assert [m.attendees for m in bulk[1].meetings if m.id == "m5"] == [["a-ceo", "s3"]]
        # the tie b-cto -> a-cfo crosses accounts and is left out of both; s3 -> b-cto is kept for beta.
        assert [r.key for r in beta.relationships] == [("s3", "b-cto", "knows")]
        assert [s.id for s in beta.staff] == ["s2", "s3"]


def test_bulk_load_in_small_chunks_and_unknown_ids(store: GraphStore) -> None:
    store.import_batch(_shared_batch())
    assert list(store.load_accounts(["acme", "beta", "acme"], chunk_size=1)) == [
        store.load_account(i) for i in ("acme", "beta", "acme")]
    assert list(store.load_accounts([])) == []
    with pytest.raises(NotFoundError, match="nope"):
        list(store.load_accounts(["acme", "nope"]))


def test_bulk_load_of_a_synthetic_portfolio(store: GraphStore) -> None:
    batch = synth_portfolio(6, seed=5, as_of=AS_OF, min_stakeholders=8, max_stakeholders=25, min_staff=2,
                            max_staff=6, days=200, meetings_per_stakeholder=2.0)
    store.import_batch(batch)
    ids = store.account_ids()
    assert ids == sorted(a.id for a in batch.accounts)
    for as_of in (None, dt.date(2025, 3, 1)):
        bulk = list(store.load_accounts(ids, as_of, chunk_size=4))
        assert bulk == [store.load_account(i, as_of) for i in ids]
        # every stakeholder written comes back in exactly one snapshot
        assert sorted(p.id for s in bulk for p in s.stakeholders) == sorted(p.id for p in batch.stakeholders)


def test_find_account_by_exact_name_ignoring_case(store: GraphStore) -> None:
    batch = sample_batch()
    batch.accounts.append(Account(id="mu", name="Müller GmbH"))
    batch.accounts.append(Account(id="twin-1", name="Twin"))
    batch.accounts.append(Account(id="twin-2", name="twin"))
    store.import_batch(batch)
    assert [a.id for a in store.find_account_by_name("BETA CORP")] == ["beta"]
    assert [a.id for a in store.find_account_by_name("MÜLLER gmbh")] == ["mu"]
    assert [a.id for a in store.find_account_by_name("TWIN")] == ["twin-1", "twin-2"]
    assert [a.id for a in store.find_account_by_name("twin")] == ["twin-2"]  # the exact spelling wins
    assert store.find_account_by_name("Beta") == []
    assert store.find_account("beta corp") == store.get_account("beta")
    assert store.find_account("müller gmbh").id == "mu"
    assert store.find_account("Twin").id == "twin-1"
    with pytest.raises(NotFoundError):
        store.find_account("TWIN")  # two accounts match ignoring case: ambiguous
