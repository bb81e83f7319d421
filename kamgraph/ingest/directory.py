"""Who is who during one import: people and accounts from the files read so far and from the store.

Calendar, CRM and vCard imports name people by e-mail address or by their
CRM id, and companies by name or e-mail domain. A :class:`Directory` answers
those look-ups from the records of the current import first, then from the
store (queried in bulk and cached), so that a contact created by one file of
an import is found by the next.

It also merges a record from a partial source (a CRM export knows nothing of
influence or attitude) with the stored version: fields the source gives
replace the stored ones, the rest are kept (:meth:`Directory.complete`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from ..domain.models import Account, Staff, Stakeholder
from ..settings import IngestSettings
from ..store.base import GraphStore
from .parsed import Located, Parsed

__all__ = ["Directory", "email_domain", "clean_email", "domain_of_site", "display_name", "stable_id", "UNION_FIELDS"]

Person = Stakeholder | Staff

#: List fields that a partial source adds to instead of replacing.
UNION_FIELDS = ("domains", "accounts", "dotted_to")


def clean_email(value: str | None) -> str | None:
    """A lower-cased address from ``mailto:x@y``, ``<x@y>`` or ``x@y``; None when it is not one.

    Examples
    --------
    >>> clean_email("MAILTO:Ana.Lopez@Acme.example"), clean_email("nobody"), clean_email(None)
    ('ana.lopez@acme.example', None, None)
    """
    if not value:
        return None
    text = str(value).strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    text = text.strip().strip("<>").strip().lower()
    # Printable text holds no white space but the ASCII space (str.isprintable: separators are not printable).
    if text.count("@") != 1 or ":" in text or not text.isprintable() or " " in text:
        return None  # a broken mailto: ("mailt\r:x@y"), a space or a control character: not an address
    local, domain = text.split("@")
    if not local or "." not in domain:
        return None
    return text


def display_name(name: str | None, email: str | None = None) -> str:
    """A person's name for display: ``Last, First`` turned round, or made from the address.

    Examples
    --------
    >>> display_name("Müller, Jürgen"), display_name(None, "ana.lopez@acme.example")
    ('Jürgen Müller', 'Ana Lopez')
    >>> display_name("ana.lopez@acme.example")
    'Ana Lopez'
    """
    text = " ".join((name or "").replace('"', " ").split())
    if clean_email(text):
        email, text = text, ""
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if first and last:
            text = f"{first} {last}"
    if not text and email:
        local = email.split("@", 1)[0]
        text = " ".join(part.capitalize() for part in re.split(r"[._\-+]+", local) if part)
    return text or (email or "?")


def stable_id(prefix: str, *parts: str) -> str:
    """A short id derived from ``parts``: the same parts always give the same id.

    Examples
    --------
    >>> stable_id("ics", "uid-1", "2025-01-15T09:00:00+00:00") == stable_id("ics", "uid-1",
    ...                                                                  "2025-01-15T09:00:00+00:00")
    True
    >>> len(stable_id("ics", "x"))
    24
    """
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{prefix}-{digest[:23 - len(prefix)]}"


def email_domain(email: str) -> str:
    """The part after the ``@``."""
    return email.rsplit("@", 1)[-1]


def domain_of_site(value: str) -> str | None:
    """The e-mail domain a web site or domain stands for; None when it is not one.

    Examples
    --------
    >>> domain_of_site("https://www.Acme.example/about"), domain_of_site("Acme Robotics")
    ('acme.example', None)
    """
    text = value.strip().lower()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.split("/", 1)[0].split(":", 1)[0]
    if text.startswith("www."):
        text = text[4:]
    return text if "." in text and " " not in text else None


class Directory:
    """People and accounts known to one import (see the module docstring).

    Parameters
    ----------
    store : GraphStore
        Where stored people and accounts are looked up.
    settings : IngestSettings
        Our own domains.
    parsed : Parsed
        The records read so far; later readers add theirs with :meth:`add_person`
        and :meth:`add_account`.
    """

    def __init__(self, store: GraphStore, settings: IngestSettings, parsed: Parsed | None = None) -> None:
        self.store = store
        self.settings = settings
        self._by_email: dict[str, Person] = {}
        self._by_id: dict[str, Person] = {}
        self._stored_email: dict[str, Person | None] = {}
        self._stored_id: dict[str, Person | None] = {}
        self._accounts: dict[str, Account] = {a.id: a for a in store.all_accounts()}
        if parsed is not None:
            self.absorb(parsed)

    # -- records of this import -----------------------------------------------------
    def absorb(self, parsed: Parsed) -> None:
        """Make every person and account of ``parsed`` known."""
        for item in parsed.accounts:
            self.add_account(item.record)
        for item in [*parsed.staff, *parsed.stakeholders]:
            self.add_person(item.record)

    def add_person(self, person: Person) -> None:
        """Know a person of this import (the latest version of an id wins)."""
        self._by_id[person.id] = person
        if person.email:
            self._by_email[person.email] = person

    def add_account(self, account: Account) -> None:
        """Know an account of this import."""
        self._accounts[account.id] = account

    # -- people ---------------------------------------------------------------------
    def prefetch(self, emails: Iterable[str] = (), ids: Iterable[str] = ()) -> None:
        """Look many addresses and ids up in the store at once (later calls are then free)."""
        todo = {e for e in emails if e not in self._stored_email}
        if todo:
            found = self.store.people_by_email(todo)
            for email in todo:
                self._stored_email[email] = found.get(email)
        wanted = {i for i in ids if i not in self._stored_id}
        if wanted:
            people = self.store.get_people(wanted)
            for pid in wanted:
                self._stored_id[pid] = people.get(pid)

    def by_email(self, email: str | None) -> Person | None:
        """The person with this address, from this import or the store."""
        if not email:
            return None
        if email in self._by_email:
            return self._by_email[email]
        if email not in self._stored_email:
            self.prefetch(emails=[email])
        return self._stored_email[email]

    def by_id(self, person_id: str) -> Person | None:
        """The person with this id, from this import or the store."""
        if person_id in self._by_id:
            return self._by_id[person_id]
        if person_id not in self._stored_id:
            self.prefetch(ids=[person_id])
        return self._stored_id[person_id]

    def stored_person(self, person_id: str) -> Person | None:
        """The stored version of a person (None when new)."""
        if person_id not in self._stored_id:
            self.prefetch(ids=[person_id])
        return self._stored_id[person_id]

    def is_ours(self, email: str) -> bool:
        """True for an address in one of our own domains (or a sub-domain of one)."""
        return _matches(email_domain(email), self.settings.our_domains)

    # -- accounts -------------------------------------------------------------------
    def account(self, account_id: str) -> Account | None:
        """An account of this import or the store."""
        return self._accounts.get(account_id)

    def account_for_domain(self, domain: str) -> str | None:
        """The one account whose ``domains`` hold this domain or a parent of it; None if none or several."""
        domain = domain.lower()
        hits = {a.id for a in self._accounts.values() if _matches(domain, a.domains)}
        return hits.pop() if len(hits) == 1 else None

    def account_by_name(self, name: str) -> str | None:
        """The one account with this name (case-insensitive), or None."""
        key = name.strip().casefold()
        hits = {a.id for a in self._accounts.values() if a.name.casefold() == key}
        return hits.pop() if len(hits) == 1 else None

    def account_ref(self, value: str) -> str | None:
        """An account named by its id, its exact name, a web site or an e-mail domain."""
        if value in self._accounts:
            return value
        found = self.account_by_name(value)
        if found is None and (site := domain_of_site(value)):
            found = self.account_for_domain(site)
        return found

    # -- partial records ------------------------------------------------------------
    def complete(self, record: Any) -> Any:
        """Merge a record from a partial source with the version this import or the store has.

        Fields the record was given win; the others keep the known values. List fields in
        :data:`UNION_FIELDS` are united rather than replaced.
        """
        if isinstance(record, Account):
            stored: Any = self._accounts.get(record.id)
        else:
            stored = self._by_id.get(record.id) or self.stored_person(record.id)
        if stored is None or type(stored) is not type(record):
            return record
        update = {name: getattr(record, name) for name in record.model_fields_set if name != "id"}
        for name in UNION_FIELDS:
            if name in update:
                update[name] = sorted(set(getattr(stored, name)) | set(update[name]))
        return stored.model_copy(update=update)


    def keep(self, parsed: Parsed, record: Any, file: str, line: int) -> Any:
        """Complete a partial record, make it known and add it to ``parsed``; return it."""
        record = self.complete(record)
        if isinstance(record, Account):
            self.add_account(record)
            parsed.accounts.append(Located(record, file, line, partial=True))
        else:
            self.add_person(record)
            target = parsed.staff if isinstance(record, Staff) else parsed.stakeholders
            target.append(Located(record, file, line, partial=True))
        return record

def _matches(domain: str, domains: Iterable[str]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in domains)
