"""The embedded default store: one SQLite file (stdlib ``sqlite3``).

The only module of kamgraph that imports :mod:`sqlite3`. Foreign keys are on,
the journal is WAL, and every import runs in one ``BEGIN IMMEDIATE``
transaction. The schema version lives in ``PRAGMA user_version``; opening an
older file migrates it in place, in one transaction, keeping its data
(version 1 -> 2 adds the alert-state tables). User values only ever reach SQL
as parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from itertools import chain, groupby, pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any, ClassVar

from ..domain.alert_state import AccountCheck, AlertRecord, Delivery
from ..domain.dataset import KINDS, AccountSnapshot, AccountSummary, Batch, ImportSummary, PackedSnapshot, row_attendees
from ..domain.erasure import AlertState, Erasure, ErasureCounts, merge_alert_states
from ..domain.metrics import AccountMetrics, MetricsSnapshot
from ..domain.models import (
    Account,
    BuyingRole,
    CompetitorTie,
    LineKind,
    Meeting,
    MeetingKind,
    Relationship,
    ReportingLine,
    Seniority,
    Staff,
    StaffRole,
    Stakeholder,
    Status,
    TieKind,
)
from ..domain.plans import Objective, ObjectiveState
from ..domain.provenance import Provenance
from ..errors import ConflictError, InputError, NotFoundError, StoreError
from ..kernels.gc_pause import paused_gc
from .base import DEFAULT_CHUNK, SCHEMA_VERSION, GraphStore, _best_name_matches
from .packed_rows import meetings_from_rows
from .trusted import members, trusted, trusted_all
from .upsert import UpsertPlan, plan_upserts

__all__ = ["SqliteStore", "BUSY_SECONDS"]

#: How long a write waits for another process's write lock before "store busy".
BUSY_SECONDS = 30

_SCHEMA = """
CREATE TABLE account (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, tier TEXT, segment TEXT,
    revenue REAL, potential REAL, category_spend REAL, currency TEXT,
    criteria TEXT NOT NULL DEFAULT '{}', domains TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE staff (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, title TEXT, team TEXT, role TEXT NOT NULL,
    email TEXT, status TEXT NOT NULL, left_on TEXT, moved_to TEXT, note TEXT
);
CREATE TABLE staff_account (
    staff_id TEXT NOT NULL REFERENCES staff(id) DEFERRABLE INITIALLY DEFERRED,
    account_id TEXT NOT NULL REFERENCES account(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (staff_id, account_id)
) WITHOUT ROWID;
CREATE TABLE stakeholder (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account(id) DEFERRABLE INITIALLY DEFERRED,
    name TEXT NOT NULL, title TEXT, department TEXT, seniority TEXT, buying_role TEXT,
    influence INTEGER NOT NULL, attitude INTEGER NOT NULL, email TEXT,
    status TEXT NOT NULL, left_on TEXT, moved_to TEXT, note TEXT,
    verified INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stakeholder_account ON stakeholder(account_id);
CREATE TABLE reporting_line (
    stakeholder_id TEXT NOT NULL REFERENCES stakeholder(id) DEFERRABLE INITIALLY DEFERRED,
    manager_id TEXT NOT NULL REFERENCES stakeholder(id) DEFERRABLE INITIALLY DEFERRED,
    line TEXT NOT NULL,
    PRIMARY KEY (stakeholder_id, manager_id)
) WITHOUT ROWID;
CREATE INDEX reporting_line_manager ON reporting_line(manager_id);
CREATE TABLE meeting (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES account(id) DEFERRABLE INITIALLY DEFERRED,
    date TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT, source TEXT, source_id TEXT
);
CREATE INDEX meeting_date ON meeting(date);
CREATE TABLE meeting_staff (
    meeting_id TEXT NOT NULL REFERENCES meeting(id) DEFERRABLE INITIALLY DEFERRED,
    staff_id TEXT NOT NULL REFERENCES staff(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (meeting_id, staff_id)
) WITHOUT ROWID;
CREATE INDEX meeting_staff_staff ON meeting_staff(staff_id);
CREATE TABLE meeting_stakeholder (
    meeting_id TEXT NOT NULL REFERENCES meeting(id) DEFERRABLE INITIALLY DEFERRED,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholder(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (meeting_id, stakeholder_id)
) WITHOUT ROWID;
CREATE INDEX meeting_stakeholder_stakeholder ON meeting_stakeholder(stakeholder_id);
CREATE TABLE relationship (
    source_id TEXT NOT NULL, target_id TEXT NOT NULL, kind TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (source_id, target_id, kind)
) WITHOUT ROWID;
CREATE INDEX relationship_target ON relationship(target_id);
"""

#: Version 2: alert state. Alerts are history: a cleared alert stays, with ``cleared_on``;
#: at most one alert per key is open.
_SCHEMA_V2 = """
CREATE TABLE alert (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL, rule TEXT NOT NULL, account_id TEXT NOT NULL,
    subject TEXT NOT NULL, severity TEXT NOT NULL, state TEXT NOT NULL, title TEXT NOT NULL,
    message TEXT NOT NULL, raised_on TEXT NOT NULL, cleared_on TEXT, data TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX alert_open_key ON alert(key) WHERE cleared_on IS NULL;
CREATE INDEX alert_account ON alert(account_id);
CREATE TABLE alert_check (
    account_id TEXT PRIMARY KEY, checked_on TEXT NOT NULL, facts TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE TABLE alert_outbox (
    id TEXT PRIMARY KEY, created_on TEXT NOT NULL, payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
);
"""

#: Version 3: the indexes portfolio-wide loads and look-ups by name need (no new data).
_SCHEMA_V3 = """
CREATE INDEX staff_account_account ON staff_account(account_id);
CREATE INDEX account_name ON account(name COLLATE NOCASE);
CREATE INDEX stakeholder_email ON stakeholder(email);
CREATE INDEX staff_email ON staff(email);
"""

#: Version 4, in four parts, one per concern (each part is owned by the module that uses it).
#: Account plans: relationship objectives per account, with owner, due date and state.
_SCHEMA_V4_PLANS = """
CREATE TABLE objective (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account(id) DEFERRABLE INITIALLY DEFERRED,
    kind TEXT NOT NULL, subject TEXT, target REAL, owner_id TEXT, due TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open', created_on TEXT NOT NULL, closed_on TEXT, note TEXT, origin TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX objective_account ON objective(account_id);
"""

#: Competitive position: a stakeholder leaning toward a named competitor; per-person cadence overrides.
_SCHEMA_V4_COMPETITORS = """
CREATE TABLE competitor_tie (
    stakeholder_id TEXT NOT NULL REFERENCES stakeholder(id) DEFERRABLE INITIALLY DEFERRED,
    competitor TEXT NOT NULL, strength REAL NOT NULL, since TEXT, note TEXT,
    PRIMARY KEY (stakeholder_id, competitor)
) WITHOUT ROWID;
ALTER TABLE stakeholder ADD COLUMN cadence_days INTEGER;
"""

#: Other names and CRM ids an account is known by (matching an export's company column in ``sync``).
_SCHEMA_V4_ACCOUNT_KEYS = """
ALTER TABLE account ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
ALTER TABLE account ADD COLUMN crm_ids TEXT NOT NULL DEFAULT '[]';
"""

#: Where each record came from (a connector or a file import), first and last seen: one row per record and
#: source record (a meeting seen in two mailboxes has two), so that a deletion at a source finds what it showed.
_SCHEMA_V4_PROVENANCE = """
CREATE TABLE provenance (
    kind TEXT NOT NULL, record_id TEXT NOT NULL, source TEXT NOT NULL, source_id TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    PRIMARY KEY (kind, record_id, source, source_id)
) WITHOUT ROWID;
CREATE INDEX provenance_record ON provenance(record_id);
CREATE INDEX provenance_source ON provenance(source, source_id);
"""

#: Analysis results written back (``kamgraph analyze --write``), one snapshot per account and as-of date
#: (history kept), one typed column per figure (see docs/analysis-in-the-graph.md), and the store's data
#: generation: one row bumped by every write that changes records, so a snapshot knows when it went stale.
_SCHEMA_V4_METRICS = """
CREATE TABLE account_metrics (
    account_id TEXT NOT NULL, as_of TEXT NOT NULL, fingerprint TEXT NOT NULL, data_generation INTEGER NOT NULL,
    computed_at TEXT NOT NULL, name TEXT NOT NULL,
    health REAL NOT NULL, coverage REAL NOT NULL, weighted_coverage REAL NOT NULL, key_coverage REAL NOT NULL,
    reachable REAL NOT NULL, fragility_index REAL NOT NULL, concentration REAL NOT NULL, shape TEXT NOT NULL,
    active_stakeholders INTEGER NOT NULL, covered INTEGER NOT NULL, key_stakeholders INTEGER NOT NULL,
    key_covered INTEGER NOT NULL, required_roles_covered INTEGER NOT NULL, required_roles INTEGER NOT NULL,
    single_threaded_key INTEGER NOT NULL, key_at_connectivity_1 INTEGER NOT NULL, min_key_connectivity INTEGER,
    overdue_key INTEGER NOT NULL, top_staff TEXT, most_critical_person TEXT,
    stage TEXT, stage_level INTEGER, stage_threaded INTEGER, stage_departments INTEGER, stage_levels INTEGER,
    stage_staff INTEGER, stage_exec_ties INTEGER, stage_multi_threaded_share REAL, stage_concentration REAL,
    stage_months REAL,
    active_staff INTEGER NOT NULL, departed INTEGER NOT NULL, meetings INTEGER NOT NULL, ties INTEGER NOT NULL,
    articulation_points INTEGER NOT NULL,
    PRIMARY KEY (account_id, as_of)
) WITHOUT ROWID;
CREATE TABLE person_metrics (
    account_id TEXT NOT NULL, person_id TEXT NOT NULL, as_of TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
    importance REAL, key INTEGER, covered INTEGER, threads INTEGER NOT NULL, sole_threads INTEGER,
    cadence TEXT, cadence_target_days INTEGER, last_contact TEXT, days_since_contact INTEGER, reachable INTEGER,
    connectivity INTEGER, articulation_point INTEGER NOT NULL, cut_off INTEGER NOT NULL, removal_share REAL NOT NULL,
    bridging REAL NOT NULL, strength REAL, share_of_strength REAL,
    PRIMARY KEY (account_id, person_id, as_of)
) WITHOUT ROWID;
CREATE INDEX person_metrics_person ON person_metrics(person_id);
CREATE TABLE tie_metrics (
    account_id TEXT NOT NULL, staff_id TEXT NOT NULL, stakeholder_id TEXT NOT NULL, as_of TEXT NOT NULL,
    strength REAL NOT NULL, meetings INTEGER NOT NULL, first_met TEXT NOT NULL, last_met TEXT NOT NULL,
    thread INTEGER NOT NULL, sole_thread INTEGER NOT NULL,
    PRIMARY KEY (account_id, staff_id, stakeholder_id, as_of)
) WITHOUT ROWID;
CREATE INDEX tie_metrics_stakeholder ON tie_metrics(stakeholder_id);
CREATE TABLE data_generation (
    name TEXT PRIMARY KEY, generation INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO data_generation (name, generation) VALUES ('data', 0);
"""

#: Version 5: each account's view of its meetings, kept on write so that a portfolio-wide load reads one index
#: range per account: one row per account and meeting one of its stakeholders attended, with the attendees
#: that account sees (every one of our staff and its own stakeholders, sorted, comma-joined; ids never hold a
#: comma). Derived data: rebuilt from the meeting tables on migration, refreshed by every write that changes
#: a meeting, its attendees or a stakeholder's account (see ``_refresh_account_meetings``).
_SCHEMA_V5_ACCOUNT_MEETINGS = """
CREATE TABLE account_meeting (
    account_id TEXT NOT NULL, date TEXT NOT NULL, meeting_id TEXT NOT NULL, attendees TEXT NOT NULL,
    PRIMARY KEY (account_id, date, meeting_id)
) WITHOUT ROWID;
CREATE INDEX account_meeting_meeting ON account_meeting(meeting_id);
"""

#: Version 6, so that a portfolio-wide load reads one row per account for its meetings and one for its
#: stakeholders, instead of one per meeting (and a join to ``meeting``) and one per stakeholder (and a join for
#: the reporting lines): about 40 % of the CPU of ``kamgraph portfolio`` on a 2,000-account store.
#:
#: * ``account_meeting_pack``: each account's ``account_meeting`` rows joined to ``meeting``, in one JSON array of
#:   ``[date, meeting id, meeting's account, kind, subject, source, source id, attendees]``, by date then id,
#:   made by SQLite itself (``json_group_array``) from the account's index range;
#: * ``account_people_pack``: each account's stakeholders in one JSON array of each one's columns, its solid
#:   manager and its dotted managers, sorted by id.
#:
#: Both are derived data, never written by hand. ``pack_stale`` notes what a write changed: the writes of
#: ``account_meeting`` rows note their accounts themselves (a trigger per inserted row would cost an import 0.3 s
#: per 100,000 rows); triggers note the accounts whose rows are deleted or updated, the meetings whose row is
#: updated (an import's update, a subject an erasure scrubs: their accounts are looked up when repacking, after
#: a bulk load has rebuilt the index that finds them) and the accounts whose stakeholders or reporting lines
#: change (with ``NOT EXISTS``, not ``OR IGNORE``: an upsert's own conflict policy would override the
#: trigger's). Every write transaction repacks what was noted before it commits (``SqliteStore._repack_stale``).
#: A reader that finds a note left, or no pack, reads the tables themselves.
def _noting_trigger(name: str, event: str, table: str, kind: str, *ids: str) -> str:
    """DDL of a trigger that notes in ``pack_stale`` the ``kind`` packs each of ``ids`` (SQL expressions over the
    row, one of which may come out NULL: nothing to note) names, once.

    >>> print(_noting_trigger("t", "DELETE", "x", "people", "OLD.account_id"))  # doctest: +NORMALIZE_WHITESPACE
    CREATE TRIGGER t AFTER DELETE ON x BEGIN
        INSERT INTO pack_stale (kind, id) SELECT 'people', v FROM (SELECT OLD.account_id AS v)
        WHERE v IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM pack_stale WHERE kind = 'people' AND id = v);
    END;
    """
    body = "".join(f"    INSERT INTO pack_stale (kind, id) SELECT '{kind}', v FROM (SELECT {expr} AS v)\n"
                   f"    WHERE v IS NOT NULL\n"
                   f"    AND NOT EXISTS (SELECT 1 FROM pack_stale WHERE kind = '{kind}' AND id = v);\n"
                   for expr in ids)
    return f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN\n{body}END;\n"


_ACCOUNT_OF = "(SELECT account_id FROM stakeholder WHERE id = {}.stakeholder_id)"  # a reporting line's account

_SCHEMA_V6 = """
CREATE TABLE account_meeting_pack (
    account_id TEXT PRIMARY KEY, pack TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE account_people_pack (
    account_id TEXT PRIMARY KEY, pack TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE pack_stale (
    kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id)
) WITHOUT ROWID;
""" + "".join([
    _noting_trigger("account_meeting_removed", "DELETE", "account_meeting", "meetings", "OLD.account_id"),
    _noting_trigger("account_meeting_changed", "UPDATE", "account_meeting", "meetings", "OLD.account_id",
                    "NEW.account_id"),
    _noting_trigger("meeting_changed", "UPDATE", "meeting", "meeting", "NEW.id"),
    _noting_trigger("stakeholder_added", "INSERT", "stakeholder", "people", "NEW.account_id"),
    _noting_trigger("stakeholder_removed", "DELETE", "stakeholder", "people", "OLD.account_id"),
    _noting_trigger("stakeholder_changed", "UPDATE", "stakeholder", "people", "OLD.account_id", "NEW.account_id"),
    _noting_trigger("reporting_line_added", "INSERT", "reporting_line", "people", _ACCOUNT_OF.format("NEW")),
    _noting_trigger("reporting_line_removed", "DELETE", "reporting_line", "people", _ACCOUNT_OF.format("OLD")),
    _noting_trigger("reporting_line_changed", "UPDATE", "reporting_line", "people", _ACCOUNT_OF.format("OLD"),
                    _ACCOUNT_OF.format("NEW")),
])

#: DDL that takes a store from version ``v`` to ``v + 1``.
_MIGRATIONS = {1: _SCHEMA_V2, 2: _SCHEMA_V3,
               3: _SCHEMA_V4_PLANS + _SCHEMA_V4_COMPETITORS + _SCHEMA_V4_ACCOUNT_KEYS + _SCHEMA_V4_PROVENANCE
               + _SCHEMA_V4_METRICS,
               4: _SCHEMA_V5_ACCOUNT_MEETINGS, 5: _SCHEMA_V6}

_TABLES = ("account_meeting_pack", "account_people_pack", "account_meeting", "account_metrics", "person_metrics",
           "tie_metrics", "provenance", "competitor_tie", "objective",
           "alert", "alert_check", "alert_outbox",
           "relationship", "meeting_stakeholder", "meeting_staff", "meeting", "reporting_line",
           "stakeholder", "staff_account", "staff", "account")

#: Page cache during an import (KiB, as a negative PRAGMA cache_size); the default 2 MB thrashes on big files.
_IMPORT_CACHE_KIB = -65536
#: Loads of at least this many new meetings that at least double the table rebuild its indexes afterwards.
_BULK_MIN_ROWS = 20_000
_MEETING_INDEXES = ("meeting_date", "meeting_staff_staff", "meeting_stakeholder_stakeholder", "account_meeting_meeting")

_CHUNK = 900  # stay under SQLite's default limit of bound parameters


_by_account = itemgetter(0)
_by_date = itemgetter(0)


def _statements(script: str) -> Iterator[str]:
    """The statements of a DDL script, split at the semicolons that end them (a trigger's body keeps its own).

    >>> [s.split()[1] for s in _statements("CREATE TABLE t (a);CREATE TRIGGER g AFTER INSERT ON t BEGIN "
    ...                                    "DELETE FROM t; END;")]
    ['TABLE', 'TRIGGER']
    """
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending.strip()
            pending = ""
    if pending.strip(" \n;"):
        yield pending.strip()


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _marks(n: int) -> str:
    """``?,?,?`` for ``n`` parameters (structure only, never values)."""
    return ",".join("?" * n)


def _account_filter(condition: str | None, account_ids: Iterable[str] | None) -> tuple[str, list[str]] | None:
    """``(WHERE clause, parameters)`` for a fixed ``condition`` (our own SQL, never user text) and, when
    given, ``account_id IN (...)``; None when ``account_ids`` is empty (nothing can match)."""
    where, params = ([condition] if condition else []), []
    if account_ids is not None:
        params = sorted(set(account_ids))
        if not params:
            return None
        where.append(f"account_id IN ({_marks(len(params))})")
    return ("WHERE " + " AND ".join(where)) if where else "", params


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _enum(value: Any) -> Any:
    # ``_value_`` is a plain attribute of every enum member; ``.value`` is a slower descriptor.
    return getattr(value, "_value_", value)


class SqliteStore(GraphStore):
    """A kamgraph store in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The database file. ``":memory:"`` gives a throw-away store.
    create : bool
        Create the file when it does not exist (importers, demo); read-only
        commands pass False and get a clear error instead of an empty store.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            file = Path(self.path)
            if not file.exists() and not create:
                raise StoreError(f"no store at {self.path} (run 'kamgraph import' or 'kamgraph demo' "
                                 "first, or pick one with --store / KAMGRAPH_STORE)")
            if create:
                file.parent.mkdir(parents=True, exist_ok=True)
        self.url = "sqlite:///" + self.path.lstrip("/") if self.path.startswith("/") else self.path
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_SECONDS)
            self._db.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a kamgraph SQLite store ({exc})") from exc

    # -- life cycle -----------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has schema version {version}; this kamgraph reads "
                             f"up to {SCHEMA_VERSION} -- upgrade kamgraph")
        if version == SCHEMA_VERSION:
            return
        if version == 0:
            tables = self._db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            if tables:
                raise StoreError(f"{self.path} is an SQLite file, but not a kamgraph store")
        try:
            with self._tx():
                version = self.schema_version()  # another process may have migrated meanwhile
                scripts = [_SCHEMA] if version == 0 else []
                scripts += [_MIGRATIONS[v] for v in range(max(version, 1), SCHEMA_VERSION)]
                for script in scripts:
                    for statement in _statements(script):
                        self._db.execute(statement)
                if 0 < version < 5:  # the derived table of version 5, from the meetings kept
                    self._refresh_account_meetings(None)
                if 0 < version < 6:  # the packs of version 6, of every account, at this commit
                    self._db.execute("INSERT OR IGNORE INTO pack_stale (kind, id) "
                                     "SELECT 'people', id FROM account UNION SELECT 'meetings', id FROM account")
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        except sqlite3.DatabaseError as exc:
            if version == 0:
                raise
            raise StoreError(f"{self.path}: could not upgrade the store from schema version {version} to "
                             f"{SCHEMA_VERSION} ({exc}); it was left as it was") from exc

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, its write lock taken first: commit on success, roll back on any exception.

        Another process writing holds the lock; this one waits up to :data:`BUSY_SECONDS`, then fails with a
        one-line "store busy" :class:`~kamgraph.errors.StoreError` instead of a traceback.
        """
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(f"{self.path}: store busy: another kamgraph has been writing to it for "
                                 f"{BUSY_SECONDS} s; retry when it is done") from None
            raise
        try:
            yield self._db
            self._repack_stale()
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            try:
                self._db.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                self._db.execute("ROLLBACK")
                raise StoreError(f"{self.path}: import refused by a constraint ({exc}); nothing written") from exc

    # -- row <-> model --------------------------------------------------------------
    def _accounts(self, where: str = "", params: Sequence[Any] = ()) -> list[Account]:
        rows = self._db.execute(
            "SELECT id, name, tier, segment, revenue, potential, category_spend, currency, criteria, domains, "
            f"aliases, crm_ids FROM account {where} ORDER BY id", params)
        return [Account(id=r[0], name=r[1], tier=r[2], segment=r[3], revenue=r[4], potential=r[5],
                        category_spend=r[6], currency=r[7], criteria=json.loads(r[8]),
                        domains=json.loads(r[9]), aliases=json.loads(r[10]), crm_ids=json.loads(r[11]))
                for r in rows]

    def _stakeholders(self, where: str = "", params: Sequence[Any] = ()) -> list[Stakeholder]:
        rows = self._db.execute(
            "SELECT id, account_id, name, title, department, seniority, buying_role, influence, "
            "attitude, email, status, left_on, moved_to, note, verified "
            f"FROM stakeholder {where} ORDER BY id", params).fetchall()
        lines = self._lines_of([r[0] for r in rows])
        result = []
        for r in rows:
            solid = [m for m, kind in lines.get(r[0], []) if kind == "solid"]
            dotted = [m for m, kind in lines.get(r[0], []) if kind == "dotted"]
            result.append(Stakeholder(
                id=r[0], account=r[1], name=r[2], title=r[3], department=r[4], seniority=r[5],
                buying_role=r[6], influence=r[7], attitude=r[8], email=r[9], status=r[10],
                left_on=_day(r[11]), moved_to=r[12], note=r[13], verified=bool(r[14]),
                reports_to=solid[0] if solid else None, dotted_to=dotted))
        self._with_cadence_days(result)
        return result

    def _lines_of(self, ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for part in _chunks(ids):
            for sid, manager, line in self._db.execute(
                    f"SELECT stakeholder_id, manager_id, line FROM reporting_line "
                    f"WHERE stakeholder_id IN ({_marks(len(part))}) ORDER BY manager_id", part):
                found[sid].append((manager, line))
        return found

    def _staff(self, where: str = "", params: Sequence[Any] = ()) -> list[Staff]:
        rows = self._db.execute(
            "SELECT id, name, title, team, role, email, status, left_on, moved_to, note "
            f"FROM staff {where} ORDER BY id", params).fetchall()
        # Each member's accounts as one comma-joined row (ids hold no comma): SQLite groups the rows, and
        # Python splits one string per member instead of stepping through every (member, account) pair --
        # 35 -> 10 ms for 666 staff on 45,000 team places (the 2,000-account synthetic store).
        teams: dict[str, list[str]] = {}
        ids = [r[0] for r in rows]
        for part in _chunks(ids):
            for sid, joined in self._db.execute(
                    "SELECT staff_id, group_concat(account_id, ',') FROM staff_account "
                    f"WHERE staff_id IN ({_marks(len(part))}) GROUP BY staff_id", part):
                teams[sid] = sorted(joined.split(","))
        roles, status = members(StaffRole), members(Status)
        return [trusted(Staff, {"id": r[0], "name": r[1], "title": r[2], "email": r[5], "status": status[r[6]],
                                "left_on": _day(r[7]), "moved_to": r[8], "note": r[9], "team": r[3],
                                "role": roles[r[4]], "accounts": teams.get(r[0], [])})
                for r in rows]

    def _meetings(self, rows: Sequence[Sequence[Any]], only_people: set[str] | None = None) -> list[Meeting]:
        ids = [r[0] for r in rows]
        people: dict[str, list[str]] = defaultdict(list)
        for part in _chunks(ids):
            marks = _marks(len(part))
            for mid, pid in self._db.execute(
                    f"SELECT meeting_id, staff_id FROM meeting_staff WHERE meeting_id IN ({marks}) "
                    f"UNION ALL SELECT meeting_id, stakeholder_id FROM meeting_stakeholder "
                    f"WHERE meeting_id IN ({marks})", [*part, *part]):
                if only_people is None or pid in only_people:
                    people[mid].append(pid)
        return [Meeting.model_construct(
            id=r[0], account=r[1], date=dt.date.fromisoformat(r[2]), kind=MeetingKind(r[3]),
            subject=r[4], source=r[5], source_id=r[6], attendees=sorted(people.get(r[0], [])))
            for r in rows]

    def _relationships(self, where: str = "", params: Sequence[Any] = ()) -> list[Relationship]:
        rows = self._db.execute(
            f"SELECT source_id, target_id, kind, weight FROM relationship {where} "
            "ORDER BY source_id, target_id, kind", params)
        return [Relationship(source=r[0], target=r[1], kind=r[2], weight=r[3]) for r in rows]

    # -- erasure (kamgraph forget) -----------------------------------------------
    def erase(self, erasure: Erasure, scrub: Callable[[AlertState], AlertState]) -> ErasureCounts:
        """See :meth:`GraphStore.erase`. Runs with ``PRAGMA secure_delete`` (freed pages are zeroed), then
        checkpoints the write-ahead log into the file, truncates it, and rebuilds the file (``VACUUM``)."""
        counts = ErasureCounts()
        previous = self._db.execute("PRAGMA secure_delete").fetchone()[0]
        self._db.execute("PRAGMA secure_delete = ON")
        try:
            with self._tx():
                self._erase_tx(erasure, scrub, counts)
                self._data_changed()  # a stored analysis of these accounts is stale now
            self._wipe_free_space()
        finally:
            self._db.execute(f"PRAGMA secure_delete = {int(previous):d}")
        return counts

    def _wipe_free_space(self) -> None:
        """Write the WAL into the file and truncate it, rebuild the file without free pages, truncate again."""
        if self.path == ":memory:":
            return
        for step in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"):
            row = self._db.execute(step).fetchone()
            if row is not None and row[0]:
                raise StoreError(f"{self.path}: erased, but another process has the store open, so the old "
                                 "pages may stay in its write-ahead log: close it and run 'kamgraph forget' again")

    def find_mentions(self, erasure: Erasure) -> int:
        if self.path == ":memory:":
            raise StoreError("an in-memory store has no file to search")
        raw = b"".join(Path(p).read_bytes() for p in (self.path, self.path + "-wal") if Path(p).exists())
        folded = raw.lower()
        return sum(1 for n in erasure.needles if len(n.strip()) > 1
                   and (n.encode("utf-8") in raw or n.lower().encode("utf-8") in folded))

    def _erase_tx(self, erasure: Erasure, scrub: Callable[[AlertState], AlertState], counts: ErasureCounts
                  ) -> None:
        db = self._db
        people, accounts = json.dumps(sorted(set(erasure.people))), json.dumps(sorted(set(erasure.accounts)))
        inp, ina = "(SELECT value FROM json_each(?))", "(SELECT value FROM json_each(?))"

        def run(sql: str, *params: Any) -> int:
            return int(db.execute(sql, params).rowcount)

        touched = [r[0] for r in db.execute(
            f"SELECT meeting_id FROM meeting_staff WHERE staff_id IN {inp} UNION "
            f"SELECT meeting_id FROM meeting_stakeholder WHERE stakeholder_id IN {inp} UNION "
            f"SELECT id FROM meeting WHERE account_id IN {ina}", (people, people, accounts))]
        counts.attendances = (run(f"DELETE FROM meeting_staff WHERE staff_id IN {inp}", people)
                              + run(f"DELETE FROM meeting_stakeholder WHERE stakeholder_id IN {inp}", people))
        gone = json.dumps([m for m in touched if not db.execute(
            "SELECT 1 FROM meeting_stakeholder WHERE meeting_id = ? LIMIT 1", (m,)).fetchone()])
        counts.attendances += run(f"DELETE FROM meeting_staff WHERE meeting_id IN {inp}", gone)
        counts.meetings = run(f"DELETE FROM meeting WHERE id IN {inp}", gone)
        run(f"UPDATE meeting SET account_id = NULL WHERE account_id IN {ina}", accounts)
        self._refresh_account_meetings(touched)
        counts.reporting_lines = run(f"DELETE FROM reporting_line WHERE stakeholder_id IN {inp} "
                                     f"OR manager_id IN {inp}", people, people)
        counts.relationships = run(f"DELETE FROM relationship WHERE source_id IN {inp} OR target_id IN {inp}",
                                   people, people)
        counts.competitor_ties = run(f"DELETE FROM competitor_tie WHERE stakeholder_id IN {inp}", people)
        mentions = erasure.mention_test()
        doomed = [r[0] for r in db.execute("SELECT id, account_id, subject, target, owner_id, note, data "
                                           "FROM objective")
                  if r[1] in erasure.accounts or any(mentions(v) for v in r[2:] if isinstance(v, str))]
        counts.objectives = run(f"DELETE FROM objective WHERE id IN {inp}", json.dumps(doomed))
        records = json.dumps(sorted({*erasure.people, *erasure.accounts, *json.loads(gone)}))
        counts.provenance = run(f"DELETE FROM provenance WHERE record_id IN {inp}", records)
        counts.metrics = (run(f"DELETE FROM account_metrics WHERE account_id IN {ina} OR top_staff IN {inp} "
                              f"OR most_critical_person IN {inp}", accounts, people, people)
                          + run(f"DELETE FROM person_metrics WHERE person_id IN {inp} OR account_id IN {ina}",
                                people, accounts)
                          + run(f"DELETE FROM tie_metrics WHERE staff_id IN {inp} OR stakeholder_id IN {inp} "
                                f"OR account_id IN {ina}", people, people, accounts))
        run(f"DELETE FROM staff_account WHERE staff_id IN {inp} OR account_id IN {ina}", people, accounts)
        counts.stakeholders = run(f"DELETE FROM stakeholder WHERE id IN {inp}", people)
        counts.staff = run(f"DELETE FROM staff WHERE id IN {inp}", people)
        counts.accounts = run(f"DELETE FROM account WHERE id IN {ina}", accounts)
        if db.execute("SELECT 1 FROM stakeholder WHERE account_id IN (SELECT value FROM json_each(?)) LIMIT 1",
                      (accounts,)).fetchone():
            raise StoreError("an erased account still has stakeholders; nothing erased")
        counts.texts_scrubbed = self._scrub_texts(erasure)
        before = self._alert_state()
        after = scrub(before)
        counts.alerts = len(before.alerts) - len(after.alerts)
        kept_checks = {c.account: c for c in after.checks}  # by account: a check dropped shifts the others
        counts.checks_scrubbed = sum(1 for c in before.checks if kept_checks.get(c.account) != c)
        kept = {d.id: d for d in after.outbox}
        counts.outbox = sum(1 for d in before.outbox if kept.get(d.id) != d)
        self._replace_alert_state(after)

    def _scrub_texts(self, erasure: Erasure) -> int:
        """Names and addresses of erased people out of the free text that stays (subjects, notes)."""
        changed, scrub = 0, erasure.text_scrubber()
        for table, columns in (("meeting", ("subject", "source_id")), ("stakeholder", ("note", "moved_to", "title")),
                               ("staff", ("note", "moved_to", "title"))):
            cols = ", ".join(columns)
            for row in self._db.execute(f"SELECT id, {cols} FROM {table}").fetchall():
                clean = [scrub(v) for v in row[1:]]
                if clean != list(row[1:]):
                    sets = ", ".join(f"{c} = ?" for c in columns)
                    self._db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*clean, row[0]])
                    changed += 1
        return changed

    def _alert_state(self) -> AlertState:
        checks = self.alert_checks()
        return AlertState(alerts=self.load_alerts(include_cleared=True), checks=[checks[k] for k in sorted(checks)],
                          outbox=self.pending_deliveries())

    def _replace_alert_state(self, state: AlertState) -> None:
        """Put ``state`` in place of the stored alert state (inside the caller's transaction)."""
        db = self._db
        for table in ("alert", "alert_check", "alert_outbox"):
            db.execute(f"DELETE FROM {table}")
        db.executemany(
            "INSERT INTO alert (key, rule, account_id, subject, severity, state, title, message, raised_on, "
            "cleared_on, data) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(a.key, a.rule, a.account, a.subject, a.severity, a.state, a.title, a.message, a.raised_on.isoformat(),
              _iso(a.cleared_on), json.dumps(a.data, sort_keys=True)) for a in state.alerts])
        db.executemany("INSERT INTO alert_check (account_id, checked_on, facts) VALUES (?, ?, ?)",
                       [(c.account, c.checked_on.isoformat(), json.dumps(c.facts, sort_keys=True))
                        for c in state.checks])
        db.executemany("INSERT INTO alert_outbox (id, created_on, payload, attempts, last_error) VALUES (?,?,?,?,?)",
                       [(d.id, d.created_on.isoformat(), d.payload, d.attempts, d.last_error) for d in state.outbox])

    def restore_alert_state(self, state: AlertState) -> int:
        try:
            with self._tx():
                current = self._alert_state()
                merged = merge_alert_states(current, state)
                if merged == current:
                    return 0
                self._replace_alert_state(merged)
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{self.path}: alert state refused ({exc}); nothing written") from exc
        return len(merged)


    # -- writes ---------------------------------------------------------------------
    def import_batch(self, batch: Batch, *, dry_run: bool = False) -> ImportSummary:
        summary = ImportSummary(dry_run=dry_run)
        with suppress(_DryRunRollbackError):
            self._import(batch, summary)
        return summary

    def _import(self, batch: Batch, summary: ImportSummary) -> None:
        previous = self._db.execute("PRAGMA cache_size").fetchone()[0]
        self._db.execute(f"PRAGMA cache_size = {_IMPORT_CACHE_KIB:d}")  # a big import touches many pages
        try:
            self._import_tx(batch, summary)
        finally:
            self._db.execute(f"PRAGMA cache_size = {int(previous):d}")

    def _import_tx(self, batch: Batch, summary: ImportSummary) -> None:
        with self._tx():
            self._check_id_spaces(batch)
            moved: set[str] = set()  # meetings of stakeholders written again (perhaps moved to another account)
            for kind in KINDS:
                records = getattr(batch, kind)
                if not records:
                    continue
                plan = self._plan(kind, records)
                self._write(kind, plan, batch.person_kinds)
                if kind == "meetings":  # their account_meeting rows are written with them (_index_meetings)
                    moved.difference_update(m.id for m in plan.writes)
                elif kind == "stakeholders" and plan.updated:
                    moved = self._meetings_of_stakeholders([p.id for p in plan.updated])
                counts = summary.kinds[kind]
                counts.created, counts.updated, counts.unchanged = (
                    len(plan.created), len(plan.updated), plan.unchanged)
            self._refresh_account_meetings(moved)
            self._finish_import(batch.competitor_ties, summary)

    def import_meeting_blocks(self, blocks: Iterable[Batch], *, expected: int = 0,
                              dry_run: bool = False) -> ImportSummary:
        """Import batches of meetings as they come, all of them in ONE transaction.

        The streaming twin of :meth:`import_batch` for an import of meetings only
        (:mod:`kamgraph.ingest.pipeline`): each batch holds meetings whose references are checked and
        whose ids no other batch repeats (the caller's promise; it makes each batch's upsert plan the
        plan of the whole import). Whatever ``blocks`` raises while it is read rolls everything back,
        so a bad row in the last batch leaves the store as it was. ``expected`` (the rows about to
        come) decides, as the number of new meetings does for :meth:`import_batch`, whether the
        secondary indexes are dropped and rebuilt around the load.
        """
        summary = ImportSummary(dry_run=dry_run)
        previous = self._db.execute("PRAGMA cache_size").fetchone()[0]
        self._db.execute(f"PRAGMA cache_size = {_IMPORT_CACHE_KIB:d}")
        try:
            with suppress(_DryRunRollbackError), self._tx():
                counts = summary.kinds["meetings"]
                fresh = not self._db.execute("SELECT EXISTS (SELECT 1 FROM meeting)").fetchone()[0]
                with self._bulk_load(expected, "meeting", _MEETING_INDEXES):
                    for batch in blocks:
                        if len(batch) != len(batch.meetings) or batch.competitor_ties:
                            raise ValueError("import_meeting_blocks takes batches of meetings only")
                        # A fresh table holds no meeting of this import's ids (no batch repeats another's).
                        plan = plan_upserts(batch.meetings, {}) if fresh else self._plan("meetings", batch.meetings)
                        self._write_meetings(plan, batch.person_kinds)
                        self._index_meetings(plan)
                        counts.created += len(plan.created)
                        counts.updated += len(plan.updated)
                        counts.unchanged += plan.unchanged
                self._finish_import([], summary)
        finally:
            self._db.execute(f"PRAGMA cache_size = {int(previous):d}")
        return summary

    def _finish_import(self, competitor_ties: list[Any], summary: ImportSummary) -> None:
        """The end of every import's write transaction, every row of the import written (both
        :meth:`import_batch` and :meth:`import_meeting_blocks` end here): competitor ties, the change
        stamp, and the roll-back of a dry run."""
        self._import_competitor_ties(competitor_ties, summary)
        self._data_changed(summary)
        if summary.dry_run:
            raise _DryRunRollbackError()

    def _check_id_spaces(self, batch: Batch) -> None:
        """Staff and stakeholders share one id space: refuse an id used on both sides."""
        for records, table, theirs, mine in ((batch.staff, "stakeholder", "stakeholder", "staff member"),
                                             (batch.stakeholders, "staff", "staff member", "stakeholder")):
            ids = [r.id for r in records]
            for part in _chunks(ids):
                clash = self._db.execute(f"SELECT id FROM {table} WHERE id IN ({_marks(len(part))}) LIMIT 1",
                                         part).fetchone()
                if clash:
                    raise InputError(f"{clash[0]!r} is already a {theirs}; it cannot also be a {mine} "
                                     "(people share one id space)", field="id")

    def _plan(self, kind: str, records: list[Any]) -> UpsertPlan[Any]:
        if kind == "relationships":
            sources = sorted({r.source for r in records})
            stored: dict[Any, Any] = {}
            for part in _chunks(sources):
                for rel in self._relationships(f"WHERE source_id IN ({_marks(len(part))})", part):
                    stored[rel.key] = rel
            return plan_upserts(records, stored, key=lambda r: r.key)
        stored = {}
        table = {"accounts": "account", "staff": "staff", "stakeholders": "stakeholder",
                 "meetings": "meeting"}[kind]
        if self._db.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
            ids = sorted({r.id for r in records})
            for part in _chunks(ids):
                where = f"WHERE id IN ({_marks(len(part))})"
                if kind == "meetings":
                    rows = self._db.execute(
                        f"SELECT id, account_id, date, kind, subject, source, source_id FROM meeting {where}",
                        part).fetchall()
                    loaded: list[Any] = self._meetings(rows)
                else:
                    loaded = {"accounts": self._accounts, "staff": self._staff,
                              "stakeholders": self._stakeholders}[kind](where, part)
                stored.update((r.id, r) for r in loaded)
        return plan_upserts(records, stored)

    def _write(self, kind: str, plan: UpsertPlan[Any], person_kinds: dict[str, str]) -> None:
        db = self._db
        writes = plan.writes
        if not writes:
            return
        if kind == "accounts":
            db.executemany(
                "INSERT INTO account (id, name, tier, segment, revenue, potential, category_spend, currency, "
                "criteria, domains, aliases, crm_ids) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "name=excluded.name, tier=excluded.tier, segment=excluded.segment, revenue=excluded.revenue, "
                "potential=excluded.potential, category_spend=excluded.category_spend, "
                "currency=excluded.currency, criteria=excluded.criteria, domains=excluded.domains, "
                "aliases=excluded.aliases, crm_ids=excluded.crm_ids",
                [(a.id, a.name, a.tier, a.segment, a.revenue, a.potential, a.category_spend, a.currency,
                  json.dumps(a.criteria, sort_keys=True), json.dumps(a.domains), json.dumps(a.aliases),
                  json.dumps(a.crm_ids)) for a in writes])
        elif kind == "staff":
            db.executemany(
                "INSERT INTO staff (id, name, title, team, role, email, status, left_on, moved_to, note) "
                "VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name, "
                "title=excluded.title, team=excluded.team, role=excluded.role, email=excluded.email, "
                "status=excluded.status, left_on=excluded.left_on, moved_to=excluded.moved_to, "
                "note=excluded.note",
                [(s.id, s.name, s.title, s.team, _enum(s.role), s.email, _enum(s.status), _iso(s.left_on),
                  s.moved_to, s.note) for s in writes])
            self._replace_children("staff_account", "staff_id", "account_id",
                                   [(s.id, acc) for s in writes for acc in s.accounts], plan)
        elif kind == "stakeholders":
            db.executemany(
                "INSERT INTO stakeholder (id, account_id, name, title, department, seniority, buying_role, "
                "influence, attitude, email, status, left_on, moved_to, note, verified) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "account_id=excluded.account_id, name=excluded.name, title=excluded.title, "
                "department=excluded.department, seniority=excluded.seniority, "
                "buying_role=excluded.buying_role, influence=excluded.influence, "
                "attitude=excluded.attitude, email=excluded.email, status=excluded.status, "
                "left_on=excluded.left_on, moved_to=excluded.moved_to, note=excluded.note, "
                "verified=excluded.verified",
                [(s.id, s.account, s.name, s.title, s.department, _enum(s.seniority), _enum(s.buying_role),
                  s.influence, s.attitude, s.email, _enum(s.status), _iso(s.left_on), s.moved_to, s.note,
                  int(s.verified)) for s in writes])
            self._write_cadence_days(writes)
            lines = [(s.id, m, "dotted") for s in writes for m in s.dotted_to if m != s.reports_to]
            lines += [(s.id, s.reports_to, "solid") for s in writes if s.reports_to]
            self._replace_children("reporting_line", "stakeholder_id", "manager_id, line", lines, plan)
        elif kind == "meetings":
            with self._bulk_load(len(plan.created), "meeting", _MEETING_INDEXES):
                self._write_meetings(plan, person_kinds)
                self._index_meetings(plan)
        elif kind == "relationships":
            db.executemany(
                "INSERT INTO relationship (source_id, target_id, kind, weight) VALUES (?,?,?,?) "
                "ON CONFLICT(source_id, target_id, kind) DO UPDATE SET weight=excluded.weight",
                [(r.source, r.target, _enum(r.kind), r.weight) for r in writes])

    @contextmanager
    def _bulk_load(self, new_rows: int, table: str, indexes: Sequence[str]) -> Iterator[None]:
        """Drop secondary indexes before a load that at least doubles ``table``, rebuild them after.

        Rebuilding an index sorts once, which is much faster than updating it
        row by row in random order. Both happen inside the import's
        transaction, so a failed or dry run leaves the schema as it was.
        """
        if new_rows < _BULK_MIN_ROWS:
            yield
            return
        existing = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if existing > new_rows:
            yield
            return
        saved = [r[0] for r in self._db.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'index' AND name IN ({_marks(len(indexes))}) "
            "ORDER BY name", list(indexes))]
        for name in indexes:
            self._db.execute(f"DROP INDEX IF EXISTS {name}")
        yield
        for sql in saved:
            self._db.execute(sql)

    def _write_meetings(self, plan: UpsertPlan[Any], person_kinds: dict[str, str]) -> None:
        """Meetings and their attendees, written a block of meetings at a time: the parameters of each table's
        statements are made in one pass over the block (a million-meeting import would otherwise hold several
        million row tuples at once)."""
        db = self._db
        writes = plan.writes
        kinds = dict(person_kinds)
        missing = sorted(set(chain.from_iterable(m.attendees for m in writes)).difference(kinds))
        if missing:
            kinds.update(self.known_ids(missing, ())[0])
            if any(p not in kinds for p in missing):
                for m in writes:
                    for pid in m.attendees:
                        if pid not in kinds:
                            raise InputError(f"unknown person {pid!r} in meeting {m.id!r}", field="attendees")
        if plan.updated:
            ids = [(m.id,) for m in plan.updated]
            db.executemany("DELETE FROM meeting_staff WHERE meeting_id = ?", ids)
            db.executemany("DELETE FROM meeting_stakeholder WHERE meeting_id = ?", ids)
        staff = {p for p, kind in kinds.items() if kind == "staff"}
        days: dict[dt.date, str] = {}
        block = (_CHUNK // 7) * 64  # meetings per block: whole statements of meeting rows
        for start in range(0, len(writes), block):
            meetings: list[Any] = []
            with_staff: list[Any] = []
            with_clients: list[Any] = []
            for m in writes[start:start + block]:
                mid = m.id
                day = days.get(m.date)
                if day is None:
                    day = days[m.date] = m.date.isoformat()
                meetings += (mid, m.account, day, _enum(m.kind), m.subject, m.source, m.source_id)
                for pid in m.attendees:
                    if pid in staff:
                        with_staff += (mid, pid)
                    else:
                        with_clients += (mid, pid)
            self._insert_flat(
                "INSERT INTO meeting (id, account_id, date, kind, subject, source, source_id)", meetings, 7,
                "ON CONFLICT(id) DO UPDATE SET account_id=excluded.account_id, date=excluded.date, "
                "kind=excluded.kind, subject=excluded.subject, source=excluded.source, source_id=excluded.source_id")
            self._insert_flat("INSERT INTO meeting_staff (meeting_id, staff_id)", with_staff, 2)
            self._insert_flat("INSERT INTO meeting_stakeholder (meeting_id, stakeholder_id)", with_clients, 2)

    def _insert_flat(self, head: str, values: list[Any], width: int, tail: str = "") -> None:
        """``head VALUES (...),(...),... tail`` for the rows ``width`` wide laid end to end in ``values``: far
        fewer statements than one per row. The SQL holds only placeholders; every value is a parameter."""
        if not values:
            return
        size = max(1, _CHUNK // width) * width  # values per whole statement
        whole = len(values) - len(values) % size
        if whole:
            sql = f"{head} VALUES {','.join([f'({_marks(width)})'] * (size // width))} {tail}"
            self._db.executemany(sql, (values[i:i + size] for i in range(0, whole, size)))
        if whole < len(values):
            sql = f"{head} VALUES {','.join([f'({_marks(width)})'] * ((len(values) - whole) // width))} {tail}"
            self._db.execute(sql, values[whole:])

    def _replace_children(self, table: str, owner: str, columns: str, rows: list[tuple[Any, ...]],
                          plan: UpsertPlan[Any]) -> None:
        """Rewrite a child table's rows for the updated owners, insert those of new owners."""
        if plan.updated:
            self._db.executemany(f"DELETE FROM {table} WHERE {owner} = ?", [(r.id,) for r in plan.updated])
        if rows:
            marks = _marks(len(rows[0]))
            self._db.executemany(f"INSERT INTO {table} ({owner}, {columns}) VALUES ({marks})", rows)

    def _person_table(self, person_id: str) -> str:
        for table in ("stakeholder", "staff"):
            if self._db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (person_id,)).fetchone():
                return table
        raise NotFoundError(f"no person with id {person_id!r}")

    def mark_left(self, person_id: str, on: dt.date, *, moved_to: str | None = None,
                  note: str | None = None) -> Stakeholder | Staff:
        with self._tx():  # BEGIN IMMEDIATE: of two racing departures of one person exactly one is recorded
            table = self._person_table(person_id)
            changed = self._db.execute(f"UPDATE {table} SET status = 'left', left_on = ?, moved_to = ?, "
                                       "note = coalesce(?, note) WHERE id = ? AND status <> 'left'",
                                       (on.isoformat(), moved_to, note, person_id)).rowcount
            if not changed:
                raise ConflictError(f"{person_id} is already recorded as left; 'kamgraph return {person_id}' "
                                       "undoes that")
            self._data_changed()
        return self.get_person(person_id)

    def mark_returned(self, person_id: str) -> Stakeholder | Staff:
        with self._tx():
            table = self._person_table(person_id)
            self._db.execute(f"UPDATE {table} SET status = 'active', left_on = NULL, moved_to = NULL "
                             "WHERE id = ?", (person_id,))
            self._data_changed()
        return self.get_person(person_id)

    def clear(self) -> None:
        with self._tx():
            for table in _TABLES:
                self._db.execute(f"DELETE FROM {table}")
            self._data_changed()

    # -- account plans (schema 4) ---------------------------------------------------
    _OBJECTIVE_COLUMNS = ("id, account_id, kind, subject, target, owner_id, due, state, created_on, closed_on, "
                          "note, origin, data")

    @staticmethod
    def _objective(row: Sequence[Any]) -> Objective:
        return Objective(id=row[0], account=row[1], kind=row[2], subject=row[3], target=row[4], owner=row[5],
                         due=dt.date.fromisoformat(row[6]), state=row[7], created_on=dt.date.fromisoformat(row[8]),
                         closed_on=_day(row[9]), note=row[10], origin=row[11], data=json.loads(row[12]))

    def save_objective(self, objective: Objective, *, replace: bool = False) -> None:
        o = objective
        row = (o.id, o.account, o.kind.value, o.subject, o.target, o.owner, o.due.isoformat(), o.state.value,
               o.created_on.isoformat(), _iso(o.closed_on), o.note, o.origin, json.dumps(o.data, sort_keys=True))
        with self._tx() as db:
            if not db.execute("SELECT 1 FROM account WHERE id = ?", (o.account,)).fetchone():
                raise NotFoundError(f"no account with id {o.account!r}")
            verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
            done = db.execute(f"{verb} INTO objective ({self._OBJECTIVE_COLUMNS}) VALUES ({_marks(len(row))})",
                              row).rowcount
            if not done:
                raise ConflictError(f"objective {o.id!r} exists already; nothing written")

    def load_objectives(self, account_ids: Iterable[str] | None = None, *,
                        include_closed: bool = False) -> list[Objective]:
        found = _account_filter(None if include_closed else "state = 'open'", account_ids)
        if found is None:
            return []
        clause, params = found
        rows = self._db.execute(f"SELECT {self._OBJECTIVE_COLUMNS} FROM objective {clause} "
                                "ORDER BY account_id, due, id", params).fetchall()
        return [self._objective(r) for r in rows]

    def get_objective(self, objective_id: str) -> Objective:
        row = self._db.execute(f"SELECT {self._OBJECTIVE_COLUMNS} FROM objective WHERE id = ?",
                               (objective_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no objective with id {objective_id!r}")
        return self._objective(row)

    def set_objective_state(self, objective_id: str, state: ObjectiveState | str, on: dt.date, *,
                            note: str | None = None) -> Objective:
        new = ObjectiveState(state)
        closed = None if new is ObjectiveState.OPEN else on.isoformat()
        with self._tx() as db:  # BEGIN IMMEDIATE: of two racing changes to one state exactly one is recorded
            found = db.execute("SELECT state FROM objective WHERE id = ?", (objective_id,)).fetchone()
            if found is None:
                raise NotFoundError(f"no objective with id {objective_id!r}")
            if found[0] == new.value:
                raise ConflictError(f"objective {objective_id} is {new.value} already")
            db.execute("UPDATE objective SET state = ?, closed_on = ?, note = coalesce(?, note) WHERE id = ?",
                       (new.value, closed, note, objective_id))
        return self.get_objective(objective_id)

    def delete_objective(self, objective_id: str) -> None:
        with self._tx() as db:
            if not db.execute("DELETE FROM objective WHERE id = ?", (objective_id,)).rowcount:
                raise NotFoundError(f"no objective with id {objective_id!r}")

    # -- reads ----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        def n(table: str) -> int:
            return int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

        return {"accounts": n("account"), "staff": n("staff"), "stakeholders": n("stakeholder"),
                "meetings": n("meeting"), "relationships": n("relationship"),
                "reporting_lines": n("reporting_line"),
                "attendances": n("meeting_staff") + n("meeting_stakeholder")}

    def known_ids(self, person_ids: Iterable[str], account_ids: Iterable[str]
                  ) -> tuple[dict[str, str], set[str]]:
        people: dict[str, str] = {}
        pids = sorted(set(person_ids))
        for part in _chunks(pids):
            marks = _marks(len(part))
            for pid, kind in self._db.execute(
                    f"SELECT id, 'stakeholder' FROM stakeholder WHERE id IN ({marks}) "
                    f"UNION ALL SELECT id, 'staff' FROM staff WHERE id IN ({marks})", [*part, *part]):
                people[pid] = kind
        accounts: set[str] = set()
        aids = sorted(set(account_ids))
        for part in _chunks(aids):
            accounts.update(r[0] for r in self._db.execute(
                f"SELECT id FROM account WHERE id IN ({_marks(len(part))})", part))
        return people, accounts

    def stakeholder_accounts(self, stakeholder_ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        ids = sorted(set(stakeholder_ids))
        for part in _chunks(ids):
            found.update(self._db.execute(
                f"SELECT id, account_id FROM stakeholder WHERE id IN ({_marks(len(part))})", part).fetchall())
        return found

    def get_people(self, person_ids: Iterable[str]) -> dict[str, Stakeholder | Staff]:
        ids = sorted(set(person_ids))
        found: dict[str, Stakeholder | Staff] = {}
        for part in _chunks(ids):
            where = f"WHERE id IN ({_marks(len(part))})"
            found.update((p.id, p) for p in self._stakeholders(where, part))
            found.update((p.id, p) for p in self._staff(where, part))
        return found

    def people_by_email(self, emails: Iterable[str]) -> dict[str, Stakeholder | Staff]:
        wanted = sorted({e.lower() for e in emails})
        found: dict[str, Stakeholder | Staff] = {}
        for part in _chunks(wanted):
            where = f"WHERE email IN ({_marks(len(part))})"
            people: list[Stakeholder | Staff] = [*self._stakeholders(where, part), *self._staff(where, part)]
            for person in sorted(people, key=lambda p: p.id):
                if person.email:
                    found.setdefault(person.email, person)
        return found

    def all_accounts(self) -> list[Account]:
        return self._accounts()
    def list_stakeholders(self, account_ids: Iterable[str] | None = None) -> list[Stakeholder]:
        if account_ids is None:
            return self._stakeholders()
        found: list[Stakeholder] = []
        ids = sorted(set(account_ids))
        for part in _chunks(ids):
            found.extend(self._stakeholders(f"WHERE account_id IN ({_marks(len(part))})", part))
        return sorted(found, key=lambda p: p.id)

    def list_accounts(self) -> list[AccountSummary]:
        rows = self._db.execute("""
            SELECT a.id, a.name, a.tier, a.segment,
              (SELECT count(*) FROM stakeholder s WHERE s.account_id = a.id AND s.status = 'active'),
              (SELECT count(*) FROM stakeholder s WHERE s.account_id = a.id AND s.status = 'left'),
              (SELECT count(*) FROM (
                  SELECT sa.staff_id FROM staff_account sa WHERE sa.account_id = a.id
                  UNION SELECT mst.staff_id FROM account_meeting am
                    JOIN meeting_staff mst ON mst.meeting_id = am.meeting_id WHERE am.account_id = a.id)),
              (SELECT count(*) FROM account_meeting am WHERE am.account_id = a.id),
              (SELECT max(am.date) FROM account_meeting am WHERE am.account_id = a.id)
            FROM account a ORDER BY a.id""")
        return [AccountSummary(id=r[0], name=r[1], tier=r[2], segment=r[3], stakeholders=r[4],
                               stakeholders_left=r[5], staff=r[6], meetings=r[7], last_meeting=_day(r[8]))
                for r in rows]

    def get_account(self, account_id: str) -> Account:
        found = self._accounts("WHERE id = ?", (account_id,))
        if not found:
            raise NotFoundError(f"no account with id {account_id!r} (see 'kamgraph accounts')")
        return found[0]

    def load_account(self, account_id: str, as_of: dt.date | None = None) -> AccountSnapshot:
        account = self.get_account(account_id)
        stakeholders = self._stakeholders("WHERE account_id = ?", (account_id,))
        client_ids = {s.id for s in stakeholders}
        cutoff = _iso(as_of)
        rows = self._db.execute("""
            SELECT m.id, m.account_id, m.date, m.kind, m.subject, m.source, m.source_id FROM meeting m
            WHERE m.id IN (SELECT ms.meeting_id FROM meeting_stakeholder ms
                           JOIN stakeholder s ON s.id = ms.stakeholder_id WHERE s.account_id = ?)
              AND (? IS NULL OR m.date <= ?)
            ORDER BY m.date, m.id""", (account_id, cutoff, cutoff)).fetchall()
        staff_ids = {r[0] for r in self._db.execute(
            "SELECT staff_id FROM staff_account WHERE account_id = ?", (account_id,))}
        meeting_people = {r[0] for r in self._db.execute("""
            SELECT DISTINCT mst.staff_id FROM meeting_staff mst JOIN meeting m ON m.id = mst.meeting_id
            WHERE m.id IN (SELECT ms.meeting_id FROM meeting_stakeholder ms
                           JOIN stakeholder s ON s.id = ms.stakeholder_id WHERE s.account_id = ?)
              AND (? IS NULL OR m.date <= ?)""", (account_id, cutoff, cutoff))}
        staff_ids |= meeting_people
        relationships = [r for r in self._relationships("""
            WHERE source_id IN (SELECT id FROM stakeholder WHERE account_id = ?)
               OR target_id IN (SELECT id FROM stakeholder WHERE account_id = ?)""", (account_id, account_id))]
        all_staff = {s.id for s in self._staff_by_ids([r.source for r in relationships] +
                                                       [r.target for r in relationships])}
        relationships = [r for r in relationships
                         if {r.source, r.target} <= (client_ids | all_staff)]
        staff_ids |= {p for r in relationships for p in (r.source, r.target) if p in all_staff}
        staff = self._staff_by_ids(sorted(staff_ids))
        lines = [ReportingLine(stakeholder=s.id, manager=m, line="solid" if m == s.reports_to else "dotted")
                 for s in stakeholders for m in sorted({*s.dotted_to, *([s.reports_to] if s.reports_to else [])})
                 if m in client_ids]
        meetings = self._meetings(rows, only_people=client_ids | staff_ids)
        return AccountSnapshot(account=account, stakeholders=stakeholders, staff=staff,
                               reporting_lines=lines, relationships=relationships, meetings=meetings,
                               as_of=as_of, competitor_ties=self.competitor_ties([account_id]))

    def account_ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM account ORDER BY id")]

    def find_account_by_name(self, name: str) -> list[Account]:
        # NOCASE folds ASCII letters only (indexed); a name with other letters is compared by casefold().
        if not name.isascii():
            return super().find_account_by_name(name)
        return _best_name_matches(self._accounts("WHERE name = ? COLLATE NOCASE", (name,)), name)

    def load_accounts(self, account_ids: Iterable[str], as_of: dt.date | None = None, *,
                      chunk_size: int = DEFAULT_CHUNK) -> Iterator[AccountSnapshot]:
        ids = list(account_ids)
        for part in _chunks(ids, min(chunk_size, _CHUNK)):
            with paused_gc():  # many small records, no cycles among them
                snapshots = self._load_chunk(part, as_of)
            yield from snapshots

    def _load_chunk(self, ids: Sequence[str], as_of: dt.date | None) -> list[AccountSnapshot]:
        """The snapshots of up to 900 accounts in six set-based queries (same result as :meth:`load_account`).

        Records are rebuilt with :func:`~kamgraph.store.trusted.trusted` (they were validated on write).
        A meeting's attendees, as each account sees them -- its own stakeholders and every one of our staff --
        come from the ``account_meeting`` table kept on write (schema 5), one row per account and meeting, or
        from its pack (schema 6); :meth:`load_account` reads the meeting tables themselves, so the two agree
        only if those are right (the store contract tests compare them).
        """
        unique = sorted(set(ids))
        marks = _marks(len(unique))
        accounts = {a.id: a for a in self._accounts(f"WHERE id IN ({marks})", unique)}
        missing = [i for i in ids if i not in accounts]
        if missing:
            raise NotFoundError(f"no account with id {missing[0]!r} (see 'kamgraph accounts')")
        stakeholders = self._chunk_stakeholders(unique)
        cutoff = _iso(as_of)
        by_account: dict[str, list[Sequence[Any]]] = defaultdict(list)
        meeting_staff: dict[str, set[str]] = {}
        seen_in_meetings: dict[str, set[str]] = defaultdict(set)
        # Each account's view of its meetings is kept on write (account_meeting, schema 5, and its pack, schema 6):
        # the attendees it sees already sorted and joined. The rows stay rows (PackedSnapshot): the analysis sums
        # the ties from them, and the Meeting records are built only if something reads them.
        for acc, rows in self._chunk_meetings(unique, cutoff):
            by_account[acc].extend(rows)
            seen_in_meetings[acc].update(row_attendees(rows))
        for acc, people in stakeholders.items():  # the rest of whom an account's meetings saw are our staff
            seen = seen_in_meetings.get(acc)
            if seen:
                meeting_staff[acc] = seen.difference([p.id for p in people])
        team: dict[str, set[str]] = defaultdict(set)
        for sid, acc in self._db.execute(
                f"SELECT staff_id, account_id FROM staff_account WHERE account_id IN ({marks})", unique):
            team[acc].add(sid)
        ties: dict[str, list[Relationship]] = defaultdict(list)
        tie_kinds = members(TieKind)
        for acc, src, tgt, kind, weight in self._db.execute(f"""
                SELECT s.account_id, r.source_id, r.target_id, r.kind, r.weight FROM stakeholder s
                JOIN relationship r ON r.source_id = s.id WHERE s.account_id IN ({marks})
                UNION
                SELECT s.account_id, r.source_id, r.target_id, r.kind, r.weight FROM stakeholder s
                JOIN relationship r ON r.target_id = s.id WHERE s.account_id IN ({marks})
                ORDER BY 2, 3, 4""", [*unique, *unique]):
            ties[acc].append(trusted(Relationship, {"source": src, "target": tgt, "kind": tie_kinds[kind],
                                                    "weight": weight}))
        tie_ends = {p for found in ties.values() for r in found for p in (r.source, r.target)}
        wanted_staff = tie_ends.union(*meeting_staff.values(), *team.values())
        staff = {s.id: s for s in self._staff_by_ids(wanted_staff)}
        solid, dotted = LineKind.SOLID, LineKind.DOTTED
        leans = self._competitor_ties_by_account(unique)
        snapshots = []
        for account_id in ids:
            people = stakeholders.get(account_id, [])
            client_ids = {s.id for s in people}
            staff_ids = team.get(account_id, set()) | meeting_staff.get(account_id, set())
            relationships = [r for r in ties.get(account_id, [])
                             if (r.source in client_ids or r.source in staff)
                             and (r.target in client_ids or r.target in staff)]
            staff_ids.update(p for r in relationships for p in (r.source, r.target) if p in staff)
            lines = trusted_all(ReportingLine, (
                {"stakeholder": s.id, "manager": m, "line": solid if m == s.reports_to else dotted}
                for s in people if s.reports_to or s.dotted_to  # most people have one solid line or none
                for m in (sorted({*s.dotted_to, *([s.reports_to] if s.reports_to else [])}) if s.dotted_to
                          else (s.reports_to,))
                if m in client_ids))
            snapshots.append(PackedSnapshot(
                account=accounts[account_id], stakeholders=people, staff=[staff[i] for i in sorted(staff_ids)],
                reporting_lines=lines, relationships=relationships, meeting_rows=by_account.get(account_id, []),
                build=meetings_from_rows, as_of=as_of, competitor_ties=leans.get(account_id, [])))
        return snapshots

    def _current_packs(self, table: str, account_ids: list[str]) -> tuple[dict[str, str], list[str]]:
        """The packs (schema 6) of these accounts in ``table``, and the accounts to read from the tables instead:
        those without a pack, or all of them while a stale note is left (a write that did not repack)."""
        db = self._db
        packs: dict[str, str] = {}
        if not db.execute("SELECT EXISTS (SELECT 1 FROM pack_stale)").fetchone()[0]:
            packs = dict(db.execute(f"SELECT account_id, pack FROM {table} "
                                    f"WHERE account_id IN ({_marks(len(account_ids))})", account_ids))
        return packs, [a for a in account_ids if a not in packs]

    def _chunk_meetings(self, account_ids: list[str], cutoff: str | None) -> Iterator[tuple[str, Sequence[Any]]]:
        """``(account, its meetings up to cutoff)`` of these (sorted, distinct) accounts with meetings, each meeting
        ``(date, id, meeting's account, kind, subject, source, source id, attendees)``, by date then id: from the
        accounts' meeting packs where current (one row and one ``json.loads`` an account instead of a row a
        meeting), else from ``account_meeting``."""
        packs, rest = self._current_packs("account_meeting_pack", account_ids)
        for account_id, pack in sorted(packs.items()):
            meetings = json.loads(pack)
            if any(a > b for a, b in pairwise(meetings)):  # by date, then id (unique): see _repack_stale
                meetings.sort()
            if cutoff is not None:
                meetings = meetings[:bisect_right(meetings, cutoff, key=_by_date)]
            yield account_id, meetings
        if rest:
            rows = self._db.execute(self._ACCOUNT_MEETING_ROWS.format(marks=_marks(len(rest))), [*rest, cutoff, cutoff])
            for account_id, found in groupby(rows, _by_account):
                yield account_id, [r[1:] for r in found]

    def _chunk_stakeholders(self, account_ids: list[str]) -> dict[str, list[Stakeholder]]:
        """Every stakeholder of these (sorted, distinct) accounts, by account, sorted by id: from the accounts'
        people packs where they are current, else from the tables (:meth:`_stakeholder_rows`)."""
        seniority, roles, status = members(Seniority), members(BuyingRole), members(Status)
        packs, rest = self._current_packs("account_people_pack", account_ids)
        rows = chain(((a, r) for a, pack in packs.items() for r in json.loads(pack)), self._stakeholder_rows(rest))
        found: dict[str, list[Stakeholder]] = {}
        for account_id, group in groupby(rows, key=itemgetter(0)):  # rows come by account
            found.setdefault(account_id, []).extend(trusted_all(Stakeholder, ({
                "id": r[0], "name": r[1], "title": r[2], "email": r[8], "status": status[r[9]],
                "left_on": _day(r[10]), "moved_to": r[11], "note": r[12], "account": account_id, "department": r[3],
                "seniority": seniority[r[4]], "buying_role": roles[r[5]], "influence": r[6], "attitude": r[7],
                "reports_to": r[15], "dotted_to": r[16], "verified": bool(r[13]), "cadence_days": r[14]}
                for _, r in group)))
        return found

    def _stakeholder_rows(self, account_ids: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        """``(account, row)`` for every stakeholder of these accounts, by account then id, read from the tables:
        the row's columns, then its ``reports_to`` (the smallest solid manager id: there is at most one) and
        ``dotted_to`` (its dotted managers in id order), as :meth:`load_account` reads them.

        Reporting lines come from one join over the chunk, not two subqueries per stakeholder (SQLite's time
        for the two: 0.87 -> 0.76 ms per account of 167 stakeholders).
        """
        if not account_ids:
            return
        marks = _marks(len(account_ids))
        solid: dict[str, str] = {}
        dotted: dict[str, list[str]] = defaultdict(list)
        for person, manager, line in self._db.execute(f"""
                SELECT r.stakeholder_id, r.manager_id, r.line FROM stakeholder s
                JOIN reporting_line r ON r.stakeholder_id = s.id
                WHERE s.account_id IN ({marks}) ORDER BY r.stakeholder_id, r.manager_id""", list(account_ids)):
            if line == "dotted":
                dotted[person].append(manager)
            elif person not in solid:
                solid[person] = manager
        for r in self._db.execute(f"""
                SELECT s.account_id, s.id, s.name, s.title, s.department, s.seniority, s.buying_role, s.influence,
                  s.attitude, s.email, s.status, s.left_on, s.moved_to, s.note, s.verified, s.cadence_days
                FROM stakeholder s WHERE s.account_id IN ({marks}) ORDER BY s.account_id, s.id""", list(account_ids)):
            yield r[0], [*r[1:], solid.get(r[1]), dotted.get(r[1], [])]

    def _staff_by_ids(self, ids: Iterable[str]) -> list[Staff]:
        found: list[Staff] = []
        unique = sorted(set(ids))
        for part in _chunks(unique):
            found.extend(self._staff(f"WHERE id IN ({_marks(len(part))})", part))
        return sorted(found, key=lambda s: s.id)

    def get_person(self, person_id: str) -> Stakeholder | Staff:
        found: list[Any] = self._stakeholders("WHERE id = ?", (person_id,)) or self._staff(
            "WHERE id = ?", (person_id,))
        if not found:
            raise NotFoundError(f"no person with id {person_id!r}")
        return found[0]

    def person_meetings(self, person_id: str, as_of: dt.date | None = None) -> list[Meeting]:
        self.get_person(person_id)
        cutoff = _iso(as_of)
        rows = self._db.execute("""
            SELECT m.id, m.account_id, m.date, m.kind, m.subject, m.source, m.source_id FROM meeting m
            WHERE m.id IN (SELECT meeting_id FROM meeting_staff WHERE staff_id = ?
                           UNION SELECT meeting_id FROM meeting_stakeholder WHERE stakeholder_id = ?)
              AND (? IS NULL OR m.date <= ?)
            ORDER BY m.date DESC, m.id""", (person_id, person_id, cutoff, cutoff)).fetchall()
        return self._meetings(rows)

    # -- each account's view of its meetings (schema 5) ---------------------------------
    #: Meetings refreshed per round of queries (bounds the memory a million-meeting import needs here).
    _REFRESH_CHUNK: ClassVar[int] = 20_000

    def _refresh_account_meetings(self, meeting_ids: Iterable[str] | None) -> None:
        """Rewrite the ``account_meeting`` rows of these meetings (of every meeting when None) from the
        meeting tables, inside the caller's write transaction.

        A meeting gets one row per account with a stakeholder in it, carrying its date and the attendees that
        account sees: every one of our staff in it and that account's own stakeholders, sorted. A meeting
        that no longer exists, or that no stakeholder attends, keeps no row. Written in Python rather than
        one ``INSERT ... SELECT``: SQLite before 3.44 does not promise the order of ``group_concat``.
        """
        db = self._db
        if meeting_ids is None:
            self._rebuild_account_meetings()
            return
        ids = sorted(set(meeting_ids))
        within = "(SELECT value FROM json_each(?))"
        for start in range(0, len(ids), self._REFRESH_CHUNK):
            part = json.dumps(ids[start:start + self._REFRESH_CHUNK])
            db.execute(f"DELETE FROM account_meeting WHERE meeting_id IN {within}", (part,))
            staff: dict[str, list[str]] = defaultdict(list)
            for mid, sid in db.execute(f"SELECT meeting_id, staff_id FROM meeting_staff WHERE meeting_id IN {within}",
                                       (part,)):
                staff[mid].append(sid)
            seen: dict[tuple[str, str], list[str]] = defaultdict(list)
            for mid, acc, cid in db.execute(
                    f"SELECT ms.meeting_id, s.account_id, ms.stakeholder_id FROM meeting_stakeholder ms "
                    f"JOIN stakeholder s ON s.id = ms.stakeholder_id WHERE ms.meeting_id IN {within}", (part,)):
                seen[acc, mid].append(cid)
            days = dict(db.execute(f"SELECT id, date FROM meeting WHERE id IN {within}", (part,)))
            rows = []
            for (acc, mid), theirs in seen.items():
                people = staff.get(mid, []) + theirs
                people.sort()
                rows.append((acc, days[mid], mid, ",".join(people)))
            db.executemany(f"{self._ACCOUNT_MEETING_INSERT} VALUES (?,?,?,?)", rows)
            self._stale("meetings", (r[0] for r in rows))

    #: The meetings of some accounts (``{marks}``) up to a date, account by account, by date then id.
    _ACCOUNT_MEETING_ROWS: ClassVar[str] = """
        SELECT a.account_id, a.date, a.meeting_id, m.account_id, m.kind, m.subject, m.source, m.source_id, a.attendees
        FROM account_meeting a JOIN meeting m ON m.id = a.meeting_id
        WHERE a.account_id IN ({marks}) AND (? IS NULL OR a.date <= ?)
        ORDER BY a.account_id, a.date, a.meeting_id"""
    #: The columns of an ``account_meeting`` row, in the order the write paths lay them out.
    _ACCOUNT_MEETING_INSERT: ClassVar[str] = "INSERT INTO account_meeting (account_id, date, meeting_id, attendees)"

    def _stale(self, kind: str, account_ids: Iterable[str]) -> None:
        """Note that these accounts' packs of ``kind`` (``meetings``, ``people``) need rewriting at this commit."""
        self._db.execute("INSERT OR IGNORE INTO pack_stale (kind, id) SELECT ?, value FROM json_each(?)",
                         (kind, json.dumps(sorted(set(account_ids)))))

    def _repack_stale(self) -> None:
        """Rewrite the packs (schema 6) ``pack_stale`` notes, at the end of a write transaction: the meeting packs
        of the accounts whose ``account_meeting`` rows changed or that hold a changed meeting, the people packs of
        those whose stakeholders or reporting lines did. An account left with no meetings (no stakeholders) keeps
        no such pack.

        A meeting pack is made by SQLite (``json_group_array`` over the account's rows in key order: SQLite before
        3.44 does not promise that order to an aggregate, so the reader checks it); a people pack in Python.
        """
        db = self._db
        stale: dict[str, list[str]] = defaultdict(list)
        for kind, account_id in db.execute("SELECT kind, id FROM pack_stale ORDER BY kind, id"):
            stale[kind].append(account_id)
        if not stale:
            return
        accounts = set(stale.get("meetings", []))
        meetings = stale.get("meeting", [])
        for start in range(0, len(meetings), self._REFRESH_CHUNK):  # the accounts holding a changed meeting
            accounts.update(r[0] for r in db.execute(
                "SELECT DISTINCT account_id FROM account_meeting WHERE meeting_id IN (SELECT value FROM json_each(?))",
                (json.dumps(meetings[start:start + self._REFRESH_CHUNK]),)))
        for account_id in sorted(accounts):  # one at a time: SQLite holds a whole pack in memory
            db.execute("DELETE FROM account_meeting_pack WHERE account_id = ?", (account_id,))
            db.execute("""
                INSERT INTO account_meeting_pack (account_id, pack)
                SELECT ?, json_group_array(json_array(day, mid, account, kind, subject, source, source_id, attendees))
                FROM (SELECT a.date AS day, a.meeting_id AS mid, m.account_id AS account, m.kind AS kind,
                        m.subject AS subject, m.source AS source, m.source_id AS source_id, a.attendees AS attendees
                      FROM account_meeting a JOIN meeting m ON m.id = a.meeting_id
                      WHERE a.account_id = ? ORDER BY a.date, a.meeting_id)
                HAVING count(*) > 0""", (account_id, account_id))
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
        for part in _chunks(stale.get("people", []), DEFAULT_CHUNK):
            db.execute(f"DELETE FROM account_people_pack WHERE account_id IN ({_marks(len(part))})", part)
            db.executemany("INSERT INTO account_people_pack (account_id, pack) VALUES (?, ?)",
                           [(account, dumps([r for _, r in found]))
                            for account, found in groupby(self._stakeholder_rows(part), _by_account)])
        db.execute("DELETE FROM pack_stale")

    def _rebuild_account_meetings(self) -> None:
        """Every ``account_meeting`` row afresh (the migration to schema 5): the meeting tables read once each
        in meeting-id order (their primary keys) and merged, the stakeholders' accounts held in memory; about
        four times faster than :meth:`_refresh_account_meetings` over every meeting."""
        db = self._db
        db.execute("DELETE FROM account_meeting")
        account_of = dict(db.execute("SELECT id, account_id FROM stakeholder"))
        self._stale("meetings", account_of.values())
        staff = db.execute("SELECT meeting_id, staff_id FROM meeting_staff ORDER BY meeting_id").fetchmany
        clients = db.execute("SELECT meeting_id, stakeholder_id FROM meeting_stakeholder ORDER BY meeting_id").fetchmany

        def rows(fetch: Callable[[int], list[Any]]) -> Iterator[tuple[str, str]]:
            while block := fetch(10_000):
                yield from block

        staff_rows, client_rows = rows(staff), rows(clients)
        next_staff, next_client = next(staff_rows, None), next(client_rows, None)
        out: list[str] = []
        for mid, day in rows(db.execute("SELECT id, date FROM meeting ORDER BY id").fetchmany):
            ours: list[str] = []
            while next_staff is not None and next_staff[0] <= mid:  # (< : a row of no meeting, skipped)
                if next_staff[0] == mid:
                    ours.append(next_staff[1])
                next_staff = next(staff_rows, None)
            theirs: dict[str, list[str]] = {}
            while next_client is not None and next_client[0] <= mid:
                if next_client[0] == mid and next_client[1] in account_of:
                    theirs.setdefault(account_of[next_client[1]], []).append(next_client[1])
                next_client = next(client_rows, None)
            for account, seen in theirs.items():
                out += (account, day, mid, ",".join(sorted(ours + seen)))
            if len(out) >= 4 * self._REFRESH_CHUNK:
                self._insert_flat(self._ACCOUNT_MEETING_INSERT, out, 4)
                out = []
        self._insert_flat(self._ACCOUNT_MEETING_INSERT, out, 4)

    def _index_meetings(self, plan: UpsertPlan[Meeting]) -> None:
        """The ``account_meeting`` rows of the meetings an import writes, made from the records themselves,
        right after they are written (the stakeholders of the import are written before its meetings).

        Faster than :meth:`_refresh_account_meetings`, which reads the meetings back: new meetings delete
        nothing, and only the accounts of the stakeholders in them are read. Inside the import's bulk load,
        which drops and rebuilds this table's meeting-id index with the meeting tables' indexes.
        """
        db = self._db
        # One statement per block, not one per meeting: inside a bulk load the meeting-id index is dropped, and
        # each statement then scans the table once.
        updated = [m.id for m in plan.updated]
        for start in range(0, len(updated), self._REFRESH_CHUNK):
            db.execute("DELETE FROM account_meeting WHERE meeting_id IN (SELECT value FROM json_each(?))",
                       (json.dumps(updated[start:start + self._REFRESH_CHUNK]),))
        writes = plan.writes
        people = sorted({p for m in writes for p in m.attendees})
        account_of: dict[str, str] = {}
        for part in _chunks(people):
            account_of.update(db.execute(f"SELECT id, account_id FROM stakeholder WHERE id IN ({_marks(len(part))})",
                                         part))
        days: dict[dt.date, str] = {}
        for start in range(0, len(writes), self._REFRESH_CHUNK):  # bounded memory on a big import
            rows: list[tuple[str, str, str, str]] = []
            for m in writes[start:start + self._REFRESH_CHUNK]:
                day = days.get(m.date)
                if day is None:
                    day = days[m.date] = m.date.isoformat()
                ours: list[str] = []
                theirs: dict[str, list[str]] = {}
                for p in m.attendees:
                    account = account_of.get(p)
                    if account is None:  # one of our staff
                        ours.append(p)
                    else:
                        theirs.setdefault(account, []).append(p)
                for account, seen in theirs.items():
                    rows.append((account, day, m.id, ",".join(sorted(ours + seen))))
            rows.sort(key=_by_account)  # an account's rows together: SQLite inserts them into one part of its tree
            self._insert_flat(self._ACCOUNT_MEETING_INSERT, list(chain.from_iterable(rows)), 4)
            self._stale("meetings", {r[0] for r in rows})

    def _meetings_of_stakeholders(self, stakeholder_ids: Sequence[str]) -> set[str]:
        """The ids of the meetings these stakeholders attended."""
        found: set[str] = set()
        for part in _chunks(stakeholder_ids):
            found.update(r[0] for r in self._db.execute(
                f"SELECT meeting_id FROM meeting_stakeholder WHERE stakeholder_id IN ({_marks(len(part))})", part))
        return found

    # -- competitors and cadence overrides (schema 4) ---------------------------------
    def competitor_ties(self, account_ids: Iterable[str] | None = None) -> list[CompetitorTie]:
        if account_ids is None:
            rows = self._db.execute("SELECT stakeholder_id, competitor, strength, since, note FROM competitor_tie "
                                    "ORDER BY stakeholder_id, competitor").fetchall()
        else:
            ids = sorted(set(account_ids))
            rows = []
            for part in _chunks(ids):
                rows += self._db.execute(
                    "SELECT t.stakeholder_id, t.competitor, t.strength, t.since, t.note FROM competitor_tie t "
                    f"JOIN stakeholder s ON s.id = t.stakeholder_id WHERE s.account_id IN ({_marks(len(part))})",
                    part).fetchall()
            rows.sort(key=lambda r: (r[0], r[1]))
        return [trusted(CompetitorTie, {"stakeholder": r[0], "competitor": r[1], "strength": float(r[2]),
                                        "since": _day(r[3]), "note": r[4]}) for r in rows]

    def remove_competitor_tie(self, stakeholder_id: str, competitor: str) -> bool:
        with self._tx():
            gone = self._db.execute("DELETE FROM competitor_tie WHERE stakeholder_id = ? AND competitor = ?",
                                    (stakeholder_id, competitor)).rowcount
            self._data_changed(gone)
        return bool(gone)

    def _competitor_ties_by_account(self, account_ids: Sequence[str]) -> dict[str, list[CompetitorTie]]:
        """The competitor ties of these accounts' stakeholders, by account (for :meth:`_load_chunk`)."""
        ties = self.competitor_ties(account_ids)
        owner = self.stakeholder_accounts({t.stakeholder for t in ties})
        found: dict[str, list[CompetitorTie]] = defaultdict(list)
        for tie in ties:
            found[owner[tie.stakeholder]].append(tie)
        return found

    def _import_competitor_ties(self, ties: Sequence[CompetitorTie], summary: ImportSummary) -> None:
        """Upsert competitor ties by (stakeholder, competitor), inside the import's transaction."""
        if not ties:
            return
        stored: dict[Any, CompetitorTie] = {}
        ids = sorted({t.stakeholder for t in ties})
        for part in _chunks(ids):
            for r in self._db.execute("SELECT stakeholder_id, competitor, strength, since, note FROM competitor_tie "
                                      f"WHERE stakeholder_id IN ({_marks(len(part))})", part):
                tie = CompetitorTie(stakeholder=r[0], competitor=r[1], strength=r[2], since=r[3], note=r[4])
                stored[tie.key] = tie
        plan = plan_upserts(ties, stored, key=lambda t: t.key)
        known = set(self.stakeholder_accounts({t.stakeholder for t in plan.writes}))
        for tie in plan.writes:
            if tie.stakeholder not in known:
                raise InputError(f"unknown stakeholder {tie.stakeholder!r}", field="stakeholder")
        self._db.executemany(
            "INSERT INTO competitor_tie (stakeholder_id, competitor, strength, since, note) VALUES (?,?,?,?,?) "
            "ON CONFLICT(stakeholder_id, competitor) DO UPDATE SET strength=excluded.strength, "
            "since=excluded.since, note=excluded.note",
            [(t.stakeholder, t.competitor, t.strength, _iso(t.since), t.note) for t in plan.writes])
        counts = summary.counts("competitor_ties")
        counts.created, counts.updated, counts.unchanged = len(plan.created), len(plan.updated), plan.unchanged

    def _write_cadence_days(self, stakeholders: Sequence[Stakeholder]) -> None:
        """Store each written stakeholder's own cadence target (NULL: their role's)."""
        self._db.executemany("UPDATE stakeholder SET cadence_days = ? WHERE id = ?",
                             [(s.cadence_days, s.id) for s in stakeholders])

    def _with_cadence_days(self, stakeholders: Sequence[Stakeholder], account_ids: Sequence[str] | None = None
                           ) -> None:
        """Set ``cadence_days`` on stakeholders read from rows (one query for those that have one)."""
        if not stakeholders:
            return
        days: dict[str, int] = {}
        if account_ids is None and len(stakeholders) > _CHUNK:  # many people (a whole store): overrides are few
            days.update(self._db.execute(
                "SELECT id, cadence_days FROM stakeholder WHERE cadence_days IS NOT NULL").fetchall())
        else:
            column, keys = ("account_id", sorted(set(account_ids))) if account_ids is not None else (
                "id", [s.id for s in stakeholders])
            for part in _chunks(keys):
                days.update(self._db.execute(
                    f"SELECT id, cadence_days FROM stakeholder WHERE {column} IN ({_marks(len(part))}) "
                    "AND cadence_days IS NOT NULL", part).fetchall())
        for person in stakeholders:
            person.__dict__["cadence_days"] = days.get(person.id)

    # -- provenance (schema 4) ---------------------------------------------------------
    def record_provenance(self, entries: Sequence[Provenance]) -> int:
        written = 0
        with self._tx() as db:
            for entry in entries:
                table = entry.kind  # validated: one of the four table names, never user text
                if table not in ("account", "staff", "stakeholder", "meeting"):
                    raise StoreError(f"no provenance for records of kind {table!r}")
                written += db.execute(
                    "INSERT INTO provenance (kind, record_id, source, source_id, first_seen, last_seen) "
                    f"SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM {table} WHERE id = ?) "
                    "ON CONFLICT (kind, record_id, source, source_id) DO UPDATE SET "
                    "first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)",
                    (entry.kind, entry.record_id, entry.source, entry.source_id, entry.first_seen.isoformat(),
                     entry.last_seen.isoformat(), entry.record_id)).rowcount
        return written

    @staticmethod
    def _provenance(rows: Iterable[Sequence[Any]]) -> list[Provenance]:
        return [Provenance(kind=r[0], record_id=r[1], source=r[2], source_id=r[3],
                           first_seen=dt.date.fromisoformat(r[4]), last_seen=dt.date.fromisoformat(r[5]))
                for r in rows]

    def provenance_of(self, record_ids: Iterable[str]) -> dict[str, list[Provenance]]:
        ids = sorted(set(record_ids))
        found: dict[str, list[Provenance]] = defaultdict(list)
        for part in _chunks(ids):
            for entry in self._provenance(self._db.execute(
                    "SELECT kind, record_id, source, source_id, first_seen, last_seen FROM provenance "
                    f"WHERE record_id IN ({_marks(len(part))})", part)):
                found[entry.record_id].append(entry)
        return {rid: sorted(entries, key=lambda e: (e.source, e.source_id, e.kind)) for rid, entries in found.items()}

    def provenance_from(self, source: str, source_ids: Iterable[str]) -> list[Provenance]:
        ids = sorted(set(source_ids))
        found: list[Provenance] = []
        for part in _chunks(ids):
            found += self._provenance(self._db.execute(
                "SELECT kind, record_id, source, source_id, first_seen, last_seen FROM provenance "
                f"WHERE source = ? AND source_id IN ({_marks(len(part))})", [source, *part]))
        return sorted(found, key=lambda e: e.key)

    def forget_provenance(self, source: str, source_ids: Iterable[str]) -> int:
        ids = sorted(set(source_ids))
        dropped = 0
        with self._tx() as db:
            for part in _chunks(ids):
                dropped += db.execute(f"DELETE FROM provenance WHERE source = ? AND source_id IN ({_marks(len(part))})",
                                      [source, *part]).rowcount
        return dropped

    def delete_meetings(self, ids: Iterable[str]) -> int:
        wanted = sorted(set(ids))
        deleted = 0
        with self._tx() as db:
            for part in _chunks(wanted):
                marks = _marks(len(part))
                db.execute(f"DELETE FROM meeting_staff WHERE meeting_id IN ({marks})", part)
                db.execute(f"DELETE FROM meeting_stakeholder WHERE meeting_id IN ({marks})", part)
                db.execute(f"DELETE FROM provenance WHERE kind = 'meeting' AND record_id IN ({marks})", part)
                deleted += db.execute(f"DELETE FROM meeting WHERE id IN ({marks})", part).rowcount
            self._refresh_account_meetings(wanted)
            self._data_changed(deleted)
        return deleted


    def dump(self) -> Batch:
        staff = self._staff()
        stakeholders = self._stakeholders()
        rows = self._db.execute(
            "SELECT id, account_id, date, kind, subject, source, source_id FROM meeting ORDER BY date, id"
        ).fetchall()
        kinds = {s.id: "staff" for s in staff} | {s.id: "stakeholder" for s in stakeholders}
        return Batch(accounts=self._accounts(), staff=staff, stakeholders=stakeholders,
                     meetings=self._meetings(rows), relationships=self._relationships(), person_kinds=kinds,
                     competitor_ties=self.competitor_ties())

    # -- analysis snapshots (schema 4) -------------------------------------------
    #: Field of a metrics record -> its column (the other fields have columns of their own name).
    _METRIC_COLUMNS: ClassVar[dict[str, str]] = {"account": "account_id", "person": "person_id", "staff": "staff_id",
                                                 "stakeholder": "stakeholder_id", "generation": "data_generation"}

    @staticmethod
    def _metric_value(value: Any) -> Any:
        """A metrics field as an SQLite value: dates and times as ISO text, booleans as 0/1."""
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        return value

    def _data_changed(self, changed: object = True) -> None:
        """Bump the data generation, inside the caller's write transaction (when ``changed`` is truthy).

        Every write path that changes records calls this once within its ``self._tx()`` block, so a stored
        analysis snapshot computed from the data before the write is seen as stale. ``changed`` may be an
        :class:`~kamgraph.domain.dataset.ImportSummary`: it bumps only when the import created or updated records.
        """
        if isinstance(changed, ImportSummary):
            changed = any(k.created or k.updated for k in changed.kinds.values())
        if changed:
            self._db.execute("INSERT INTO data_generation (name, generation) VALUES ('data', 1) "
                             "ON CONFLICT(name) DO UPDATE SET generation = generation + 1")

    def data_generation(self) -> int:
        row = self._db.execute("SELECT generation FROM data_generation WHERE name = 'data'").fetchone()
        return int(row[0]) if row else 0

    def write_metrics(self, snapshots: Sequence[MetricsSnapshot]) -> int:
        with self._tx() as db:
            known = self.known_ids((), [s.account.account for s in snapshots])[1]
            for snap in snapshots:
                acc = snap.account
                if acc.account not in known:
                    raise NotFoundError(f"no account with id {acc.account!r} (see 'kamgraph accounts'); "
                                        "nothing written")
                key = (acc.account, acc.as_of.isoformat())
                for table in ("account_metrics", "person_metrics", "tie_metrics"):
                    db.execute(f"DELETE FROM {table} WHERE account_id = ? AND as_of = ?", key)
                for table, rows in (("account_metrics", [acc]), ("person_metrics", snap.people),
                                    ("tie_metrics", snap.ties)):
                    if not rows:
                        continue
                    names = list(type(rows[0]).model_fields)
                    columns = ", ".join(self._METRIC_COLUMNS.get(n, n) for n in names)
                    db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({_marks(len(names))})",
                                   [[self._metric_value(getattr(r, n)) for n in names] for r in rows])
        return len(snapshots)

    def account_metrics(self, account_ids: Iterable[str], as_of: dt.date) -> dict[str, AccountMetrics]:
        names = list(AccountMetrics.model_fields)
        columns = ", ".join(self._METRIC_COLUMNS.get(n, n) for n in names)
        found: dict[str, AccountMetrics] = {}
        for part in _chunks(sorted(set(account_ids))):
            for row in self._db.execute(f"SELECT {columns} FROM account_metrics WHERE as_of = ? "
                                        f"AND account_id IN ({_marks(len(part))})", [as_of.isoformat(), *part]):
                metrics = AccountMetrics.model_validate(dict(zip(names, row, strict=True)))
                found[metrics.account] = metrics
        return found


    # -- alert state ----------------------------------------------------------------
    def load_alerts(self, account_ids: Iterable[str] | None = None, *,
                    include_cleared: bool = False) -> list[AlertRecord]:
        found = _account_filter(None if include_cleared else "cleared_on IS NULL", account_ids)
        if found is None:
            return []
        clause, params = found
        rows = self._db.execute(
            "SELECT key, rule, account_id, subject, severity, state, title, message, raised_on, cleared_on, data "
            f"FROM alert {clause} ORDER BY raised_on, key, id", params).fetchall()
        return [AlertRecord(key=r[0], rule=r[1], account=r[2], subject=r[3], severity=r[4], state=r[5],
                            title=r[6], message=r[7], raised_on=dt.date.fromisoformat(r[8]),
                            cleared_on=_day(r[9]), data=json.loads(r[10])) for r in rows]

    def open_alert_counts(self) -> dict[str, int]:
        return dict(self._db.execute(
            "SELECT account_id, count(*) FROM alert WHERE cleared_on IS NULL GROUP BY account_id ORDER BY account_id"))

    def alert_checks(self) -> dict[str, AccountCheck]:
        return {a: AccountCheck(account=a, checked_on=dt.date.fromisoformat(d), facts=json.loads(f)) for a, d, f in
                self._db.execute("SELECT account_id, checked_on, facts FROM alert_check ORDER BY account_id")}

    def record_alert_check(self, checked_on: dt.date, facts: Mapping[str, Mapping[str, object]], *,
                           raised: Sequence[AlertRecord] = (), cleared: Sequence[str] = (),
                           deliveries: Sequence[Delivery] = ()) -> None:
        day = checked_on.isoformat()
        try:
            with self._tx() as db:
                db.executemany("UPDATE alert SET cleared_on = ? WHERE key = ? AND cleared_on IS NULL",
                               [(day, key) for key in cleared])
                for alert in raised:
                    if not alert.is_open:
                        raise StoreError(f"alert {alert.key!r} is raised already cleared")
                db.executemany(
                    "INSERT INTO alert (key, rule, account_id, subject, severity, state, title, message, raised_on, "
                    "cleared_on, data) VALUES (?,?,?,?,?,?,?,?,?,NULL,?)",
                    [(a.key, a.rule, a.account, a.subject, a.severity, a.state, a.title, a.message,
                      a.raised_on.isoformat(), json.dumps(a.data, sort_keys=True)) for a in raised])
                db.executemany(
                    "INSERT INTO alert_check (account_id, checked_on, facts) VALUES (?, ?, ?) "
                    "ON CONFLICT(account_id) DO UPDATE SET checked_on = excluded.checked_on, facts = excluded.facts",
                    [(acc, day, json.dumps(dict(facts[acc]), sort_keys=True)) for acc in sorted(facts)])
                db.executemany(
                    "INSERT INTO alert_outbox (id, created_on, payload, attempts, last_error) VALUES (?,?,?,?,?)",
                    [(d.id, d.created_on.isoformat(), d.payload, d.attempts, d.last_error) for d in deliveries])
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"{self.path}: alert run refused ({exc}): another run recorded these alerts "
                                f"first; nothing written") from exc

    def pending_deliveries(self) -> list[Delivery]:
        rows = self._db.execute("SELECT id, created_on, payload, attempts, last_error FROM alert_outbox "
                                "ORDER BY created_on, id").fetchall()
        return [Delivery(id=r[0], created_on=dt.date.fromisoformat(r[1]), payload=r[2], attempts=r[3],
                         last_error=r[4]) for r in rows]

    def finish_delivery(self, delivery_id: str, *, delivered: bool, error: str | None = None) -> None:
        with self._tx() as db:
            if delivered:
                done = db.execute("DELETE FROM alert_outbox WHERE id = ?", (delivery_id,)).rowcount
            else:
                done = db.execute("UPDATE alert_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                                  (error, delivery_id)).rowcount
            if not done:
                raise NotFoundError(f"no undelivered webhook payload with id {delivery_id!r}")


class _DryRunRollbackError(Exception):
    """Raised inside the transaction to roll a dry run back."""

