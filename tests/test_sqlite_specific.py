"""What only the SQLite store promises: a real file, WAL, foreign keys, a schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kamgraph.errors import StoreError
from kamgraph.store import open_store, sqlite_path
from kamgraph.store.base import SCHEMA_VERSION

from .sqlite_rows import index_names


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
    from kamgraph.domain.dataset import Batch
    from kamgraph.domain.models import Stakeholder

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


V1_FILE = Path(__file__).parent / "data" / "store-v1.sqlite"


def test_a_real_version_1_file_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    """tests/data/store-v1.sqlite was written by kamgraph's schema-1 code (commit bb613ba): the canonical
    sample files imported, then c-cto marked left on 2025-03-12 for Globex."""
    import datetime as dt

    from kamgraph.domain.alert_state import AlertRecord, alert_key

    path = tmp_path / "old.db"
    path.write_bytes(V1_FILE.read_bytes())
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()
    with open_store(str(path)) as store:
        assert store.schema_version() == SCHEMA_VERSION == 6
        # Counted by hand in tests/data/canonical: 1 account, 3 staff, 6 stakeholders, 5 meetings, 2 ties;
        # reporting lines: 5 solid + c-buy's dotted line; attendees: 4 + 4 + 3 + 2 + 2.
        assert store.counts() == {"accounts": 1, "staff": 3, "stakeholders": 6, "meetings": 5, "relationships": 2,
                                  "reporting_lines": 6, "attendances": 15}
        cto = store.get_person("c-cto")
        assert (cto.status.value, cto.left_on, cto.moved_to, cto.note) == (
            "left", dt.date(2025, 3, 12), "Globex", "told us at the QBR")
        assert store.load_alerts() == [] and store.alert_checks() == {}
        record = AlertRecord(key=alert_key("overdue", "acme", "c-cfo"), rule="overdue", account="acme",
                             subject="c-cfo", severity="medium", state="overdue", title="t", message="m",
                             raised_on=dt.date(2025, 3, 15))
        store.record_alert_check(dt.date(2025, 3, 15), {"acme": {}}, raised=[record])
    with open_store(str(path)) as store:  # opening again changes nothing
        assert store.schema_version() == 6 and [a.key for a in store.load_alerts()] == [record.key]
    raw = sqlite3.connect(path)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"alert", "alert_check", "alert_outbox", "stakeholder", "meeting"} <= tables
    raw.close()


def test_a_failed_migration_leaves_the_version_1_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.write_bytes(V1_FILE.read_bytes())
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE alert_outbox (x)")  # clashes with a table version 2 adds
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="could not upgrade the store from schema version 1 to 6"):
        open_store(str(path))
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "alert" not in tables and "alert_check" not in tables
    assert raw.execute("SELECT count(*) FROM stakeholder").fetchone()[0] == 6
    raw.close()


V2_FILE = Path(__file__).parent / "data" / "store-v2.sqlite"



def test_a_real_version_2_file_gets_the_version_3_indexes_keeping_its_data(tmp_path: Path) -> None:
    """tests/data/store-v2.sqlite was written by kamgraph's schema-2 code (commit 027f546): the canonical
    sample files imported, c-cto marked left on 2025-03-12 for Globex, one overdue alert raised for c-cfo."""
    import datetime as dt

    path = tmp_path / "old.db"
    path.write_bytes(V2_FILE.read_bytes())
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    raw.close()
    assert "staff_account_account" not in index_names(path)
    with open_store(str(path)) as store:
        assert store.schema_version() == SCHEMA_VERSION == 6
        assert store.counts() == {"accounts": 1, "staff": 3, "stakeholders": 6, "meetings": 5, "relationships": 2,
                                  "reporting_lines": 6, "attendances": 15}
        assert store.get_person("c-cto").left_on == dt.date(2025, 3, 12)
        assert [(a.rule, a.subject) for a in store.load_alerts()] == [("overdue", "c-cfo")]
        assert store.alert_checks()["acme"].facts == {"x": 1}
        assert list(store.load_accounts(["acme"])) == [store.load_account("acme")]
    assert {"staff_account_account", "account_name"} <= index_names(path)


def test_a_failed_version_3_migration_leaves_the_version_2_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.write_bytes(V2_FILE.read_bytes())
    raw = sqlite3.connect(path)
    raw.execute("CREATE INDEX account_name ON account(id)")  # clashes with an index version 3 adds
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="could not upgrade the store from schema version 2 to 6"):
        open_store(str(path))
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    raw.close()
    assert "staff_account_account" not in index_names(path)


V3_FILE = Path(__file__).parent / "data" / "store-v3.sqlite"


def test_a_real_version_3_file_gets_the_version_4_tables_keeping_its_data(tmp_path: Path) -> None:
    """tests/data/store-v3.sqlite was written by kamgraph's schema-3 code (commit f954402): the canonical
    sample files imported, then ``alerts --as-of 2025-06-01`` (7 alerts raised for acme)."""
    path = tmp_path / "old.db"
    path.write_bytes(V3_FILE.read_bytes())
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    before = {t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("account", "staff", "stakeholder", "meeting", "relationship", "alert", "alert_check")}
    raw.close()
    assert before["alert"] == 7 and before["stakeholder"] == 6
    with open_store(str(path)) as store:
        assert store.schema_version() == SCHEMA_VERSION == 6
        assert len(store.load_alerts()) == 7
    raw = sqlite3.connect(path)
    after = {t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    columns = {r[1] for r in raw.execute("PRAGMA table_info(stakeholder)")}
    account_columns = {r[1] for r in raw.execute("PRAGMA table_info(account)")}
    raw.close()
    assert after == before
    assert {"objective", "competitor_tie", "provenance", "account_metrics", "person_metrics",
            "tie_metrics"} <= tables
    assert "cadence_days" in columns and {"aliases", "crm_ids"} <= account_columns
