"""The store interface every backend implements.

A store keeps accounts, people, reporting lines, relationships and meetings,
and hands one account at a time to the analysis. Writes are all-or-nothing:
:meth:`GraphStore.import_batch` either writes the whole batch or raises and
leaves the store as it was. Nothing is ever deleted by normal use; a person
who leaves is marked ``left`` on a date (:meth:`GraphStore.mark_left`).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable
from types import TracebackType

from ..dataset import AccountSnapshot, AccountSummary, Batch, ImportSummary
from ..models import Account, Meeting, Staff, Stakeholder

__all__ = ["GraphStore", "SCHEMA_VERSION"]

#: Version of the stored data layout; stores refuse to open a newer one.
SCHEMA_VERSION = 1


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

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version recorded in the store."""

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
        """Remove every record (used by ``demo --force`` and tests only)."""

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
        found = {}
        for pid in stakeholder_ids:
            person = self.get_person(pid)
            if isinstance(person, Stakeholder):
                found[pid] = person.account
        return found

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

    @abstractmethod
    def get_person(self, person_id: str) -> Stakeholder | Staff:
        """One stakeholder or staff member; :class:`~kamgraph.errors.NotFoundError` if unknown."""

    @abstractmethod
    def person_meetings(self, person_id: str, as_of: dt.date | None = None) -> list[Meeting]:
        """Meetings a person attended (up to ``as_of``), newest first."""

    @abstractmethod
    def dump(self) -> Batch:
        """Every record in the store, as a batch another store can import."""

    # -- helpers shared by the backends ---------------------------------------------
    def find_account(self, key: str) -> Account:
        """An account by id, or by a case-insensitive exact name when the id is unknown."""
        from ..errors import NotFoundError

        try:
            return self.get_account(key)
        except NotFoundError:
            matches = [a for a in self.list_accounts() if a.name.casefold() == key.casefold()]
            if len(matches) == 1:
                return self.get_account(matches[0].id)
            raise
