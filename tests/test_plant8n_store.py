"""Store rules the eighth round of planted bugs found unchecked, worked out by hand (both stores unless said;
the plain Neo4j driver over ``tests/data/plant8.cypher`` where a value is read back from the graph).

(``tests/test_plant8_store.py`` is the third round's file; this one is the eighth round's.)

- an objective marked done (or dropped) a second time is refused and keeps the day it was closed on (Neo4j's
  ``objective_set_state`` writes nothing when the state is the one asked for);
"""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Stakeholder
from kamgraph.domain.plans import Objective, ObjectiveState
from kamgraph.errors import ConflictError
from kamgraph.store.base import GraphStore


def _plan_accounts(store: GraphStore) -> None:
    store.import_batch(Batch(accounts=[Account(id="a", name="A"), Account(id="b", name="B")],
                             stakeholders=[Stakeholder(id="eb", account="a", name="Eve"),
                                           Stakeholder(id="cb", account="b", name="Cid")]))


def _objective(oid: str, account: str, due: dt.date) -> Objective:
    return Objective(id=oid, account=account, kind="cover_person", subject="eb", due=due,
                     created_on=dt.date(2026, 5, 1))


def test_an_objective_closed_again_keeps_the_day_it_was_closed(store: GraphStore) -> None:
    _plan_accounts(store)
    store.save_objective(_objective("a-1", "a", dt.date(2026, 6, 30)))
    store.set_objective_state("a-1", "done", dt.date(2026, 6, 5))
    with pytest.raises(ConflictError, match="done already"):
        store.set_objective_state("a-1", "done", dt.date(2026, 6, 9))
    kept = store.get_objective("a-1")
    assert (kept.state, kept.closed_on) == (ObjectiveState.DONE, dt.date(2026, 6, 5))
    store.set_objective_state("a-1", "dropped", dt.date(2026, 6, 10))  # another state: that one is recorded
    with pytest.raises(ConflictError, match="dropped already"):
        store.set_objective_state("a-1", "dropped", dt.date(2026, 6, 12))
    assert store.get_objective("a-1").closed_on == dt.date(2026, 6, 10)
