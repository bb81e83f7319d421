"""The Neo4j store: the account graph on a Neo4j 5 server, over Bolt.

The only module of kamgraph that imports the :mod:`neo4j` driver. Every
statement it runs is a named query from ``cypher/*.cypher`` (see
:mod:`kamgraph.store.cypher`); user values only reach the server as parameters.

The graph
---------
``(:Account)``, ``(:Person:Staff)``, ``(:Person:Stakeholder)`` and ``(:Meeting)``
nodes carry the records' fields as properties (dates as Cypher dates, an
account's ``criteria`` as a JSON text); links are relationships::

    (Stakeholder)-[:WORKS_AT]->(Account)        (Staff)-[:ON_TEAM]->(Account)
    (Stakeholder)-[:REPORTS_TO {line}]->(Stakeholder)
    (Person)-[:ATTENDED]->(Meeting)             (Person)-[:KNOWS|INFLUENCES {weight}]->(Person)
    (Staff)-[:MET {count, first, last}]->(Stakeholder)   -- derived from meetings

One ``(:KamgraphMeta {key: 'schema'})`` node records the schema version.

Transactions
------------
An import is one managed write transaction (``execute_write``): it looks up
the stored versions of the incoming ids, plans with
:func:`~kamgraph.store.upsert.plan_upserts`, and writes in batches
of ``batch_size`` rows -- so it is all or nothing, and re-importing the same
records writes nothing. The driver retries the whole transaction on transient
errors; a ``ConstraintError`` (two imports creating the same new id at once)
is retried once, when the loser then sees the winner's records. Reads run as
managed read transactions. Every session names its database.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from enum import Enum
from operator import itemgetter
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors
from pydantic import BaseModel

from ..domain.alert_state import AccountCheck, AlertRecord, Delivery
from ..domain.dataset import KINDS, AccountSnapshot, AccountSummary, Batch, ImportSummary, PackedSnapshot
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
from ..errors import ConflictError, InputError, KamgraphError, NotFoundError, StoreError
from ..kernels.gc_pause import paused_gc
from ..settings import Neo4jSettings, Neo4jTimeoutSettings
from .base import DEFAULT_CHUNK, SCHEMA_VERSION, GraphStore, _best_name_matches
from .cypher import QueryBook, queries
from .neo4j_config import PASSWORD_ENV, bolt_target, resolve_password, resolve_timeouts
from .packed_rows import meetings_from_rows, packed_row
from .trusted import members, trusted
from .upsert import UpsertPlan, plan_upserts

__all__ = ["Neo4jStore"]

T = TypeVar("T")

# Neo4j 5 attaches notifications to results (an unknown property key in a new database, ...), and the driver
# logs its retries ("Transaction failed and will be retried in 1.1s ...") and broken connections as warnings
# and errors; without any logging set up, Python would print them all on stderr before kamgraph's one-line
# error. A handler on the driver's top logger keeps them off stderr; an application that configures logging
# still gets them (they propagate to its handlers).
logging.getLogger("neo4j").addHandler(logging.NullHandler())

_META_KEY = "schema"
_CREATE_TIES = {TieKind.KNOWS: "create_knows", TieKind.INFLUENCES: "create_influences"}

# Look-up tables of the bulk read (Neo4jStore._load_chunk): stored value -> member (None -> None).
_STATUS, _SENIORITY, _BUYING_ROLE, _STAFF_ROLE = members(Status), members(Seniority), members(BuyingRole), members(
    StaffRole)
_TIE_TYPES = {"KNOWS": TieKind.KNOWS, "INFLUENCES": TieKind.INFLUENCES}
_DATE_THEN_ID = itemgetter(1, 0)  # of a bulk_meetings list: ISO dates sort as the dates do


class _DayCache(dict[str | None, dt.date | None]):
    """ISO text -> ``datetime.date``, each text parsed once (a portfolio's meetings share a few hundred days).

    >>> day = _DayCache()
    >>> day("2026-06-30"), day(None), day("2026-06-30") is day("2026-06-30")
    (datetime.date(2026, 6, 30), None, True)
    """

    def __init__(self) -> None:
        super().__init__({None: None})

    def __call__(self, text: str | None) -> dt.date | None:
        found = self.get(text, _MISSING)
        if found is _MISSING:
            found = self[text] = dt.date.fromisoformat(text)  # type: ignore[arg-type]
        return found  # type: ignore[return-value]


_MISSING = object()


class _StaffSeen:
    """The staff members one :meth:`Neo4jStore.load_accounts` call has read so far: their ``bulk_staff`` rows
    by id (written by the read-ahead thread, one step at a time), the ids asked for and not found, and the
    :class:`~kamgraph.domain.models.Staff` records built from the rows (by the consuming thread only).

    A staff member on many accounts' teams (an account executive with thirty accounts) would otherwise be
    read from the server and rebuilt once per step of :attr:`Neo4jStore._READ_STEP` accounts.
    """

    __slots__ = ("absent", "built", "rows")

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = {}
        self.absent: set[str] = set()
        self.built: dict[str, Staff] = {}


#: What Neo4jStore._read_chunk reads: (bulk_people rows, bulk_meetings rows, bulk_staff rows, competitor ties).
_ChunkRows = tuple[list[list[Any]], list[list[Any]], list[list[Any]], list[dict[str, Any]]]


def _native(value: Any) -> Any:
    """Driver temporal values as Python ones (a Cypher date becomes a ``datetime.date``)."""
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


def _props(raw: Mapping[str, Any], model: type[BaseModel] | None = None) -> dict[str, Any]:
    """Node properties as Python values; with ``model``, only its fields (others are ignored)."""
    return {key: _native(value) for key, value in raw.items() if model is None or key in model.model_fields}


def _value(value: Any) -> Any:
    """A field value as a parameter: enums and dates as text (the queries make dates Cypher dates),
    empty lists as absent."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list) and not value:
        return None
    return value


def _row(record: Any, exclude: set[str]) -> dict[str, Any]:
    """A record's properties (every field but the ones stored as links)."""
    row = {name: _value(getattr(record, name)) for name in type(record).model_fields if name not in exclude}
    if isinstance(record, Account):
        row["criteria"] = json.dumps(record.criteria, sort_keys=True) if record.criteria else None
    return row


def _iso_or_none(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class _Tx:
    """Named queries on one managed transaction, with batching."""

    def __init__(self, tx: neo4j.ManagedTransaction, book: QueryBook, batch_size: int) -> None:
        self.tx, self.book, self.batch_size = tx, book, batch_size

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.tx.run(self.book[name].text, params).data()

    def rows(self, name: str, key: str, items: Sequence[Any], **params: Any) -> list[dict[str, Any]]:
        """Run ``name`` once per batch of ``items`` (bound to ``$key``); all results, in order."""
        found: list[dict[str, Any]] = []
        for part in _chunks(list(items), self.batch_size):
            found.extend(self.run(name, **{key: list(part)}, **params))
        return found

    def written(self, name: str, rows: Sequence[Any], key: str = "rows") -> int:
        """Run a write in batches; the sum of its ``written`` column."""
        return sum(int(r.get("written", 0)) for r in self.rows(name, key, rows))


def _met_statements(by_staff: Mapping[str, list[dict[str, Any]]], size: int) -> Iterator[list[dict[str, Any]]]:
    """The ``create_met`` rows (``{staff, met: [...]}``) in statements of at most ``size`` MET entries each.

    Batching by rows alone would put every staff member's whole list in one statement: an import of 500
    accounts made a 16 MB parameter list, which the Bolt test server (ArcadeDB) refuses as one message -- and
    then answers nothing, leaving the import waiting. A member's list is cut across statements where needed.

    Examples
    --------
    >>> met = {"s1": [{"stakeholder": c} for c in "abcde"], "s2": [{"stakeholder": "f"}]}
    >>> [[(r["staff"], len(r["met"])) for r in part] for part in _met_statements(met, 2)]
    [[('s1', 2)], [('s1', 2)], [('s1', 1), ('s2', 1)]]
    """
    part: list[dict[str, Any]] = []
    room = size = max(1, size)
    for staff, met in sorted(by_staff.items()):
        start = 0
        while start < len(met):
            piece = met[start:start + room]
            part.append({"staff": staff, "met": piece})
            start += len(piece)
            room -= len(piece)
            if room == 0:
                yield part
                part, room = [], size
    if part:
        yield part


class _ConflictError(StoreError):
    """A write found fewer records than it expected: a missing reference -- or, on a server with
    optimistic transactions (ArcadeDB), another transaction writing the same new records at the same
    moment. Retried once, like a ConstraintError; raised as a StoreError when it happens again."""


class _DryRunRollbackError(Exception):
    """Raised inside the transaction to roll a dry run back, carrying its summary."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("dry run")
        self.summary = summary


class Neo4jStore(GraphStore):
    """A kamgraph store in one database of a Neo4j 5 server.

    Parameters
    ----------
    url : str
        ``bolt://``, ``neo4j://``, ``neo4j+s://`` ... (see :mod:`kamgraph.store.neo4j_config`).
    user, database : str, optional
        Override the environment and settings (the URL itself wins).
    password : str, optional
        Else ``$KAMGRAPH_NEO4J_PASSWORD``, else the settings' ``[neo4j] password``.
    batch_size : int, optional
        Rows per batched write statement (default 1000).
    settings : Neo4jSettings, optional
        The ``[neo4j]`` section of the settings file, as fallback.
    env : mapping, optional
        Environment to read ``KAMGRAPH_NEO4J_*`` from (default ``os.environ``).
    connection_timeout, retry_time : float, optional
        Seconds to wait for a connection, and to keep retrying a transaction
        that fails with a transient error (the server restarting or gone).
        Else ``timeouts`` (``[neo4j_timeouts]``), resolved by
        :func:`~kamgraph.store.neo4j_config.resolve_timeouts`: a command whose
        server goes away fails in one line within about the sum of the two.
    timeouts : Neo4jTimeoutSettings, optional
        The ``[neo4j_timeouts]`` section of the settings.
    create : bool
        Accepted for symmetry with SQLite; a database is initialised when empty.

    Raises
    ------
    StoreError
        One line, when the server cannot be reached, refuses the credentials,
        has no such database, or the database holds something else.
    """

    def __init__(self, url: str, *, user: str | None = None, database: str | None = None,
                 password: str | None = None, batch_size: int | None = None,
                 settings: Neo4jSettings | None = None, env: Mapping[str, str] | None = None,
                 connection_timeout: float | None = None, retry_time: float | None = None,
                 timeouts: Neo4jTimeoutSettings | None = None, create: bool = True) -> None:
        target = bolt_target(url, user=user, database=database, batch_size=batch_size, env=env,
                             settings=settings)
        self.url = target.url
        self.database = target.database
        self.batch_size = target.batch_size
        secret = resolve_password(password, env=env, settings=settings)
        if secret is None:
            raise StoreError(f"{self.url}: no password: set {PASSWORD_ENV}, add 'password' under [neo4j] "
                             "in kamgraph.toml, or run the command on a terminal to be asked")
        self._book = queries()
        self._user = target.user
        try:
            connect, retry = resolve_timeouts(connection_timeout, retry_time, env=env, settings=timeouts)
            self._driver = neo4j.GraphDatabase.driver(
                target.address, auth=(target.user, secret), connection_timeout=connect,
                connection_acquisition_timeout=connect, max_transaction_retry_time=retry, user_agent="kamgraph")
        except (neo4j_errors.ConfigurationError, ValueError) as exc:
            raise StoreError(f"{self.url}: {_one_line(str(exc))}") from None
        try:
            with self._errors():
                self._driver.verify_connectivity()
                self._open()
        except BaseException:
            self._driver.close()
            raise

    # -- plumbing -------------------------------------------------------------------
    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver and server errors as one-line :class:`StoreError`; kamgraph's own pass through."""
        try:
            yield
        except KamgraphError:
            raise
        except neo4j_errors.AuthError:
            raise StoreError(f"{self.url}: the server refused user {self._user!r} and the password given "
                             f"(check {PASSWORD_ENV})") from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise StoreError(f"cannot reach {self.url}: {_one_line(str(exc)).split(' (reason')[0]}") from None
        except neo4j_errors.Neo4jError as exc:
            if "DatabaseNotFound" in (exc.code or ""):
                raise StoreError(f"{self.url}: the server has no database {self.database!r} "
                                 "(create it, or pick another with /DATABASE in the URL)") from None
            raise StoreError(f"{self.url}: {exc.code}: {_one_line(exc.message or str(exc))}") from None
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"{self.url}: {type(exc).__name__}: {_one_line(str(exc))}") from None
        except OSError as exc:  # a socket error the driver did not wrap (the server killed mid-write)
            raise StoreError(f"cannot reach {self.url}: {type(exc).__name__}: {_one_line(str(exc))}") from None

    def _read(self, work: Callable[[_Tx], T]) -> T:
        with self._errors(), self._driver.session(database=self.database,
                                                  default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: work(_Tx(tx, self._book, self.batch_size)))

    def _write(self, work: Callable[[_Tx], T]) -> T:
        """Run ``work`` in one managed write transaction; a ConstraintError is retried once."""
        with self._errors(), self._driver.session(database=self.database,
                                                  default_access_mode=neo4j.WRITE_ACCESS) as session:
            try:
                return session.execute_write(lambda tx: work(_Tx(tx, self._book, self.batch_size)))
            except (neo4j_errors.ConstraintError, _ConflictError):
                # Another writer created one of our new ids first; now we see it and update instead.
                return session.execute_write(lambda tx: work(_Tx(tx, self._book, self.batch_size)))

    def _query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self._read(lambda t: t.run(name, **params))

    def _open(self) -> None:
        """Check what the database holds, apply the schema, record the version."""
        meta = self._query("meta_read", key=_META_KEY)[0]
        version = meta["version"]
        if version is None and meta["has_data"]:
            raise StoreError(f"{self.url}: database {self.database!r} holds data that is not a kamgraph store "
                             "(pick another database with /DATABASE in the URL)")
        if version is not None and int(version) > SCHEMA_VERSION:
            raise StoreError(f"{self.url} has schema version {version}; this kamgraph reads up to "
                             f"{SCHEMA_VERSION} -- upgrade kamgraph")
        for statement in self._book.in_file("schema"):
            self._driver.execute_query(statement.text, database_=self.database, routing_=neo4j.RoutingControl.WRITE)
        if version is None:
            def init(t: _Tx) -> None:
                t.run("declare_types", probe=f"kamgraph-type-probe-{SCHEMA_VERSION}")
                t.run("meta_init", key=_META_KEY, version=SCHEMA_VERSION)

            self._write(init)
        elif int(version) < SCHEMA_VERSION:
            # Versions 2 (alert state), 3 (indexes) and 4 (plans, competitors) only added constraints, indexes
            # and labels, applied above;
            # new labels need declaring.
            def upgrade(t: _Tx) -> None:
                t.run("declare_types", probe=f"kamgraph-type-probe-{SCHEMA_VERSION}")
                t.run("meta_upgrade", key=_META_KEY, version=SCHEMA_VERSION)

            self._write(upgrade)

    # -- life cycle -----------------------------------------------------------------
    def close(self) -> None:
        self._driver.close()

    def reopen_options(self) -> dict[str, object]:
        return {"user": self._user, "database": self.database, "batch_size": self.batch_size}

    def reopenable(self) -> bool:
        return resolve_password(None) is not None  # what a worker opening the store reads

    def schema_version(self) -> int:
        version = self._query("meta_read", key=_META_KEY)[0]["version"]
        return int(version or 0)

    # -- row <-> model --------------------------------------------------------------
    @staticmethod
    def _account(props: Mapping[str, Any]) -> Account:
        data = _props(props, Account)
        data["criteria"] = json.loads(data["criteria"]) if data.get("criteria") else {}
        return Account.model_validate(data)

    @staticmethod
    def _staff(props: Mapping[str, Any], accounts: Iterable[str]) -> Staff:
        return Staff.model_validate({**_props(props, Staff), "accounts": sorted(accounts)})

    @staticmethod
    def _stakeholder(props: Mapping[str, Any], lines: Iterable[Mapping[str, str]]) -> Stakeholder:
        ordered = sorted((ln["manager"], ln["line"]) for ln in lines)
        solid = [m for m, kind in ordered if kind == "solid"]
        dotted = [m for m, kind in ordered if kind == "dotted"]
        return Stakeholder.model_validate({**_props(props, Stakeholder), "reports_to": solid[0] if solid else None,
                                           "dotted_to": dotted})

    @staticmethod
    def _meeting(props: Mapping[str, Any], attendees: Iterable[str], keep: set[str] | None = None) -> Meeting:
        data = _props(props, Meeting)
        return Meeting.model_construct(
            id=data["id"], account=data.get("account"), date=data["date"], kind=MeetingKind(data["kind"]),
            subject=data.get("subject"), source=data.get("source"), source_id=data.get("source_id"),
            attendees=sorted(p for p in set(attendees) if keep is None or p in keep))

    @staticmethod
    def _tie(row: Mapping[str, Any]) -> Relationship:
        return Relationship(source=row["source"], target=row["target"], kind=row["kind"], weight=row["weight"])

    # -- erasure (kamgraph forget) -----------------------------------------------
    def erase(self, erasure: Erasure, scrub: Callable[[AlertState], AlertState]) -> ErasureCounts:
        """See :meth:`GraphStore.erase`: detach-delete of the people, accounts, their meetings and objectives,
        names taken out of the free text that stays, and the alert state replaced by ``scrub``'s, in one
        write transaction."""
        people, accounts = sorted(set(erasure.people)), sorted(set(erasure.accounts))
        mentions, clean = erasure.mention_test(), erasure.text_scrubber()

        def work(t: _Tx) -> ErasureCounts:
            counts = ErasureCounts()
            touched = {r["id"] for r in t.rows("erase_touched_meetings", "ids", people)}
            touched |= {r["id"] for r in t.run("erase_account_meetings", accounts=accounts)}
            links: dict[str, int] = defaultdict(int)
            for r in [*t.run("erase_links_out", ids=people), *t.run("erase_links_in", ids=people)]:
                links[r["kind"]] += int(r["links"])
            counts.attendances = links["ATTENDED"]
            counts.reporting_lines = links["REPORTS_TO"]
            counts.relationships = links["KNOWS"] + links["INFLUENCES"]
            counts.competitor_ties = links["LEANS_TO"]
            doomed = [r["props"]["id"] for r in t.run("erase_objectives_read")
                      if r["account"] in accounts or any(mentions(str(v)) for k, v in r["props"].items()
                                                         if k != "id" and isinstance(v, str))]
            counts.objectives = t.written("erase_objectives", doomed, key="ids")
            naming = [{"id": r["id"], "props": dict.fromkeys(r["keys"])} for r in t.run("erase_account_snapshots",
                                                                                          ids=people)]
            counts.metrics += t.written("metrics_write_accounts", naming)
            for r in t.rows("erase_people", "ids", people):
                setattr(counts, r["kind"], getattr(counts, r["kind"]) + int(r["written"]))
            gone = sorted(r["id"] for r in t.rows("erase_meeting_client_attendees", "ids", sorted(touched))
                          if not r["clients"])
            for r in t.rows("erase_meetings", "ids", gone):
                counts.meetings += int(r["written"])
                counts.attendances += int(r["attendances"] or 0)
            t.run("erase_meeting_accounts", accounts=accounts)
            counts.accounts = t.written("erase_accounts", accounts, key="ids")
            if t.run("erase_left_on_account", accounts=accounts)[0]["left"]:
                raise StoreError("an erased account still has stakeholders; nothing erased")
            for read, write in (("erase_meeting_texts", "erase_scrub_meetings"),
                                ("erase_person_texts", "erase_scrub_people")):
                rows = []
                for r in t.run(read):
                    texts = [clean(v) for v in r["texts"]]
                    if texts != list(r["texts"]):
                        rows.append({"id": r["id"], "texts": texts})
                counts.texts_scrubbed += t.written(write, rows)
            before = self._alert_state(t)
            after = scrub(before)
            counts.alerts = len(before.alerts) - len(after.alerts)
            kept_checks = {c.account: c for c in after.checks}
            counts.checks_scrubbed = sum(1 for c in before.checks if kept_checks.get(c.account) != c)
            kept = {d.id: d for d in after.outbox}
            counts.outbox = sum(1 for d in before.outbox if kept.get(d.id) != d)
            self._replace_alert_state(t, after)
            self._data_changed(t)  # a stored analysis of these accounts is stale now
            return counts

        return self._write(work)

    def _alert_state(self, t: _Tx) -> AlertState:
        """The whole alert state, read inside a transaction."""
        found = []
        for row in t.run("alert_load", cleared_too=True, accounts=None):
            props = {key: _native(value) for key, value in row["props"].items()}
            seq = props.pop("seq", 0)
            props["data"] = json.loads(props.get("data") or "{}")
            found.append((props["raised_on"], props["key"], seq, AlertRecord.model_validate(props)))
        checks = [AccountCheck(account=r["account"], checked_on=_native(r["checked_on"]),
                               facts=json.loads(r["facts"] or "{}"))
                  for r in sorted(t.run("alert_check_load"), key=lambda r: r["account"])]
        outbox = [Delivery.model_validate({"last_error": None, **{k: _native(v) for k, v in r["props"].items()}})
                  for r in t.run("outbox_load")]
        return AlertState(alerts=[a for *_, a in sorted(found, key=lambda item: item[:3])], checks=checks,
                          outbox=sorted(outbox, key=lambda d: (d.created_on, d.id)))

    def _replace_alert_state(self, t: _Tx, state: AlertState) -> None:
        """Put ``state`` in place of the stored alert state (inside the caller's transaction)."""
        t.run("alert_state_clear")
        if state.alerts:
            first = int(t.run("alert_next_seq", key="alert_seq", n=len(state.alerts))[0]["first"])
            t.written("alert_restore", [
                {"key": a.key, "rule": a.rule, "account": a.account, "subject": a.subject, "severity": a.severity,
                 "state": a.state, "title": a.title, "message": a.message, "raised_on": a.raised_on.isoformat(),
                 "cleared_on": _iso_or_none(a.cleared_on), "data": json.dumps(a.data, sort_keys=True),
                 "seq": first + i} for i, a in enumerate(state.alerts)])
        t.written("alert_check_restore", [{"account": c.account, "checked_on": c.checked_on.isoformat(),
                                           "facts": json.dumps(c.facts, sort_keys=True)} for c in state.checks])
        t.written("outbox_restore", [{"id": d.id, "created_on": d.created_on.isoformat(), "payload": d.payload,
                                      "attempts": d.attempts, "last_error": d.last_error} for d in state.outbox])

    def dump_alert_state(self) -> AlertState:
        return self._read(self._alert_state)

    def find_mentions(self, erasure: Erasure) -> int:
        mentions = erasure.mention_test()

        def work(t: _Tx) -> int:
            found = 0
            for name in ("erase_verify_nodes", "erase_verify_links"):
                for r in t.run(name):
                    found += any(mentions(str(_native(v))) for v in r["props"].values())
            return found

        return self._read(work)

    def restore_alert_state(self, state: AlertState) -> int:
        def work(t: _Tx) -> int:
            current = self._alert_state(t)
            merged = merge_alert_states(current, state)
            if merged == current:
                return 0
            self._replace_alert_state(t, merged)
            return len(merged)

        return self._write(work)


    # -- writes ---------------------------------------------------------------------
    def import_batch(self, batch: Batch, *, dry_run: bool = False) -> ImportSummary:
        try:
            return self._write(lambda t: self._import(t, batch, dry_run))
        except _DryRunRollbackError as rolled_back:
            return rolled_back.summary

    def _import(self, t: _Tx, batch: Batch, dry_run: bool) -> ImportSummary:
        summary = ImportSummary(dry_run=dry_run)
        present = t.run("existing_kinds")[0]
        present["relationships"] = present["staff"] or present["stakeholders"]  # ties need people
        people: dict[str, str] = {}  # incoming staff and stakeholder ids that exist -> their kind
        if present["relationships"]:
            people = self._check_id_spaces(t, batch)
        touched: set[str] = set()  # stakeholders whose MET edges must be brought up to date
        pairs: dict[tuple[str, str], list[dt.date]] = {}  # (staff, stakeholder) -> dates, this import's meetings
        new: set[str] = set()  # stakeholders this import creates
        for kind in KINDS:
            records = getattr(batch, kind)
            if not records:
                continue
            if kind in ("staff", "stakeholders"):  # look up only the ids that exist
                records_to_fetch = [r for r in records if r.id in people]
                stored = self._stored(t, kind, records_to_fetch) if records_to_fetch else {}
            else:
                stored = self._stored(t, kind, records) if present[kind] else {}
            plan: UpsertPlan[Any] = (plan_upserts(records, stored, key=lambda r: r.key)
                                     if kind == "relationships" else plan_upserts(records, stored))
            if kind == "meetings":
                self._write_meetings(t, plan, stored, batch.person_kinds, touched, pairs)
            else:
                self._write_kind(t, kind, plan)
            if kind == "stakeholders":
                new = {r.id for r in plan.created}
            counts = summary.kinds[kind]
            counts.created, counts.updated, counts.unchanged = len(plan.created), len(plan.updated), plan.unchanged
        if touched:
            self._write_met(t, touched, new, pairs)
        self._import_competitor_ties(t, batch.competitor_ties, summary)
        self._data_changed(t, summary)
        if dry_run:
            raise _DryRunRollbackError(summary)
        return summary

    def _check_id_spaces(self, t: _Tx, batch: Batch) -> dict[str, str]:
        """Staff and stakeholders share one id space: refuse an id used on both sides.

        Returns the kind of each incoming person id that exists already.
        """
        found: dict[str, str] = {}
        for records, mine, other, theirs in ((batch.staff, "staff member", "stakeholder", "stakeholder"),
                                             (batch.stakeholders, "stakeholder", "staff", "staff member")):
            for row in t.rows("people_by_ids", "ids", sorted({r.id for r in records})):
                if row["kind"] == other:
                    raise InputError(f"{row['id']!r} is already a {theirs}; it cannot also be a {mine} "
                                     "(people share one id space)", field="id")
                found[row["id"]] = row["kind"]
        return found

    def _stored(self, t: _Tx, kind: str, records: Sequence[Any]) -> dict[Any, Any]:
        """The stored versions of the incoming records that exist already."""
        if kind == "relationships":
            rows = t.rows("ties_from", "ids", sorted({r.source for r in records}))
            return {tie.key: tie for tie in map(self._tie, rows)}
        ids = sorted({r.id for r in records})
        if kind == "accounts":
            found: list[Any] = [self._account(r["props"]) for r in t.rows("accounts_by_ids", "ids", ids)]
        elif kind == "staff":
            found = [self._staff(r["props"], r["accounts"]) for r in t.rows("staff_by_ids", "ids", ids)]
        elif kind == "stakeholders":
            found = [self._stakeholder(r["props"], r["lines"]) for r in t.rows("stakeholders_by_ids", "ids", ids)]
        else:
            found = [self._meeting(r["props"], r["attendees"]) for r in t.rows("meetings_by_ids", "ids", ids)]
        return {record.id: record for record in found}

    def _link(self, t: _Tx, name: str, rows: Sequence[Mapping[str, Any]], *, what: str, owner: str,
              refs: tuple[str, ...], lookup: str = "people_by_ids", kind: str | None = None) -> None:
        """Write links; when fewer are made than asked for, name a missing end and refuse (rolls back)."""
        if not rows or t.written(name, rows) == len(rows):
            return
        wanted = sorted({row[ref] for row in rows for ref in refs})
        found = {r["id"] for r in t.rows(lookup, "ids", wanted) if kind is None or r["kind"] == kind}
        for row in rows:
            for ref in refs:
                if row[ref] not in found:
                    raise _ConflictError(f"{self.url}: import refused: {what} {row[owner]!r} refers to "
                                     f"{row[ref]!r}, which is not in the store; nothing written")
        raise _ConflictError(f"{self.url}: import refused: some {name} links could not be made; nothing written")

    def _write_kind(self, t: _Tx, kind: str, plan: UpsertPlan[Any]) -> None:
        if not plan.writes:
            return
        updated_ids = [r.id for r in plan.updated] if kind != "relationships" else []
        if kind == "accounts":
            t.written("create_accounts", [_row(a, set()) for a in plan.created])
            t.written("update_accounts", [_row(a, set()) for a in plan.updated])
        elif kind == "staff":
            t.written("create_staff", [_row(s, {"accounts"}) for s in plan.created])
            t.written("update_people", [_row(s, {"accounts"}) for s in plan.updated])
            t.rows("unlink_teams", "ids", updated_ids)
            self._link(t, "link_teams", [{"staff": s.id, "account": a} for s in plan.writes for a in s.accounts],
                       what="staff member", owner="staff", refs=("account",), lookup="accounts_by_ids")
        elif kind == "stakeholders":
            self._link(t, "create_stakeholders", [{"props": _row(s, {"reports_to", "dotted_to"}), "account": s.account,
                                                   "stakeholder": s.id} for s in plan.created],
                       what="stakeholder", owner="stakeholder", refs=("account",), lookup="accounts_by_ids")
            t.written("update_people", [_row(s, {"reports_to", "dotted_to"}) for s in plan.updated])
            t.rows("unlink_employers", "ids", updated_ids)
            t.rows("unlink_reporting_lines", "ids", updated_ids)
            self._link(t, "link_employers", [{"stakeholder": s.id, "account": s.account} for s in plan.updated],
                       what="stakeholder", owner="stakeholder", refs=("account",), lookup="accounts_by_ids")
            lines = [{"stakeholder": s.id, "manager": m, "line": "dotted"}
                     for s in plan.writes for m in s.dotted_to if m != s.reports_to]
            lines += [{"stakeholder": s.id, "manager": s.reports_to, "line": "solid"}
                      for s in plan.writes if s.reports_to]
            self._link(t, "link_reporting_lines", lines, what="stakeholder", owner="stakeholder",
                       refs=("manager",), kind="stakeholder")
        else:
            for tie_kind, name in _CREATE_TIES.items():
                self._link(t, name, [{"source": r.source, "target": r.target, "weight": r.weight}
                                     for r in plan.created if r.kind is tie_kind],
                           what="tie from", owner="source", refs=("source", "target"))
            updates = [{"source": r.source, "target": r.target, "kind": r.kind.value, "weight": r.weight}
                       for r in plan.updated]
            self._link(t, "update_ties", updates, what="tie from", owner="source", refs=("source", "target"))

    def _write_meetings(self, t: _Tx, plan: UpsertPlan[Meeting], stored: Mapping[Any, Any],
                        person_kinds: Mapping[str, str], touched: set[str],
                        pairs: dict[tuple[str, str], list[dt.date]]) -> None:
        writes = plan.writes
        if not writes:
            return
        kinds = dict(person_kinds)
        missing = sorted({p for m in writes for p in m.attendees if p not in kinds})
        if missing:
            kinds.update({r["id"]: r["kind"] for r in t.rows("people_by_ids", "ids", missing)})
        for m in writes:
            for pid in m.attendees:
                if pid not in kinds:
                    raise InputError(f"unknown person {pid!r} in meeting {m.id!r}", field="attendees")
        accounts = sorted({m.account for m in writes if m.account})
        known = {r["id"] for r in t.rows("accounts_by_ids", "ids", accounts)}
        for m in writes:
            if m.account and m.account not in known:
                raise _ConflictError(f"{self.url}: import refused: meeting {m.id!r} refers to account {m.account!r}, "
                                 "which is not in the store; nothing written")
        created = [{"props": _row(m, {"attendees"}), "attendees": m.attendees} for m in plan.created]
        if created and t.written("create_meetings", created) != sum(len(m.attendees) for m in plan.created):
            raise _ConflictError(f"{self.url}: import refused: an attendee of a new meeting is not in the store; "
                             "nothing written")
        t.written("update_meetings", [_row(m, {"attendees"}) for m in plan.updated])
        t.rows("unlink_attendees", "ids", [m.id for m in plan.updated])
        self._link(t, "link_attendees", [{"person": p, "meeting": m.id} for m in plan.updated for p in m.attendees],
                   what="meeting", owner="meeting", refs=("person",))
        for m in writes:
            clients = [p for p in m.attendees if kinds[p] == "stakeholder"]
            touched.update(clients)
            for s in (p for p in m.attendees if kinds[p] == "staff"):
                for c in clients:
                    pairs.setdefault((s, c), []).append(m.date)
        # People dropped from an updated meeting lose it from their MET edges (refresh_met skips staff).
        touched.update(p for m in plan.updated for p in stored[m.id].attendees)

    def _write_met(self, t: _Tx, touched: set[str], new: set[str],
                   pairs: Mapping[tuple[str, str], list[dt.date]]) -> None:
        """Bring the MET edges of the ``touched`` stakeholders up to date.

        A stakeholder created by this import (``new``) can only have met people in this import's
        meetings (``pairs``: (staff, stakeholder) -> dates), so its edges are worked out here and
        created; the edges of the others are recomputed on the server from all their meetings.
        """
        by_staff: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (s, c), days in sorted(pairs.items()):
            if c in new:
                by_staff[s].append({"stakeholder": c, "count": len(days), "first": min(days).isoformat(),
                                    "last": max(days).isoformat()})
        expected = sum(len(met) for met in by_staff.values())
        written = sum(t.written("create_met", part) for part in _met_statements(by_staff, t.batch_size))
        if written != expected:
            raise _ConflictError(f"{self.url}: import refused: MET edges could not be made; nothing written")
        t.written("refresh_met", sorted(touched - new), key="ids")

    def rebuild_met(self) -> int:
        """Recompute every MET edge from the meetings (idempotent); returns how many there are.

        Imports keep MET up to date; this is for a database edited by other means.
        """
        def work(t: _Tx) -> int:
            ids = sorted(r["id"] for r in t.run("stakeholder_ids"))
            return t.written("refresh_met", ids, key="ids")

        return self._write(work)

    def met_edges(self) -> list[dict[str, Any]]:
        """Every MET edge as ``{staff, stakeholder, meetings, first, last}``, sorted."""
        rows = [_props(r) for r in self._query("met_edges")]
        return sorted(rows, key=lambda r: (r["staff"], r["stakeholder"]))

    def _mark(self, name: str, person_id: str, **params: Any) -> Stakeholder | Staff:
        found = self._write(lambda t: self._data_changed(t, t.run(name, id=person_id, **params)))
        if not found:
            raise NotFoundError(f"no person with id {person_id!r}")
        return self.get_person(person_id)

    def mark_left(self, person_id: str, on: dt.date, *, moved_to: str | None = None,
                  note: str | None = None) -> Stakeholder | Staff:
        found = self._write(lambda t: self._data_changed(t, t.run("mark_left", id=person_id, status=Status.LEFT.value,
                                            left_on=on.isoformat(), moved_to=moved_to, note=note)))
        if not found:
            raise NotFoundError(f"no person with id {person_id!r}")
        if found[0]["already"]:
            raise ConflictError(f"{person_id} is already recorded as left; 'kamgraph return {person_id}' undoes that")
        return self.get_person(person_id)

    def mark_returned(self, person_id: str) -> Stakeholder | Staff:
        return self._mark("mark_returned", person_id, status=Status.ACTIVE.value)

    def clear(self) -> None:
        """Delete every record, ``batch_size`` nodes per transaction (the schema and version stay)."""
        limit = max(self.batch_size, 100)
        while self._write(lambda t: t.run("clear_some", limit=limit))[0]["deleted"]:
            pass
        self._write(self._data_changed)

    # -- account plans (schema 4) ------------------------------------------------
    @staticmethod
    def _objective(props: Mapping[str, Any]) -> Objective:
        values = _props(props)
        values["data"] = json.loads(values.get("data") or "{}")
        return Objective.model_validate(values)

    def save_objective(self, objective: Objective, *, replace: bool = False) -> None:
        row = {name: _value(value) for name, value in objective.model_dump().items()}
        row["data"] = json.dumps(objective.data, sort_keys=True)

        def work(t: _Tx) -> None:
            found = t.run("objective_exists", rows=[{"id": objective.id, "account": objective.account}])[0]
            if not found["account"]:
                raise NotFoundError(f"no account with id {objective.account!r}")
            if found["taken"] and not replace:
                raise ConflictError(f"objective {objective.id!r} exists already; nothing written")
            t.run("objective_save" if found["node"] else "objective_create", rows=[row])

        self._write(work)  # a create that loses a race breaks the id constraint; the retry then sees the id taken

    def load_objectives(self, account_ids: Iterable[str] | None = None, *,
                        include_closed: bool = False) -> list[Objective]:
        accounts = None if account_ids is None else sorted(set(account_ids))
        if accounts == []:
            return []
        found = [self._objective(r["props"]) for r in self._query("objective_load", accounts=accounts)]
        if not include_closed:
            found = [o for o in found if o.is_open]
        return sorted(found, key=lambda o: (o.account, o.due, o.id))

    def get_objective(self, objective_id: str) -> Objective:
        rows = self._query("objective_by_id", id=objective_id)
        if not rows:
            raise NotFoundError(f"no objective with id {objective_id!r}")
        return self._objective(rows[0]["props"])

    def set_objective_state(self, objective_id: str, state: ObjectiveState | str, on: dt.date, *,
                            note: str | None = None) -> Objective:
        new = ObjectiveState(state)
        closed = None if new is ObjectiveState.OPEN else on.isoformat()
        found = self._write(lambda t: t.run("objective_set_state", id=objective_id, status=new.value,
                                            day=closed, note=note))
        if not found:
            raise NotFoundError(f"no objective with id {objective_id!r}")
        if found[0]["already"]:
            raise ConflictError(f"objective {objective_id} is {new.value} already")
        return self.get_objective(objective_id)

    def delete_objective(self, objective_id: str) -> None:
        if not self._write(lambda t: t.run("objective_delete", id=objective_id))[0]["written"]:
            raise NotFoundError(f"no objective with id {objective_id!r}")

    # -- reads ----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        row = self._query("count_records")[0]
        return {key: int(row[key]) for key in ("accounts", "staff", "stakeholders", "meetings", "relationships",
                                               "reporting_lines", "attendances")}

    def known_ids(self, person_ids: Iterable[str], account_ids: Iterable[str]
                  ) -> tuple[dict[str, str], set[str]]:
        pids, aids = sorted(set(person_ids)), sorted(set(account_ids))

        def work(t: _Tx) -> tuple[dict[str, str], set[str]]:
            people = {r["id"]: r["kind"] for r in t.rows("people_by_ids", "ids", pids)}
            return people, {r["id"] for r in t.rows("accounts_by_ids", "ids", aids)}

        return self._read(work)

    def stakeholder_accounts(self, stakeholder_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(set(stakeholder_ids))
        rows = self._read(lambda t: t.rows("people_by_ids", "ids", ids))
        return {r["id"]: r["account"] for r in rows if r["kind"] == "stakeholder"}

    def list_accounts(self) -> list[AccountSummary]:
        def work(t: _Tx) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
            return (t.run("account_rows", active=Status.ACTIVE.value, left=Status.LEFT.value),
                    t.run("account_meeting_stats"), t.run("account_teams"))

        rows, stats, teams = self._read(work)
        by_stats = {r["id"]: r for r in stats}
        staff: dict[str, set[str]] = defaultdict(set)
        for r in teams:
            staff[r["id"]].update(r["staff"])
        for r in stats:
            staff[r["id"]].update(r["staff"])
        result = []
        for r in sorted(rows, key=lambda r: r["id"]):
            s = by_stats.get(r["id"], {})
            result.append(AccountSummary(
                id=r["id"], name=r["name"], tier=r["tier"], segment=r["segment"], stakeholders=r["active"],
                stakeholders_left=r["departed"], staff=len(staff[r["id"]]), meetings=s.get("meeting_count", 0),
                last_meeting=_native(s.get("last"))))
        return result

    def get_account(self, account_id: str) -> Account:
        rows = self._query("account_by_id", id=account_id)
        if not rows:
            raise NotFoundError(f"no account with id {account_id!r} (see 'kamgraph accounts')")
        return self._account(rows[0]["props"])

    def load_account(self, account_id: str, as_of: dt.date | None = None) -> AccountSnapshot:
        def work(t: _Tx) -> dict[str, list[dict[str, Any]]]:
            found = {"account": t.run("account_by_id", id=account_id)}
            if found["account"]:
                found["stakeholders"] = t.run("account_stakeholders", id=account_id)
                found["meetings"] = t.run("account_meetings", id=account_id, as_of=as_of)
                found["team"] = t.run("account_team", id=account_id)
                found["ties"] = t.run("account_ties", id=account_id)
            return found

        raw = self._read(work)
        if not raw["account"]:
            raise NotFoundError(f"no account with id {account_id!r} (see 'kamgraph accounts')")
        account = self._account(raw["account"][0]["props"])
        stakeholders = sorted((self._stakeholder(r["props"], r["lines"]) for r in raw["stakeholders"]),
                              key=lambda s: s.id)
        client_ids = {s.id for s in stakeholders}
        staff_ids = {r["id"] for r in raw["team"]} | {p for r in raw["meetings"] for p in r["staff"]}
        ties = {tie.key: tie for tie in map(self._tie, raw["ties"])}
        ends = sorted({p for tie in ties.values() for p in (tie.source, tie.target)})
        tie_staff = {s.id for s in self._staff_by_ids(ends)}
        relationships = sorted((tie for tie in ties.values() if {tie.source, tie.target} <= client_ids | tie_staff),
                               key=lambda tie: tie.key)
        staff_ids |= {p for tie in relationships for p in (tie.source, tie.target) if p in tie_staff}
        staff = self._staff_by_ids(sorted(staff_ids))
        lines = [ReportingLine(stakeholder=s.id, manager=m, line="solid" if m == s.reports_to else "dotted")
                 for s in stakeholders for m in sorted({*s.dotted_to, *([s.reports_to] if s.reports_to else [])})
                 if m in client_ids]
        keep = client_ids | staff_ids
        meetings = sorted((self._meeting(r["props"], r["attendees"], keep) for r in raw["meetings"]),
                          key=lambda m: (m.date, m.id))
        return AccountSnapshot(account=account, stakeholders=stakeholders, staff=staff, reporting_lines=lines,
                               relationships=relationships, meetings=meetings, as_of=as_of,
                               competitor_ties=self.competitor_ties([account_id]))

    def account_ids(self) -> list[str]:
        return sorted(r["id"] for r in self._query("account_ids"))

    def find_account_by_name(self, name: str) -> list[Account]:
        rows = self._query("accounts_by_name", account_name=name)
        if not rows:
            rows = self._query("accounts_by_folded_name", account_name=name)
        return _best_name_matches((self._account(r["props"]) for r in rows), name)

    #: Accounts per read transaction of :meth:`load_accounts` at most: a chunk is read in steps this big, the
    #: next step's read running (mostly waiting on the server) while this one's snapshots are built and used.
    _READ_STEP = 25

    def load_accounts(self, account_ids: Iterable[str], as_of: dt.date | None = None, *,
                      chunk_size: int = DEFAULT_CHUNK) -> Iterator[AccountSnapshot]:
        """See :meth:`GraphStore.load_accounts`: read in steps of at most :attr:`_READ_STEP` accounts (one read
        transaction each), the next step read ahead on a thread while the snapshots of this one are built and
        consumed -- the server computes while kamgraph works, instead of each waiting for the other."""
        ids = list(account_ids)
        steps = [list(part) for part in _chunks(ids, max(1, min(chunk_size, self._READ_STEP)))]
        if len(steps) < 2:
            for step in steps:
                yield from self._load_chunk(step, as_of)
            return
        seen = _StaffSeen()  # a staff member on many accounts' teams is read and built once per call
        with ThreadPoolExecutor(1, thread_name_prefix="kamgraph-read-ahead") as pool:
            ahead = pool.submit(self._read_chunk, steps[0], as_of, seen)
            for n, step in enumerate(steps):
                raw = ahead.result()
                if n + 1 < len(steps):
                    ahead = pool.submit(self._read_chunk, steps[n + 1], as_of, seen)
                yield from self._build_chunk(step, as_of, raw, seen)

    #: The columns of ``cypher/bulk.cypher``'s per-record lists, in order (tests/test_neo4j_bulk_read.py checks
    #: the queries against them, and that they name every field of the model but its links).
    _BULK_STAKEHOLDER = ("id", "name", "title", "email", "status", "left_on", "moved_to", "note", "department",
                         "seniority", "buying_role", "influence", "attitude", "verified", "cadence_days")
    _BULK_STAFF = ("id", "name", "title", "email", "status", "left_on", "moved_to", "note", "team", "role")
    _BULK_MEETING = ("id", "date", "kind", "account", "subject", "source", "source_id")

    def _load_chunk(self, ids: list[str], as_of: dt.date | None) -> list[AccountSnapshot]:
        """The snapshots of a chunk of accounts (same result as :meth:`load_account` of each), read in one
        transaction (:meth:`_read_chunk`) and built (:meth:`_build_chunk`)."""
        seen = _StaffSeen()
        return self._build_chunk(ids, as_of, self._read_chunk(ids, as_of, seen), seen)

    def _read_chunk(self, ids: list[str], as_of: dt.date | None, seen: _StaffSeen) -> _ChunkRows:
        """The rows of a chunk of accounts: one read transaction of three named queries over the chunk
        (``cypher/bulk.cypher``: accounts with their stakeholders, teams and ties; meetings; staff) and the
        competitor ties, one row per account of flat, positional lists (see that file for why). Staff members
        an earlier step of the same call read (``seen``) are not asked for again: their rows are reused."""
        unique = sorted(set(ids))

        def work(t: _Tx) -> _ChunkRows:
            people = self._values(t, "bulk_people", ids=unique)
            if len(people) != len(unique):
                return people, [], [], []
            meetings = self._values(t, "bulk_meetings", ids=unique, as_of=as_of)
            clients = {c[0] for row in people for c in row[2]}
            # Meeting attendees come filtered to the account's own stakeholders and our staff: the rest are staff.
            wanted = {p for _acc, found in meetings for m in found for p in m[7] if p not in clients}
            wanted.update(s for row in people for s in row[3])
            wanted.update(end for row in people for tie in row[4] for end in tie[:2] if end not in clients)
            unread = sorted(wanted.difference(seen.rows, seen.absent))
            for part in _chunks(unread, t.batch_size):
                for row in self._values(t, "bulk_staff", ids=list(part)):
                    seen.rows[row[0][0]] = row
            seen.absent.update(i for i in unread if i not in seen.rows)
            staff = [seen.rows[i] for i in sorted(wanted) if i in seen.rows]
            return people, meetings, staff, t.rows("competitor_ties_of_accounts", "ids", unique)

        return self._read(work)

    def _build_chunk(self, ids: list[str], as_of: dt.date | None, rows: _ChunkRows,
                     seen: _StaffSeen) -> list[AccountSnapshot]:
        """The snapshots, in the order of ``ids``, from :meth:`_read_chunk`'s rows. Records are rebuilt with
        :func:`~kamgraph.store.trusted.trusted` (they were validated when they were written), with the cyclic
        garbage collector paused (many small records, no cycles among them)."""
        with paused_gc():
            return self._build_snapshots(ids, as_of, rows, seen)

    def _build_snapshots(self, ids: list[str], as_of: dt.date | None, rows: _ChunkRows,
                         seen: _StaffSeen) -> list[AccountSnapshot]:
        people, meeting_rows, staff_rows, lean_rows = rows
        found = {row[0] for row in people}
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFoundError(f"no account with id {missing[0]!r} (see 'kamgraph accounts')")
        day = _DayCache()
        staff: dict[str, Staff] = {}
        for (values,) in staff_rows:  # seen.built: only this (the consuming) thread builds and reads it
            member = seen.built.get(values[0])
            if member is None:
                member = seen.built[values[0]] = self._bulk_staff(values, day)
            staff[values[0]] = member
        meetings = dict(meeting_rows)
        leans: dict[str, list[CompetitorTie]] = defaultdict(list)
        for row in sorted(lean_rows, key=lambda r: (r["stakeholder"], r["competitor"])):
            leans[row["account"]].append(self._competitor_tie(row))
        tie_kinds = _TIE_TYPES
        solid, dotted = LineKind.SOLID, LineKind.DOTTED
        built: dict[str, AccountSnapshot] = {}
        for account_id, props, people_rows, team, tie_rows in people:
            stakeholders = [self._bulk_stakeholder(account_id, row, day) for row in sorted(people_rows)]
            client_ids = {s.id for s in stakeholders}
            staff_ids = set(team)
            # The meetings stay packed rows (as SQLite's do): the analysis sums the ties from them, and the
            # Meeting records are built only if something reads them.
            rows_of = sorted(meetings.get(account_id, ()), key=_DATE_THEN_ID)
            staff_ids.update(set().union(*(m[7] for m in rows_of)).difference(client_ids))
            packed = [packed_row(*m) for m in rows_of]
            ties = {}  # a tie between two of the account's stakeholders comes twice
            for source, target, kind, weight in tie_rows:
                if (source in client_ids or source in staff) and (target in client_ids or target in staff):
                    ties[(source, target, tie_kinds[kind])] = weight
            relationships = [trusted(Relationship, {"source": key[0], "target": key[1], "kind": key[2],
                                                    "weight": weight}) for key, weight in sorted(ties.items())]
            staff_ids.update(p for r in relationships for p in (r.source, r.target) if p in staff)
            lines = [trusted(ReportingLine, {"stakeholder": s.id, "manager": m,
                                             "line": solid if m == s.reports_to else dotted})
                     for s in stakeholders for m in sorted({*s.dotted_to, *([s.reports_to] if s.reports_to else [])})
                     if m in client_ids]
            built[account_id] = PackedSnapshot(
                account=self._account(props), stakeholders=stakeholders, staff=[staff[i] for i in sorted(staff_ids)],
                reporting_lines=lines, relationships=relationships, meeting_rows=packed, build=meetings_from_rows,
                as_of=as_of, competitor_ties=leans.get(account_id, []))
        return [built[account_id] for account_id in ids]

    @staticmethod
    def _values(t: _Tx, name: str, **params: Any) -> list[list[Any]]:
        """A named query's rows as lists of values: no ``Record.data()``, which walks every nested value again."""
        return t.tx.run(t.book[name].text, params).values()

    @classmethod
    def _bulk_stakeholder(cls, account: str, row: Sequence[Any], day: _DayCache) -> Stakeholder:
        """A stakeholder from a ``bulk_people`` list (:data:`_BULK_STAKEHOLDER`, then its reporting lines)."""
        (pid, name, title, email, status, left_on, moved_to, note, department, seniority, buying_role, influence,
         attitude, verified, cadence_days, lines) = row
        solid = [m for m, kind in lines if kind == "solid"]
        return trusted(Stakeholder, {
            "id": pid, "name": name, "title": title, "email": email,
            "status": _STATUS[status] or Status.ACTIVE, "left_on": day(left_on), "moved_to": moved_to,
            "note": note, "account": account, "department": department, "seniority": _SENIORITY[seniority],
            "buying_role": _BUYING_ROLE[buying_role], "influence": 3 if influence is None else influence,
            "attitude": 0 if attitude is None else attitude, "reports_to": min(solid) if solid else None,
            "dotted_to": sorted({m for m, kind in lines if kind == "dotted"}),
            "verified": True if verified is None else verified, "cadence_days": cadence_days})

    @staticmethod
    def _bulk_staff(row: Sequence[Any], day: _DayCache) -> Staff:
        """A staff member from a ``bulk_staff`` list (:data:`_BULK_STAFF`, then the team's accounts)."""
        pid, name, title, email, status, left_on, moved_to, note, team, role, accounts = row
        return trusted(Staff, {"id": pid, "name": name, "title": title, "email": email,
                               "status": _STATUS[status] or Status.ACTIVE, "left_on": day(left_on),
                               "moved_to": moved_to, "note": note, "team": team,
                               "role": _STAFF_ROLE[role] or StaffRole.OTHER, "accounts": sorted(set(accounts))})

    def _staff_by_ids(self, ids: Sequence[str]) -> list[Staff]:
        rows = self._read(lambda t: t.rows("staff_by_ids", "ids", sorted(set(ids))))
        return sorted((self._staff(r["props"], r["accounts"]) for r in rows), key=lambda s: s.id)

    def get_person(self, person_id: str) -> Stakeholder | Staff:
        rows = self._query("person_by_id", id=person_id)
        if not rows:
            raise NotFoundError(f"no person with id {person_id!r}")
        row = rows[0]
        return self._staff(row["props"], row["accounts"]) if row["staff"] else self._stakeholder(row["props"],
                                                                                                  row["lines"])

    def person_meetings(self, person_id: str, as_of: dt.date | None = None) -> list[Meeting]:
        self.get_person(person_id)
        rows = self._query("person_meetings", id=person_id, as_of=as_of)
        meetings = sorted((self._meeting(r["props"], r["attendees"]) for r in rows), key=lambda m: m.id)
        return sorted(meetings, key=lambda m: m.date, reverse=True)

    def dump(self) -> Batch:
        def work(t: _Tx) -> dict[str, list[dict[str, Any]]]:
            return {name: t.run(name) for name in ("all_accounts", "all_staff", "all_stakeholders", "all_meetings",
                                                   "all_ties")}

        raw = self._read(work)
        staff = sorted((self._staff(r["props"], r["accounts"]) for r in raw["all_staff"]), key=lambda s: s.id)
        stakeholders = sorted((self._stakeholder(r["props"], r["lines"]) for r in raw["all_stakeholders"]),
                              key=lambda s: s.id)
        kinds = {s.id: "staff" for s in staff} | {s.id: "stakeholder" for s in stakeholders}
        return Batch(
            accounts=sorted((self._account(r["props"]) for r in raw["all_accounts"]), key=lambda a: a.id),
            staff=staff, stakeholders=stakeholders,
            meetings=sorted((self._meeting(r["props"], r["attendees"]) for r in raw["all_meetings"]),
                            key=lambda m: (m.date, m.id)),
            relationships=sorted(map(self._tie, raw["all_ties"]), key=lambda tie: tie.key),
            person_kinds=kinds, competitor_ties=self.competitor_ties())

    # -- competitors and cadence overrides (schema 4) ----------------------------
    # ``Stakeholder.cadence_days`` is a stakeholder property like the others (written and read with them).
    @staticmethod
    def _competitor_tie(row: Mapping[str, Any]) -> CompetitorTie:
        return CompetitorTie(stakeholder=row["stakeholder"], competitor=row["competitor"], strength=row["strength"],
                             since=_native(row["since"]), note=row["note"])

    def competitor_ties(self, account_ids: Iterable[str] | None = None) -> list[CompetitorTie]:
        if account_ids is None:
            rows = self._query("all_competitor_ties")
        else:
            ids = sorted(set(account_ids))
            rows = self._read(lambda t: t.rows("competitor_ties_of_accounts", "ids", ids))
        return sorted(map(self._competitor_tie, rows), key=lambda tie: tie.key)

    def remove_competitor_tie(self, stakeholder_id: str, competitor: str) -> bool:
        rows = self._write(lambda t: self._data_changed(t, t.run("remove_competitor_tie", id=stakeholder_id,
                                                                 key=competitor)))
        return bool(rows and rows[0]["removed"])

    def _competitor_ties_by_account(self, account_ids: Sequence[str]) -> dict[str, list[CompetitorTie]]:
        """The competitor ties of these accounts' stakeholders, by account (for :meth:`_load_chunk`)."""
        rows = self._read(lambda t: t.rows("competitor_ties_of_accounts", "ids", sorted(set(account_ids))))
        found: dict[str, list[CompetitorTie]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: (r["stakeholder"], r["competitor"])):
            found[row["account"]].append(self._competitor_tie(row))
        return found

    def _import_competitor_ties(self, t: _Tx, ties: Sequence[CompetitorTie], summary: ImportSummary) -> None:
        """Upsert competitor ties by (stakeholder, competitor), inside the import's transaction."""
        if not ties:
            return
        rows = t.rows("competitor_ties_of_stakeholders", "ids", sorted({tie.stakeholder for tie in ties}))
        stored = {tie.key: tie for tie in map(self._competitor_tie, rows)}
        plan = plan_upserts(ties, stored, key=lambda tie: tie.key)
        writes = [{"stakeholder": tie.stakeholder, "competitor": tie.competitor, "strength": tie.strength,
                   "since": _value(tie.since), "note": tie.note} for tie in plan.writes]
        if writes and t.written("upsert_competitor_ties", writes) != len(writes):
            known = {r["id"] for r in t.rows("people_by_ids", "ids", sorted({w["stakeholder"] for w in writes}))
                     if r["kind"] == "stakeholder"}
            missing = next(w["stakeholder"] for w in writes if w["stakeholder"] not in known)
            raise InputError(f"unknown stakeholder {missing!r}", field="stakeholder")
        counts = summary.counts("competitor_ties")
        counts.created, counts.updated, counts.unchanged = len(plan.created), len(plan.updated), plan.unchanged

    # -- look-ups for importers -----------------------------------------------------
    def get_people(self, person_ids: Iterable[str]) -> dict[str, Stakeholder | Staff]:
        ids = sorted(set(person_ids))

        def work(t: _Tx) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            return t.rows("staff_by_ids", "ids", ids), t.rows("stakeholders_by_ids", "ids", ids)

        staff_rows, client_rows = self._read(work)
        found: dict[str, Stakeholder | Staff] = {}
        for r in staff_rows:
            person = self._staff(r["props"], r["accounts"])
            found[person.id] = person
        for r in client_rows:
            client = self._stakeholder(r["props"], r["lines"])
            found[client.id] = client
        return found

    def people_by_email(self, emails: Iterable[str]) -> dict[str, Stakeholder | Staff]:
        wanted = sorted({e.lower() for e in emails})
        rows = self._read(lambda t: t.rows("people_by_emails", "emails", wanted))
        people = [self._staff(r["props"], r["accounts"]) if r["staff"] else self._stakeholder(r["props"], r["lines"])
                  for r in rows]
        found: dict[str, Stakeholder | Staff] = {}
        for person in sorted(people, key=lambda p: p.id):
            if person.email:
                found.setdefault(person.email, person)
        return found

    def all_accounts(self) -> list[Account]:
        return sorted((self._account(r["props"]) for r in self._query("all_accounts")), key=lambda a: a.id)

    # -- provenance (schema 4) ---------------------------------------------------
    @staticmethod
    def _provenance_rows(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], dict[tuple[str, str], Provenance]]:
        """``{(kind, id): {(source, source_id): entry}}`` from the node lists (see cypher/provenance.cypher)."""
        found: dict[tuple[str, str], dict[tuple[str, str], Provenance]] = {}
        for r in rows:
            entries = found.setdefault((r["kind"], r["id"]), {})
            for key, first, last in zip(r["sources"] or [], r["first"] or [], r["last"] or [], strict=False):
                source, _, source_id = str(key).partition(" ")
                entries[(source, source_id)] = Provenance(
                    kind=r["kind"], record_id=r["id"], source=source, source_id=source_id,
                    first_seen=dt.date.fromisoformat(str(first)), last_seen=dt.date.fromisoformat(str(last)))
        return found

    def _read_provenance(self, t: _Tx, ids: Sequence[str]) -> dict[tuple[str, str], dict[tuple[str, str], Provenance]]:
        rows: list[dict[str, Any]] = []
        for query in ("provenance_read_accounts", "provenance_read_people", "provenance_read_meetings"):
            rows += t.rows(query, "ids", ids)
        return self._provenance_rows(rows)

    def _write_provenance(self, t: _Tx, records: Mapping[tuple[str, str], Mapping[tuple[str, str], Provenance]]
                          ) -> None:
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (kind, rid), entries in sorted(records.items()):
            ordered = [entries[k] for k in sorted(entries)]
            query = ("provenance_write_accounts" if kind == "account" else
                     "provenance_write_meetings" if kind == "meeting" else "provenance_write_people")
            by_label[query].append({
                "id": rid, "sources": [f"{e.source} {e.source_id}" for e in ordered] or None,
                "first": [e.first_seen.isoformat() for e in ordered] or None,
                "last": [e.last_seen.isoformat() for e in ordered] or None})
        for query, rows in sorted(by_label.items()):
            t.written(query, rows)

    def record_provenance(self, entries: Sequence[Provenance]) -> int:
        def work(t: _Tx) -> int:
            stored = self._read_provenance(t, sorted({e.record_id for e in entries}))
            written = 0
            for entry in entries:
                record = stored.get((entry.kind, entry.record_id))
                if record is None:
                    continue  # the record is not stored (or is another kind of record with that id)
                key = (entry.source, entry.source_id)
                record[key] = record[key].seen(entry.first_seen).seen(entry.last_seen) if key in record else entry
                written += 1
            self._write_provenance(t, stored)
            return written

        return self._write(work)

    def provenance_of(self, record_ids: Iterable[str]) -> dict[str, list[Provenance]]:
        ids = sorted(set(record_ids))
        found: dict[str, list[Provenance]] = defaultdict(list)
        for (_, rid), entries in self._read(lambda t: self._read_provenance(t, ids)).items():
            found[rid] += entries.values()
        return {rid: sorted(entries, key=lambda e: (e.source, e.source_id, e.kind))
                for rid, entries in found.items() if entries}

    def _find_provenance(self, t: _Tx, source: str, source_ids: Iterable[str]
                         ) -> tuple[set[tuple[str, str]], dict[tuple[str, str], dict[tuple[str, str], Provenance]]]:
        wanted = {(source, s) for s in source_ids}
        keys = sorted(f"{a} {b}" for a, b in wanted)
        return wanted, self._provenance_rows(t.run("provenance_find", keys=keys)) if keys else {}

    def provenance_from(self, source: str, source_ids: Iterable[str]) -> list[Provenance]:
        wanted, found = self._read(lambda t: self._find_provenance(t, source, source_ids))
        return sorted((e for entries in found.values() for k, e in entries.items() if k in wanted),
                      key=lambda e: e.key)

    def forget_provenance(self, source: str, source_ids: Iterable[str]) -> int:
        def work(t: _Tx) -> int:
            wanted, found = self._find_provenance(t, source, source_ids)
            dropped = 0
            for entries in found.values():
                for key in wanted & set(entries):
                    del entries[key]
                    dropped += 1
            self._write_provenance(t, found)
            return dropped

        return self._write(work)

    def delete_meetings(self, ids: Iterable[str]) -> int:
        wanted = sorted(set(ids))

        def work(t: _Tx) -> int:
            rows = t.rows("meetings_by_ids", "ids", wanted)
            attendees = sorted({p for r in rows for p in r["attendees"]})
            deleted = t.written("delete_meetings", wanted, key="ids")
            t.written("refresh_met", attendees, key="ids")  # staff ids are skipped by the query
            if deleted:
                self._data_changed(t)
            return deleted

        return self._write(work) if wanted else 0


    # -- alert state ----------------------------------------------------------------
    def list_stakeholders(self, account_ids: Iterable[str] | None = None) -> list[Stakeholder]:
        accounts = None if account_ids is None else sorted(set(account_ids))
        if accounts == []:
            return []
        rows = self._query("stakeholders_of_accounts", accounts=accounts)
        return sorted((self._stakeholder(r["props"], r["lines"]) for r in rows), key=lambda p: p.id)

    def load_alerts(self, account_ids: Iterable[str] | None = None, *,
                    include_cleared: bool = False) -> list[AlertRecord]:
        accounts = None if account_ids is None else sorted(set(account_ids))
        if accounts == []:
            return []
        rows = self._query("alert_load", cleared_too=include_cleared, accounts=accounts)
        found = []
        for row in rows:
            props = {key: _native(value) for key, value in row["props"].items()}
            seq = props.pop("seq", 0)
            props["data"] = json.loads(props.get("data") or "{}")
            found.append((props["raised_on"], props["key"], seq, AlertRecord.model_validate(props)))
        return [alert for *_, alert in sorted(found, key=lambda item: item[:3])]

    def open_alert_counts(self) -> dict[str, int]:
        return {r["account"]: r["n"] for r in sorted(self._query("alert_open_counts"), key=lambda r: r["account"])}

    def alert_checks(self) -> dict[str, AccountCheck]:
        rows = self._query("alert_check_load")
        return {r["account"]: AccountCheck(account=r["account"], checked_on=_native(r["checked_on"]),
                                           facts=json.loads(r["facts"] or "{}"))
                for r in sorted(rows, key=lambda r: r["account"])}

    def record_alert_check(self, checked_on: dt.date, facts: Mapping[str, Mapping[str, object]], *,
                           raised: Sequence[AlertRecord] = (), cleared: Sequence[str] = (),
                           deliveries: Sequence[Delivery] = ()) -> None:
        for alert in raised:
            if not alert.is_open:
                raise StoreError(f"alert {alert.key!r} is raised already cleared")
        keys = [a.key for a in raised]
        if len(set(keys)) != len(keys):
            raise StoreError("two open alerts with the same key in one run; nothing written")

        def work(t: _Tx) -> None:
            if cleared:
                t.rows("alert_clear", "keys", sorted(set(cleared)), day=checked_on)
            if raised:
                clash = t.rows("alert_open_keys", "keys", keys)
                if clash:
                    raise StoreError(f"alert {clash[0]['key']!r} is open already; nothing written")
                first = int(t.run("alert_next_seq", key="alert_seq", n=len(raised))[0]["first"])
                t.written("alert_create", [
                    {"key": a.key, "rule": a.rule, "account": a.account, "subject": a.subject,
                     "severity": a.severity, "state": a.state, "title": a.title, "message": a.message,
                     "raised_on": a.raised_on, "data": json.dumps(a.data, sort_keys=True), "seq": first + i}
                    for i, a in enumerate(raised)])
            if facts:
                t.written("alert_check_save", [{"account": acc, "checked_on": checked_on,
                                                "facts": json.dumps(dict(facts[acc]), sort_keys=True)}
                                               for acc in sorted(facts)])
            if deliveries:
                known = t.rows("outbox_ids", "ids", [d.id for d in deliveries])
                if known or len({d.id for d in deliveries}) != len(deliveries):
                    shown = known[0]["id"] if known else "a repeated id"
                    raise StoreError(f"webhook payload {shown!r} is in the outbox already; nothing written")
                t.written("outbox_add", [{"id": d.id, "created_on": d.created_on, "payload": d.payload,
                                          "attempts": d.attempts, "last_error": d.last_error} for d in deliveries])

        self._write(work)

    def pending_deliveries(self) -> list[Delivery]:
        rows = [{key: _native(value) for key, value in r["props"].items()} for r in self._query("outbox_load")]
        items = [Delivery.model_validate({"last_error": None, **props}) for props in rows]
        return sorted(items, key=lambda d: (d.created_on, d.id))

    def finish_delivery(self, delivery_id: str, *, delivered: bool, error: str | None = None) -> None:
        name = "outbox_delivered" if delivered else "outbox_failed"
        params = {"id": delivery_id} if delivered else {"id": delivery_id, "error": error}
        done = self._write(lambda t: t.run(name, **params))[0]["written"]
        if not done:
            raise NotFoundError(f"no undelivered webhook payload with id {delivery_id!r}")

    # -- analysis snapshots (schema 4) ---------------------------------------------
    # Neo4j keeps the latest snapshot of each account as kg_ properties (cypher/metrics.cypher): on the Account
    # node (the summary), on its stakeholders (Person nodes), on the MET edges into them (the ties), and on our
    # staff (kg_accounts / kg_articulation_accounts list the accounts whose latest snapshot includes them, or
    # where they are an articulation point; kg_threads and kg_sole_threads are counted over their MET edges).
    #: PersonMetrics fields stored on a stakeholder node (as kg_<field>).
    _KG_STAKEHOLDER = ("importance", "key", "covered", "threads", "cadence", "cadence_target_days", "last_contact",
                       "days_since_contact", "reachable", "connectivity", "articulation_point", "cut_off",
                       "removal_share", "bridging")
    #: TieMetrics fields stored on a MET edge (as kg_<field>).
    _KG_TIE = ("strength", "meetings", "first_met", "last_met", "thread", "sole_thread")
    #: Properties of a staff node kamgraph owns.
    _KG_STAFF = ("kg_accounts", "kg_articulation_accounts", "kg_articulation_point", "kg_threads",
                 "kg_sole_threads", "kg_as_of", "kg_fingerprint")
    _DATA_KEY = "data"

    def _data_changed(self, t: _Tx, result: T | None = None) -> T | None:
        """Bump the data generation in the write transaction ``t``; returns ``result`` unchanged.

        Every write path that changes records calls this once inside its transaction (``self._write(lambda t:
        self._data_changed(t, t.run(...)))`` or a line in the transaction function), so a stored analysis
        snapshot computed from the data before the write is seen as stale. ``result`` may be the import's
        :class:`~kamgraph.domain.dataset.ImportSummary` (it bumps only when the import created or updated records)
        or the rows of a departure or return (no bump when no person matched, or the departure was recorded
        already).
        """
        if isinstance(result, ImportSummary) and not any(k.created or k.updated for k in result.kinds.values()):
            return result
        if isinstance(result, list) and all(row.get("already") for row in result):  # [] too: nobody matched
            return result
        t.run("metrics_data_changed", key=self._DATA_KEY)
        return result

    def data_generation(self) -> int:
        return int(self._query("metrics_data_generation", key=self._DATA_KEY)[0]["generation"] or 0)

    @classmethod
    def _kg(cls, record: BaseModel, fields: Iterable[str]) -> dict[str, Any]:
        return {f"kg_{name}": getattr(record, name) for name in fields}

    def write_metrics(self, snapshots: Sequence[MetricsSnapshot]) -> int:
        latest = {snap.account.account: snap for snap in snapshots}  # one snapshot per account: the last given
        if not latest:
            return 0
        accounts = sorted(latest)
        forget_people = dict.fromkeys(f"kg_{n}" for n in ("account", "as_of", "fingerprint", *self._KG_STAKEHOLDER))
        forget_ties = dict.fromkeys(f"kg_{n}" for n in ("as_of", "fingerprint", *self._KG_TIE))
        new_lists: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        for account, snap in latest.items():
            for person in snap.people:
                if person.kind == "staff":
                    new_lists[person.person][0].add(account)
                    if person.articulation_point:
                        new_lists[person.person][1].add(account)

        def work(t: _Tx) -> int:
            known = {r["id"] for r in t.rows("accounts_by_ids", "ids", accounts)}
            missing = [a for a in accounts if a not in known]
            if missing:
                raise NotFoundError(f"no account with id {missing[0]!r} (see 'kamgraph accounts'); nothing written")
            t.written("metrics_forget_stakeholders", [{"account": a, "props": forget_people} for a in accounts])
            t.written("metrics_forget_ties", [{"account": a, "props": forget_ties} for a in accounts])
            old = {r["id"]: r for r in t.rows("metrics_staff_of_accounts", "ids", accounts)}
            old.update({r["id"]: r for r in t.rows("metrics_staff_lists", "ids", sorted(set(new_lists) - set(old)))})
            chunk = set(accounts)
            staff_rows = []
            stamp = {}
            for sid in sorted(set(old) | set(new_lists)):
                before = old.get(sid, {})
                mine, cut = new_lists.get(sid, (set(), set()))
                listed = sorted((set(before.get("accounts") or []) - chunk) | mine)
                cuts = sorted((set(before.get("cut") or []) - chunk) | cut)
                if mine:
                    snap = latest[min(mine)]
                    stamp = {"kg_as_of": snap.account.as_of, "kg_fingerprint": snap.account.fingerprint}
                props = dict.fromkeys(self._KG_STAFF) if not listed else {
                    "kg_accounts": listed, "kg_articulation_accounts": cuts or None,
                    "kg_articulation_point": bool(cuts), **(stamp if mine else {})}
                staff_rows.append({"id": sid, "props": props})
            t.written("metrics_write_accounts", [
                {"id": a, "props": {"kg_as_of": m.as_of, "kg_fingerprint": m.fingerprint, "kg_generation": m.generation,
                                    "kg_computed_at": m.computed_at.isoformat(),
                                    **self._kg(m, (f for f in type(m).model_fields
                                                   if f not in ("account", "name", "as_of", "fingerprint",
                                                                "generation", "computed_at")))}}
                for a, m in ((a, latest[a].account) for a in accounts)])
            stakeholders = [p for a in accounts for p in latest[a].people if p.kind == "stakeholder"]
            t.written("metrics_write_people", [
                {"id": p.person, "props": {"kg_account": p.account, "kg_as_of": p.as_of,
                                           "kg_fingerprint": latest[p.account].account.fingerprint,
                                           **self._kg(p, self._KG_STAKEHOLDER)}} for p in stakeholders])
            t.written("metrics_write_ties", [
                {"staff": tie.staff, "stakeholder": tie.stakeholder,
                 "props": {"kg_as_of": tie.as_of, "kg_fingerprint": latest[tie.account].account.fingerprint,
                           **self._kg(tie, self._KG_TIE)}} for a in accounts for tie in latest[a].ties])
            t.written("metrics_write_people", staff_rows)
            t.rows("metrics_staff_totals", "ids", [r["id"] for r in staff_rows])
            return len(latest)

        return self._write(work)

    def account_metrics(self, account_ids: Iterable[str], as_of: dt.date) -> dict[str, AccountMetrics]:
        rows = self._read(lambda t: t.rows("metrics_read_accounts", "ids", sorted(set(account_ids))))
        found: dict[str, AccountMetrics] = {}
        fields = AccountMetrics.model_fields
        for row in rows:
            props = row["props"]
            data = {key[3:]: _native(value) for key, value in props.items()
                    if key.startswith("kg_") and key[3:] in fields}
            if data.get("as_of") != as_of:
                continue
            data.update(account=row["id"], name=props.get("name", row["id"]))
            found[row["id"]] = AccountMetrics.model_validate(data)
        return found
