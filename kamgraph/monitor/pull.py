"""``kamgraph pull``: fetch what changed in the connected calendars and write it, resumably.

The pull keeps, per source and calendar, a **cursor** in the state file of
:class:`PullState` (``[connectors] state_file``, default ``connectors.json`` in
kamgraph's user data directory -- never the store, never a secret): the next
page to fetch while a pull is under way, the delta link or sync token of the
next incremental pull once it is done.

Each page is written on its own, in one store transaction (the importers'
all-or-nothing batch), and only then is the cursor moved past it. A pull
killed at any point therefore leaves the store as after some whole number of
pages, and the next pull starts again at the first page not yet recorded.
Meeting ids are derived from the event's UID and start (as for ``.ics``
files), and people are matched by e-mail, so a page written twice changes
nothing: a pull killed half-way and run again ends with the same store as one
uninterrupted pull.

Every record keeps where it came from (:mod:`kamgraph.domain.provenance`): a
meeting each mailbox's event that showed it (``CALENDAR/EVENT-ID``) or its CRM
record, a person or account the CRM record it was read from (a contact matched
to a known person by e-mail notes its CRM id on that person), a person first
seen in a calendar their address. An event deleted or cancelled at the source
(Graph ``@removed``, Google ``status: cancelled``, a Salesforce record with
``IsDeleted``, an archived HubSpot engagement) takes its meeting with it
(:func:`remove_gone`), unless another calendar, source or file still shows it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ..domain.dataset import Batch
from ..domain.models import Stakeholder
from ..domain.provenance import Provenance
from ..errors import ConfigError
from ..ingest.connectors.base import Connection, Page
from ..ingest.directory import Directory
from ..ingest.ics import meetings_from
from ..ingest.parsed import Parsed
from ..ingest.references import check_references
from ..ingest.sources import PARSED_KINDS, write_noting_sources
from ..settings import Settings
from ..store.base import GraphStore

__all__ = ["PullState", "CalendarPull", "PullSummary", "pull", "state_path", "remove_gone"]

_VERSION = 1


def state_path(settings: Settings) -> Path:
    """The state file: ``[connectors] state_file``, else ``connectors.json`` in the user data directory."""
    if settings.connectors.state_file:
        return Path(settings.connectors.state_file).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kamgraph", appauthor=False)) / "connectors.json"


class PullState:
    """Connections (their options, no secrets) and cursors, in one JSON file written atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "state.json"
    >>> state = PullState(path)
    >>> state.connect(Connection("m365", {"tenant": "t1", "client_id": "c1", "calendars": ["kim@ourco.example"]}))
    >>> state.set_cursor("m365", "kim@ourco.example", {"delta": "https://graph/delta?token=1"})
    >>> state.save()
    >>> again = PullState(path)
    >>> again.connection("m365").calendars, again.cursor("m365", "kim@ourco.example")
    (['kim@ourco.example'], {'delta': 'https://graph/delta?token=1'})
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {"version": _VERSION, "connections": {}, "cursors": {}}
        if path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise ConfigError(f"{path}: the pull state cannot be read ({type(exc).__name__}); "
                                  "move it away to start over") from None
            if not isinstance(loaded, dict) or loaded.get("version") != _VERSION:
                raise ConfigError(f"{path}: not a kamgraph pull state (version {_VERSION})")
            self.data = loaded

    def connect(self, connection: Connection) -> None:
        """Store (or replace) a connection; its cursors start again."""
        self.data["connections"][connection.source] = dict(connection.options)
        self.data["cursors"].pop(connection.source, None)

    def connection(self, source: str) -> Connection:
        """The stored connection of ``source``."""
        options = self.data["connections"].get(source)
        if options is None:
            raise ConfigError(f"no connection to {source!r}: run 'kamgraph connect {source}' first")
        return Connection(source, dict(options))

    def sources(self) -> list[str]:
        """Every connected source, in name order."""
        return sorted(self.data["connections"])

    def cursor(self, source: str, calendar: str) -> dict[str, Any]:
        """Where the pull of one calendar resumes (empty: from the start)."""
        return dict(self.data["cursors"].get(source, {}).get(calendar, {}))

    def set_cursor(self, source: str, calendar: str, cursor: dict[str, Any]) -> None:
        """Move one calendar's cursor (call :meth:`save` to keep it)."""
        self.data["cursors"].setdefault(source, {})[calendar] = dict(cursor)

    def save(self) -> None:
        """Write the file atomically (a new file renamed over the old one), readable by its owner only."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".connectors-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.data, out, indent=2, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


class CalendarPull(BaseModel):
    """What the pull of one calendar did."""

    source: str
    calendar: str
    resumed: bool = Field(description="Started at a page an earlier, interrupted pull had not finished.")
    incremental: bool = Field(description="Fetched only the changes since the last complete pull.")
    pages: int = 0
    events: int = 0
    removed: int = Field(default=0, description="Records the service reports as deleted or archived.")
    meetings_created: int = 0
    meetings_updated: int = 0
    meetings_deleted: int = Field(default=0, description="Meetings removed because their last source record "
                                                         "was deleted or cancelled at the source.")
    people_created: int = 0
    departures: int = Field(default=0, description="Contact changes recorded as departures (sync's rules).")
    new_stakeholders: int = Field(default=0, description="Contacts added by sync's rules.")
    sources_noted: dict[str, int] = Field(default_factory=dict,
                                          description="Records whose provenance this pull noted, per kind.")
    skipped: dict[str, int] = Field(default_factory=dict)


class PullSummary(BaseModel):
    """Every calendar pulled."""

    dry_run: bool
    calendars: list[CalendarPull]


def _kept_provenance(store: GraphStore, batch: Batch) -> list[Provenance]:
    """The provenance of the records ``batch`` will write (see :func:`kamgraph.ingest.sources.write_noting_sources`:
    written back after a write that does not note sources itself, such as :func:`kamgraph.monitor.sync.apply_plan`)."""
    ids = [r.id for kind in ("accounts", "staff", "stakeholders", "meetings") for r in getattr(batch, kind)]
    return [e for entries in store.provenance_of(ids).values() for e in entries] if ids else []


def _counted(result: CalendarPull, entries: list[Provenance]) -> None:
    """Add a page's noted records to the figures of its calendar or object."""
    counts = Counter(result.sources_noted)
    counts.update(e.kind for e in {e.key: e for e in entries}.values())
    result.sources_noted = dict(sorted(counts.items()))


def _entry(kind: str, record_id: str, source: str, source_id: str, day: dt.date) -> Provenance:
    return Provenance(kind=kind, record_id=record_id, source=source, source_id=source_id,  # type: ignore[arg-type]
                      first_seen=day, last_seen=day)


def _write(store: GraphStore, settings: Settings, page: Page, source: str, dry_run: bool, today: dt.date,
           result: CalendarPull) -> Counter[str]:
    parsed = Parsed()
    directory = Directory(store, settings.ingest, parsed)
    meetings_from(page.occurrences, directory, parsed)
    parsed.collapse_partial()
    batch = check_references(parsed, store)
    entries = [] if dry_run else [_entry("meeting", m.record.id, source, page.origins[m.line], today)
                                  for m in parsed.meetings if m.line in page.origins]
    if not dry_run:
        entries += [_entry("staff" if kind == "staff" else "stakeholder", p.record.id, source,
                           p.record.email or p.record.id, today)
                    for kind in ("staff", "stakeholders") for p in getattr(parsed, kind)]
    summary = write_noting_sources(store, batch, entries, dry_run=dry_run)
    _counted(result, entries)
    kinds = summary.kinds
    result.meetings_created += kinds["meetings"].created
    result.meetings_updated += kinds["meetings"].updated
    result.people_created += kinds["staff"].created + kinds["stakeholders"].created
    result.meetings_deleted += remove_gone(store, source, page.gone, dry_run=dry_run)
    return Counter(s.reason for s in parsed.skipped)


def remove_gone(store: GraphStore, source: str, gone: Sequence[str], *, dry_run: bool = False) -> int:
    """Delete the meetings whose every source record is among ``gone`` (deleted at ``source``).

    A meeting another calendar, source or file still shows stays (it only loses
    the entries of ``gone``); people and accounts are never deleted. Safe to
    run again after an interruption: the meetings go first, then the entries.
    Returns how many meetings were (with ``dry_run``: would be) deleted.
    """
    if not gone:
        return 0
    wanted = set(gone)
    candidates = {e.record_id for e in store.provenance_from(source, wanted) if e.kind == "meeting"}
    remaining = store.provenance_of(candidates) if candidates else {}
    orphans = sorted(m for m in candidates
                     if all(e.source == source and e.source_id in wanted
                            for e in remaining.get(m, []) if e.kind == "meeting"))
    if dry_run:
        return len(orphans)
    deleted = store.delete_meetings(orphans) if orphans else 0
    store.forget_provenance(source, wanted)
    return deleted


def pull(store: GraphStore, settings: Settings, sources: Sequence[str] = (), *, since: dt.date | None = None,
         dry_run: bool = False, today: dt.date | None = None,
         progress: Callable[[CalendarPull], None] | None = None,
         connectors: Callable[[Connection, Settings], Any] | None = None) -> PullSummary:
    """Pull every calendar of the given sources (default: all connected), page by page.

    Parameters
    ----------
    store : GraphStore
        Where meetings and new people are written.
    settings : Settings
        ``[connectors]`` (state file, retries), ``[ingest]`` (our domains, time zone, window).
    sources : sequence of str
        Sources to pull; empty: every connected one.
    since : datetime.date, optional
        Pull everything from this day again (a full pull), instead of the changes since the last one.
    dry_run : bool
        Fetch and check, write nothing, move no cursor.
    today : datetime.date, optional
        Today (the end of the default window is a year after it).
    progress : callable, optional
        Called with the running figures of a calendar after each page.
    connectors : callable, optional
        Makes the connector of a connection (default :func:`kamgraph.ingest.connectors.connector_for`).
    """
    from ..ingest.connectors import connector_for

    make = connectors or connector_for
    today = today or dt.date.today()
    with _running(state_path(settings)):
        return _pull(store, settings, sources, since, dry_run, today, progress, make)


@contextlib.contextmanager
def _running(path: Path) -> Iterator[None]:
    """Hold ``PATH.lock`` for the pull: a second pull at the same time (cron overlapping a manual run) stops at
    once with a clear message instead of moving the same cursors."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; one pull at a time is then up to the scheduler
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ConfigError(f"another pull is running (it holds {handle.name}); try again when it is done"
                              ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pull(store: GraphStore, settings: Settings, sources: Sequence[str], since: dt.date | None, dry_run: bool,
          today: dt.date, progress: Callable[[CalendarPull], None] | None,
          make: Callable[[Connection, Settings], Any]) -> PullSummary:
    state = PullState(state_path(settings))
    chosen = list(sources) or state.sources()
    if not chosen:
        raise ConfigError("nothing to pull: no connection yet (run 'kamgraph connect SOURCE')")
    connections = [state.connection(source) for source in chosen]
    results: list[CalendarPull] = []
    for connection in connections:
        connector = make(connection, settings)
        try:
            if hasattr(connector, "objects"):  # a CRM: pages of records, object by object
                for obj in connector.objects:
                    results.append(_pull_records(store, settings, state, connector, connection.source, obj, since,
                                                 today, dry_run, progress))
                continue
            for calendar in connection.calendars:
                results.append(_pull_one(store, settings, state, connector, connection.source, calendar, since,
                                         today, dry_run, progress))
        finally:
            connector.close()
    return PullSummary(dry_run=dry_run, calendars=results)


def _pull_one(store: GraphStore, settings: Settings, state: PullState, connector: Any, source: str, calendar: str,
              since: dt.date | None, today: dt.date, dry_run: bool,
              progress: Callable[[CalendarPull], None] | None) -> CalendarPull:
    cursor = {} if since is not None else state.cursor(source, calendar)
    start = since or dt.date.fromisoformat(cursor.get("since") or
                                           (today - dt.timedelta(days=settings.ingest.window_days)).isoformat())
    until = dt.date.fromisoformat(cursor.get("until") or (today + dt.timedelta(days=365)).isoformat())
    result = CalendarPull(source=source, calendar=calendar, resumed="next" in cursor,
                          incremental="next" not in cursor and bool(cursor))
    skipped: Counter[str] = Counter()
    pages: Iterator[Page] = connector.pages(calendar, cursor, start, until)
    for page in pages:
        skipped.update(_write(store, settings, page, source, dry_run, today, result))
        result.pages += 1
        result.events += len(page.occurrences)
        result.removed += page.removed
        result.skipped = dict(sorted(skipped.items()))
        if not dry_run:
            state.set_cursor(source, calendar, {**page.cursor, "since": start.isoformat(),
                                                "until": until.isoformat()})
            state.save()
        if progress is not None:
            progress(result)
    return result


#: Per CRM table, the kind of record its rows are the source of, and the column holding the source's id.
_TABLE_KINDS = {"User": ("staff", "Id"), "Account": ("account", "Id"), "Contact": ("stakeholder", "Id"),
                "Event": ("meeting", "Id"), "Task": ("meeting", "Id"),
                "companies": ("account", "hs_object_id"), "contacts": ("stakeholder", "hs_object_id")}


def _csv(path: Path, rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Write ``rows`` as a CSV file; returns each row by the line its record starts on (as the reader counts)."""
    import csv
    import io

    header: list[str] = []
    for row in rows:
        header.extend(k for k in row if k not in header)
    starts: dict[int, dict[str, Any]] = {}
    with path.open("w", encoding="utf-8", newline="") as out:
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=header)
        writer.writeheader()
        line = 2
        for row in rows:
            mark = text.tell()
            writer.writerow(row)
            starts[line] = row
            line += text.getvalue()[mark:].count("\n")
        out.write(text.getvalue())
    return starts


def _resolve(store: GraphStore, source: str, kind: str, source_ids: set[str]) -> dict[str, str]:
    """Which stored record each source id was written as (by provenance: a CRM record matched to an existing
    one by e-mail, name or domain keeps that one's id)."""
    if not source_ids:
        return {}
    return {e.source_id: e.record_id for e in store.provenance_from(source, source_ids) if e.kind == kind}


def _contact_keys(row: dict[str, Any], source: str) -> tuple[str | None, str | None, str, str | None]:
    """A CRM contact row's (source id, company source id, name, e-mail)."""
    from ..ingest.salesforce import sf_id

    def key(value: Any) -> str | None:
        try:
            return sf_id(str(value or ""))
        except ValueError:
            return None

    if source == "salesforce":
        name = str(row.get("Name") or " ".join(str(row.get(k) or "") for k in ("FirstName", "LastName")).strip())
        return key(row.get("Id")), key(row.get("AccountId")), name, str(row.get("Email") or "") or None
    name = " ".join(str(row.get(k) or "") for k in ("firstname", "lastname")).strip()
    company = str(row.get("associatedcompanyid") or "").split(";")[0].strip() or None
    return str(row.get("hs_object_id") or "") or None, company, name, str(row.get("email") or "") or None


def _moved_contacts(store: GraphStore, settings: Settings, rows: list[dict[str, Any]], source: str,
                    on: dt.date, dry_run: bool) -> tuple[list[dict[str, Any]], int]:
    """Contacts the CRM now shows at another account go through the rules of ``kamgraph sync``.

    A stored stakeholder whose contact now names another account is proposed
    as a departure to that company by :func:`kamgraph.monitor.sync.plan_rows`
    (which also notices an opportunity role moving), and the plan is applied;
    the row is then left out of the import, so that the person's history stays
    with the account they left. The same for Salesforce (``AccountId``) and
    HubSpot (``associatedcompanyid``); the stored person and account are found
    by provenance (what earlier pulls wrote each CRM id as), else by id, else
    (people) by e-mail. Returns the other rows and the departures.
    """
    from ..ingest.contacts import ContactRow
    from ..ingest.directory import clean_email
    from ..ingest.hubspot import ID_PREFIX
    from .sync import apply_plan, plan_rows

    prefix = ID_PREFIX if source == "hubspot" else ""
    keyed = [(row, *_contact_keys(row, source)) for row in rows]
    people = _resolve(store, source, "stakeholder", {k for _, k, *_ in keyed if k})
    companies = _resolve(store, source, "account", {c for _, _, c, *_ in keyed if c})
    emails = sorted({c for *_, e in keyed if (c := clean_email(e))})
    by_email = store.people_by_email(emails) if emails else {}
    direct = store.stakeholder_accounts([prefix + k for _, k, *_ in keyed if k])
    accounts = {a.id: a.name for a in store.all_accounts()}
    moves: dict[str, list[ContactRow]] = {}
    kept: list[dict[str, Any]] = []
    seen: list[Provenance] = []  # the moved contacts were seen at the source, though not imported
    for line, (row, sid, company, name, email) in enumerate(keyed, start=2):
        pid = people.get(sid or "") or (prefix + sid if sid and prefix + sid in direct else None)
        person = by_email.get(clean_email(email) or "") if pid is None else None
        if person is not None and isinstance(person, Stakeholder):
            pid = person.id
        old = (direct.get(pid) if pid in direct else store.stakeholder_accounts([pid]).get(pid)) if pid else None
        target = companies.get(company or "") or (prefix + company if company and prefix + company in accounts
                                                  else None)
        if old is None or target is None or target == old:
            kept.append(row)
            continue
        moves.setdefault(old, []).append(ContactRow(line=line, name=name or pid or "", id=pid,
                                                    company=accounts.get(target, target)))
        if sid:
            seen.append(_entry("stakeholder", pid, source, sid, on))
    departures = 0
    for account, contacts in moves.items():
        plan, batch = plan_rows(store, contacts, f"{source} pull", account, on, settings, missing="ignore")
        departures += len(plan.departures)
        if not dry_run:
            before = _kept_provenance(store, batch)  # a Neo4j update replaces the node's provenance lists
            apply_plan(store, plan, batch)
            store.record_provenance(before)
    if seen and not dry_run:
        store.record_provenance(seen)
    return kept, departures


def _pull_records(store: GraphStore, settings: Settings, state: PullState, connector: Any, source: str, obj: str,
                  since: dt.date | None, today: dt.date, dry_run: bool,
                  progress: Callable[[CalendarPull], None] | None) -> CalendarPull:
    from ..ingest import read_files

    cursor = {} if since is not None else state.cursor(source, obj)
    start = dt.datetime.combine(since or (today - dt.timedelta(days=settings.ingest.window_days)), dt.time())
    result = CalendarPull(source=source, calendar=obj, resumed="next" in cursor,
                          incremental="next" not in cursor and bool(cursor))
    skipped: Counter[str] = Counter()
    for page in connector.pages(obj, cursor, start):
        rows = page.tables.get(obj, [])
        result.pages += 1
        result.events += page.changed if page.changed is not None else len(rows)
        result.removed += len(page.gone)
        if obj in ("Contact", "contacts") and rows:
            rows, departed = _moved_contacts(store, settings, rows, source, today, dry_run)
            result.departures += departed
            page.tables[obj] = rows
        if any(page.tables.values()):
            origins: dict[tuple[str, int], tuple[str, str]] = {}  # (file, line) -> (kind, source id)
            with tempfile.TemporaryDirectory(prefix="kamgraph-pull-") as folder:
                if page.build is not None:
                    parsed = page.build(Directory(store, settings.ingest, Parsed()))
                else:
                    paths = []
                    for name, table in page.tables.items():
                        if table:
                            path = Path(folder) / f"{name}.csv"
                            kind, column = _TABLE_KINDS.get(name, ("", ""))
                            for line, row in _csv(path, table).items():
                                if kind and row.get(column):
                                    origins[(str(path), line)] = (kind, str(row[column]))
                            paths.append(path)
                    parsed = read_files(paths, store, format=source, settings=settings.ingest,
                                        limits=settings.limits)
                batch = check_references(parsed, store)
                entries = [] if dry_run else _crm_entries(parsed, origins, source, today)
                summary = write_noting_sources(store, batch, entries, dry_run=dry_run)
                _counted(result, entries)
            result.meetings_created += summary.kinds["meetings"].created
            result.meetings_updated += summary.kinds["meetings"].updated
            result.people_created += summary.kinds["staff"].created + summary.kinds["stakeholders"].created
            skipped.update(s.reason for s in parsed.skipped)
            result.skipped = dict(sorted(skipped.items()))
        result.meetings_deleted += remove_gone(store, source, page.gone, dry_run=dry_run)
        if not dry_run:
            state.set_cursor(source, obj, page.cursor)
            state.save()
        if progress is not None:
            progress(result)
    return result


def _crm_entries(parsed: Parsed, origins: dict[tuple[str, int], tuple[str, str]], source: str,
                 today: dt.date) -> list[Provenance]:
    """Provenance of the records a CRM page wrote: each from the row of its own object (an owner joined to an
    account team from an Account row is not "from" that row); engagements by their ``source_id``."""
    entries = []
    for attribute, kind in PARSED_KINDS.items():
        for item in getattr(parsed, attribute):
            origin = origins.get((item.file, item.line))
            if origin is not None and origin[0] == kind:
                entries.append(_entry(kind, item.record.id, source, origin[1], today))
            elif kind == "meeting" and not origins and item.record.source == source and item.record.source_id:
                entries.append(_entry(kind, item.record.id, source, item.record.source_id, today))
    return entries
