"""Tests written for the survivors of the mutation run of the SQL strings of ``kamgraph/store/sqlite.py``
(``scripts/mutation.sh sql``, docs/mutation.md): each pins what a query's WHERE clause keeps out,
against records written by hand in the test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.store import open_store


def test_reporting_lines_of_more_stakeholders_than_one_query_takes(tmp_path: Path) -> None:
    # 901 stakeholders: their reporting lines are read in two chunks (900 ids, then 1); every line comes
    # back once, on the right person. (Dropping the chunk's WHERE clause turned out equivalent: the extra
    # rows are either of people not asked for or duplicates the Stakeholder model removes.)
    people = [Stakeholder(id=f"c{i:04d}", account="acc", name=f"C {i}", influence=1) for i in range(901)]
    people[1] = people[1].model_copy(update={"reports_to": "c0000"})
    people[900] = people[900].model_copy(update={"reports_to": "c0001", "dotted_to": ["c0000"]})
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(Batch(accounts=[Account(id="acc", name="Acme")], stakeholders=people))
        loaded = {p.id: p for p in store.load_account("acc").stakeholders}
    assert (loaded["c0001"].reports_to, loaded["c0001"].dotted_to) == ("c0000", [])
    assert (loaded["c0900"].reports_to, loaded["c0900"].dotted_to) == ("c0001", ["c0000"])
    assert sum(1 for p in loaded.values() if p.reports_to or p.dotted_to) == 2


def test_attendees_of_more_meetings_than_one_query_takes(tmp_path: Path) -> None:
    # 901 meetings, read in two chunks: each meeting's attendees come back once each (the meetings are
    # built without validation, so a chunk that brought every meeting's attendees would double them).
    meetings = [Meeting(id=f"m{i:04d}", date=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300), kind="call",
                        attendees=["s1", "c1"] if i % 2 else ["s1", "c2"]) for i in range(901)]
    batch = Batch(accounts=[Account(id="acc", name="Acme")], staff=[Staff(id="s1", name="S", accounts=["acc"])],
                  stakeholders=[Stakeholder(id="c1", account="acc", name="C1", influence=1),
                                Stakeholder(id="c2", account="acc", name="C2", influence=1)], meetings=meetings)
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(batch)
        loaded = store.load_account("acc").meetings
    assert len(loaded) == 901
    assert {m.id: m.attendees for m in loaded} == {m.id: sorted(m.attendees) for m in meetings}


def test_updating_one_meeting_keeps_the_attendees_of_the_others(tmp_path: Path) -> None:
    people = Batch(accounts=[Account(id="acc", name="Acme")], staff=[Staff(id="s1", name="S", accounts=["acc"])],
                   stakeholders=[Stakeholder(id="c1", account="acc", name="C1", influence=1),
                                 Stakeholder(id="c2", account="acc", name="C2", influence=1)])
    m1 = Meeting(id="m1", date=dt.date(2025, 1, 2), attendees=["s1", "c1"])
    m2 = Meeting(id="m2", date=dt.date(2025, 1, 3), attendees=["s1", "c2"])
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(people)
        store.import_batch(Batch(meetings=[m1, m2]))
        # m1 changes (a new subject, c2 joins); m2 is not in this import at all
        report = store.import_batch(Batch(meetings=[m1.model_copy(update={"subject": "QBR",
                                                                          "attendees": ["s1", "c1", "c2"]})]))
        loaded = {m.id: (m.subject, m.attendees) for m in store.load_account("acc").meetings}
    assert report.updated == 1
    assert loaded == {"m1": ("QBR", ["c1", "c2", "s1"]), "m2": (None, ["c2", "s1"])}


def test_person_queries_touch_only_the_people_named(tmp_path: Path) -> None:
    batch = Batch(
        accounts=[Account(id="acc", name="Acme"), Account(id="beta", name="Beta")],
        stakeholders=[Stakeholder(id="c1", account="acc", name="C1", influence=1, email="c1@acme.example"),
                      Stakeholder(id="c2", account="acc", name="C2", influence=1, email="c2@acme.example"),
                      Stakeholder(id="c3", account="acc", name="C3", influence=1),
                      Stakeholder(id="b1", account="beta", name="B1", influence=1)],
        # s1 on acme's team, s2 on beta's; s3 and s4 on no team: s3 met c3 (acme), s4 met b1 (beta)
        staff=[Staff(id="s1", name="S1", accounts=["acc"]), Staff(id="s2", name="S2", accounts=["beta"]),
               Staff(id="s3", name="S3"), Staff(id="s4", name="S4")],
        meetings=[Meeting(id="m1", date=dt.date(2025, 1, 5), attendees=["s3", "c3"]),
                  Meeting(id="m2", date=dt.date(2025, 2, 1), attendees=["s1", "c1", "c3"]),
                  Meeting(id="m3", date=dt.date(2025, 3, 1), attendees=["s4", "b1"])])
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(batch)
        assert list(store.people_by_email(["c1@acme.example", "nobody@x"])) == ["c1@acme.example"]
        store.mark_left("c1", dt.date(2025, 3, 1))
        store.mark_left("c2", dt.date(2025, 3, 2))
        store.mark_returned("c1")  # c2 stays gone
        assert (store.get_person("c1").left_on, store.get_person("c2").left_on) == (None, dt.date(2025, 3, 2))
        # per account: acme 2 active (c1, c3), 1 gone (c2), staff s1 and s3, 2 meetings, the last on 1 Feb;
        # beta 1 active, nobody gone, staff s2 and s4, 1 meeting on 1 March
        counts = {a.id: (a.stakeholders, a.stakeholders_left, a.staff, a.meetings, a.last_meeting)
                  for a in store.list_accounts()}
    assert counts == {"acc": (2, 1, 2, 2, dt.date(2025, 2, 1)), "beta": (1, 0, 2, 1, dt.date(2025, 3, 1))}
