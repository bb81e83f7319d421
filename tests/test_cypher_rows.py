"""The named read queries of cypher/ on a small known store: their rows, not only that they run.

The store is tests/test_store.py's ``sample_batch`` (two accounts, three staff, five stakeholders, four
meetings, one tie), imported by the Neo4j store; each query then runs with the plain driver and its
rows are compared with what the records say, written out here by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import neo4j
import pytest

from kamgraph.store.cypher import queries

from .conftest import BoltServer
from .test_store import sample_batch

pytestmark = pytest.mark.bolt
D = neo4j.time.Date
LINES_ENG = [("a-ceo", "dotted"), ("a-cfo", "solid")]


@pytest.fixture(scope="module")
def known(bolt: BoltServer) -> Iterator[tuple[neo4j.Driver, str]]:
    database = bolt.new_database()
    with bolt.open(database) as store:
        store.import_batch(sample_batch())
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        yield driver, database
    bolt.release(database)


def rows(known: tuple[neo4j.Driver, str], name: str, **params: object) -> list[dict]:
    driver, database = known
    return [r.data() for r in driver.execute_query(queries()[name].text, params, database_=database,
                                                   routing_=neo4j.RoutingControl.READ).records]


def ids(found: list[dict], key: str = "props") -> list[str]:
    return sorted(r[key]["id"] if key == "props" else r[key] for r in found)


def lines(row: dict) -> list[tuple[str, str]]:
    return sorted((x["manager"], x["line"]) for x in row["lines"])


def test_count_records(known: tuple[neo4j.Driver, str]) -> None:
    # reporting lines: a-cfo -> a-ceo, a-eng -> a-cfo (solid) and a-eng -> a-ceo (dotted); 3+2+3+2 attendances
    assert rows(known, "count_records") == [{"accounts": 2, "staff": 3, "stakeholders": 5, "meetings": 4,
                                              "relationships": 1, "reporting_lines": 3, "attendances": 10}]


def test_lookups_by_ids(known: tuple[neo4j.Driver, str]) -> None:
    people = rows(known, "people_by_ids", ids=["s1", "a-ceo", "nobody", "b-cto"])
    assert sorted((r["id"], r["kind"], r["account"]) for r in people) == [
        ("a-ceo", "stakeholder", "acme"), ("b-cto", "stakeholder", "beta"), ("s1", "staff", None)]
    assert [r["id"] for r in rows(known, "accounts_by_ids", ids=["acme", "zzz"])] == ["acme"]
    staff = rows(known, "staff_by_ids", ids=["s2", "s3", "a-ceo"])  # a stakeholder is not staff
    assert sorted((r["props"]["id"], sorted(r["accounts"])) for r in staff) == [("s2", ["acme", "beta"]),
                                                                                 ("s3", [])]
    clients = rows(known, "stakeholders_by_ids", ids=["a-eng", "s1", "a-cfo"])  # staff are not stakeholders
    assert sorted((r["props"]["id"], lines(r)) for r in clients) == [("a-cfo", [("a-ceo", "solid")]),
                                                                     ("a-eng", LINES_ENG)]
    meetings = rows(known, "meetings_by_ids", ids=["m1", "m9"])
    assert [(r["props"]["id"], sorted(r["attendees"])) for r in meetings] == [("m1", ["a-ceo", "a-cfo", "s1"])]
    assert rows(known, "ties_from", ids=["a-eng", "a-ceo"]) == [
        {"source": "a-eng", "target": "a-ceo", "kind": "knows", "weight": 0.5}]
    assert rows(known, "ties_from", ids=["a-ceo"]) == []  # a-ceo is the target, not the source


def test_account_list_queries(known: tuple[neo4j.Driver, str]) -> None:
    found = rows(known, "account_rows", active="active", left="left")
    assert sorted((r["id"], r["name"], r["active"], r["departed"]) for r in found) == [
        ("acme", "Acme", 3, 1), ("beta", "Beta Corp", 1, 0)]  # a-old left on 2025-02-01
    stats = rows(known, "account_meeting_stats")
    assert sorted((r["id"], r["meeting_count"], r["last"], sorted(r["staff"])) for r in stats) == [
        ("acme", 3, D(2025, 3, 10), ["s1", "s2", "s3"]), ("beta", 1, D(2025, 1, 20), ["s2"])]
    teams = rows(known, "account_teams")
    assert sorted((r["id"], sorted(r["staff"])) for r in teams) == [("acme", ["s1", "s2"]), ("beta", ["s2"])]


def test_one_account(known: tuple[neo4j.Driver, str]) -> None:
    assert [r["props"]["name"] for r in rows(known, "account_by_id", id="acme")] == ["Acme"]
    assert rows(known, "account_by_id", id="zzz") == []
    people = rows(known, "account_stakeholders", id="acme")
    assert ids(people) == ["a-ceo", "a-cfo", "a-eng", "a-old"]
    assert [lines(r) for r in people if r["props"]["id"] == "a-eng"] == [LINES_ENG]
    upto = rows(known, "account_meetings", id="acme", as_of=dt.date(2025, 2, 10))  # m2 on that day counts
    assert ids(upto) == ["m1", "m2"]
    assert {r["props"]["id"]: sorted(r["staff"]) for r in upto} == {"m1": ["s1"], "m2": ["s2"]}
    assert ids(rows(known, "account_meetings", id="acme", as_of=dt.date(2025, 2, 9))) == ["m1"]
    assert ids(rows(known, "account_meetings", id="acme", as_of=None)) == ["m1", "m2", "m3"]
    assert ids(rows(known, "account_meetings", id="beta", as_of=None)) == ["m4"]
    assert ids(rows(known, "account_team", id="acme"), "id") == ["s1", "s2"]
    assert rows(known, "account_ties", id="acme") == [
        {"source": "a-eng", "target": "a-ceo", "kind": "knows", "weight": 0.5}]  # once, though both ends are acme's
    assert rows(known, "account_ties", id="beta") == []


def test_one_person(known: tuple[neo4j.Driver, str]) -> None:
    (eng,) = rows(known, "person_by_id", id="a-eng")
    assert (eng["staff"], eng["accounts"], lines(eng)) == (False, [], LINES_ENG)
    (s2,) = rows(known, "person_by_id", id="s2")
    assert (s2["staff"], sorted(s2["accounts"]), s2["lines"]) == (True, ["acme", "beta"], [])
    assert rows(known, "person_by_id", id="nobody") == []
    assert ids(rows(known, "person_meetings", id="s1", as_of=None)) == ["m1", "m3"]
    assert ids(rows(known, "person_meetings", id="s1", as_of=dt.date(2025, 3, 10))) == ["m1", "m3"]
    assert ids(rows(known, "person_meetings", id="s1", as_of=dt.date(2025, 3, 9))) == ["m1"]
    (m3,) = [r for r in rows(known, "person_meetings", id="s3", as_of=None)]
    assert sorted(m3["attendees"]) == ["a-ceo", "s1", "s3"] and m3["props"]["date"] == D(2025, 3, 10)


def test_dump_queries(known: tuple[neo4j.Driver, str]) -> None:
    assert ids(rows(known, "all_accounts")) == ["acme", "beta"]
    assert sorted((r["props"]["id"], sorted(r["accounts"])) for r in rows(known, "all_staff")) == [
        ("s1", ["acme"]), ("s2", ["acme", "beta"]), ("s3", [])]
    assert ids(rows(known, "all_stakeholders")) == ["a-ceo", "a-cfo", "a-eng", "a-old", "b-cto"]
    assert {r["props"]["id"]: len(r["attendees"]) for r in rows(known, "all_meetings")} == {
        "m1": 3, "m2": 2, "m3": 3, "m4": 2}
    assert rows(known, "all_ties") == [{"source": "a-eng", "target": "a-ceo", "kind": "knows", "weight": 0.5}]
    assert ids(rows(known, "stakeholder_ids"), "id") == ["a-ceo", "a-cfo", "a-eng", "a-old", "b-cto"]


def test_met_edges(known: tuple[neo4j.Driver, str]) -> None:
    # (staff, stakeholder) -> meetings together, first, last: s1 met a-ceo at m1 and m3
    found = {(r["staff"], r["stakeholder"]): (r["meetings"], r["first"], r["last"]) for r in rows(known, "met_edges")}
    assert found == {("s1", "a-ceo"): (2, D(2025, 1, 10), D(2025, 3, 10)),
                     ("s1", "a-cfo"): (1, D(2025, 1, 10), D(2025, 1, 10)),
                     ("s3", "a-ceo"): (1, D(2025, 3, 10), D(2025, 3, 10)),
                     ("s2", "a-eng"): (1, D(2025, 2, 10), D(2025, 2, 10)),
                     ("s2", "b-cto"): (1, D(2025, 1, 20), D(2025, 1, 20))}
