"""Store rules the seventh round of planted bugs found unchecked, worked out by hand (both stores, every rule
being the store's contract; the plain Neo4j driver where a value is read back from the graph).

- ``kamgraph forget``: a meeting whose last stakeholder is erased goes, with the attendances of our staff in it,
  while a meeting another stakeholder still attends stays (Neo4j's ``erase_meeting_client_attendees`` must
  answer for a meeting nobody of the client attends any more, with a count of 0);
- ``kamgraph forget``: where a person went (``moved_to``) is free text that may name the erased, and is
  scrubbed even when the person has neither a note nor a title (Neo4j's ``erase_person_texts`` reads it);
- ``kamgraph forget``: a staff member's title naming the erased is scrubbed as a stakeholder's is (SQLite's
  ``_scrub_texts`` reads the staff table's titles too);
- provenance keeps, for every kind of record, the first sighting and the latest one: a later pull moves
  ``last_seen`` on, a replay of an older one moves neither day (SQLite's ``max(last_seen, ...)``, Neo4j's
  ``provenance_write_people`` writing the people's ``last`` list);
- the bulk read (``load_accounts``) gives an account's snapshot only the reporting lines between its own
  stakeholders, as the one-account read does: a line to a manager at another account stays a field of the
  stakeholder, not a line of the snapshot (Neo4j's ``_build_chunk``);
- ``kamgraph forget`` of a person leaves the meetings they were not in alone, an internal meeting of our staff
  too (Neo4j's ``erase_account_meetings`` touches the meetings of the erased *accounts* only); forgetting an
  account deletes the meetings recorded on it that no stakeholder is left in (SQLite's erasure looks them up
  by ``meeting.account_id``);
- Neo4j: a restored alert state (``kamgraph copy``, ``forget``) keeps its dates as Cypher dates, as
  ``cypher/alerts.cypher`` says, so that a Cypher date comparison finds them (read with the plain driver).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import neo4j
import pytest

from kamgraph.domain.alert_state import AlertRecord
from kamgraph.domain.dataset import Batch
from kamgraph.domain.erasure import ERASED, AlertState, Erasure
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.domain.provenance import Provenance
from kamgraph.store.base import GraphStore
from kamgraph.store.cypher import parse_queries

from .conftest import BoltServer

#: The test-only statements the plain driver runs (no Cypher outside a catalogue file).
PLANT7 = parse_queries((Path(__file__).parent / "data" / "plant7.cypher").read_text(), "plant7.cypher")


def test_a_meeting_whose_last_stakeholder_is_erased_goes_with_its_staff_attendances(store: GraphStore) -> None:
    store.import_batch(Batch(
        accounts=[Account(id="acc", name="Acme")],
        staff=[Staff(id="s1", name="Sam", accounts=["acc"])],
        stakeholders=[Stakeholder(id="c1", account="acc", name="Cy Smith"),
                      Stakeholder(id="c2", account="acc", name="Di")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s1", "c1"]),
                  Meeting(id="m2", date=dt.date(2026, 1, 6), attendees=["s1", "c1", "c2"])]))
    counts = store.erase(Erasure(people=["c1"], accounts=[]), lambda state: state)
    # m1 had c1 as its only stakeholder: it goes; m2 keeps c2, so it stays
    assert counts.meetings == 1
    # attendances: c1's in m1 and m2 (2), plus s1's in m1, which went with the meeting (1) = 3
    assert counts.attendances == 3
    assert [m.id for m in store.person_meetings("s1")] == ["m2"]
    assert [m.id for m in store.person_meetings("c2")] == ["m2"]
    assert store.person_meetings("s1")[0].attendees == ["c2", "s1"]


def test_where_someone_went_is_scrubbed_even_without_a_note_or_a_title(store: GraphStore) -> None:
    store.import_batch(Batch(
        accounts=[Account(id="acc", name="Acme")],
        stakeholders=[Stakeholder(id="c1", account="acc", name="Cy Smith"),
                      Stakeholder(id="c2", account="acc", name="Di", status="left", left_on=dt.date(2026, 2, 1),
                                  moved_to="Globex, with Cy Smith")]))
    counts = store.erase(Erasure(people=["c1"], accounts=[], needles=["Cy Smith"]), lambda state: state)
    # c2 has no note and no title; only moved_to names Cy Smith: one text scrubbed
    assert counts.texts_scrubbed == 1
    c2 = store.get_person("c2")
    assert (c2.moved_to, c2.note, c2.title) == (f"Globex, with {ERASED}", None, None)


def test_provenance_keeps_the_first_and_the_latest_sighting_of_every_kind(store: GraphStore) -> None:
    store.import_batch(Batch(
        accounts=[Account(id="acc", name="Acme")],
        staff=[Staff(id="s1", name="Sam", accounts=["acc"])],
        stakeholders=[Stakeholder(id="c1", account="acc", name="Cy")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s1", "c1"])]))
    records = [("account", "acc"), ("staff", "s1"), ("stakeholder", "c1"), ("meeting", "m1")]

    def seen(day: int) -> None:
        on = dt.date(2026, 3, day)
        store.record_provenance([Provenance(kind=kind, record_id=rid, source="hubspot", source_id=f"h-{rid}",
                                            first_seen=on, last_seen=on) for kind, rid in records])

    def days() -> dict[str, tuple[dt.date, dt.date]]:
        found = store.provenance_of([rid for _, rid in records])
        return {rid: (entries[0].first_seen, entries[0].last_seen) for rid, entries in found.items()}

    seen(1)
    seen(8)  # a later pull: first 1 March, last 8 March
    seen(4)  # a replay of an older pull: neither day moves
    march = (dt.date(2026, 3, 1), dt.date(2026, 3, 8))
    assert days() == {"acc": march, "s1": march, "c1": march, "m1": march}


def test_the_bulk_read_keeps_only_reporting_lines_within_the_account(store: GraphStore) -> None:
    store.import_batch(Batch(
        accounts=[Account(id="a1", name="Acme"), Account(id="a2", name="Bolt")],
        stakeholders=[Stakeholder(id="c1", account="a1", name="Cy"),
                      Stakeholder(id="c3", account="a2", name="Ed"),
                      # c2, at a2, reports to c1 of the other account and has a dotted line to c3 of its own
                      Stakeholder(id="c2", account="a2", name="Di", reports_to="c1", dotted_to=["c3"])]))
    one = store.load_account("a2")
    bulk = {s.account.id: s for s in store.load_accounts(["a1", "a2"])}
    for snapshot in (one, bulk["a2"]):
        # only the line to c3 is inside a2; c2 keeps its manager c1 as a field
        assert [(ln.stakeholder, ln.manager, ln.line.value) for ln in snapshot.reporting_lines] == [
            ("c2", "c3", "dotted")]
        assert {s.id: s.reports_to for s in snapshot.stakeholders} == {"c2": "c1", "c3": None}
    assert bulk["a1"].reporting_lines == []


def test_a_staff_members_title_naming_the_erased_is_scrubbed(store: GraphStore) -> None:
    store.import_batch(Batch(
        accounts=[Account(id="acc", name="Acme")],
        staff=[Staff(id="s1", name="Sam", title="Account lead for Cy Smith", accounts=["acc"])],
        stakeholders=[Stakeholder(id="c1", account="acc", name="Cy Smith")]))
    counts = store.erase(Erasure(people=["c1"], accounts=[], needles=["Cy Smith"]), lambda state: state)
    # only s1's title names Cy Smith: one text scrubbed, the rest of the title kept
    assert counts.texts_scrubbed == 1
    assert store.get_person("s1").title == f"Account lead for {ERASED}"


def _two_meetings(store: GraphStore) -> None:
    """m1: Sam and Cy (acc's only stakeholder); m-int: Sam and Tess alone, an internal meeting on acc."""
    store.import_batch(Batch(
        accounts=[Account(id="acc", name="Acme")],
        staff=[Staff(id="s1", name="Sam", accounts=["acc"]), Staff(id="s2", name="Tess", accounts=["acc"])],
        stakeholders=[Stakeholder(id="c1", account="acc", name="Cy Smith")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), account="acc", attendees=["s1", "c1"]),
                  Meeting(id="m-int", date=dt.date(2026, 1, 6), account="acc", attendees=["s1", "s2"])]))


def test_forgetting_a_person_keeps_meetings_they_were_not_in(store: GraphStore) -> None:
    _two_meetings(store)
    counts = store.erase(Erasure(people=["c1"], accounts=[]), lambda state: state)
    # m1 loses its only stakeholder and goes; m-int had nothing of c1 and stays, with both attendees
    assert counts.meetings == 1
    assert [(m.id, m.attendees) for m in store.person_meetings("s2")] == [("m-int", ["s1", "s2"])]
    assert [m.id for m in store.person_meetings("s1")] == ["m-int"]


def test_forgetting_an_account_deletes_the_meetings_recorded_on_it(store: GraphStore) -> None:
    _two_meetings(store)
    counts = store.erase(Erasure(people=["c1"], accounts=["acc"]), lambda state: state)
    # m1 (c1 gone) and m-int (recorded on the erased account, no stakeholder in it) both go
    assert (counts.accounts, counts.meetings) == (1, 2)
    assert store.person_meetings("s1") == [] and store.person_meetings("s2") == []


@pytest.mark.bolt
def test_a_restored_alert_state_keeps_its_dates_as_cypher_dates(bolt: BoltServer, bolt_database: str) -> None:
    alert = AlertRecord(key="overdue:acc:c1", rule="overdue", account="acc", subject="c1", severity="high",
                        state="f1", title="Cy is overdue", message="Nobody met Cy", raised_on=dt.date(2026, 3, 1),
                        cleared_on=dt.date(2026, 3, 9))
    with bolt.open(bolt_database) as store:
        store.import_batch(Batch(accounts=[Account(id="acc", name="Acme")]))
        store.restore_alert_state(AlertState(alerts=[alert]))
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        records = driver.execute_query(PLANT7["p7_alert_dates"].text, database_=bolt_database).records
        # as cypher/alerts.cypher says: dates are Cypher dates, so a date comparison in Cypher finds the alert
        later = driver.execute_query(PLANT7["p7_alerts_cleared_since"].text, {"day": "2026-03-05"},
                                     database_=bolt_database).records
    dates = [(r["raised"], r["cleared"]) for r in records]
    assert dates == [(neo4j.time.Date(2026, 3, 1), neo4j.time.Date(2026, 3, 9))]
    assert later[0]["n"] == 1
