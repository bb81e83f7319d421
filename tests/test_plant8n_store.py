"""Store rules the eighth round of planted bugs found unchecked, worked out by hand (both stores, every rule
being the store's contract).

(``tests/test_plant8_store.py`` is the third round's file; this one is the eighth round's.)

- an objective marked done (or dropped) a second time is refused and keeps the day it was closed on (Neo4j's
  ``objective_set_state`` writes nothing when the state is the one asked for);
- objectives are listed by account, then due day, then id (Neo4j sorts them in Python);
- of the people sharing an address, ``people_by_email`` gives the one with the smallest id, staff or
  stakeholder (Neo4j keeps the first of the people sorted by id);
- a person's meetings come latest first, those of one day by id (Neo4j sorts by id, then by date, stable);
- a provenance source id with a space in it (a recurring calendar occurrence's ``UID INSTANT``) comes back
  whole: Neo4j keeps ``SOURCE SOURCE_ID`` in one list element and splits it at the first space;
- a store holding stakeholders but no staff yet still looks the incoming stakeholders up (an update, not a
  second node) and refuses a staff member with a stakeholder's id (Neo4j's ``existing_kinds``: ties need
  people of either kind);
- a dotted line to a stakeholder's own solid manager is stored as the solid line alone (two lines, not three;
  the manager not read back among the dotted ones), as SQLite's one row per pair holds it (since the
  ``Stakeholder`` model drops that dotted line itself, the rule holds before either store sees the record).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.domain.plans import Objective, ObjectiveState
from kamgraph.domain.provenance import Provenance
from kamgraph.errors import ConflictError, InputError
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


def test_an_address_two_people_share_finds_the_smallest_id(store: GraphStore) -> None:
    store.import_batch(Batch(
        accounts=[Account(id="a", name="A")],
        staff=[Staff(id="s-pat", name="Pat (ours)", email="pat@shared.example")],
        stakeholders=[Stakeholder(id="c-pat", account="a", name="Pat", email="pat@shared.example"),
                      Stakeholder(id="c-zed", account="a", name="Pat Z", email="pat@shared.example"),
                      Stakeholder(id="c-ann", account="a", name="Ann", email="ann@a.example")]))
    # ids in order: c-ann, c-pat, c-zed, s-pat -- of the three with pat's address, c-pat is the smallest
    found = store.people_by_email(["Pat@Shared.example", "ann@a.example", "nobody@a.example"])
    assert {email: person.id for email, person in found.items()} == {"pat@shared.example": "c-pat",
                                                                    "ann@a.example": "c-ann"}


def test_a_persons_meetings_latest_first_and_one_days_by_id(store: GraphStore) -> None:
    store.import_batch(Batch(
        accounts=[Account(id="a", name="A")], staff=[Staff(id="s1", name="Sam", accounts=["a"])],
        stakeholders=[Stakeholder(id="c1", account="a", name="Cy")],
        meetings=[Meeting(id=mid, date=day, attendees=["s1", "c1"]) for mid, day in (
            ("m-b", dt.date(2026, 2, 3)), ("m-c", dt.date(2026, 2, 9)), ("m-a", dt.date(2026, 2, 3)),
            ("m-d", dt.date(2026, 1, 20)))]))
    # the latest first; the two of 3 February by id (m-a before m-b), as SQLite orders them
    assert [m.id for m in store.person_meetings("s1")] == ["m-c", "m-a", "m-b", "m-d"]
    assert [m.id for m in store.person_meetings("c1", as_of=dt.date(2026, 2, 3))] == ["m-a", "m-b", "m-d"]


def test_objectives_come_by_account_before_their_due_day(store: GraphStore) -> None:
    _plan_accounts(store)
    store.save_objective(_objective("a-1", "a", dt.date(2026, 8, 1)))
    store.save_objective(_objective("b-1", "b", dt.date(2026, 6, 1)))
    store.save_objective(_objective("a-2", "a", dt.date(2026, 7, 1)))
    # sorted by (account, due, id): account a's two first, though b-1 is due before either
    assert [o.id for o in store.load_objectives()] == ["a-2", "a-1", "b-1"]
    assert [o.id for o in store.load_objectives(["b", "a"])] == ["a-2", "a-1", "b-1"]


def test_a_source_id_with_a_space_comes_back_whole(store: GraphStore) -> None:
    store.import_batch(Batch(accounts=[Account(id="a", name="A")], staff=[Staff(id="s1", name="Sam")],
                             stakeholders=[Stakeholder(id="c1", account="a", name="Cy")],
                             meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s1", "c1"])]))
    # a recurring calendar occurrence's source id is "UID INSTANT" (kamgraph/ingest/ics.py): it holds a space
    occurrence = "evt-7@cal.example 2026-01-05T09:00:00+00:00"
    day = dt.date(2026, 1, 6)
    entries = [Provenance(kind="meeting", record_id="m1", source="calendar", source_id=occurrence, first_seen=day,
                          last_seen=day),
               Provenance(kind="stakeholder", record_id="c1", source="hubspot", source_id="501 (merged 502)",
                          first_seen=day, last_seen=day)]
    assert store.record_provenance(entries) == 2
    found = store.provenance_of(["m1", "c1"])
    assert [(e.source, e.source_id) for e in found["m1"]] == [("calendar", occurrence)]
    assert [(e.source, e.source_id) for e in found["c1"]] == [("hubspot", "501 (merged 502)")]
    assert [e.record_id for e in store.provenance_from("calendar", [occurrence])] == ["m1"]


def test_a_store_of_stakeholders_alone_updates_them_and_keeps_the_id_space(store: GraphStore) -> None:
    store.import_batch(Batch(accounts=[Account(id="a", name="A")],
                             stakeholders=[Stakeholder(id="c1", account="a", name="Cy"),
                                           Stakeholder(id="c2", account="a", name="Di")]))
    # no staff member is stored yet: the stakeholders are still looked up, so c1 is updated, c2 unchanged
    summary = store.import_batch(Batch(stakeholders=[Stakeholder(id="c1", account="a", name="Cy Smith"),
                                                     Stakeholder(id="c2", account="a", name="Di")]))
    counts = summary.kinds["stakeholders"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert store.get_person("c1").name == "Cy Smith" and store.counts()["stakeholders"] == 2
    # and a staff member may not take a stored stakeholder's id
    with pytest.raises(InputError, match="'c2' is already a stakeholder"):
        store.import_batch(Batch(staff=[Staff(id="c2", name="Di (ours)")]))
    assert store.counts()["staff"] == 0


def test_a_dotted_line_to_the_solid_manager_is_stored_as_the_solid_line_only(store: GraphStore) -> None:
    store.import_batch(Batch(accounts=[Account(id="a", name="A")], stakeholders=[
        Stakeholder(id="m", account="a", name="Mo"), Stakeholder(id="x", account="a", name="Xi"),
        Stakeholder(id="c", account="a", name="Cy", reports_to="m", dotted_to=["m", "x"])]))
    # c -> m solid and c -> x dotted: two lines; m is c's solid manager, not a dotted one as well
    assert store.counts()["reporting_lines"] == 2
    c = store.get_person("c")
    assert (c.reports_to, c.dotted_to) == ("m", ["x"])  # type: ignore[union-attr]
    assert [(ln.manager, ln.line.value) for ln in store.load_account("a").reporting_lines] == [
        ("m", "solid"), ("x", "dotted")]
