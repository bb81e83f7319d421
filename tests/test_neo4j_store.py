"""What only the Neo4j store promises: the graph shape, MET edges, Cypher dates, connection errors, retries.

Runs against the session's Bolt server (ArcadeDB started by conftest, or the Neo4j 5 server of
KAMGRAPH_TEST_BOLT_URI). Where a test looks at the database directly it uses the official driver
with a named query from cypher/, not the store's own reading code.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import neo4j
import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Meeting
from kamgraph.errors import InputError, StoreError
from kamgraph.store import open_store
from kamgraph.store.base import SCHEMA_VERSION
from kamgraph.store.cypher import queries
from kamgraph.store.neo4j import Neo4jStore

from .bolt_server import free_port
from .conftest import BoltServer
from .test_store import sample_batch

pytestmark = pytest.mark.bolt


@pytest.fixture
def driver(bolt: BoltServer) -> Iterator[neo4j.Driver]:
    """The official driver, for looking at the database without the store's code."""
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as drv:
        yield drv


def run_named(driver: neo4j.Driver, database: str, name: str, **params: object) -> list[dict[str, object]]:
    """Run one named query of cypher/ with the plain driver."""
    records = driver.execute_query(queries()[name].text, params, database_=database).records
    return [r.data() for r in records]


def neo_store(bolt: BoltServer, database: str, **options: object) -> Neo4jStore:
    store = bolt.open(database, **options)
    assert isinstance(store, Neo4jStore)
    return store


def test_dates_are_stored_as_cypher_dates(bolt: BoltServer, bolt_database: str, driver: neo4j.Driver) -> None:
    with neo_store(bolt, bolt_database) as store:
        store.import_batch(sample_batch())
        store.mark_left("a-cfo", dt.date(2025, 3, 1))
    meetings = {r["props"]["id"]: r["props"] for r in run_named(driver, bolt_database, "all_meetings")}
    assert meetings["m1"]["date"] == neo4j.time.Date(2025, 1, 10)
    people = {r["props"]["id"]: r["props"] for r in run_named(driver, bolt_database, "all_stakeholders")}
    assert people["a-cfo"]["left_on"] == neo4j.time.Date(2025, 3, 1)
    assert people["a-old"]["left_on"] == neo4j.time.Date(2025, 2, 1)
    assert "left_on" not in people["a-ceo"]  # absent, not null


def test_graph_shape_for_browser(bolt: BoltServer, bolt_database: str, driver: neo4j.Driver) -> None:
    with neo_store(bolt, bolt_database) as store:
        store.import_batch(sample_batch())
    staff = {r["props"]["id"]: sorted(r["accounts"]) for r in run_named(driver, bolt_database, "all_staff")}
    assert staff == {"s1": ["acme"], "s2": ["acme", "beta"], "s3": []}
    lines = {r["props"]["id"]: sorted((ln["manager"], ln["line"]) for ln in r["lines"])
             for r in run_named(driver, bolt_database, "all_stakeholders")}
    assert lines["a-eng"] == [("a-ceo", "dotted"), ("a-cfo", "solid")]
    team = run_named(driver, bolt_database, "account_team", id="beta")
    assert [r["id"] for r in team] == ["s2"]


def expected_met(batch: Batch) -> dict[tuple[str, str], tuple[int, dt.date, dt.date]]:
    """MET worked out in plain Python from the meetings: (staff, stakeholder) -> (count, first, last)."""
    staff = {s.id for s in batch.staff}
    found: dict[tuple[str, str], list[dt.date]] = {}
    for m in batch.meetings:
        for s in (p for p in m.attendees if p in staff):
            for c in (p for p in m.attendees if p not in staff):
                found.setdefault((s, c), []).append(m.date)
    return {pair: (len(days), min(days), max(days)) for pair, days in found.items()}


def met_of(store: Neo4jStore) -> dict[tuple[str, str], tuple[int, dt.date, dt.date]]:
    return {(e["staff"], e["stakeholder"]): (e["meetings"], e["first"], e["last"]) for e in store.met_edges()}


def test_met_edges_follow_the_meetings(bolt: BoltServer, bolt_database: str) -> None:
    with neo_store(bolt, bolt_database) as store:
        batch = sample_batch()
        store.import_batch(batch)
        # By hand: s1 met a-ceo in m1 (01-10) and m3 (03-10); s1-a-cfo m1; s3-a-ceo m3; s2-a-eng m2; s2-b-cto m4.
        d = dt.date
        assert met_of(store) == {
            ("s1", "a-ceo"): (2, d(2025, 1, 10), d(2025, 3, 10)), ("s1", "a-cfo"): (1, d(2025, 1, 10), d(2025, 1, 10)),
            ("s3", "a-ceo"): (1, d(2025, 3, 10), d(2025, 3, 10)), ("s2", "a-eng"): (1, d(2025, 2, 10), d(2025, 2, 10)),
            ("s2", "b-cto"): (1, d(2025, 1, 20), d(2025, 1, 20))}
        assert met_of(store) == expected_met(batch)
        store.import_batch(batch)  # re-import: nothing changes
        assert met_of(store) == expected_met(batch)
        # s1 joins m2, a-cfo is dropped from m1, a new meeting of s3 and a-cfo.
        batch.meetings[1] = batch.meetings[1].model_copy(update={"attendees": ["a-eng", "s1", "s2"]})
        batch.meetings[0] = batch.meetings[0].model_copy(update={"attendees": ["a-ceo", "s1"]})
        batch.meetings.append(Meeting(id="m5", date="2025-04-01", attendees=["s3", "a-cfo"]))
        store.import_batch(batch)
        met = met_of(store)
        assert met == expected_met(batch)
        assert ("s1", "a-cfo") not in met and met[("s1", "a-eng")] == (1, d(2025, 2, 10), d(2025, 2, 10))
        assert store.rebuild_met() == len(met)
        assert met_of(store) == met


def test_met_edges_of_one_member_split_across_statements(bolt: BoltServer, bolt_database: str) -> None:
    """One staff member meeting more new stakeholders than a statement holds (batch size 2): the MET
    entries go in several statements (a whole list in one made a message the Bolt test server refused),
    and every edge is made."""
    with neo_store(bolt, bolt_database, batch_size=2) as store:
        base = sample_batch()
        people = [c.model_copy(update={"id": f"a-p{i}", "email": None}) for i, c in enumerate(
            [base.stakeholders[0]] * 5)]
        batch = Batch(accounts=base.accounts, staff=base.staff, stakeholders=base.stakeholders + people,
                      meetings=[*base.meetings,
                                Meeting(id="m-all", date="2025-05-05", attendees=["s1", *(p.id for p in people)]),
                                Meeting(id="m-two", date="2025-05-06", attendees=["s2", "a-p0", "a-p4"])])
        store.import_batch(batch)
        met = met_of(store)
        d = dt.date(2025, 5, 5)
        # by hand: s1 met each of the five once on 05-05; s2 met a-p0 and a-p4 on 05-06
        assert {pair: v for pair, v in met.items() if pair[1].startswith("a-p")} == {
            **{("s1", f"a-p{i}"): (1, d, d) for i in range(5)},
            ("s2", "a-p0"): (1, dt.date(2025, 5, 6), dt.date(2025, 5, 6)),
            ("s2", "a-p4"): (1, dt.date(2025, 5, 6), dt.date(2025, 5, 6))}
        assert met == expected_met(batch)


def test_failure_after_many_batches_writes_nothing(bolt: BoltServer, bolt_database: str) -> None:
    with neo_store(bolt, bolt_database, batch_size=2) as store:
        assert store.batch_size == 2
        store.import_batch(Batch(accounts=[]))
        batch = sample_batch()  # 2 accounts, 3 staff, 5 stakeholders: several write batches each
        batch.meetings.append(Meeting(id="m9", date="2025-01-01", attendees=["s1", "nobody"]))
        with pytest.raises(InputError, match="nobody"):
            store.import_batch(batch)
        assert store.is_empty()
        summary = store.import_batch(sample_batch())
        assert summary.created == 15 and store.counts()["attendances"] == 10


def test_concurrent_imports_of_the_same_new_records(bolt: BoltServer, bolt_database: str) -> None:
    """Two imports of the same new records at once: the loser's ConstraintError is retried, both succeed."""
    stores = [neo_store(bolt, bolt_database) for _ in range(2)]
    results: list[object] = [None, None]
    start = threading.Barrier(2)

    def work(i: int) -> None:
        start.wait()
        try:
            results[i] = stores[i].import_batch(sample_batch())
        except Exception as exc:  # collected and checked below
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for store in stores:
        store.close()
    assert not [r for r in results if isinstance(r, Exception)], results
    with neo_store(bolt, bolt_database) as store:
        counts = store.counts()
    assert (counts["accounts"], counts["stakeholders"], counts["meetings"], counts["attendances"]) == (2, 5, 4, 10)


def test_unreachable_server_is_one_line(bolt: BoltServer) -> None:
    port = free_port()
    with pytest.raises(StoreError, match=r"^cannot reach bolt://neo4j@127.0.0.1:\d+/neo4j") as info:
        open_store(f"bolt://127.0.0.1:{port}", password="whatever1", env={}, connection_timeout=3)
    assert "\n" not in str(info.value)


def test_bad_credentials_and_unknown_database(bolt: BoltServer, bolt_database: str) -> None:
    with pytest.raises(StoreError, match="refused user") as info:
        open_store(bolt.url(bolt_database), password="wrong-password", env={})
    assert "wrong-password" not in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(StoreError, match="no database 'nosuchdb'"):
        open_store(bolt.url("nosuchdb"), password=bolt.password, env={})


def test_password_never_from_the_url_and_required(bolt: BoltServer) -> None:
    with pytest.raises(StoreError, match="refusing a password in the store URL") as info:
        open_store("bolt://neo4j:hunter22@127.0.0.1:7687", env={})
    assert "hunter22" not in str(info.value)
    with pytest.raises(StoreError, match="KAMGRAPH_NEO4J_PASSWORD"):
        open_store("bolt://127.0.0.1:7687", env={})


def test_user_database_and_password_from_the_environment(bolt: BoltServer, bolt_database: str) -> None:
    env = {"KAMGRAPH_NEO4J_USER": bolt.user, "KAMGRAPH_NEO4J_DATABASE": bolt_database,
           "KAMGRAPH_NEO4J_PASSWORD": bolt.password, "KAMGRAPH_NEO4J_BATCH_SIZE": "7"}
    with open_store(bolt.uri, env=env) as store:
        assert isinstance(store, Neo4jStore)
        assert (store.database, store.batch_size) == (bolt_database, 7)
        assert store.url == bolt.url(bolt_database) and bolt.password not in store.url
        assert store.schema_version() == SCHEMA_VERSION


def test_foreign_and_newer_databases_are_refused(bolt: BoltServer, driver: neo4j.Driver) -> None:
    if bolt.arcadedb is None:
        pytest.skip("needs databases it can create and drop (the ArcadeDB test server)")
    foreign, newer = bolt.new_database(), bolt.new_database()
    try:
        run_named(driver, foreign, "bench_create_nodes", rows=[{"id": "x"}])
        with pytest.raises(StoreError, match="not a kamgraph store"):
            bolt.open(foreign)
        run_named(driver, newer, "meta_init", key="schema", version=SCHEMA_VERSION + 1)
        with pytest.raises(StoreError, match="upgrade kamgraph"):
            bolt.open(newer)
    finally:
        bolt.release(foreign)
        bolt.release(newer)
