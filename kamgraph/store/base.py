"""The store interface every backend implements.

A store keeps accounts, people, reporting lines, relationships and meetings,
and hands one account at a time to the analysis. Writes are all-or-nothing:
:meth:`GraphStore.import_batch` either writes the whole batch or raises and
leaves the store as it was. Nothing is ever deleted by normal use; a person
who leaves is marked ``left`` on a date (:meth:`GraphStore.mark_left`).

Besides the account graph, a store keeps the state of ``kamgraph alerts``
between runs (schema version 2): alert records, the date each account was
last checked, and webhook payloads not delivered yet -- see the "alert state"
methods below and :mod:`kamgraph.domain.alert_state`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType

from ..domain.alert_state import AccountCheck, AlertRecord, Delivery
from ..domain.dataset import AccountSnapshot, AccountSummary, Batch, ImportSummary
from ..domain.erasure import AlertState, Erasure, ErasureCounts
from ..domain.metrics import AccountMetrics, MetricsSnapshot
from ..domain.models import Account, CompetitorTie, Meeting, Staff, Stakeholder
from ..domain.plans import Objective, ObjectiveState
from ..domain.provenance import Provenance
from ..errors import StoreError

__all__ = ["GraphStore", "SCHEMA_VERSION", "DEFAULT_CHUNK"]

#: Version of the stored data layout; stores refuse to open a newer one.
#: 1: the account graph. 2: adds alert state (alerts, last checks, webhook outbox).
#: 3: indexes for portfolio-wide loads and look-ups by name (no new data). 4: account plans, competitors,
#: account keys, provenance, analysis snapshots. 5: (SQLite) each account's view of its meetings, kept on write.
#: 6: (SQLite) each account's meetings packed in one row, kept on write.
SCHEMA_VERSION = 6

#: Accounts per set-based read of :meth:`GraphStore.load_accounts`.
DEFAULT_CHUNK = 200


def _best_name_matches(accounts: Iterable[Account], name: str) -> list[Account]:
    """Of ``accounts``, those named exactly ``name`` if any, else those equal to it ignoring case.

    Examples
    --------
    >>> a, b = Account(id="1", name="Twin"), Account(id="2", name="twin")
    >>> [x.id for x in _best_name_matches([b, a], "Twin")], [x.id for x in _best_name_matches([a, b], "TWIN")]
    (['1'], ['1', '2'])
    """
    folded = sorted((a for a in accounts if a.name.casefold() == name.casefold()), key=lambda a: a.id)
    exact = [a for a in folded if a.name == name]
    return exact or folded


class GraphStore(ABC):
    """One interface, two backends (SQLite and Neo4j), one contract test suite."""

    #: The URL the store was opened with (never holds a password).
    url: str

    # -- life cycle -----------------------------------------------------------------
    @abstractmethod
    def close(self) -> None:
        """Release the connection or driver."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def reopen_options(self) -> dict[str, object]:
        """What :func:`kamgraph.store.open_store` needs, besides :attr:`url`, to open this store again in
        another process or on another machine. Never a secret: a worker finds the password the usual way
        (environment or its own settings file)."""
        return {}

    def reopenable(self) -> bool:
        """True when another process of this machine can open this store with :meth:`reopen_options`
        (a Neo4j store whose password was typed at a prompt cannot: the local executor then stays in
        this process)."""
        return True

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version recorded in the store."""

    # -- erasure (kamgraph forget) -----------------------------------------------
    def erase(self, erasure: Erasure, scrub: Callable[[AlertState], AlertState]) -> ErasureCounts:
        """Erase people and accounts everywhere, in one transaction (``kamgraph forget``).

        Removed: the people of ``erasure.people`` and the accounts of ``erasure.accounts`` (their stakeholders
        must be among the people), their attendances, every meeting they attended that no stakeholder attends
        any more, reporting lines, ties, competitor ties, objectives about them or naming them, provenance
        and analysis-snapshot rows; kept meeting subjects and other people's notes lose their names and
        e-mail addresses (:meth:`Erasure.scrub_text`). The alert state is read, passed to ``scrub`` and the
        result written back in place of it. SQLite then rewrites its file so that no free page nor
        write-ahead log keeps the erased values.
        """
        raise StoreError(f"this store ({type(self).__name__}) cannot erase people yet")

    def find_mentions(self, erasure: Erasure) -> int:
        """How many places of the store still hold the erased people's names or addresses (``forget --verify``):
        on SQLite the raw bytes of the file and its log, on Neo4j every node's and relationship's properties."""
        raise StoreError(f"this store ({type(self).__name__}) cannot verify an erasure")

    # Alert state as one value (kamgraph copy keeps it; kamgraph forget rewrites it).
    def dump_alert_state(self) -> AlertState:
        """Every alert (cleared ones included), every last check, every undelivered payload."""
        checks = self.alert_checks()
        return AlertState(alerts=self.load_alerts(include_cleared=True),
                          checks=[checks[k] for k in sorted(checks)], outbox=self.pending_deliveries())

    def restore_alert_state(self, state: AlertState) -> int:
        """Add ``state`` to this store's alert state in one transaction
        (:func:`kamgraph.domain.erasure.merge_alert_states`); returns the number of records written."""
        raise self._no_alert_state()

    # -- writes ---------------------------------------------------------------------
    @abstractmethod
    def import_batch(self, batch: Batch, *, dry_run: bool = False) -> ImportSummary:
        """Upsert every record of ``batch`` by external id in one transaction.

        Records equal to the stored version are counted as unchanged and not
        written. A departure stored earlier survives a record that does not
        mention status or ``left_on``. With ``dry_run`` nothing is written but
        the summary is the same. On any error nothing is written.
        """

    @abstractmethod
    def mark_left(self, person_id: str, on: dt.date, *, moved_to: str | None = None,
                  note: str | None = None) -> Stakeholder | Staff:
        """Record that a person left on ``on``; history is kept. Returns the updated person."""

    @abstractmethod
    def mark_returned(self, person_id: str) -> Stakeholder | Staff:
        """Undo a departure recorded by mistake. Returns the updated person."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every record, alert state included (used by ``demo --force`` and tests only)."""

    # -- account plans (schema 4) ------------------------------------------------
    # Relationship objectives per account (:mod:`kamgraph.domain.plans`). Backends that do not keep them
    # inherit these and raise StoreError.
    def _no_plans(self) -> StoreError:
        return StoreError(f"this store ({type(self).__name__}) does not keep account plans")

    def save_objective(self, objective: Objective, *, replace: bool = False) -> None:
        """Store one objective, all or nothing.

        Parameters
        ----------
        objective : Objective
            The record; its account must be stored.
        replace : bool
            Overwrite a stored objective with the same id (``copy``, edits). Without it an existing id is a
            :class:`~kamgraph.errors.ConflictError` (two ``plan add`` at once) and nothing is written.

        Raises
        ------
        NotFoundError
            When the objective's account is unknown.
        ConflictError
            When the id is taken and ``replace`` is False.
        """
        raise self._no_plans()

    def load_objectives(self, account_ids: Iterable[str] | None = None, *,
                        include_closed: bool = False) -> list[Objective]:
        """Stored objectives, sorted by ``(account, due, id)``.

        Parameters
        ----------
        account_ids : iterable of str, optional
            Only objectives of these accounts (None: every account).
        include_closed : bool
            Also return objectives marked done or dropped (default: open ones only).
        """
        raise self._no_plans()

    def get_objective(self, objective_id: str) -> Objective:
        """One objective; :class:`~kamgraph.errors.NotFoundError` if unknown."""
        raise self._no_plans()

    def set_objective_state(self, objective_id: str, state: ObjectiveState | str, on: dt.date, *,
                            note: str | None = None) -> Objective:
        """Mark an objective done or dropped on ``on`` (``closed_on``), or open again (``closed_on`` cleared).

        ``note``, when given, replaces the stored note. Returns the updated objective.

        Raises
        ------
        NotFoundError
            When the id is unknown.
        ConflictError
            When the objective is in that state already (of two racing ``plan done`` exactly one is recorded).
        """
        raise self._no_plans()

    def delete_objective(self, objective_id: str) -> None:
        """Remove an objective for good (an erasure; normal use drops it instead).

        Raises
        ------
        NotFoundError
            When the id is unknown.
        """
        raise self._no_plans()

    # -- reads ----------------------------------------------------------------------
    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Number of stored records per kind (accounts, staff, stakeholders, meetings,
        relationships, reporting_lines, attendances)."""

    def is_empty(self) -> bool:
        """True when the store holds no records at all."""
        return not any(self.counts().values())

    @abstractmethod
    def known_ids(self, person_ids: Iterable[str], account_ids: Iterable[str]
                  ) -> tuple[dict[str, str], set[str]]:
        """Which of these ids exist: ``({person_id: 'staff'|'stakeholder'}, {account_id})``."""

    def stakeholder_accounts(self, stakeholder_ids: Iterable[str]) -> dict[str, str]:
        """The account of each of these stored stakeholders (unknown ids are left out)."""
        return {pid: person.account for pid, person in self.get_people(stakeholder_ids).items()
                if isinstance(person, Stakeholder)}

    def get_people(self, person_ids: Iterable[str]) -> dict[str, Stakeholder | Staff]:
        """The stored people with these ids (unknown ids are left out).

        Built on :meth:`get_person`; backends may override it with one query.
        """
        from ..errors import NotFoundError

        found: dict[str, Stakeholder | Staff] = {}
        for pid in dict.fromkeys(person_ids):
            try:
                found[pid] = self.get_person(pid)
            except NotFoundError:
                continue
        return found

    def people_by_email(self, emails: Iterable[str]) -> dict[str, Stakeholder | Staff]:
        """Stored people by lower-cased e-mail address, for these addresses only.

        When two people share an address the one with the smallest id is
        returned. Built on :meth:`dump`; backends should override it with an
        indexed query.
        """
        wanted = {e.lower() for e in emails}
        if not wanted:
            return {}
        found: dict[str, Stakeholder | Staff] = {}
        batch = self.dump()
        for person in sorted([*batch.staff, *batch.stakeholders], key=lambda p: p.id):
            if person.email and person.email in wanted:
                found.setdefault(person.email, person)
        return found

    def all_accounts(self) -> list[Account]:
        """Every stored account with all its fields (domains included), sorted by id.

        Built on :meth:`list_accounts` and :meth:`get_account`.
        """
        return [self.get_account(summary.id) for summary in self.list_accounts()]
    def list_stakeholders(self, account_ids: Iterable[str] | None = None) -> list[Stakeholder]:
        """Every stakeholder (people who left included) of these accounts (None: all), sorted by id.

        Backends may override this generic version (one :meth:`load_account` per account) with one query.
        """
        wanted = None if account_ids is None else set(account_ids)
        found = [p for a in self.list_accounts() if wanted is None or a.id in wanted
                 for p in self.load_account(a.id).stakeholders]
        return sorted(found, key=lambda p: p.id)

    def list_staff(self) -> list[Staff]:
        """Every member of our staff (people who left included), sorted by id.

        This generic version reads the staff of every account's snapshot (the account team and everyone of
        ours who met its stakeholders); backends may override it with one query.
        """
        found: dict[str, Staff] = {}
        for summary in self.list_accounts():
            for member in self.load_account(summary.id).staff:
                found.setdefault(member.id, member)
        return sorted(found.values(), key=lambda p: p.id)

    @abstractmethod
    def list_accounts(self) -> list[AccountSummary]:
        """Every account with its counts, sorted by id."""

    @abstractmethod
    def get_account(self, account_id: str) -> Account:
        """One account; :class:`~kamgraph.errors.NotFoundError` if unknown."""

    @abstractmethod
    def load_account(self, account_id: str, as_of: dt.date | None = None) -> AccountSnapshot:
        """Everything the analysis needs about one account.

        With ``as_of``, meetings after that date are left out (people keep their
        ``left_on`` so the analysis can tell who was still there on that day).
        """

    def load_accounts(self, account_ids: Iterable[str], as_of: dt.date | None = None, *,
                      chunk_size: int = DEFAULT_CHUNK) -> Iterator[AccountSnapshot]:
        """The snapshots of many accounts, in the order given, read ``chunk_size`` accounts at a time.

        Each snapshot equals :meth:`load_account` of that account. Backends
        override this generic version (one :meth:`load_account` per account)
        with a few set-based queries per chunk, so a portfolio-wide job costs
        the same per account in a big store as in a small one. Only one chunk
        of snapshots is held at a time.

        Raises
        ------
        NotFoundError
            When an id is unknown (raised when its chunk is read).
        """
        for account_id in account_ids:
            yield self.load_account(account_id, as_of)

    def account_ids(self) -> list[str]:
        """Every account id, sorted (cheaper than :meth:`list_accounts`, which counts)."""
        return [a.id for a in self.list_accounts()]

    def find_account_by_name(self, name: str) -> list[Account]:
        """The accounts named exactly ``name``, else those whose name equals it ignoring case; sorted by id.

        Backends override this generic version (which reads every account) with an indexed query.
        """
        return _best_name_matches(self.all_accounts(), name)

    @abstractmethod
    def get_person(self, person_id: str) -> Stakeholder | Staff:
        """One stakeholder or staff member; :class:`~kamgraph.errors.NotFoundError` if unknown."""

    @abstractmethod
    def person_meetings(self, person_id: str, as_of: dt.date | None = None) -> list[Meeting]:
        """Meetings a person attended (up to ``as_of``), newest first."""

    @abstractmethod
    def dump(self) -> Batch:
        """Every record in the store, as a batch another store can import."""

    # -- competitors and cadence overrides (schema 4) ----------------------------
    # Competitor ties are written by :meth:`import_batch` (``Batch.competitor_ties``, after the stakeholders
    # they belong to) and loaded with every account snapshot; ``Stakeholder.cadence_days`` is stored with the
    # stakeholder. Both stores count a tie as created, updated or unchanged by (stakeholder, competitor).
    @abstractmethod
    def competitor_ties(self, account_ids: Iterable[str] | None = None) -> list[CompetitorTie]:
        """Stakeholders' leanings toward competitors (of these accounts; all without), by stakeholder, competitor."""

    @abstractmethod
    def remove_competitor_tie(self, stakeholder_id: str, competitor: str) -> bool:
        """Forget one competitor tie; False when there was none."""

    # -- alert state (schema version 2) ---------------------------------------------
    # Backends that do not keep alert state yet inherit these and raise StoreError.
    def _no_alert_state(self) -> StoreError:
        return StoreError(f"this store ({type(self).__name__}) does not keep alert state yet")

    def load_alerts(self, account_ids: Iterable[str] | None = None, *,
                    include_cleared: bool = False) -> list[AlertRecord]:
        """Stored alerts, sorted by ``(raised_on, key)``.

        Parameters
        ----------
        account_ids : iterable of str, optional
            Only alerts of these accounts (None: every account).
        include_cleared : bool
            Also return cleared alerts (default: open ones only, ``cleared_on`` None).
        """
        raise self._no_alert_state()

    def open_alert_counts(self) -> dict[str, int]:
        """``{account_id: how many open alerts it has}``; accounts without one are absent.

        What :meth:`load_alerts` would give, counted (the stores override it with one counting query: the
        portfolio table needs only the counts, not every alert record).
        """
        counts: dict[str, int] = {}
        for alert in self.load_alerts():
            counts[alert.account] = counts.get(alert.account, 0) + 1
        return counts

    def alert_checks(self) -> dict[str, AccountCheck]:
        """``{account_id: its last recorded check}``; accounts never checked are absent."""
        raise self._no_alert_state()

    def record_alert_check(self, checked_on: dt.date, facts: Mapping[str, Mapping[str, object]], *,
                           raised: Sequence[AlertRecord] = (), cleared: Sequence[str] = (),
                           deliveries: Sequence[Delivery] = ()) -> None:
        """Record one alert run, all or nothing (one transaction), in this order:

        1. every open alert whose key is in ``cleared`` gets ``cleared_on = checked_on``
           (keys with no open alert are ignored);
        2. every record of ``raised`` is stored as given (it must be open and no
           open alert with its key may remain -- else :class:`StoreError` and
           nothing is written);
        3. for every account id in ``facts``, the last check becomes
           ``AccountCheck(account, checked_on, facts[account])``, replacing the
           previous one (``facts`` values are JSON-serialisable dicts);
        4. every delivery is added to the outbox (an id already there: StoreError).
        """
        raise self._no_alert_state()

    def pending_deliveries(self) -> list[Delivery]:
        """Webhook payloads not delivered yet, oldest first (``created_on``, then ``id``)."""
        raise self._no_alert_state()

    def finish_delivery(self, delivery_id: str, *, delivered: bool, error: str | None = None) -> None:
        """Record one delivery attempt of an outbox payload.

        ``delivered``: the payload leaves the outbox. Otherwise it stays, with
        ``attempts`` one higher and ``last_error = error``. An id not in the
        outbox raises :class:`~kamgraph.errors.NotFoundError`.
        """
        raise self._no_alert_state()

    # -- provenance (schema 4) ---------------------------------------------------
    # Where each record came from (:class:`~kamgraph.domain.provenance.Provenance`), and meetings deleted at
    # their source. Backends that do not keep provenance inherit these and raise StoreError.
    def _no_provenance(self) -> StoreError:
        return StoreError(f"this store ({type(self).__name__}) does not keep provenance")

    def record_provenance(self, entries: Sequence[Provenance]) -> int:
        """Note where records came from, all or nothing (one transaction).

        An entry whose key ``(kind, record_id, source, source_id)`` is new is
        added; a known one keeps its ``first_seen`` and gets the later
        ``last_seen``. Entries naming a record that is not stored are ignored.
        Returns how many entries were written.
        """
        raise self._no_provenance()

    def provenance_of(self, record_ids: Iterable[str]) -> dict[str, list[Provenance]]:
        """Every entry of these records (any kind), sorted by ``(source, source_id)``; records without any
        entry are left out."""
        raise self._no_provenance()

    def provenance_from(self, source: str, source_ids: Iterable[str]) -> list[Provenance]:
        """The entries of these source records (what a deletion at ``source`` affects), sorted by key."""
        raise self._no_provenance()

    def forget_provenance(self, source: str, source_ids: Iterable[str]) -> int:
        """Drop the entries of these source records (deleted at the source); the records themselves stay.
        Returns how many entries were dropped."""
        raise self._no_provenance()

    def delete_meetings(self, ids: Iterable[str]) -> int:
        """Remove these meetings, who attended them and their provenance, in one transaction (derived
        contact edges are brought up to date in the same one). Unknown ids are ignored; returns how many
        meetings were deleted."""
        raise self._no_provenance()


    # -- helpers shared by the backends ---------------------------------------------
    def find_account(self, key: str) -> Account:
        """An account by id, or by a case-insensitive exact name when the id is unknown."""
        from ..errors import NotFoundError

        try:
            return self.get_account(key)
        except NotFoundError:
            matches = self.find_account_by_name(key)
            if len(matches) == 1:
                return matches[0]
            raise

    # -- analysis snapshots (schema 4) ---------------------------------------------
    # Results of ``kamgraph analyze --write`` (:mod:`kamgraph.domain.metrics`). SQLite keeps every snapshot (one
    # per account and as-of date, history kept); Neo4j keeps the latest one as ``kg_`` properties on the graph.
    # A snapshot is current only while its as-of date, its settings fingerprint and the store's *data generation*
    # are unchanged. The data generation is a store-wide counter that every write changing records bumps in its
    # own transaction: a write path calls ``self._data_changed(...)`` once, inside the transaction (see the
    # backends' ``_data_changed``); a new write path (erasure, plans, competitors, provenance, ...) must do the same.
    @abstractmethod
    def data_generation(self) -> int:
        """The store's data generation: a counter bumped by every write that changes records (never by
        :meth:`write_metrics`). Snapshots computed from older data carry an older number.

        Examples
        --------
        >>> from kamgraph.store import open_store
        >>> from kamgraph.domain.dataset import Batch
        >>> from kamgraph.domain.models import Account
        >>> store = open_store(":memory:")
        >>> before = store.data_generation()
        >>> _ = store.import_batch(Batch(accounts=[Account(id="a", name="A")]))
        >>> _ = store.import_batch(Batch(accounts=[Account(id="a", name="A")]))  # unchanged: no bump
        >>> store.data_generation() - before
        1
        """

    @abstractmethod
    def write_metrics(self, snapshots: Sequence[MetricsSnapshot]) -> int:
        """Store these analysis snapshots in one transaction; returns how many were written.

        The snapshot of an account on an as-of date replaces the one stored for the same account and date
        (SQLite; other dates are kept as history) or the account's latest one (Neo4j: ``kg_`` properties on its
        nodes and MET edges, people no longer in the analysis lose theirs). Writing the same snapshot twice
        leaves the store as the first write did. Does not change the data generation.

        Raises
        ------
        NotFoundError
            When a snapshot's account is not in the store (nothing is written).
        """

    @abstractmethod
    def account_metrics(self, account_ids: Iterable[str], as_of: dt.date) -> dict[str, AccountMetrics]:
        """The stored account figures of these accounts on ``as_of``, by account id (accounts without a
        snapshot of that date are left out). Whether they are current is for the caller to check
        (:meth:`kamgraph.domain.metrics.AccountMetrics.is_current` against :meth:`data_generation`)."""
