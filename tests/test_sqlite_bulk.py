"""The SQLite bulk-load path (indexes dropped and rebuilt inside the import) leaves the schema as it was."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from kamgraph.ingest import import_files
from kamgraph.store import open_store
from kamgraph.store import sqlite as sqlite_store

from .conftest import CANONICAL


def _schema(path: Path) -> list[tuple[str, str]]:
    raw = sqlite3.connect(path)
    rows = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                       "ORDER BY name").fetchall()
    raw.close()
    return rows


def test_big_import_dry_run_and_real_keep_every_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_MIN_ROWS", 500)  # the real threshold is 20,000; same path, faster
    db = tmp_path / "kam.db"
    meetings = tmp_path / "meetings.csv"
    with meetings.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "date", "attendees"])
        out.writerows([f"b-{i}", f"2025-01-{i % 28 + 1:02d}", "s-kim;c-arch" if i % 2 else "s-raj;c-cto;c-eng"]
                      for i in range(1_000))
    with open_store(str(db), create=True) as store:
        import_files(sorted(CANONICAL.glob("*.csv")), store)
    before = _schema(db)
    assert {name for name, _ in before} >= {"meeting_date", "meeting_staff_staff", "meeting_stakeholder_stakeholder",
                                        "account_meeting_meeting"}
    statements: list[str] = []
    with open_store(str(db)) as store:
        store._db.set_trace_callback(statements.append)  # type: ignore[attr-defined]
        dry = import_files([meetings], store, dry_run=True)
        assert dry.kinds["meetings"].created == 1_000 and store.counts()["meetings"] == 5
    assert _schema(db) == before
    # the bulk path was taken: the meeting tables' three indexes and account_meeting's (schema 5)
    assert sum(s.startswith("DROP INDEX") for s in statements) == 4
    with open_store(str(db)) as store:
        store._db.set_trace_callback(statements.append)  # type: ignore[attr-defined]
        import_files([meetings], store)
        counts = store.counts()
        # 500 meetings of 2 attendees and 500 of 3, plus the 5 sample meetings with 4+4+3+2+2 attendances
        assert (counts["meetings"], counts["attendances"]) == (1_005, 500 * 2 + 500 * 3 + 15)
        assert len(store.person_meetings("c-eng")) == 500 + 1  # the even rows and sample meeting m-003
    assert _schema(db) == before
    assert sum(s.startswith("CREATE INDEX") for s in statements) == 8  # both imports rebuilt the four
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()
