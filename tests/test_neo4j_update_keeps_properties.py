"""A re-import that updates Neo4j nodes sets kamgraph's own properties and leaves every other one alone: a
property a user added in Neo4j Browser, the kg_ figures of ``analyze --write`` and the pull's sources stay;
a field the new record no longer has is removed. Read back with the plain driver."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.store.cypher import parse_queries

from .conftest import BoltServer

DAY = dt.date(2026, 3, 2)
_FILE = Path(__file__).parent / "data" / "update_keeps_properties.cypher"
QUERIES = parse_queries(_FILE.read_text(encoding="utf-8"), str(_FILE))


def _batch(title: str, department: str | None, subject: str) -> Batch:
    return Batch(accounts=[Account(id="acme", name="Acme", tier="key")],
                 staff=[Staff(id="s1", name="Sam Staff", accounts=["acme"])],
                 stakeholders=[Stakeholder(id="c1", account="acme", name="Cleo Client", title=title,
                                           department=department)],
                 meetings=[Meeting(id="m1", date=DAY, attendees=["s1", "c1"], subject=subject)])


@pytest.mark.bolt
def test_an_update_keeps_properties_kamgraph_does_not_own(bolt: BoltServer) -> None:
    import neo4j

    database = bolt.new_database()
    try:
        with bolt.open(database) as store:
            store.import_batch(_batch("CTO", "IT", "kick-off"))
            with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
                driver.execute_query(QUERIES["user_properties"].text, database_=database)
                summary = store.import_batch(_batch("CEO", None, "review"))
                assert [summary.kinds[k].updated for k in ("accounts", "stakeholders", "meetings")] == [0, 1, 1]
                store.import_batch(Batch(accounts=[Account(id="acme", name="Acme AG", tier="key")]))
                found = driver.execute_query(QUERIES["all_properties"].text, database_=database).records[0]
            person, account, meeting = found["p"], found["a"], found["m"]
            # kamgraph's fields as the new records say (department no longer given: gone)...
            assert person["title"] == "CEO" and person.get("department") is None
            assert account["name"] == "Acme AG" and meeting["subject"] == "review"
            # ...and everything else as it was.
            assert (person["crm_owner"], person["kg_importance"]) == ("Ola", 0.5)
            assert account["region"] == "EMEA" and meeting["room"] == "Oslo 3"
            # The store's records hold only their own fields.
            assert store.get_person("c1") == Stakeholder(id="c1", account="acme", name="Cleo Client", title="CEO")
    finally:
        bolt.release(database)
