"""Each account's view of its meetings (SQLite schema 5, ``account_meeting``) and its two packs (schema 6,
``account_meeting_pack`` and ``account_people_pack``), kept on write.

The table is derived data: every test rebuilds what it must hold from the store's own records by brute force
(:meth:`~kamgraph.store.base.GraphStore.dump` reads the meeting tables, never this table) and compares it
row by row after each kind of write -- imports, re-imports that change attendees, a stakeholder moved to
another account, erasure of a stakeholder and of a staff member, deleted meetings, a dry run, a refused
import, a cleared store -- and checks that the portfolio's bulk read (which reads the table) gives the same
snapshots as the one-account read (which reads the meeting tables). The packs are checked the same way:
each account's meetings and stakeholders as the brute force lays them out, and no stale note left after a
write.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3
from itertools import chain
from pathlib import Path
from typing import Any

import pytest

import kamgraph.store.sqlite as sqlite_module
from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Stakeholder
from kamgraph.errors import KamgraphError
from kamgraph.monitor.forget import forget
from kamgraph.samples.synth import synth_portfolio
from kamgraph.store import open_store
from kamgraph.store.sqlite import SqliteStore

from .sqlite_rows import index_names

AS_OF = dt.date(2026, 6, 30)
V4_FILE = Path(__file__).parent / "data" / "store-v4.sqlite"
V5_FILE = Path(__file__).parent / "data" / "store-v5.sqlite"


Row = tuple[str | None, ...]


def _stored_rows(path: Path) -> set[Row]:
    raw = sqlite3.connect(path)
    try:
        return set(raw.execute("SELECT account_id, date, meeting_id, attendees FROM account_meeting"))
    finally:
        raw.close()


def _expected_rows(store: SqliteStore) -> set[Row]:
    """By brute force from the records: per meeting and account with a stakeholder in it, that account's
    stakeholders and all our staff in the meeting, sorted and comma-joined."""
    dump = store.dump()
    account_of = {s.id: s.account for s in dump.stakeholders}
    staff = {s.id for s in dump.staff}
    rows = set()
    for m in dump.meetings:
        ours = [p for p in m.attendees if p in staff]
        for account in {account_of[p] for p in m.attendees if p in account_of}:
            seen = sorted(ours + [p for p in m.attendees if account_of.get(p) == account])
            rows.add((account, m.date.isoformat(), m.id, ",".join(seen)))
    return rows


Packs = dict[str, list[list[Any]]]


def _stored_packs(path: Path, table: str = "account_people_pack") -> Packs:
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("SELECT count(*) FROM pack_stale").fetchone()[0] == 0  # every write repacks
        return {a: json.loads(p) for a, p in raw.execute(f"SELECT account_id, pack FROM {table}")}
    finally:
        raw.close()


def _expected_meeting_packs(store: SqliteStore) -> Packs:
    """By brute force from the records: per account with meetings, its ``account_meeting`` rows as the brute force
    makes them with the meeting's own columns, ``[date, id, meeting's account, kind, subject, source, source id,
    attendees]``, by date then id."""
    meetings = {m.id: m for m in store.dump().meetings}
    packs: Packs = {}
    for account, day, mid, attendees in sorted(_expected_rows(store)):
        m = meetings[mid]
        packs.setdefault(account, []).append([day, mid, m.account, m.kind.value, m.subject, m.source, m.source_id,
                                              attendees])
    return packs


def _expected_packs(store: SqliteStore) -> Packs:
    """By brute force from the records: per account with stakeholders, each as its columns, its solid manager
    and its dotted managers, by id."""
    dump = store.dump()
    people: Packs = {}
    for p in sorted(dump.stakeholders, key=lambda p: p.id):
        people.setdefault(p.account, []).append([
            p.id, p.name, p.title, p.department, p.seniority and p.seniority.value,
            p.buying_role and p.buying_role.value, p.influence, p.attitude, p.email, p.status.value,
            p.left_on and p.left_on.isoformat(), p.moved_to, p.note, int(p.verified), p.cadence_days, p.reports_to,
            sorted(p.dotted_to)])
    return people


def _check(store: SqliteStore, path: Path) -> None:
    assert _stored_rows(path) == _expected_rows(store)
    assert _stored_packs(path) == _expected_packs(store)
    assert _stored_packs(path, "account_meeting_pack") == _expected_meeting_packs(store)
    ids = store.account_ids()
    for as_of in (None, AS_OF - dt.timedelta(days=200)):
        bulk = list(store.load_accounts(ids, as_of))
        assert bulk == [store.load_account(a, as_of) for a in ids]


def _people_by_account(batch: Batch) -> dict[str, list[str]]:
    """The ids of each account's stakeholders in ``batch``."""
    found: dict[str, list[str]] = {}
    for s in batch.stakeholders:
        found.setdefault(s.account, []).append(s.id)
    return found


def _portfolio(seed: int) -> Batch:
    return synth_portfolio(4, seed=seed, as_of=AS_OF, min_stakeholders=8, max_stakeholders=14, min_staff=3,
                           max_staff=6, days=400, meetings_per_stakeholder=2.0)


def test_a_joint_meeting_is_seen_by_each_account_with_its_own_people(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    batch = _portfolio(3)
    by_account = _people_by_account(batch)
    (a, mine), (b, theirs) = sorted(by_account.items())[:2]
    joint = Meeting(id="joint", date=dt.date(2026, 1, 5), kind="meeting", account=a, subject="Steering",
                    attendees=[batch.staff[0].id, mine[0], theirs[0], theirs[1]])
    batch.meetings.append(joint)
    with open_store(str(path), create=True) as store:
        store.import_batch(batch)
        assert store.schema_version() == 6
        _check(store, path)
    rows = {r[0]: r[3] for r in _stored_rows(path) if r[2] == "joint"}
    # worked by hand: account a sees our staff member and its one stakeholder, b its two
    assert rows == {a: ",".join(sorted([batch.staff[0].id, mine[0]])),
                    b: ",".join(sorted([batch.staff[0].id, theirs[0], theirs[1]]))}


@pytest.mark.parametrize("seed", [1, 2])
def test_every_kind_of_write_keeps_the_table_equal_to_the_records(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "kam.db"
    batch = _portfolio(seed)
    with open_store(str(path), create=True) as store:
        store.import_batch(batch)
        _check(store, path)

        # re-import: attendees changed (one dropped, one of another account added), a date moved
        people = [s.id for s in batch.stakeholders]
        changed = []
        for m in rng.sample(batch.meetings, 12):
            attendees = [p for p in m.attendees if p != m.attendees[-1]] + [rng.choice(people)]
            changed.append(m.model_copy(update={"attendees": sorted(set(attendees)),
                                                "date": m.date - dt.timedelta(days=rng.randint(1, 30))}))
        store.import_batch(Batch(meetings=changed))
        _check(store, path)

        # a stakeholder moves to another account (the meetings stay): both accounts' views change
        accounts = [a.id for a in batch.accounts]
        mover = rng.choice([s for s in batch.stakeholders if any(s.id in m.attendees for m in batch.meetings)])
        target = next(a for a in accounts if a != mover.account)
        store.import_batch(Batch(stakeholders=[mover.model_copy(update={"account": target})]))
        _check(store, path)

        # a dry run and a refused import change nothing
        before = _stored_rows(path)
        extra = Meeting(id="extra", date=dt.date(2026, 2, 1), kind="call", account=accounts[0],
                        attendees=[batch.staff[0].id, people[0]])
        store.import_batch(Batch(meetings=[extra]), dry_run=True)
        assert _stored_rows(path) == before
        bad = extra.model_copy(update={"attendees": [people[0], "nobody-known"]})
        with pytest.raises(KamgraphError):
            store.import_batch(Batch(meetings=[extra.model_copy(update={"id": "fine"}), bad]))
        assert _stored_rows(path) == before

        # erasure of a stakeholder and of a staff member who attended meetings
        attended = [s.id for s in batch.stakeholders if any(s.id in m.attendees for m in batch.meetings)]
        forget(store, people=[rng.choice(attended)])
        _check(store, path)
        staff_in_meetings = sorted({p for m in batch.meetings for p in m.attendees} & {s.id for s in batch.staff})
        forget(store, people=[rng.choice(staff_in_meetings)])
        _check(store, path)

        # deleted meetings lose their rows
        gone = [m.id for m in rng.sample(store.dump().meetings, 5)]
        assert store.delete_meetings(gone) == 5
        _check(store, path)
        assert not {r for r in _stored_rows(path) if r[2] in gone}

        store.clear()
        assert _stored_rows(path) == set() and _stored_packs(path) == _stored_packs(path, "account_meeting_pack") == {}



@pytest.mark.parametrize("way", ["batch", "blocks"])
def test_bulk_loads_and_a_second_import_keep_the_table_equal_to_the_records(tmp_path: Path, way: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk-load path (secondary indexes dropped and rebuilt around the load, ``account_meeting``'s included)
    through ``import_batch`` and through ``import_meeting_blocks`` (the pipeline's), into an empty store and then
    again into the same, non-empty one (meetings re-imported with other attendees and dates, joint meetings of
    two accounts, new meetings), against the brute force; and a load refused by its last block leaves the rows
    and the indexes as they were."""
    monkeypatch.setattr(sqlite_module, "_BULK_MIN_ROWS", 50)  # small loads take the bulk path
    rng = random.Random(7)
    path = tmp_path / "kam.db"
    batch = _portfolio(4)
    meetings, batch.meetings = batch.meetings, []
    by_account = _people_by_account(batch)
    staff = [s.id for s in batch.staff]
    accounts = sorted(by_account)

    def joint(i: int) -> Meeting:  # people of two accounts
        a, b = rng.sample(accounts, 2)
        return Meeting(id=f"joint-{i}", date=AS_OF - dt.timedelta(days=rng.randint(0, 300)), kind="meeting",
                       attendees=[rng.choice(staff), rng.choice(by_account[a]), *rng.sample(by_account[b], 2)])

    def load(store: SqliteStore, records: list[Meeting]) -> None:
        if way == "batch":
            store.import_batch(Batch(meetings=records))
            return
        kinds = {p: "staff" for p in staff} | {p: "stakeholder" for p in chain.from_iterable(by_account.values())}
        blocks = [records[i:i + 40] for i in range(0, len(records), 40)]
        store.import_meeting_blocks((Batch(meetings=b, person_kinds=kinds) for b in blocks), expected=len(records))

    first = meetings + [joint(i) for i in range(30)]
    assert len(first) >= 2 * 50
    with open_store(str(path), create=True) as store:
        store.import_batch(batch)
        indexes = index_names(path)
        load(store, first)
        _check(store, path)
        assert index_names(path) == indexes  # rebuilt after the load
        # Again, into the non-empty store: a third re-imported with other attendees and dates, more new ones
        # beside than the store holds (so that this is a bulk load too).
        people = [s.id for s in batch.stakeholders]
        again = [m.model_copy(update={"attendees": sorted({*m.attendees[:-1], rng.choice(people)}),
                                      "date": m.date - dt.timedelta(days=rng.randint(1, 30))})
                 for m in rng.sample(first, len(first) // 3)]
        again += [joint(1000 + i) for i in range(160)] + [m.model_copy(update={"id": m.id + "-new"})
                                                         for m in meetings[:40]]
        rng.shuffle(again)
        load(store, again)
        _check(store, path)
        assert index_names(path) == indexes
        # A load refused by its last meeting: nothing of it stays, the indexes included.
        before = _stored_rows(path)
        refused = [joint(2000 + i) for i in range(400)]  # more than the store holds: a bulk load too
        refused[-1] = refused[-1].model_copy(update={"attendees": [staff[0], "nobody-known"]})
        with pytest.raises(KamgraphError):
            load(store, refused)
        assert _stored_rows(path) == before and index_names(path) == indexes
        _check(store, path)


def _old_file(source: Path, tmp_path: Path, version: int, new_table: str) -> Path:
    """A copy of a store file kamgraph wrote at schema ``version``, checked to be one: without ``new_table``."""
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    raw = sqlite3.connect(copy)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == version
        assert not raw.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (new_table,)).fetchone()
    finally:
        raw.close()
    return copy


def test_a_real_version_4_file_gets_the_table_on_opening(tmp_path: Path) -> None:
    copy = _old_file(V4_FILE, tmp_path, 4, "account_meeting")  # the demo and one joint meeting
    with open_store(str(copy)) as store:
        assert store.schema_version() == 6
        _check(store, copy)
        joint = {r[0] for r in _stored_rows(copy) if r[2] == "joint-1"}
        assert joint == {"northwind", "helios"}  # the file's joint meeting, seen by both accounts


def test_an_erased_name_leaves_the_packs_with_its_subject(tmp_path: Path) -> None:
    """An erasure scrubs a name out of the subjects that stay (an update of ``meeting`` alone: the person was not at
    the meeting): the meeting pack of every account that holds the meeting is rewritten without it."""
    path = tmp_path / "kam.db"
    batch = _portfolio(5)
    by_account = _people_by_account(batch)
    (a, mine), (b, theirs) = sorted(by_account.items())[:2]
    named = next(s for s in batch.stakeholders if s.id == mine[1])
    batch.meetings.append(Meeting(id="named", date=dt.date(2026, 1, 5), kind="call", account=a,
                                  subject=f"Call with {named.name} about the renewal",
                                  attendees=[batch.staff[0].id, mine[0], theirs[0]]))
    with open_store(str(path), create=True) as store:
        store.import_batch(batch)
        def subjects() -> dict[str, str]:
            return {acc: m[4] for acc, pack in _stored_packs(path, "account_meeting_pack").items() for m in pack
                    if m[1] == "named"}

        assert subjects() == {a: f"Call with {named.name} about the renewal", b: subjects()[a]}
        forget(store, people=[named.id])
        _check(store, path)
        found = subjects()
        assert set(found) == {a, b}
        assert all(named.name not in t and t.endswith("about the renewal") for t in found.values())


def test_a_stale_note_or_a_missing_pack_makes_the_bulk_read_use_the_tables(tmp_path: Path) -> None:
    """A pack is only read when no stale note is left and it exists: packs emptied by hand behind a stale note (a
    write that did not repack) are ignored, an account without packs is read from the tables, and a meeting pack
    out of order is put in order."""
    path = tmp_path / "kam.db"
    with open_store(str(path), create=True) as store:
        store.import_batch(_portfolio(6))
        ids = store.account_ids()
        expected = [store.load_account(a, AS_OF) for a in ids]
        assert all(s.stakeholders for s in expected)
        raw = sqlite3.connect(path)
        for table in ("account_people_pack", "account_meeting_pack"):
            raw.execute(f"UPDATE {table} SET pack = '[]' WHERE account_id = ?", (ids[0],))
        raw.execute("INSERT INTO pack_stale (kind, id) VALUES ('people', ?)", (ids[1],))
        raw.commit()
        assert list(store.load_accounts(ids, AS_OF)) == expected
        raw.execute("DELETE FROM pack_stale")
        for table in ("account_people_pack", "account_meeting_pack"):
            raw.execute(f"DELETE FROM {table} WHERE account_id = ?", (ids[0],))
        # a meeting pack out of order (SQLite does not promise an aggregate's order): read in order all the same
        (pack,) = raw.execute("SELECT pack FROM account_meeting_pack WHERE account_id = ?", (ids[1],)).fetchone()
        raw.execute("UPDATE account_meeting_pack SET pack = ? WHERE account_id = ?",
                    (json.dumps(json.loads(pack)[::-1]), ids[1]))
        raw.commit()
        raw.close()
        assert list(store.load_accounts(ids, AS_OF)) == expected
        # the next writes that touch the account's people and meetings repack them
        first = expected[0].stakeholders[0]
        store.import_batch(Batch(stakeholders=[first.model_copy(update={"title": "Head of Renewals"})],
                                 meetings=[expected[0].meetings[0].model_copy(update={"subject": "Renewal"})]))
        assert _stored_packs(path, "account_meeting_pack")[ids[1]] != _expected_meeting_packs(store)[ids[1]]
        store.import_batch(Batch(meetings=[expected[1].meetings[0].model_copy(update={"subject": "Renewal"})]))
        _check(store, path)


def test_a_real_version_5_file_gets_the_packs_on_opening(tmp_path: Path) -> None:
    copy = _old_file(V5_FILE, tmp_path, 5, "account_people_pack")  # four synthetic accounts, one joint meeting
    with open_store(str(copy)) as store:
        assert store.schema_version() == 6
        assert len(_stored_packs(copy)) == len(_stored_packs(copy, "account_meeting_pack")) == 4
        _check(store, copy)
        joint = {acc: m[4] for acc, pack in _stored_packs(copy, "account_meeting_pack").items() for m in pack
                 if m[1] == "joint-1"}
        assert joint == {"a00000": "Steering", "a00001": "Steering"}  # the file's joint meeting, in both accounts


def test_a_reporting_line_removed_alone_repacks_the_account_of_the_stakeholder(tmp_path: Path) -> None:
    """Erasing a manager of another account removes the reporting line of a stakeholder whose own row stays as
    it was: that stakeholder's account is repacked all the same (the line's trigger, not the row's)."""
    path = tmp_path / "kam.db"
    with open_store(str(path), create=True) as store:
        store.import_batch(Batch(accounts=[Account(id="A", name="A"), Account(id="B", name="B")], stakeholders=[
            Stakeholder(id="b1", account="B", name="Bea Boss"), Stakeholder(id="b2", account="B", name="Bo Other"),
            Stakeholder(id="a1", account="A", name="Al", reports_to="b1", dotted_to=["b2"])]))
        assert [p[0][15:] for p in _stored_packs(path).values()] == [["b1", ["b2"]], [None, []]]  # A's, B's
        forget(store, people=["b1", "b2"])
        _check(store, path)
        assert _stored_packs(path) == {"A": [["a1", "Al", None, None, None, None, 3, 0, None, "active", None, None,
                                              None, 1, None, None, []]]}
