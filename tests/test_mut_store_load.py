"""Tests written for the survivors of the fifth round's run of the SQLite paths every test calls (the bulk
read ``load_accounts``, the import's plan and writes; ``PENDING=1 scripts/mutation.sh store``,
docs/mutation.md). Every expectation is written out by hand in the test; stored values are read back with
plain SQL where the store's own reader could hide them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, CompetitorTie, Meeting, Relationship, Staff, Stakeholder
from kamgraph.errors import InputError, NotFoundError
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore


def _store(tmp_path: Path) -> GraphStore:
    return open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True)


def _accounts(n: int) -> Batch:
    return Batch(accounts=[Account(id=f"a{i}", name=f"Account {i}") for i in range(n)])


# -- load_accounts: chunks, unknown ids ----------------------------------------------------------------------

def test_an_unknown_account_is_raised_when_its_chunk_is_read(tmp_path: Path) -> None:
    # chunks of two: a0 and a1 come out before the chunk holding the unknown id is read (the documented contract)
    with _store(tmp_path) as store:
        store.import_batch(_accounts(3))
        snapshots = store.load_accounts(["a0", "a1", "nope", "a2"], chunk_size=2)
        assert [next(snapshots).account.id, next(snapshots).account.id] == ["a0", "a1"]
        with pytest.raises(NotFoundError, match=r"^no account with id 'nope' \(see 'kamgraph accounts'\)$"):
            next(snapshots)


def test_an_unknown_account_in_the_first_chunk_names_the_first_unknown_id(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        store.import_batch(_accounts(2))
        with pytest.raises(NotFoundError, match=r"^no account with id 'x2' "):
            list(store.load_accounts(["a0", "x2", "a1", "x1"]))


def _two_accounts() -> Batch:
    return Batch(
        accounts=[Account(id="acc", name="Acme"), Account(id="bare", name="No people"),
                  Account(id="oth", name="Other")],
        staff=[Staff(id="s_team", name="On acc's team", accounts=["acc"]),  # never met anyone
               Staff(id="s_both", name="On oth's team, met acc", accounts=["oth"]),
               Staff(id="s_meet", name="Met c1")],                       # on no team: a meeting only
        stakeholders=[Stakeholder(id="c1", account="acc", name="C1", reports_to="c2"),
                      Stakeholder(id="c2", account="acc", name="C2", dotted_to=["c3", "c1"]),
                      Stakeholder(id="c3", account="acc", name="C3"),
                      Stakeholder(id="cx", account="oth", name="CX")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 1, 10), attendees=["s_meet", "c1"]),
                  Meeting(id="m2", date=dt.date(2026, 1, 10), attendees=["s_both", "c2", "cx"]),
                  Meeting(id="m3", date=dt.date(2026, 2, 5), attendees=["s_meet", "cx"])],
        relationships=[Relationship(source="c1", target="cx")],  # across accounts: neither account keeps it
        competitor_ties=[CompetitorTie(stakeholder="c1", competitor="Rival", strength=4),
                         CompetitorTie(stakeholder="cx", competitor="Contoso", strength=2)])


def test_load_accounts_brings_each_account_its_own_team_meetings_and_people(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        store.import_batch(_two_accounts())
        acc, bare, oth = store.load_accounts(["acc", "bare", "oth"])
        cut = next(store.load_accounts(["oth"], dt.date(2026, 1, 31)))
    # acc: its team (s_team) and whom its meetings saw (s_meet in m1, s_both in m2); both meetings, its people only
    assert [s.id for s in acc.staff] == ["s_both", "s_meet", "s_team"]
    assert [(m.id, m.attendees) for m in acc.meetings] == [("m1", ["c1", "s_meet"]), ("m2", ["c2", "s_both"])]
    assert [(r.stakeholder, r.manager, r.line.value) for r in acc.reporting_lines] == [
        ("c1", "c2", "solid"), ("c2", "c1", "dotted"), ("c2", "c3", "dotted")]
    assert [(s.id, s.reports_to, s.dotted_to) for s in acc.stakeholders] == [
        ("c1", "c2", []), ("c2", None, ["c1", "c3"]), ("c3", None, [])]
    assert acc.relationships == []
    # bare: an account with no people, no team and no meetings reads back empty, not as an error
    assert (bare.account.name, bare.stakeholders, bare.staff, bare.meetings) == ("No people", [], [], [])
    # oth: its team member s_both (who met it too) and s_meet, who met cx in m3
    assert [s.id for s in oth.staff] == ["s_both", "s_meet"]
    assert [(m.id, m.attendees) for m in oth.meetings] == [("m2", ["cx", "s_both"]), ("m3", ["cx", "s_meet"])]
    # as of 31 January m3 has not happened: s_meet is no longer among oth's staff, s_both stays (team)
    assert [s.id for s in cut.staff] == ["s_both"]
    assert [m.id for m in cut.meetings] == ["m2"]
    assert [m.date for m in cut.meetings] == [dt.date(2026, 1, 10)]
    assert (acc.as_of, cut.as_of) == (None, dt.date(2026, 1, 31))
    # each account's stakeholders' leanings, none for the account without people
    assert [(t.stakeholder, t.competitor, t.strength) for t in acc.competitor_ties] == [("c1", "Rival", 4.0)]
    assert [(t.stakeholder, t.competitor) for t in oth.competitor_ties] == [("cx", "Contoso")]
    assert bare.competitor_ties == []


# -- competitor ties of many accounts ------------------------------------------------------------------------

def test_competitor_ties_of_more_accounts_than_one_query_takes(tmp_path: Path) -> None:
    # 901 accounts: read in two chunks of at most 900 ids (SQLite's parameter limit); a tie in each chunk
    ids = [f"a{i:03d}" for i in range(901)]
    batch = Batch(accounts=[Account(id=i, name=i) for i in ids],
                  stakeholders=[Stakeholder(id="c_first", account="a000", name="First"),
                                Stakeholder(id="c_last", account="a900", name="Last")],
                  competitor_ties=[CompetitorTie(stakeholder="c_last", competitor="Alpha", strength=1),
                                   CompetitorTie(stakeholder="c_first", competitor="Zeta", strength=3)])
    with _store(tmp_path) as store:
        store.import_batch(batch)
        ties = store.competitor_ties(reversed(ids))
    # sorted by stakeholder, then competitor (not by competitor first: "Alpha" is c_last's)
    assert [(t.stakeholder, t.competitor, t.strength) for t in ties] == [
        ("c_first", "Zeta", 3.0), ("c_last", "Alpha", 1.0)]


# -- every field of an account ------------------------------------------------------------------------------

def test_every_field_of_an_account_reads_back(tmp_path: Path) -> None:
    account = Account(id="nw", name="Northwind", tier="A", segment="Retail", revenue=120.5, potential=400,
                      category_spend=1000, currency="EUR", criteria={"fit": 7, "access": 3.5},
                      domains=["@NW.example", "nw-group.example"], aliases="NWL; Northwind Group",
                      crm_ids=["0015g00000XyZ1", "hs-77"])
    with _store(tmp_path) as store:
        store.import_batch(Batch(accounts=[account]))
        bulk = next(store.load_accounts(["nw"])).account
        single = store.load_account("nw").account
    expected = {"id": "nw", "name": "Northwind", "tier": "A", "segment": "Retail", "revenue": 120.5,
                "potential": 400.0, "category_spend": 1000.0, "currency": "EUR",
                "criteria": {"access": 3.5, "fit": 7.0}, "domains": ["nw-group.example", "nw.example"],
                "aliases": ["NWL", "Northwind Group"], "crm_ids": ["0015g00000XyZ1", "hs-77"]}
    assert bulk.model_dump() == expected
    assert single.model_dump() == expected
    with sqlite3.connect(tmp_path / "kam.db") as db:  # the list columns are JSON text
        row = db.execute("SELECT criteria, domains, aliases, crm_ids FROM account").fetchone()
    assert row == ('{"access": 3.5, "fit": 7.0}', '["nw-group.example", "nw.example"]',
                   '["NWL", "Northwind Group"]', '["0015g00000XyZ1", "hs-77"]')


# -- the import's writes -------------------------------------------------------------------------------------

def test_a_meeting_with_an_unknown_attendee_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    # c1 and s1 come in the same batch; "ghost" is nowhere (neither in the batch nor in the store)
    batch = Batch(accounts=[Account(id="a", name="A")], staff=[Staff(id="s1", name="S")],
                  stakeholders=[Stakeholder(id="c1", account="a", name="C")],
                  meetings=[Meeting(id="m1", date=dt.date(2026, 1, 1), attendees=["c1", "s1"]),
                            Meeting(id="m2", date=dt.date(2026, 1, 2), attendees=["c1", "ghost"])])
    with _store(tmp_path) as store:
        with pytest.raises(InputError) as caught:
            store.import_batch(batch)
        assert str(caught.value) == "attendees: unknown person 'ghost' in meeting 'm2'"
        assert store.counts() == {"accounts": 0, "staff": 0, "stakeholders": 0, "meetings": 0, "relationships": 0,
                                  "reporting_lines": 0, "attendances": 0}
        # the same meeting against people already stored: they are looked up, the ghost still refused
        store.import_batch(Batch(accounts=batch.accounts, staff=batch.staff, stakeholders=batch.stakeholders))
        with pytest.raises(InputError, match="unknown person 'ghost' in meeting 'm2'"):
            store.import_batch(Batch(meetings=batch.meetings))
        # a meeting of nobody known at all (no attendee found in the store either)
        nobody = Meeting(id="m3", date=dt.date(2026, 1, 3), attendees=["ghost", "phantom"])
        with pytest.raises(InputError, match=r"^attendees: unknown person 'ghost' in meeting 'm3'$"):  # the first
            store.import_batch(Batch(meetings=[nobody]))
        assert store.counts()["meetings"] == 0


def test_one_id_cannot_be_a_staff_member_and_a_stakeholder_either_way(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        store.import_batch(Batch(accounts=[Account(id="a", name="A")], staff=[Staff(id="s1", name="S")],
                                 stakeholders=[Stakeholder(id="c1", account="a", name="C")]))
        with pytest.raises(InputError) as as_staff:
            store.import_batch(Batch(staff=[Staff(id="c1", name="Also staff")]))
        with pytest.raises(InputError) as as_client:
            store.import_batch(Batch(stakeholders=[Stakeholder(id="s1", account="a", name="Also a client")]))
        assert [(s.id, s.name) for s in store.load_account("a").stakeholders] == [("c1", "C")]
    assert str(as_staff.value) == ("id: 'c1' is already a stakeholder; it cannot also be a staff member "
                                   "(people share one id space)")
    assert str(as_client.value).startswith("id: 's1' is already a staff")
    assert str(as_client.value).endswith("; it cannot also be a stakeholder (people share one id space)")


def test_a_stakeholder_id_of_a_staff_member_says_staff_member(store: GraphStore) -> None:
    store.import_batch(Batch(accounts=[Account(id="a", name="A")], staff=[Staff(id="s1", name="S")]))
    with pytest.raises(InputError) as caught:
        store.import_batch(Batch(stakeholders=[Stakeholder(id="s1", account="a", name="Also a client")]))
    assert str(caught.value) == ("id: 's1' is already a staff member; it cannot also be a stakeholder "
                                 "(people share one id space)")


def test_the_meetings_of_a_stakeholder_moved_to_another_account_move_with_them(tmp_path: Path) -> None:
    people = Batch(accounts=[Account(id="a", name="A"), Account(id="b", name="B")], staff=[Staff(id="s1", name="S")],
                   stakeholders=[Stakeholder(id="c1", account="a", name="C1"),
                                 Stakeholder(id="c2", account="a", name="C2")],
                   meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s1", "c1"]),
                             Meeting(id="m2", date=dt.date(2026, 1, 6), attendees=["s1", "c2"])])
    with _store(tmp_path) as store:
        store.import_batch(people)
        # c1 changes account; the meetings are not imported again
        store.import_batch(Batch(stakeholders=[Stakeholder(id="c1", account="b", name="C1")]))
        a, b = store.load_accounts(["a", "b"])
    assert [(m.id, m.attendees) for m in a.meetings] == [("m2", ["c2", "s1"])]
    assert [(m.id, m.attendees) for m in b.meetings] == [("m1", ["c1", "s1"])]
    with sqlite3.connect(tmp_path / "kam.db") as db:  # the per-account view of each meeting, as written
        rows = db.execute("SELECT account_id, meeting_id, date, attendees FROM account_meeting "
                          "ORDER BY account_id, meeting_id").fetchall()
    assert rows == [("a", "m2", "2026-01-06", "c2,s1"), ("b", "m1", "2026-01-05", "c1,s1")]


def test_every_field_of_staff_and_stakeholders_reads_back_and_is_updated(tmp_path: Path) -> None:
    accounts = [Account(id="a", name="A"), Account(id="b", name="B")]
    sam = Staff(id="s1", name="Sam", title="KAM", team="North", role="kam", email="Sam@Us.example",
                accounts=["a"], note="joined in May")
    boss = Stakeholder(id="c0", account="a", name="Boss")
    cy = Stakeholder(id="c1", account="a", name="Cy", title="CFO", department="Finance", seniority="c_level",
                     buying_role="economic_buyer", influence=5, attitude=-1, email="cy@them.example",
                     reports_to="c0", dotted_to=["c2"], verified=False, cadence_days=21, note="prefers calls")
    # a dotted line to one's own solid manager is that solid line, stored once
    di = Stakeholder(id="c2", account="a", name="Di", reports_to="c0", dotted_to=["c0", "c1"])
    with _store(tmp_path) as store:
        store.import_batch(Batch(accounts=accounts, staff=[sam], stakeholders=[boss, cy, di]))
        first = store.load_account("a")
        bulk = next(store.load_accounts(["a"]))
        # the second import changes every field: sam leaves and moves to b's team, cy drops the dotted line
        sam2 = Staff(id="s1", name="Samuel", title="Director", team="South", role="exec_sponsor",
                     email="samuel@us.example", accounts=["b"], status="left", left_on="2026-03-31",
                     moved_to="Rival Corp", note=None)
        cy2 = Stakeholder(id="c1", account="a", name="Cy Young", title="CEO", department="Board", seniority="vp",
                          buying_role="champion", influence=2, attitude=2, email=None, reports_to="c2",
                          verified=True, cadence_days=None, status="left", left_on="2026-04-01", moved_to="c0")
        summary = store.import_batch(Batch(staff=[sam2], stakeholders=[cy2]))
        second_a, second_b = store.load_accounts(["a", "b"])
    expected_sam = {"id": "s1", "name": "Sam", "title": "KAM", "email": "sam@us.example", "status": "active",
                    "left_on": None, "moved_to": None, "note": "joined in May", "team": "North", "role": "kam",
                    "accounts": ["a"]}
    expected_cy = {"id": "c1", "name": "Cy", "title": "CFO", "email": "cy@them.example", "status": "active",
                   "left_on": None, "moved_to": None, "note": "prefers calls", "account": "a",
                   "department": "Finance", "seniority": "c_level", "buying_role": "economic_buyer",
                   "influence": 5, "attitude": -1, "reports_to": "c0", "dotted_to": ["c2"], "verified": False,
                   "cadence_days": 21}
    for snapshot in (first, bulk):
        assert [s.model_dump(mode="json") for s in snapshot.staff] == [expected_sam]
        assert snapshot.stakeholders[1].model_dump(mode="json") == expected_cy
        assert [(p.id, p.reports_to, p.dotted_to) for p in snapshot.stakeholders] == [
            ("c0", None, []), ("c1", "c0", ["c2"]), ("c2", "c0", ["c1"])]
    assert (summary.kinds["staff"].updated, summary.kinds["stakeholders"].updated) == (1, 1)
    assert [s.model_dump(mode="json") for s in second_b.staff] == [{
        "id": "s1", "name": "Samuel", "title": "Director", "email": "samuel@us.example", "status": "left",
        "left_on": "2026-03-31", "moved_to": "Rival Corp", "note": None, "team": "South", "role": "exec_sponsor",
        "accounts": ["b"]}]
    assert second_a.staff == []  # no longer on a's team, never met anyone there
    assert second_a.stakeholders[1].model_dump(mode="json") == {
        "id": "c1", "name": "Cy Young", "title": "CEO", "email": None, "status": "left", "left_on": "2026-04-01",
        "moved_to": "c0", "note": None, "account": "a", "department": "Board", "seniority": "vp",
        "buying_role": "champion", "influence": 2, "attitude": 2, "reports_to": "c2", "dotted_to": [],
        "verified": True, "cadence_days": None}
    with sqlite3.connect(tmp_path / "kam.db") as db:  # the rows as written: c1's dotted line gone, verified as 1
        lines = db.execute("SELECT stakeholder_id, manager_id, line FROM reporting_line ORDER BY 1, 2").fetchall()
        flags = db.execute("SELECT id, verified, cadence_days FROM stakeholder ORDER BY id").fetchall()
        team = db.execute("SELECT staff_id, account_id FROM staff_account").fetchall()
    assert lines == [("c1", "c2", "solid"), ("c2", "c0", "solid"), ("c2", "c1", "dotted")]
    assert flags == [("c0", 1, None), ("c1", 1, None), ("c2", 1, None)]
    assert team == [("s1", "b")]


def test_a_competitor_tie_of_an_unknown_stakeholder_is_refused_with_the_whole_import(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        with pytest.raises(InputError) as caught:
            store.import_batch(Batch(accounts=[Account(id="a", name="A")],
                                     stakeholders=[Stakeholder(id="c1", account="a", name="C")],
                                     competitor_ties=[CompetitorTie(stakeholder="c1", competitor="Rival"),
                                                      CompetitorTie(stakeholder="ghost", competitor="Rival")]))
        assert str(caught.value) == "stakeholder: unknown stakeholder 'ghost'"
        assert (store.counts()["accounts"], store.competitor_ties()) == (0, [])
