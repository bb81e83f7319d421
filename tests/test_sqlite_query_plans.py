"""Every SQL statement the SQLite store runs for one account, one person or a chunk of accounts uses an index.

The statements are captured as SQLite runs them (``sqlite3.Connection.set_trace_callback`` gives each with its
parameters bound) while the store answers the look-ups a command makes; each is then given to ``EXPLAIN QUERY
PLAN``, and a full scan (``SCAN t``) of a table that grows with the store fails the test -- such a scan turns a
per-account look-up into work proportional to the whole store (issue #15: ``staff_account`` had no index on
``account_id``).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kamgraph.domain.alert_state import AlertRecord, alert_key
from kamgraph.samples.synth import synth_portfolio
from kamgraph.store.sqlite import SqliteStore

AS_OF = dt.date(2025, 6, 30)

#: Tables whose size grows with the store (all of kamgraph's tables).
GROWING = {"account", "staff", "staff_account", "stakeholder", "reporting_line", "meeting", "meeting_staff",
           "meeting_stakeholder", "relationship", "alert", "alert_check", "alert_outbox", "account_meeting",
           "account_meeting_pack", "account_people_pack"}


def _store(tmp_path: Path) -> SqliteStore:
    store = SqliteStore(tmp_path / "plans.db")
    store.import_batch(synth_portfolio(8, seed=2, as_of=AS_OF, min_stakeholders=10, max_stakeholders=30,
                                       min_staff=2, max_staff=6, days=200))
    record = AlertRecord(key=alert_key("overdue", "a00001", "x"), rule="overdue", account="a00001", subject="x",
                         severity="medium", state="overdue", title="t", message="m", raised_on=AS_OF)
    store.record_alert_check(AS_OF, {"a00001": {}}, raised=[record])
    return store


def _traced(store: SqliteStore, work: Callable[[], object]) -> list[str]:
    seen: list[str] = []
    store._db.set_trace_callback(seen.append)
    try:
        work()
    finally:
        store._db.set_trace_callback(None)
    return [s for s in dict.fromkeys(seen) if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def _table_scans(store: SqliteStore, statement: str) -> list[str]:
    """The growing tables ``statement`` reads in full, by the aliases its plan names them with."""
    aliases = {alias: table for table, alias in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?",
                                                              statement, flags=re.IGNORECASE) if alias}
    aliases |= {t: t for t in GROWING}
    plan = [row[3] for row in store._db.execute("EXPLAIN QUERY PLAN " + statement)]
    scans = []
    for detail in plan:
        match = re.match(r"SCAN (\w+)", detail)
        if match and aliases.get(match.group(1), match.group(1)) in GROWING:
            scans.append(detail)
    return scans


LOOKUPS: dict[str, Callable[[SqliteStore], object]] = {
    "load_account": lambda s: s.load_account("a00003", AS_OF),
    "load_account without as-of": lambda s: s.load_account("a00003"),
    "load_accounts": lambda s: list(s.load_accounts(["a00001", "a00004", "a00006"], AS_OF)),
    "get_account": lambda s: s.get_account("a00002"),
    "find_account by id": lambda s: s.find_account("a00002"),
    "find_account by name": lambda s: s.find_account(s.get_account("a00002").name.upper()),
    "get_person": lambda s: (s.get_person("st-00003"), s.get_person(s.load_account("a00001").stakeholders[0].id)),
    "person_meetings": lambda s: s.person_meetings(s.load_account("a00001").stakeholders[0].id, AS_OF),
    "get_people": lambda s: s.get_people(["st-00001", "nobody"]),
    "people_by_email": lambda s: s.people_by_email(["nobody@example.com"]),
    "known_ids": lambda s: s.known_ids(["st-00001", "x"], ["a00001"]),
    "stakeholder_accounts": lambda s: s.stakeholder_accounts(["x"]),
    "list_stakeholders of an account": lambda s: s.list_stakeholders(["a00001"]),
    "load_alerts of an account": lambda s: s.load_alerts(["a00001"]),
}


def test_the_probe_finds_a_full_scan(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert _table_scans(store, "SELECT id FROM stakeholder s WHERE s.name = 'x'") == ["SCAN s"]
    assert _table_scans(store, "SELECT id FROM stakeholder WHERE id = 'x'") == []
    store.close()


@pytest.mark.parametrize("lookup", sorted(LOOKUPS))
def test_no_full_scan_of_a_growing_table(tmp_path: Path, lookup: str) -> None:
    store = _store(tmp_path)
    statements = _traced(store, lambda: LOOKUPS[lookup](store))
    assert statements, "nothing was traced"
    offenders = {s: scans for s in statements if (scans := _table_scans(store, s))}
    store.close()
    assert offenders == {}


def test_list_accounts_reads_the_account_table_once_and_everything_else_by_index(tmp_path: Path) -> None:
    store = _store(tmp_path)
    statements = _traced(store, store.list_accounts)
    scans = [scan for s in statements for scan in _table_scans(store, s)]
    store.close()
    # the outer loop over every account (in id order); each count is an indexed search
    assert [scan.split(" USING")[0] for scan in scans] == ["SCAN a"]


def test_sqlite_accepts_the_traced_statements_as_written() -> None:
    """The trace gives statements with their values inlined; check it quotes them so they re-run."""
    db = sqlite3.connect(":memory:")
    seen: list[str] = []
    db.set_trace_callback(seen.append)
    db.execute("SELECT ?, ?", ("it's", 3))
    assert db.execute(seen[0]).fetchone() == ("it's", 3)
