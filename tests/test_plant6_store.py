"""Store rules the sixth round of planted bugs found unchecked, worked out by hand and read back without the
store's code (plain ``sqlite3`` SQL, the plain Neo4j driver).

- Updating a stakeholder rewrites *their own* reporting lines only: the lines of the people who report to them
  stay (Neo4j's ``unlink_reporting_lines`` deletes the outgoing ``REPORTS_TO`` of the updated people, not the
  incoming ones).
- A person's meetings up to a date include the meetings *on* that date (``m.date <= ?``), for staff and
  stakeholders alike (both stores).
- Neo4j ``analyze --write``: each staff member's MET edge into a stakeholder gets the figures of that tie, not
  another staff member's (``metrics_write_ties`` matches the edge by both ends), read with the plain driver;
- Neo4j ``analyze --write``: a staff member no longer in an account's newer snapshot loses that account from
  ``kg_accounts`` and keeps their other accounts (``metrics_staff_of_accounts`` finds staff listing *any* of the
  written accounts);
- Neo4j's bulk read: a stakeholder node without the ``verified`` property reads as verified, as the one-account
  read and the model's default have it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import neo4j
import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.metrics import AccountMetrics, MetricsSnapshot, PersonMetrics, TieMetrics
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore
from kamgraph.store.cypher import parse_queries, queries

from .conftest import BoltServer

#: The test-only reads of tests/test_writeback.py (every MET edge with its properties).
WRITEBACK = parse_queries((Path(__file__).parent / "data" / "writeback.cypher").read_text(), "writeback.cypher")
#: The test-only read of tests/test_writeback_staff_totals.py (a staff member's kg_ totals and accounts).
TOTALS = parse_queries((Path(__file__).parent / "data" / "staff_totals.cypher").read_text(), "staff_totals.cypher")
#: This file's own test-only statements.
PLANT6 = parse_queries((Path(__file__).parent / "data" / "plant6.cypher").read_text(), "plant6.cypher")

#: c-eng reports to c-cto (solid) and to c-cfo (dotted); c-cto reports to c-ceo.
LINES = [("c-cto", "c-ceo", "solid"), ("c-eng", "c-cfo", "dotted"), ("c-eng", "c-cto", "solid")]


def _people(cto_title: str) -> list[Stakeholder]:
    return [Stakeholder(id="c-ceo", account="acme", name="Cleo Chief"),
            Stakeholder(id="c-cfo", account="acme", name="Fay Finance"),
            Stakeholder(id="c-cto", account="acme", name="Tom Tech", title=cto_title, reports_to="c-ceo"),
            Stakeholder(id="c-eng", account="acme", name="Eno Eng", reports_to="c-cto", dotted_to=["c-cfo"])]


def _check(store: object, read_back: object) -> None:
    store.import_batch(Batch(accounts=[Account(id="acme", name="Acme")],  # type: ignore[attr-defined]
                             stakeholders=_people("CTO")))
    assert read_back() == LINES  # type: ignore[operator]
    # Only c-cto changes (a new title): c-cto keeps its line to c-ceo, and c-eng, not in this import, keeps both
    # of its lines, the solid one into c-cto too.
    summary = store.import_batch(Batch(stakeholders=[_people("Chief Technology Officer")[2]]))  # type: ignore
    assert summary.kinds["stakeholders"].updated == 1
    assert read_back() == LINES  # type: ignore[operator]
    eng = store.get_person("c-eng")  # type: ignore[attr-defined]
    assert (eng.reports_to, eng.dotted_to) == ("c-cto", ["c-cfo"])


def test_updating_a_manager_keeps_the_lines_into_them_in_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"

    def read_back() -> list[tuple[str, str, str]]:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT stakeholder_id, manager_id, line FROM reporting_line "
                              "ORDER BY stakeholder_id, manager_id").fetchall()

    with open_store(f"sqlite:///{path}", create=True) as store:
        _check(store, read_back)


@pytest.mark.bolt
def test_updating_a_manager_keeps_the_lines_into_them_in_neo4j(bolt: BoltServer, bolt_database: str) -> None:
    def read_back() -> list[tuple[str, str, str]]:
        with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
            # the dump's read of every stakeholder with its lines (cypher/read.cypher), not the write path under test
            records = driver.execute_query(queries()["all_stakeholders"].text, database_=bolt_database).records
        return sorted((r["props"]["id"], line["manager"], line["line"]) for r in records for line in r["lines"])

    with bolt.open(bolt_database) as store:
        _check(store, read_back)


def test_a_persons_meetings_up_to_a_date_include_that_day(store: GraphStore) -> None:
    day = dt.date(2025, 5, 20)
    store.import_batch(Batch(
        accounts=[Account(id="acme", name="Acme")],
        staff=[Staff(id="s1", name="Sam One", accounts=["acme"])],
        stakeholders=[Stakeholder(id="c1", account="acme", name="Cy One")],
        meetings=[Meeting(id=f"m{i}", date=day + dt.timedelta(days=i - 1), attendees=["s1", "c1"])
                  for i in range(3)]))  # m0 the day before, m1 on the day, m2 the day after
    for pid in ("s1", "c1"):
        # newest first: m1 (on the day) and m0; m2 is after it
        assert [m.id for m in store.person_meetings(pid, day)] == ["m1", "m0"]
        assert [m.id for m in store.person_meetings(pid, day - dt.timedelta(days=1))] == ["m0"]
        assert [m.id for m in store.person_meetings(pid)] == ["m2", "m1", "m0"]


@pytest.mark.bolt
def test_each_met_edge_gets_its_own_tie_figures(bolt: BoltServer, bolt_database: str) -> None:
    day, met_on = dt.date(2026, 5, 1), dt.date(2026, 4, 20)
    batch = Batch(accounts=[Account(id="acc", name="Acme")],
                  staff=[Staff(id=s, name=s.upper(), accounts=["acc"]) for s in ("s1", "s2")],
                  stakeholders=[Stakeholder(id="c1", account="acc", name="Cy One")],
                  meetings=[Meeting(id="m1", date=met_on, attendees=["s1", "s2", "c1"])])

    def tie(staff: str, strength: float, thread: bool) -> TieMetrics:
        return TieMetrics(account="acc", staff=staff, stakeholder="c1", as_of=day, strength=strength, meetings=1,
                          first_met=met_on, last_met=met_on, thread=thread, sole_thread=thread)

    # s1 is c1's only thread (strength 2.5); s2 met c1 too, below the threshold (0.25)
    snapshot = MetricsSnapshot(
        account=AccountMetrics(account="acc", name="Acme", as_of=day, fingerprint="f", generation=1,
                               computed_at=dt.datetime(2026, 5, 2, 9, 0)),
        ties=[tie("s1", 2.5, True), tie("s2", 0.25, False)])
    with bolt.open(bolt_database) as store:
        store.import_batch(batch)
        assert store.write_metrics([snapshot]) == 1
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        records = driver.execute_query(WRITEBACK["wb_met"].text, database_=bolt_database).records
    found = {(r["staff"], r["stakeholder"]): r["props"] for r in records}
    assert sorted(found) == [("s1", "c1"), ("s2", "c1")]
    figures = {pair: (props.get("kg_strength"), props.get("kg_thread"), props.get("kg_sole_thread"))
               for pair, props in found.items()}
    assert figures == {("s1", "c1"): (2.5, True, True), ("s2", "c1"): (0.25, False, False)}


@pytest.mark.bolt
def test_a_staff_member_gone_from_one_account_keeps_the_other_in_kg_accounts(bolt: BoltServer,
                                                                           bolt_database: str) -> None:
    day = dt.date(2026, 5, 1)
    batch = Batch(accounts=[Account(id=a, name=a.title()) for a in ("acc", "other")],
                  staff=[Staff(id="s1", name="Sam", accounts=["acc", "other"]),
                         Staff(id="s2", name="Sue", accounts=["acc"])])

    def snapshot(account: str, as_of: dt.date, staff: list[str]) -> MetricsSnapshot:
        return MetricsSnapshot(
            account=AccountMetrics(account=account, name=account.title(), as_of=as_of, fingerprint="f",
                                   generation=1, computed_at=dt.datetime(2026, 5, 2, 9, 0)),
            people=[PersonMetrics(account=account, person=s, as_of=as_of, kind="staff", name=s) for s in staff])

    def accounts_of(staff: str) -> list[str] | None:
        with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver, \
                driver.session(database=bolt_database) as session:
            found = session.run(TOTALS["st_staff_totals"].text, {"id": staff}).single()["accounts"]
        return None if found is None else list(found)

    with bolt.open(bolt_database) as store:
        store.import_batch(batch)
        assert store.write_metrics([snapshot("acc", day, ["s1", "s2"]), snapshot("other", day, ["s1"])]) == 2
        assert (accounts_of("s1"), accounts_of("s2")) == (["acc", "other"], ["acc"])
        # a day later s1 is no longer among acc's analysed staff: acc goes from s1's list, other stays
        assert store.write_metrics([snapshot("acc", day + dt.timedelta(days=1), ["s2"])]) == 1
        assert (accounts_of("s1"), accounts_of("s2")) == (["other"], ["acc"])


@pytest.mark.bolt
def test_a_stakeholder_without_the_verified_property_reads_as_verified(bolt: BoltServer, bolt_database: str) -> None:
    # the model's default is verified = True; the bulk read (load_accounts) must agree with load_account
    with bolt.open(bolt_database) as store:
        store.import_batch(Batch(accounts=[Account(id="acme", name="Acme")],
                                 stakeholders=[Stakeholder(id="c1", account="acme", name="Cy One"),
                                               Stakeholder(id="c2", account="acme", name="Cy Two", verified=False)]))
        with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
            records = driver.execute_query(PLANT6["p6_remove_verified"].text, {"id": "c1"},
                                           database_=bolt_database).records
        assert records[0]["written"] == 1
        one = {p.id: p.verified for p in store.load_account("acme").stakeholders}
        bulk = {p.id: p.verified for snap in store.load_accounts(["acme"]) for p in snap.stakeholders}
        assert one == bulk == {"c1": True, "c2": False}
