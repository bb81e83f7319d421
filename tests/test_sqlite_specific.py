"""What only the SQLite store promises: a real file, WAL, foreign keys, a schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kamgraph.errors import StoreError
from kamgraph.store import open_store, sqlite_path
from kamgraph.store.base import SCHEMA_VERSION


def test_file_is_created_with_wal_foreign_keys_and_version(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "kam.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        assert store.schema_version() == SCHEMA_VERSION
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"account", "stakeholder", "staff", "meeting", "meeting_staff", "meeting_stakeholder"} <= tables
    fks = raw.execute("PRAGMA foreign_key_list(stakeholder)").fetchall()
    assert any(row[2] == "account" for row in fks)
    raw.close()


def test_read_only_open_of_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        open_store(str(tmp_path / "typo.db"))
    assert not (tmp_path / "typo.db").exists()


def test_newer_schema_and_foreign_files_are_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    with open_store(str(newer), create=True):
        pass
    raw = sqlite3.connect(newer)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="upgrade kamgraph"):
        open_store(str(newer))
    other = tmp_path / "other.db"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE t (x)")
    raw.close()
    with pytest.raises(StoreError, match="not a kamgraph store"):
        open_store(str(other))
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database" * 100)
    with pytest.raises(StoreError):
        open_store(str(junk))


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    from kamgraph.dataset import Batch
    from kamgraph.models import Stakeholder

    with open_store(str(tmp_path / "fk.db"), create=True) as store:
        with pytest.raises(StoreError, match="constraint"):
            store.import_batch(Batch(stakeholders=[Stakeholder(id="c", account="missing", name="C")]))
        assert store.is_empty()


@pytest.mark.parametrize(("url", "path"), [("sqlite:///tmp/k.db", "/tmp/k.db"), ("k.db", "k.db"),
                                           ("sqlite:k.db", "k.db"), ("neo4j://h", None)])
def test_sqlite_urls(url: str, path: str | None) -> None:
    assert sqlite_path(url) == path


def test_unknown_url_scheme_is_an_error() -> None:
    with pytest.raises(StoreError, match="unknown store URL"):
        open_store("postgres://x/y")
