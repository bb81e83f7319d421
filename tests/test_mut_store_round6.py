"""Tests written for the survivors of the sixth round's run of the ``store`` target (``scripts/mutation.sh
store``, docs/mutation.md). Every expectation is worked out by hand in the test or read back with plain SQL
from the file itself, never taken from the store's own reader.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kamgraph.store import open_store
from kamgraph.store.sqlite import SqliteStore

V4_FILE = Path(__file__).parent / "data" / "store-v4.sqlite"


# -- the migration to schema 5: every account_meeting row made afresh by a merge of the meeting tables ---------

def _v4_copy(tmp_path: Path, *statements: str) -> Path:
    """A copy of the schema-4 file of ``tests/data``, changed by ``statements`` in plain SQL first."""
    copy = tmp_path / "v4.sqlite"
    shutil.copy(V4_FILE, copy)
    raw = sqlite3.connect(copy)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 4
        for statement in statements:
            raw.execute(statement)
        raw.commit()
    finally:
        raw.close()
    return copy


def _expected_account_meetings(path: Path) -> set[tuple[str, str, str, str]]:
    """Read with plain SQL from the meeting tables: one row per meeting and account with a stakeholder in it, the
    meeting's staff and that account's stakeholders in it, sorted and comma-joined."""
    raw = sqlite3.connect(path)
    try:
        staff: dict[str, list[str]] = {}
        for mid, sid in raw.execute("SELECT ms.meeting_id, ms.staff_id FROM meeting_staff ms "
                                    "JOIN meeting m ON m.id = ms.meeting_id"):
            staff.setdefault(mid, []).append(sid)
        seen: dict[tuple[str, str, str], list[str]] = {}
        for mid, day, acc, cid in raw.execute(
                "SELECT m.id, m.date, s.account_id, s.id FROM meeting_stakeholder mc "
                "JOIN meeting m ON m.id = mc.meeting_id JOIN stakeholder s ON s.id = mc.stakeholder_id"):
            seen.setdefault((acc, day, mid), []).append(cid)
    finally:
        raw.close()
    return {(acc, day, mid, ",".join(sorted(staff.get(mid, []) + cids))) for (acc, day, mid), cids in seen.items()}


def _stored_account_meetings(path: Path) -> set[tuple[str, str, str, str]]:
    raw = sqlite3.connect(path)
    try:
        return set(raw.execute("SELECT account_id, date, meeting_id, attendees FROM account_meeting"))
    finally:
        raw.close()


def test_a_v4_file_migrated_in_blocks_of_five_rows_keeps_every_row(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The merge writes its rows a block at a time (4 values a row, 4 * _REFRESH_CHUNK values a block): with blocks
    # of five rows the file's 424 rows take 84 whole blocks and a last one of four, all of them written.
    monkeypatch.setattr(SqliteStore, "_REFRESH_CHUNK", 5)
    copy = _v4_copy(tmp_path)
    expected = _expected_account_meetings(copy)
    assert len(expected) == 424
    with open_store(str(copy)) as store:
        assert store.schema_version() == 6
    assert _stored_account_meetings(copy) == expected


def test_a_v4_file_whose_meetings_have_no_staff_migrates(tmp_path: Path) -> None:
    # No meeting_staff row at all: the merge starts with an exhausted staff side (next(rows, None)).
    copy = _v4_copy(tmp_path, "DELETE FROM meeting_staff")
    expected = _expected_account_meetings(copy)
    raw = sqlite3.connect(copy)
    try:
        staff = {r[0] for r in raw.execute("SELECT id FROM staff")}
    finally:
        raw.close()
    assert len(expected) > 400 and not any(staff & set(row[3].split(",")) for row in expected)  # stakeholders only
    with open_store(str(copy)) as store:
        assert store.schema_version() == 6
    assert _stored_account_meetings(copy) == expected


def test_a_v4_file_whose_meetings_have_no_stakeholders_migrates_to_no_rows(tmp_path: Path) -> None:
    # No meeting_stakeholder row at all: no account sees any meeting (an exhausted client side from the start).
    copy = _v4_copy(tmp_path, "DELETE FROM meeting_stakeholder")
    with open_store(str(copy)) as store:
        assert store.schema_version() == 6
    assert _stored_account_meetings(copy) == set()


def test_a_v4_attendance_row_of_no_meeting_is_skipped_by_the_migration(tmp_path: Path) -> None:
    # A meeting_stakeholder row whose meeting is not in the file (id sorting before every meeting's) names a
    # known stakeholder: it belongs to no meeting, so no account_meeting row carries that stakeholder for it.
    raw = sqlite3.connect(V4_FILE)
    try:
        first = raw.execute("SELECT min(id) FROM meeting").fetchone()[0]
        # a stakeholder of the first meeting's account who is not in the first meeting
        who = raw.execute("SELECT s.id FROM stakeholder s WHERE s.account_id = (SELECT account_id FROM stakeholder "
                          "WHERE id = (SELECT min(stakeholder_id) FROM meeting_stakeholder WHERE meeting_id = ?)) "
                          "AND s.id NOT IN (SELECT stakeholder_id FROM meeting_stakeholder WHERE meeting_id = ?) "
                          "ORDER BY s.id LIMIT 1", (first, first)).fetchone()[0]
    finally:
        raw.close()
    assert first > "a-orphan"
    copy = _v4_copy(tmp_path, f"INSERT INTO meeting_stakeholder VALUES ('a-orphan', '{who}')")
    expected = _expected_account_meetings(copy)
    with open_store(str(copy)) as store:
        assert store.schema_version() == 6
    stored = _stored_account_meetings(copy)
    assert stored == expected
    assert not any(who in row[3].split(",") for row in stored if row[2] == first)


# -- the store's own answers that only the executor reads ------------------------------------------------------

def test_a_sqlite_store_can_be_reopened_by_another_process(tmp_path: Path) -> None:
    # A file on this machine: any process can open it again (GraphStore.reopenable's documented default; only a
    # Neo4j store whose password was typed at a prompt says no).
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        assert store.reopenable() is True
