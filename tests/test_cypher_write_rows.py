"""The named write, alert and bookkeeping queries of cypher/ on a small known database: what they change.

tests/test_cypher_rows.py checks the rows of the read queries; here every write query of
``write.cypher``, ``alerts.cypher``, ``meta.cypher`` and ``met.cypher`` runs with the plain driver
on a fresh database, and what it returns and leaves behind is read back with plain Cypher written for
the test (tests/data/cypher_write_rows.cypher, never another named query) and compared with a
hand-worked expectation. Each test also pins the filter (the WHERE clause) of its query: rows the
filter must leave alone are in the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from kamgraph.store.cypher import parse_queries, queries

from .conftest import BoltServer

pytestmark = pytest.mark.bolt
D = neo4j.time.Date
#: The test's own Cypher (set-ups and read-backs), kept out of Python like all Cypher.
PLAIN_FILE = Path(__file__).parent / "data" / "cypher_write_rows.cypher"
PLAIN = parse_queries(PLAIN_FILE.read_text(), str(PLAIN_FILE))


class Db:
    """One fresh database on the Bolt test server, reached with the plain driver."""

    def __init__(self, driver: neo4j.Driver, database: str) -> None:
        self.driver, self.database = driver, database

    def named(self, name: str, **params: object) -> list[dict]:
        """Run one named query (write routing) and return its rows."""
        result = self.driver.execute_query(queries()[name].text, params, database_=self.database,
                                           routing_=neo4j.RoutingControl.WRITE)
        return [r.data() for r in result.records]

    def plain(self, name: str, **params: object) -> list[dict]:
        """Run one query of the test's own file (tests/data/cypher_write_rows.cypher)."""
        result = self.driver.execute_query(PLAIN[name].text, params, database_=self.database,
                                           routing_=neo4j.RoutingControl.WRITE)
        return [r.data() for r in result.records]


@pytest.fixture
def db(bolt: BoltServer, bolt_database: str) -> Iterator[Db]:
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        yield Db(driver, bolt_database)


def people(db: Db) -> None:
    """Two accounts; staff s1; stakeholders c1 (acme), c2 (acme), c3 (beta)."""
    db.plain("make_accounts")
    db.plain("make_staff")
    db.plain("make_acme_stakeholders")
    db.plain("make_beta_stakeholder")


# -- meta.cypher ------------------------------------------------------------------------------------


def test_meta_read_does_not_count_the_bookkeeping_as_data(db: Db) -> None:
    assert db.named("meta_read", key="schema") == [{"version": None, "has_data": False}]  # empty
    # only kamgraph's own bookkeeping (here the alert sequence, no schema record yet): still no data
    db.plain("make_alert_seq_record")
    assert db.named("meta_read", key="schema") == [{"version": None, "has_data": False}]
    db.plain("make_old_schema_record")
    assert db.named("meta_read", key="schema") == [{"version": 2, "has_data": False}]
    db.plain("make_foreign_node")  # anything else is data
    assert db.named("meta_read", key="schema") == [{"version": 2, "has_data": True}]


def test_meta_init_keeps_an_existing_record_and_upgrade_only_raises(db: Db) -> None:
    assert db.named("meta_init", key="schema", version=3) == [{"version": 3}]
    assert db.named("meta_init", key="schema", version=4) == [{"version": 3}]  # kept
    assert db.named("meta_upgrade", key="schema", version=3) == []  # not older: nothing set
    assert db.named("meta_upgrade", key="schema", version=2) == []  # never lowered
    assert db.named("meta_upgrade", key="schema", version=4) == [{"version": 4}]
    assert db.plain("meta_records") == [
        {"key": "schema", "version": 4}]


# -- write.cypher ---------------------------------------------------------------------------------


def test_existing_kinds(db: Db) -> None:
    assert db.named("existing_kinds") == [{"accounts": False, "staff": False, "stakeholders": False,
                                           "meetings": False}]
    db.plain("make_account_and_staff")
    assert db.named("existing_kinds") == [{"accounts": True, "staff": True, "stakeholders": False,
                                           "meetings": False}]


def test_create_and_update_records(db: Db) -> None:
    assert db.named("create_accounts", rows=[{"id": "acme", "name": "Acme", "tier": "A"}]) == [{"written": 1}]
    # update sets the properties of its rows (the store's rows hold every field: null removes one), keeps
    # the others, and touches only the ids it is given
    assert db.named("update_accounts", rows=[{"id": "acme", "name": "ACME", "tier": None},
                                             {"id": "nope", "name": "x"}]) == [{"written": 1}]
    assert db.plain("account_props") == [{"p": {"id": "acme", "name": "ACME"}}]
    assert db.named("update_accounts", rows=[{"id": "acme", "tier": "B"}]) == [{"written": 1}]
    assert db.plain("account_props") == [{"p": {"id": "acme", "name": "ACME", "tier": "B"}}]
    assert db.named("create_staff", rows=[{"id": "s1", "name": "Sam", "left_on": None},
                                          {"id": "s2", "name": "Ola", "left_on": "2025-02-01"}]) == [{"written": 2}]
    assert db.plain("staff_left_on") == [
        {"id": "s1", "left": None}, {"id": "s2", "left": D(2025, 2, 1)}]
    # a stakeholder of an unknown account is not created (and not counted)
    assert db.named("create_stakeholders", rows=[
        {"account": "acme", "props": {"id": "c1", "account": "acme", "left_on": None}},
        {"account": "zzz", "props": {"id": "c9", "account": "zzz", "left_on": None}}]) == [{"written": 1}]
    assert db.plain("stakeholder_employers") == [
        {"c": "c1", "a": "acme"}]
    assert db.named("update_people", rows=[{"id": "c1", "name": "Cy", "account": None, "left_on": "2025-03-04"},
                                           {"id": "ghost", "left_on": None}]) == [{"written": 1}]
    assert db.plain("c1_props") == [
        {"p": {"id": "c1", "name": "Cy", "left_on": D(2025, 3, 4)}}]


def test_team_and_employer_links(db: Db) -> None:
    people(db)
    assert db.named("link_teams", rows=[{"staff": "s1", "account": "acme"}, {"staff": "s1", "account": "beta"},
                                        {"staff": "s1", "account": "zzz"}]) == [{"written": 2}]
    db.named("unlink_teams", ids=["s1"])
    assert db.plain("team_link_count") == [{"n": 0}]
    # unlink_employers removes only the given people's WORKS_AT
    db.named("unlink_employers", ids=["c1"])
    assert db.plain("employers") == [
        {"c": "c2", "a": "acme"}, {"c": "c3", "a": "beta"}]
    assert db.named("link_employers", rows=[{"stakeholder": "c1", "account": "beta"}]) == [{"written": 1}]
    assert db.plain("c1_employer") == [{"a": "beta"}]


def test_reporting_lines_only_to_stakeholders(db: Db) -> None:
    people(db)
    written = db.named("link_reporting_lines", rows=[
        {"stakeholder": "c2", "manager": "c1", "line": "solid"},
        {"stakeholder": "c3", "manager": "c1", "line": "dotted"},
        {"stakeholder": "c2", "manager": "s1", "line": "solid"},   # a staff member is no manager
        {"stakeholder": "c2", "manager": "nobody", "line": "solid"}])
    assert written == [{"written": 2}]
    assert db.plain("reporting_lines_with_kind") == [
        {"a": "c2", "b": "c1", "line": "solid"}, {"a": "c3", "b": "c1", "line": "dotted"}]
    db.named("unlink_reporting_lines", ids=["c2"])  # only c2's outgoing line goes
    assert db.plain("reporting_lines") == [{"a": "c3", "b": "c1"}]


def test_meetings_and_attendees(db: Db) -> None:
    people(db)
    written = db.named("create_meetings", rows=[
        {"props": {"id": "m1", "date": "2025-01-05", "kind": "call"}, "attendees": ["s1", "c1", "ghost"]},
        {"props": {"id": "m2", "date": "2025-02-07", "kind": "meeting"}, "attendees": ["s1", "c2"]}])
    assert written == [{"written": 4}]  # the unknown attendee makes no attendance
    assert db.plain("meeting_dates") == [
        {"m": "m1", "d": D(2025, 1, 5)}, {"m": "m2", "d": D(2025, 2, 7)}]
    assert sorted_who(db, "m1") == ["c1", "s1"] and sorted_who(db, "m2") == ["c2", "s1"]
    assert db.named("update_meetings", rows=[{"id": "m1", "date": "2025-01-06", "kind": "qbr"},
                                             {"id": "m9", "date": "2025-01-01"}]) == [{"written": 1}]
    assert db.plain("m1_props") == [
        {"p": {"id": "m1", "date": D(2025, 1, 6), "kind": "qbr"}}]
    db.named("unlink_attendees", ids=["m1"])  # m2 keeps its attendees
    assert sorted_who(db, "m1") == [] and sorted_who(db, "m2") == ["c2", "s1"]
    assert db.named("link_attendees", rows=[{"person": "c3", "meeting": "m1"},
                                            {"person": "c3", "meeting": "m9"}]) == [{"written": 1}]
    assert sorted_who(db, "m1") == ["c3"]


def sorted_who(db: Db, meeting: str) -> list[str]:
    return sorted(r["p"] for r in db.plain("attendees_of", m=meeting))


def test_ties_updated_by_kind(db: Db) -> None:
    people(db)
    assert db.named("create_knows", rows=[{"source": "c1", "target": "c2", "weight": 0.5},
                                          {"source": "c1", "target": "ghost", "weight": 1.0}]) == [{"written": 1}]
    assert db.named("create_influences", rows=[{"source": "c1", "target": "c2", "weight": 0.25}]) == [
        {"written": 1}]
    # only the tie of the given kind changes, and only between the given people
    assert db.named("update_ties", rows=[{"source": "c1", "target": "c2", "kind": "influences", "weight": 0.9},
                                         {"source": "c2", "target": "c1", "kind": "knows", "weight": 0.1}]) == [
        {"written": 1}]
    assert db.plain("person_ties") == [
        {"a": "c1", "b": "c2", "kind": "INFLUENCES", "w": 0.9}, {"a": "c1", "b": "c2", "kind": "KNOWS", "w": 0.5}]


def test_mark_left_once_and_returned(db: Db) -> None:
    people(db)
    params = {"status": "left", "left_on": "2025-04-01", "moved_to": "Rival", "note": None}
    assert db.named("mark_left", id="c1", **params) == [{"id": "c1", "already": False}]
    assert db.named("mark_left", id="c1", **{**params, "left_on": "2025-05-01"}) == [{"id": "c1", "already": True}]
    assert db.named("mark_left", id="ghost", **params) == []
    assert db.plain("c1_departure") == [
        {"s": "left", "d": D(2025, 4, 1), "m": "Rival"}]  # the second call changed nothing
    assert db.plain("c2_status") == [{"s": None}]
    assert db.named("mark_returned", id="c1", status="active") == [{"id": "c1"}]
    assert db.plain("c1_departure") == [
        {"s": "active", "d": None, "m": None}]


def test_clear_some_deletes_only_kamgraph_records(db: Db) -> None:
    people(db)
    db.plain("make_records_of_every_label")
    total = 0
    while deleted := db.named("clear_some", limit=3)[0]["deleted"]:
        assert deleted <= 3
        total += deleted
    assert total == 2 + 4 + 4  # accounts, people, meeting + alert state
    assert db.plain("labels_left") == [
        {"labels": ["Foreign"]}, {"labels": ["KamgraphMeta"]}]


# -- met.cypher -------------------------------------------------------------------------------------


def test_refresh_and_create_met(db: Db) -> None:
    people(db)
    db.plain("make_staff_s2")
    db.named("create_meetings", rows=[
        {"props": {"id": "m1", "date": "2025-01-05"}, "attendees": ["s1", "c1", "c2"]},
        {"props": {"id": "m2", "date": "2025-03-07"}, "attendees": ["s1", "s2", "c1"]}])
    db.plain("make_stale_met")  # stale
    # s1 is staff: skipped; c2's stale edge is replaced, c3 (no meetings) gets none
    assert db.named("refresh_met", ids=["c1", "c2", "c3", "s1"]) == [{"written": 3}]
    assert db.plain("met_edges_full") == [
        {"s": "s1", "c": "c1", "n": 2, "f": D(2025, 1, 5), "l": D(2025, 3, 7)},
        {"s": "s2", "c": "c1", "n": 1, "f": D(2025, 3, 7), "l": D(2025, 3, 7)},
        {"s": "s1", "c": "c2", "n": 1, "f": D(2025, 1, 5), "l": D(2025, 1, 5)}]
    db.plain("drop_met")
    assert db.named("create_met", rows=[{"staff": "s2", "met": [
        {"stakeholder": "c3", "count": 2, "first": "2025-01-01", "last": "2025-02-02"},
        {"stakeholder": "ghost", "count": 1, "first": "2025-01-01", "last": "2025-01-01"}]}]) == [{"written": 1}]
    assert db.plain("met_edges_short") == [
        {"s": "s2", "c": "c3", "n": 2, "l": D(2025, 2, 2)}]


# -- alerts.cypher ----------------------------------------------------------------------------------


def test_alert_keys_clear_and_load(db: Db) -> None:
    db.plain("make_alerts")
    assert sorted(r["key"] for r in db.named("alert_open_keys", keys=["a", "c", "zz"])) == ["a"]
    def loaded(cleared_too: bool, accounts: list[str] | None) -> list[int]:
        found = db.named("alert_load", cleared_too=cleared_too, accounts=accounts)
        return sorted(r["props"]["seq"] for r in found)
    assert loaded(False, None) == [1, 2]
    assert loaded(True, None) == [0, 1, 2, 3]
    assert loaded(False, ["beta"]) == [2]
    assert loaded(True, ["acme"]) == [0, 1]
    assert loaded(True, []) == []
    # open alerts counted by account: acme seq 1, beta seq 2 (seq 0 and 3 are cleared)
    assert sorted((r["account"], r["n"]) for r in db.named("alert_open_counts")) == [("acme", 1), ("beta", 1)]
    # clearing touches open alerts of the given keys only; the date of an earlier clear stays
    assert db.named("alert_clear", keys=["a", "c"], day="2025-06-01") == [{"written": 1}]
    assert db.plain("alert_clears") == [
        {"seq": 0, "on": "2025-01-01"}, {"seq": 1, "on": "2025-06-01"}, {"seq": 2, "on": None},
        {"seq": 3, "on": "2025-01-02"}]


def test_alert_sequence_create_and_checks(db: Db) -> None:
    assert db.named("alert_next_seq", key="alert_seq", n=3) == [{"first": 0}]
    assert db.named("alert_next_seq", key="alert_seq", n=2) == [{"first": 3}]
    assert db.plain("meta_value") == [{"v": 5}]
    assert db.named("alert_create", rows=[{"key": "a", "seq": 0}, {"key": "b", "seq": 1}]) == [{"written": 2}]
    assert db.plain("alert_count") == [{"n": 2}]
    assert db.named("alert_check_save", rows=[{"account": "acme", "checked_on": "2025-01-01", "facts": "{}"}]) == [
        {"written": 1}]
    assert db.named("alert_check_save", rows=[{"account": "acme", "checked_on": "2025-02-01", "facts": "[1]"},
                                              {"account": "beta", "checked_on": "2025-02-01", "facts": "[]"}]) == [
        {"written": 2}]
    assert sorted(db.named("alert_check_load"), key=lambda r: r["account"]) == [
        {"account": "acme", "checked_on": "2025-02-01", "facts": "[1]"},
        {"account": "beta", "checked_on": "2025-02-01", "facts": "[]"}]  # replaced, not added


def test_outbox(db: Db) -> None:
    assert db.named("outbox_add", rows=[{"id": "o1", "attempts": 0, "payload": "{}"},
                                        {"id": "o2", "attempts": 0, "payload": "[]"}]) == [{"written": 2}]
    assert sorted(r["id"] for r in db.named("outbox_ids", ids=["o2", "o3"])) == ["o2"]
    assert db.named("outbox_failed", id="o1", error="HTTP 500") == [{"written": 1}]
    assert db.named("outbox_failed", id="o9", error="x") == [{"written": 0}]
    assert db.named("outbox_delivered", id="o2") == [{"written": 1}]
    assert db.named("outbox_delivered", id="o2") == [{"written": 0}]
    assert [r["props"] for r in db.named("outbox_load")] == [
        {"id": "o1", "attempts": 1, "payload": "{}", "last_error": "HTTP 500"}]


def test_stakeholders_of_accounts(db: Db) -> None:
    people(db)
    db.plain("make_reporting_lines_to_a_stakeholder_and_staff")

    def found(accounts: list[str] | None) -> list[tuple[str, list]]:
        return sorted((r["props"]["id"], sorted((x["manager"], x["line"]) for x in r["lines"]))
                      for r in db.named("stakeholders_of_accounts", accounts=accounts))
    # the line to the staff member is not a reporting line between stakeholders; staff are no stakeholders
    assert found(None) == [("c1", []), ("c2", [("c1", "dotted")]), ("c3", [])]
    assert found(["acme"]) == [("c1", []), ("c2", [("c1", "dotted")])]
    assert found(["zzz"]) == []


# -- read queries the first row checks left open ------------------------------------------------------


def test_accounts_by_folded_name_and_bulk_meetings_by_date(db: Db) -> None:
    people(db)
    db.plain("make_two_meetings")
    assert [r["props"]["id"] for r in db.named("accounts_by_folded_name", account_name="ACME")] == ["acme"]
    assert db.named("accounts_by_folded_name", account_name="Gamma") == []

    def meetings(as_of: object) -> list[str]:
        rows = db.named("bulk_meetings", ids=["acme"], as_of=as_of)
        assert all(r["account"] == "acme" for r in rows) and len(rows) <= 1  # one row per account
        return sorted(m[0] for r in rows for m in r["meetings"])
    assert meetings(None) == ["m1", "m2"]
    assert meetings(D(2025, 1, 31)) == ["m1"]  # m2 (2025-02-10) is after the date
    assert meetings(D(2025, 2, 10)) == ["m1", "m2"]  # a meeting on the date counts
