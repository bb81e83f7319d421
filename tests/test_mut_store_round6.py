"""Tests written for the survivors of the sixth round's run of the ``store`` target (``scripts/mutation.sh
store``, docs/mutation.md). Every expectation is worked out by hand in the test or read back with plain SQL
from the file itself, never taken from the store's own reader.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

import kamgraph.store.sqlite as sqlite_module
import kamgraph.store.trusted as trusted_module
from kamgraph.domain.alert_state import AlertRecord, alert_key
from kamgraph.domain.dataset import Batch
from kamgraph.domain.erasure import Erasure
from kamgraph.domain.models import Account, LineKind, Meeting, ReportingLine, Staff, Stakeholder, Status
from kamgraph.errors import ConflictError, InputError, StoreError
from kamgraph.settings import ExecutorSettings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore
from kamgraph.store.executor import DaskExecutor, ProcessExecutor, SerialExecutor, chunked, executor_for
from kamgraph.store.sqlite import SqliteStore
from kamgraph.store.trusted import members, trusted, trusted_all
from kamgraph.store.upsert import by_id, dedupe_last, plan_upserts
from kamgraph.store.url import backend_of, is_neo4j_url, resolve_store_url, shown_url, sqlite_path

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


def _alert(rule: str, account: str, subject: str, on: dt.date) -> AlertRecord:
    return AlertRecord(key=alert_key(rule, account, subject), rule=rule, account=account, subject=subject,
                       severity="high", state="s", title=f"{rule} {subject}", message="m", raised_on=on)


def test_the_generic_open_alert_counts_count_what_load_alerts_gives(tmp_path: Path) -> None:
    # GraphStore's own open_alert_counts (both stores override it with one counting query): the open alerts of
    # load_alerts, counted per account by hand.
    d1, d2 = dt.date(2025, 3, 1), dt.date(2025, 3, 2)
    a1, a2, b1 = _alert("overdue", "acme", "c1", d1), _alert("overdue", "acme", "c2", d1), _alert("decay", "beta",
                                                                                                   "s1>c2", d1)
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        assert GraphStore.open_alert_counts(store) == {}
        store.record_alert_check(d1, {"acme": {}, "beta": {}}, raised=[a1, a2, b1])
        assert GraphStore.open_alert_counts(store) == {"acme": 2, "beta": 1}
        # a1 cleared and raised again (one open), b1 cleared: beta has none open, acme still two
        store.record_alert_check(d2, {"acme": {}, "beta": {}}, raised=[_alert("overdue", "acme", "c1", d2)],
                                 cleared=[a1.key, b1.key])
        assert GraphStore.open_alert_counts(store) == {"acme": 2}


def test_an_alert_raised_already_cleared_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    d1 = dt.date(2025, 3, 1)
    done = _alert("overdue", "acme", "c1", d1).model_copy(update={"cleared_on": d1})
    path = tmp_path / "kam.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        with pytest.raises(StoreError) as caught:
            store.record_alert_check(d1, {"acme": {}}, raised=[_alert("decay", "acme", "c2", d1), done])
        assert str(caught.value) == "alert 'overdue:acme:c1' is raised already cleared"
    raw = sqlite3.connect(path)
    try:  # one transaction: neither the other alert nor the check was written
        assert raw.execute("SELECT count(*) FROM alert").fetchone()[0] == 0
        assert raw.execute("SELECT count(*) FROM alert_check").fetchone()[0] == 0
    finally:
        raw.close()


def test_an_alert_raised_while_it_is_open_is_refused_as_a_conflict(tmp_path: Path) -> None:
    # The open alert's key is unique (alert_open_key): a second run raising it again, not cleared, lost a race.
    d1, d2 = dt.date(2025, 3, 1), dt.date(2025, 3, 2)
    path = tmp_path / "kam.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        store.record_alert_check(d1, {"acme": {}}, raised=[_alert("overdue", "acme", "c1", d1)])
        with pytest.raises(ConflictError) as caught:
            store.record_alert_check(d2, {"acme": {"x": 1}}, raised=[_alert("overdue", "acme", "c1", d2)])
    assert re.fullmatch(re.escape(f"{path}: alert run refused (") + r"UNIQUE constraint failed: alert\.key"
                        + re.escape("): another run recorded these alerts first; nothing written"), str(caught.value))
    raw = sqlite3.connect(path)
    try:  # nothing of the second run: one alert of d1, the check of d1
        assert raw.execute("SELECT key, raised_on, cleared_on FROM alert").fetchall() == [
            ("overdue:acme:c1", "2025-03-01", None)]
        assert raw.execute("SELECT account_id, checked_on, facts FROM alert_check").fetchall() == [
            ("acme", "2025-03-01", "{}")]
    finally:
        raw.close()


def test_an_alerts_data_and_a_checks_facts_are_stored_as_json_with_sorted_keys(tmp_path: Path) -> None:
    d1 = dt.date(2025, 3, 1)
    path = tmp_path / "kam.db"
    alert = _alert("overdue", "acme", "c1", d1).model_copy(update={"data": {"zeta": 1, "alpha": ["b", "a"]}})
    with open_store(f"sqlite:///{path}", create=True) as store:
        store.record_alert_check(d1, {"acme": {"thin": True, "gap": 2}}, raised=[alert])
    raw = sqlite3.connect(path)
    try:  # written the same whatever order the caller's dicts have: the file does not depend on it
        assert raw.execute("SELECT data FROM alert").fetchone()[0] == '{"alpha": ["b", "a"], "zeta": 1}'
        assert raw.execute("SELECT facts FROM alert_check").fetchone()[0] == '{"gap": 2, "thin": true}'
    finally:
        raw.close()
    assert json.loads('{"alpha": ["b", "a"], "zeta": 1}') == alert.data


# -- trusted records (the doctests of kamgraph/store/trusted.py, which mutmut does not run) ---------------------

def _same_record(built: object, validated: object) -> None:
    assert built == validated and type(built) is type(validated)
    if type(validated).model_config.get("frozen"):  # type: ignore[attr-defined]
        assert hash(built) == hash(validated)
    # pydantic's own slots: every field set, no extra values, no private values -- as a validated record has
    assert built.model_fields_set == set(type(validated).model_fields)  # type: ignore[attr-defined]
    assert built.__pydantic_extra__ is None and built.__pydantic_private__ is None  # type: ignore[attr-defined]
    assert built.model_dump() == validated.model_dump()  # type: ignore[attr-defined]


def test_trusted_builds_the_record_validation_would() -> None:
    line = trusted(ReportingLine, {"stakeholder": "c1", "manager": "c2", "line": LineKind.DOTTED})
    _same_record(line, ReportingLine(stakeholder="c1", manager="c2", line="dotted"))
    copy = line.model_copy(update={"manager": "c3"})
    assert (copy.manager, line.manager) == ("c3", "c2")
    assert copy.model_dump() == {"stakeholder": "c1", "manager": "c3", "line": LineKind.DOTTED}


def test_trusted_gives_a_left_out_field_its_default_and_a_fresh_list() -> None:
    ann = trusted(Staff, {"id": "s1", "name": "Ann"})
    _same_record(ann, Staff(id="s1", name="Ann"))
    assert ann.accounts == [] and ann.title is None
    # the list default comes from the field's factory, one per record, not shared
    bob = trusted(Staff, {"id": "s2", "name": "Bob"})
    assert bob.accounts == [] and bob.accounts is not ann.accounts
    assert trusted(ReportingLine, {"stakeholder": "c1", "manager": "c2"}).line is LineKind.SOLID


def test_trusted_all_builds_every_row_with_or_without_its_defaults() -> None:
    full = {"stakeholder": "c1", "manager": "c9", "line": LineKind.DOTTED}
    rows = [full, {"stakeholder": "c2", "manager": "c9"},
            {"stakeholder": "c3", "manager": "c8", "line": LineKind.SOLID}]
    built = trusted_all(ReportingLine, iter(rows))
    expected = [ReportingLine(stakeholder="c1", manager="c9", line="dotted"),
                ReportingLine(stakeholder="c2", manager="c9"),  # left out: solid, its default
                ReportingLine(stakeholder="c3", manager="c8")]
    assert len(built) == 3
    for got, want in zip(built, expected, strict=True):
        _same_record(got, want)
    assert trusted_all(ReportingLine, []) == []
    ann = trusted_all(Staff, [{"id": "s1", "name": "Ann"}])[0]
    _same_record(ann, Staff(id="s1", name="Ann"))


def test_trusted_fills_its_field_cache_on_a_first_call(monkeypatch: pytest.MonkeyPatch) -> None:
    # A process that has built no record of the class yet (the cache of field names empty): both builders
    # work out the fields themselves and keep them.
    monkeypatch.setattr(trusted_module, "_FIELDS", {})
    lines = trusted_all(ReportingLine, [{"stakeholder": "c1", "manager": "c2", "line": LineKind.SOLID}])
    _same_record(lines[0], ReportingLine(stakeholder="c1", manager="c2"))
    assert {ReportingLine: {"stakeholder", "manager", "line"}} == trusted_module._FIELDS
    monkeypatch.setattr(trusted_module, "_FIELDS", {})
    _same_record(trusted(ReportingLine, {"stakeholder": "c1", "manager": "c2", "line": LineKind.DOTTED}),
                 ReportingLine(stakeholder="c1", manager="c2", line="dotted"))
    assert {ReportingLine: {"stakeholder", "manager", "line"}} == trusted_module._FIELDS


def test_members_maps_each_stored_value_and_none() -> None:
    assert members(LineKind) == {"solid": LineKind.SOLID, "dotted": LineKind.DOTTED, None: None}


# -- store URLs (kamgraph/store/url.py's doctests and their edges, worked by hand) ------------------------------

def test_the_store_url_is_the_first_of_given_env_neo4j_env_default() -> None:
    both = {"KAMGRAPH_STORE": "kam.db", "NEO4J_URI": "neo4j://db"}
    assert resolve_store_url("given.db", env=both) == "given.db"
    assert resolve_store_url(None, env=both) == "kam.db"
    assert resolve_store_url(None, env={"NEO4J_URI": "neo4j://db"}) == "neo4j://db"
    assert resolve_store_url(None, env={}) == "./kamgraph.db"
    assert resolve_store_url(None, default="./demo.db", env={}) == "./demo.db"
    assert resolve_store_url("", env={"KAMGRAPH_STORE": ""}, default="d.db") == "d.db"  # empty counts as unset


def test_sqlite_paths_of_each_spelling() -> None:
    assert sqlite_path("sqlite:///tmp/kam.db") == "/tmp/kam.db"
    assert sqlite_path("sqlite:////tmp/kam.db") == "/tmp/kam.db"  # extra slashes after the three: one
    assert sqlite_path("sqlite://rel/kam.db") == "rel/kam.db"
    assert sqlite_path("sqlite:rel.db") == "rel.db"
    assert sqlite_path("kam.db") == "kam.db" and sqlite_path("/abs/kam.db") == "/abs/kam.db"
    assert sqlite_path("bolt://h:7687") is None and sqlite_path("http://h/x") is None


def test_neo4j_urls_by_scheme_in_any_case() -> None:
    for url in ("bolt://h:7687", "BOLT://h", "bolt+s://h", "bolt+ssc://h", "neo4j://h", "Neo4j+S://h",
                "neo4j+ssc://h/db://x"):
        assert is_neo4j_url(url), url
    for url in ("sqlite:///tmp/kam.db", "kam.db", "http://h", "bolt:h", "boltx://h", "xbolt://h"):
        assert not is_neo4j_url(url), url
    assert [backend_of(u) for u in ("neo4j+s://db.example", "kam.db", "sqlite:///tmp/kam.db")] == [
        "neo4j", "sqlite", "sqlite"]


def test_an_unknown_scheme_is_refused_without_its_secrets() -> None:
    with pytest.raises(StoreError) as caught:
        backend_of("http://neo4j:s3cret@db.example:7474/x?password=s3cret#frag")
    assert str(caught.value) == ("unknown store URL 'http://db.example:7474/x': use sqlite:///PATH, a file path, "
                                 "bolt:// or neo4j://")


@pytest.mark.parametrize(("url", "shown"), [
    ("http://neo4j:s3cret@db.example:7474/x?password=s3cret", "http://db.example:7474/x"),
    ("kam.db", "kam.db"),
    ("bolt://db:7687", "bolt://db:7687"),
    ("bolt://u:p@db:7687/data", "bolt://db:7687/data"),
    ("bolt://a@b@db/x", "bolt://db/x"),                        # the host after the last @
    ("bolt://db/x?a=1?b=2", "bolt://db/x"),                    # from the first ? on
    ("bolt://db/x#frag#more", "bolt://db/x"),                  # from the first # on
    ("bolt://db/x?q#f", "bolt://db/x"),
    ("neo4j://u:p@db/p@th", "neo4j://db/p@th"),                # an @ of the path stays
    ("neo4j://db/a://b", "neo4j://db/a://b"),                  # the scheme ends at the first ://
])
def test_a_shown_url_drops_user_info_query_and_fragment(url: str, shown: str) -> None:
    assert shown_url(url) == shown


# -- upsert planning (kamgraph/store/upsert.py), worked by hand ------------------------------------------------

def test_dedupe_last_keeps_the_last_record_of_a_key_in_first_seen_order() -> None:
    a1, b, a2 = Account(id="a", name="A1"), Account(id="b", name="B"), Account(id="a", name="A2")
    assert [(r.id, r.name) for r in dedupe_last([a1, b, a2], by_id)] == [("a", "A2"), ("b", "B")]
    # another key (the path every other caller takes): the name case-blind; x and y share it
    x, y, z = Account(id="x", name="North"), Account(id="z", name="Main"), Account(id="y", name="NORTH")
    assert [r.id for r in dedupe_last([x, y, z], key=lambda r: r.name.lower())] == ["y", "z"]
    assert by_id(b) == "b"


def test_plan_upserts_sorts_new_changed_and_same_records() -> None:
    stored = {"a": Account(id="a", name="Acme"), "c": Account(id="c", name="Cyan")}
    incoming = [Account(id="b", name="Beta"), Account(id="a", name="Acme Corp"), Account(id="c", name="Cyan"),
                Account(id="d", name="Delta"), Account(id="b", name="Beta 2")]
    plan = plan_upserts(incoming, stored)
    assert [(r.id, r.name) for r in plan.created] == [("b", "Beta 2"), ("d", "Delta")]
    assert [(r.id, r.name) for r in plan.updated] == [("a", "Acme Corp")]
    assert plan.unchanged == 1
    assert [r.id for r in plan.writes] == ["b", "d", "a"]  # created first, then updated
    first = plan_upserts(incoming, {})  # nothing stored: every record (deduplicated) is new
    assert [(r.id, r.name) for r in first.created] == [("b", "Beta 2"), ("a", "Acme Corp"), ("c", "Cyan"),
                                                        ("d", "Delta")]
    assert first.updated == [] and first.unchanged == 0


def test_plan_upserts_with_another_key() -> None:
    line = ReportingLine(stakeholder="c1", manager="c2")
    stored = {("c1", "c2"): line}
    plan = plan_upserts([ReportingLine(stakeholder="c1", manager="c2"), ReportingLine(stakeholder="c3", manager="c2")],
                        stored, key=lambda r: (r.stakeholder, r.manager))
    assert [(r.stakeholder, r.manager) for r in plan.created] == [("c3", "c2")]
    assert plan.updated == [] and plan.unchanged == 1


def test_a_recorded_departure_survives_a_re_import_that_does_not_mention_it() -> None:
    left = Stakeholder(id="c1", account="acc", name="C1", status="left", left_on=dt.date(2026, 2, 1),
                       moved_to="Rival", note="moved on")
    # the same person from an older file, silent on the departure: unchanged, the departure kept
    plan = plan_upserts([Stakeholder(id="c1", account="acc", name="C1")], {"c1": left})
    assert plan.unchanged == 1 and plan.created == plan.updated == []
    # a new title, silent on the departure: updated, with the four departure fields of the stored record
    plan = plan_upserts([Stakeholder(id="c1", account="acc", name="C1", title="CFO")], {"c1": left})
    [kept] = plan.updated
    assert (kept.title, kept.status, kept.left_on, kept.moved_to, kept.note) == (
        "CFO", Status.LEFT, dt.date(2026, 2, 1), "Rival", "moved on")
    # a note of its own, still silent on status and date: its note, the stored departure otherwise
    plan = plan_upserts([Stakeholder(id="c1", account="acc", name="C1", note="new note")], {"c1": left})
    [kept] = plan.updated
    assert (kept.status, kept.left_on, kept.moved_to, kept.note) == (Status.LEFT, dt.date(2026, 2, 1), "Rival",
                                                                     "new note")
    # a record that says it is active again (status given): the incoming record as it is
    plan = plan_upserts([Stakeholder(id="c1", account="acc", name="C1", status="active")], {"c1": left})
    [back] = plan.updated
    assert (back.status, back.left_on, back.moved_to, back.note) == (Status.ACTIVE, None, None, None)
    # a departure date alone (status follows from it): the incoming departure, not the stored one
    plan = plan_upserts([Stakeholder(id="c1", account="acc", name="C1", left_on=dt.date(2026, 3, 1))],
                        {"c1": left})
    [moved] = plan.updated
    assert (moved.status, moved.left_on, moved.moved_to, moved.note) == (Status.LEFT, dt.date(2026, 3, 1), None,
                                                                         None)
    # staff keep a departure the same way
    gone = Staff(id="s1", name="S1", status="left", left_on=dt.date(2026, 1, 5))
    assert plan_upserts([Staff(id="s1", name="S1")], {"s1": gone}).unchanged == 1


# -- erasure while another connection reads ---------------------------------------------------------------------

def test_an_erasure_while_another_connection_reads_says_so_and_keeps_the_erasure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another connection holds a read transaction: the final checkpoint cannot truncate the write-ahead log
    # (busy), so the erasure is committed but the old pages may stay in the log, and the store says so. The busy
    # timeout set to 0 s makes the checkpoint report at once instead of after BUSY_SECONDS.
    monkeypatch.setattr(sqlite_module, "BUSY_SECONDS", 0)
    path = tmp_path / "kam.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        store.import_batch(Batch(accounts=[Account(id="acc", name="Acme")],
                                 stakeholders=[Stakeholder(id="c1", account="acc", name="Cy Smith"),
                                               Stakeholder(id="c2", account="acc", name="Di Jones")]))
        reader = sqlite3.connect(path, isolation_level=None)
        try:
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM stakeholder").fetchone()[0] == 2
            with pytest.raises(StoreError) as caught:
                store.erase(Erasure(people=["c1"], accounts=[], needles=["Cy Smith"]), lambda state: state)
            reader.execute("COMMIT")
        finally:
            reader.close()
        assert str(caught.value) == (f"{path}: erased, but another process has the store open, so the old pages "
                                     "may stay in its write-ahead log: close it and run 'kamgraph forget' again")
    raw = sqlite3.connect(path)
    try:
        assert [r[0] for r in raw.execute("SELECT id FROM stakeholder")] == ["c2"]  # the erasure was committed
    finally:
        raw.close()


# -- executors: chunks, the serial fallbacks of the local executor, the choice by URL ------------------------

_MARK = "as imported"  # a module value the test changes: a forked worker sees the change, a spawned one does not


def _marked(store: GraphStore, ids: list[str], payload: object) -> list[tuple[str, str, int]]:
    # the store a worker opened again: the accounts' names read from it
    names = {a.id: a.name for a in store.list_accounts()}
    return [(i, f"{_MARK}: {names.get(i)}", os.getpid()) for i in ids]


def _where_run(store: GraphStore, ids: list[str], payload: object) -> list[tuple[str, object, int]]:
    """A task (module level: a worker process must find it): each id with the chunk's payload and the process."""
    return [(i, payload, os.getpid()) for i in ids]


def test_chunks_are_consecutive_and_at_most_the_size() -> None:
    ids = ["a", "b", "c", "d", "e"]
    assert list(chunked(ids, 2)) == [["a", "b"], ["c", "d"], ["e"]]
    assert list(chunked(ids, 5)) == [ids] and list(chunked(ids, 9)) == [ids]
    assert list(chunked(ids, 1)) == [["a"], ["b"], ["c"], ["d"], ["e"]]
    assert list(chunked([], 3)) == []


def test_the_serial_executor_runs_each_chunk_here_in_order_with_its_payload(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        results = SerialExecutor(2).run(store, _where_run, ["a", "b", "c"], payload=lambda part: "+".join(part),
                                        progress=lambda done, total: seen.append((done, total)))
    here = os.getpid()
    assert results == [("a", "a+b", here), ("b", "a+b", here), ("c", "c", here)]
    assert seen == [(2, 3), (3, 3)]  # after each chunk: the results so far, of all
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}") as store:  # no payload given: None
        assert SerialExecutor(5).run(store, _where_run, ["x"]) == [("x", None, here)]


def test_the_local_executor_balances_its_chunks_over_the_workers() -> None:
    # at most chunk_size, and small enough that each worker gets two chunks: ceil(n / (2 * workers))
    assert ProcessExecutor(200, workers=2).balanced_size(500) == 125
    assert ProcessExecutor(200, workers=2).balanced_size(2000) == 200
    assert ProcessExecutor(200, workers=2).balanced_size(801) == 200  # ceil(801 / 4) = 201, cut to 200
    assert ProcessExecutor(200, workers=3).balanced_size(7) == 2       # ceil(7 / 6)
    assert ProcessExecutor(200, workers=2).balanced_size(4) == 1
    assert ProcessExecutor(200, workers=2).balanced_size(0) == 1       # never 0
    assert ProcessExecutor(200, workers=1).balanced_size(500) == 200   # one worker: the chunk size
    assert ProcessExecutor(50).workers == (os.cpu_count() or 1) and ProcessExecutor(50).min_accounts == 0


def test_the_local_executor_stays_in_this_process_when_workers_would_not_pay(tmp_path: Path) -> None:
    here = os.getpid()
    ids = ["a", "b", "c", "d"]
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        def pids(executor: ProcessExecutor) -> set[int]:
            return {pid for _i, _p, pid in executor.run(store, _where_run, ids)}

        assert pids(ProcessExecutor(2, workers=1)) == {here}                   # one worker
        one = ProcessExecutor(4, workers=2).run(store, _where_run, ["a"])      # one chunk only
        assert one == [("a", None, here)]
        assert pids(ProcessExecutor(2, workers=2, min_accounts=5)) == {here}   # fewer accounts than the minimum
        # results in id order in every case, chunk payloads None
        assert ProcessExecutor(2, workers=2, min_accounts=5).run(store, _where_run, ids) == [
            (i, None, here) for i in ids]
        # exactly the minimum: worker processes (the result order is the chunks' all the same)
        out = ProcessExecutor(2, workers=2, min_accounts=4).run(store, _where_run, ids,
                                                                  payload=lambda part: len(part))
        assert [(i, p) for i, p, _pid in out] == [("a", 1), ("b", 1), ("c", 1), ("d", 1)]
        assert here not in {pid for _i, _p, pid in out}
        # two chunks (two accounts, two workers): worker processes
        two = ProcessExecutor(2, workers=2).run(store, _where_run, ["a", "b"])
        assert [i for i, _p, _pid in two] == ["a", "b"] and here not in {pid for _i, _p, pid in two}
        # the same, on a store another process cannot open again (a Neo4j password typed at a prompt): here
        store.reopenable = lambda: False  # type: ignore[method-assign]
        assert pids(ProcessExecutor(2, workers=2, min_accounts=4)) == {here}


def test_the_executor_is_named_by_its_url() -> None:
    settings = ExecutorSettings(url="serial", workers=3, chunk_size=7, min_accounts=11)
    serial = executor_for(None, settings)
    assert type(serial) is SerialExecutor and serial.chunk_size == 7
    assert type(executor_for("  serial  ", settings)) is SerialExecutor
    local = executor_for("local", settings)
    assert type(local) is ProcessExecutor
    assert (local.chunk_size, local.workers, local.min_accounts) == (7, 3, 11)
    for url in ("dask://sched:8786", "tcp://sched:8786"):
        dask = executor_for(url, settings)
        assert type(dask) is DaskExecutor and (dask.address, dask.chunk_size) == ("tcp://sched:8786", 7)
    assert DaskExecutor("tcp://x:1").chunk_size == 200 and ProcessExecutor().chunk_size == 200
    assert SerialExecutor().chunk_size == 200
    with pytest.raises(InputError) as caught:
        executor_for("spark://x", settings)
    assert str(caught.value) == ("executor: unknown executor 'spark://x' (use 'local', 'serial' or "
                                 "'dask://HOST:PORT')")
    assert caught.value.field == "executor"


def test_the_local_executor_forks_its_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # "fork where available" (this is Linux): a forked worker is a copy of this process, a module value changed
    # here included; a spawned one imports the module afresh.
    import multiprocessing

    assert "fork" in multiprocessing.get_all_start_methods()
    monkeypatch.setattr(f"{__name__}._MARK", "changed by the test")
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(Batch(accounts=[Account(id=i, name=f"Account {i.upper()}") for i in "abcd"]))
        out = ProcessExecutor(2, workers=2).run(store, _marked, ["a", "b", "c", "d"])
    assert [(i, mark) for i, mark, _pid in out] == [(i, f"changed by the test: Account {i.upper()}") for i in "abcd"]
    assert os.getpid() not in {pid for _i, _m, pid in out}


# -- the streamed import of meetings (import_meeting_blocks, the pipeline's) -----------------------------------

_KINDS = {"s1": "staff", "c1": "stakeholder", "c2": "stakeholder"}


def _meeting(mid: str, day: int, subject: str = "Review") -> Meeting:
    return Meeting(id=mid, date=dt.date(2026, 1, day), subject=subject, attendees=["s1", "c1" if day % 2 else "c2"])


def _people_store(path: Path) -> GraphStore:
    store = open_store(f"sqlite:///{path}", create=True)
    store.import_batch(Batch(accounts=[Account(id="acc", name="Acme")], staff=[Staff(id="s1", name="S1")],
                             stakeholders=[Stakeholder(id="c1", account="acc", name="C1"),
                                           Stakeholder(id="c2", account="acc", name="C2")]))
    return store


def _stored_meetings(path: Path) -> list[tuple[str, str]]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT id, subject FROM meeting ORDER BY id").fetchall()
    finally:
        raw.close()


def test_meeting_blocks_are_counted_over_every_block(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    with _people_store(path) as store:
        blocks = [Batch(meetings=[_meeting("m1", 1), _meeting("m2", 2)], person_kinds=_KINDS),
                  Batch(meetings=[_meeting("m3", 3)], person_kinds=_KINDS)]
        first = store.import_meeting_blocks(iter(blocks), expected=3)  # no dry_run given: written
        assert (first.kinds["meetings"].created, first.kinds["meetings"].updated,
                first.kinds["meetings"].unchanged) == (3, 0, 0)
        assert _stored_meetings(path) == [("m1", "Review"), ("m2", "Review"), ("m3", "Review")]
        # a second import into a table that holds meetings: m1 changed, m2 the same (first block), m4 new,
        # m3 the same (second block)
        again = [Batch(meetings=[_meeting("m1", 1, "Renewal"), _meeting("m2", 2)], person_kinds=_KINDS),
                 Batch(meetings=[_meeting("m4", 4), _meeting("m3", 3)], person_kinds=_KINDS)]
        second = store.import_meeting_blocks(iter(again), expected=4)
        assert (second.kinds["meetings"].created, second.kinds["meetings"].updated,
                second.kinds["meetings"].unchanged) == (1, 1, 2)
        assert _stored_meetings(path) == [("m1", "Renewal"), ("m2", "Review"), ("m3", "Review"), ("m4", "Review")]


def test_a_dry_run_of_meeting_blocks_counts_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    with _people_store(path) as store:
        summary = store.import_meeting_blocks(iter([Batch(meetings=[_meeting("m1", 1)], person_kinds=_KINDS)]),
                                              dry_run=True)
        assert summary.dry_run and summary.kinds["meetings"].created == 1
    assert _stored_meetings(path) == []


def test_meeting_blocks_take_meetings_only_and_a_refused_block_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    with _people_store(path) as store:
        blocks = [Batch(meetings=[_meeting("m1", 1)], person_kinds=_KINDS),
                  Batch(meetings=[_meeting("m2", 2)], accounts=[Account(id="b", name="B")], person_kinds=_KINDS)]
        with pytest.raises(ValueError, match=r"^import_meeting_blocks takes batches of meetings only$"):
            store.import_meeting_blocks(iter(blocks))
    assert _stored_meetings(path) == []  # the first block rolled back with the refused one
