"""``analyze --write`` on the Bolt server: a staff member's ``kg_threads`` and ``kg_sole_threads`` are counted
from their MET edges' flags, read back with the plain driver (a thread that is not a sole thread counts once)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import neo4j
import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.metrics import AccountMetrics, MetricsSnapshot, PersonMetrics, TieMetrics
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.store.cypher import parse_queries

from .conftest import BoltServer

QUERIES = parse_queries((Path(__file__).parent / "data" / "staff_totals.cypher").read_text(), "staff_totals.cypher")
DAY = dt.date(2026, 5, 1)
MET_ON = dt.date(2026, 4, 20)


def _tie(stakeholder: str, thread: bool, sole: bool) -> TieMetrics:
    return TieMetrics(account="acc", staff="s1", stakeholder=stakeholder, as_of=DAY, strength=1.0, meetings=1,
                      first_met=MET_ON, last_met=MET_ON, thread=thread, sole_thread=sole)


@pytest.mark.bolt
def test_staff_totals_count_threads_and_sole_threads_apart(bolt: BoltServer, bolt_database: str) -> None:
    batch = Batch(accounts=[Account(id="acc", name="Acme")], staff=[Staff(id="s1", name="Sam", accounts=["acc"])],
                  stakeholders=[Stakeholder(id=c, account="acc", name=c.upper()) for c in ("c1", "c2", "c3")],
                  meetings=[Meeting(id="m1", date=MET_ON, attendees=["s1", "c1", "c2", "c3"])])
    snapshot = MetricsSnapshot(
        account=AccountMetrics(account="acc", name="Acme", as_of=DAY, fingerprint="f", generation=1,
                               computed_at=dt.datetime(2026, 5, 2, 9, 0)),
        people=[PersonMetrics(account="acc", person="s1", as_of=DAY, kind="staff", name="Sam")],
        # c1: s1 is its only thread; c2: a thread, another one too; c3: met, below the thread threshold
        ties=[_tie("c1", True, True), _tie("c2", True, False), _tie("c3", False, False)])
    with bolt.open(bolt_database) as store:
        store.import_batch(batch)
        assert store.write_metrics([snapshot]) == 1
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver, \
            driver.session(database=bolt_database) as session:
        row = session.run(QUERIES["st_staff_totals"].text, {"id": "s1"}).single()
    # threads: c1 and c2 (2); sole threads: c1 only (1)
    assert (row["threads"], row["sole"], list(row["accounts"])) == (2, 1, ["acc"])
