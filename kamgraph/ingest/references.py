"""Cross-record checks before anything is written.

Every reference -- a stakeholder's account and managers, a staff member's
account teams, a meeting's attendees and account, a relationship's two ends --
must name a record in the same import or already in the store. The first
broken reference is reported with the file and line of the record holding it.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from itertools import chain
from typing import Any

from ..domain.dataset import KINDS, Batch
from ..errors import InputError
from ..store.base import GraphStore
from .fastpath import with_account
from .parsed import Located, Parsed

__all__ = ["check_references", "MeetingBlocks"]


def _no_conflicting_duplicates(items: Iterable[Located], key_name: str = "id") -> None:
    """The same id twice in one import is fine only when both copies agree."""
    items = list(items)
    if key_name == "id":  # the usual case, no id twice, found without a Python loop per record
        ids = [item.record.id for item in items]
        if len(set(ids)) == len(ids):
            return
    first: dict[object, Located] = {}
    for item in items:
        key = item.record.key if key_name == "key" else item.record.id
        seen = first.get(key)
        if seen is None:
            first[key] = item
        elif seen.record.model_dump() != item.record.model_dump():
            shown = key if isinstance(key, str) else "/".join(key)  # type: ignore[arg-type]
            raise item.error(f"{shown!r} appears again with different values "
                             f"(first at {seen.file}:{seen.line})", field="id")


_STAFF = object()
_UNKNOWN = object()


def _meeting_error(item: Located, people: dict[str, str]) -> InputError:
    """The error of a meeting with an unknown attendee, or without staff or without a stakeholder."""
    sides = set()
    for p in item.record.attendees:
        side = people.get(p)
        if side is None:
            return item.error(f"unknown person {p!r}", field="attendees")
        sides.add(side)
    return item.error("a meeting needs at least one of our staff and one stakeholder", field="attendees")


def _settled(item: Located, owners: set[object], accounts: Container[str], people: dict[str, str]) -> Any:
    """The meeting of ``item`` with its references checked and, when its stakeholders are all of one account
    and it names none, that account filled in. ``owners`` is what its attendees are (``_STAFF``, a
    stakeholder's account, None when not known, ``_UNKNOWN``); ``people`` the kind of every known id."""
    rec = item.record
    if _UNKNOWN in owners or _STAFF not in owners or len(owners) == 1:
        raise _meeting_error(item, people)
    if rec.account is not None:
        if rec.account not in accounts:
            raise item.error(f"unknown account {rec.account!r}", field="account")
    elif len(owners) == 2:
        owners.discard(_STAFF)
        owner = owners.pop()
        if owner is not None:
            rec = with_account(rec, owner)  # type: ignore[arg-type]
    return rec


def check_references(parsed: Parsed, store: GraphStore) -> Batch:
    """Check every reference of ``parsed`` against itself and ``store``; return the batch to write.

    Meetings without an ``account`` get the account of their stakeholders when
    those all belong to one account.

    Raises
    ------
    InputError
        Naming the file, line and field of the first broken reference.
    """
    for kind in KINDS:
        _no_conflicting_duplicates(getattr(parsed, kind), "key" if kind == "relationships" else "id")

    new_people: dict[str, str] = {}
    new_accounts = {item.record.id for item in parsed.accounts}
    client_account: dict[str, str] = {}
    first_seen: dict[str, Located] = {}
    for kind, label in (("staff", "staff"), ("stakeholders", "stakeholder")):
        for item in getattr(parsed, kind):
            pid = item.record.id
            if new_people.get(pid, label) != label:
                culprit = parsed.later(first_seen[pid], item)
                raise culprit.error(f"{pid!r} is both a staff member and a stakeholder in this import "
                                    "(people share one id space)", field="id")
            new_people[pid] = label
            first_seen.setdefault(pid, item)
            if label == "stakeholder":
                client_account[pid] = item.record.account

    wanted_people: set[str] = set()
    wanted_accounts: set[str] = set()
    for item in parsed.stakeholders:
        rec = item.record
        wanted_accounts.add(rec.account)
        wanted_people.update([*rec.dotted_to, *([rec.reports_to] if rec.reports_to else [])])
    for item in parsed.staff:
        wanted_accounts.update(item.record.accounts)
    meeting_people = set(chain.from_iterable(item.record.attendees for item in parsed.meetings))
    wanted_people |= meeting_people
    wanted_accounts.update({item.record.account for item in parsed.meetings} - {None, ""})
    for item in parsed.relationships:
        wanted_people.update((item.record.source, item.record.target))

    stored_people, stored_accounts = store.known_ids(
        wanted_people | new_people.keys(), wanted_accounts - new_accounts)
    for pid, label in new_people.items():
        if stored_people.get(pid, label) != label:
            item = next(i for k in ("staff", "stakeholders") for i in getattr(parsed, k) if i.record.id == pid)
            raise item.error(f"{pid!r} is already stored as a {stored_people[pid]} "
                             "(people share one id space)", field="id")
    people = {**stored_people, **new_people}
    accounts = stored_accounts | new_accounts
    missing_clients = [p for p, k in stored_people.items() if k == "stakeholder" and p not in client_account]
    if missing_clients:
        client_account.update(store.stakeholder_accounts(missing_clients))

    for item in parsed.stakeholders:
        rec = item.record
        if rec.account not in accounts:
            raise item.error(f"unknown account {rec.account!r}", field="account")
        for manager, field in [(rec.reports_to, "reports_to"), *[(m, "dotted_to") for m in rec.dotted_to]]:
            if manager is None:
                continue
            if people.get(manager) != "stakeholder":
                what = "a staff member, not a stakeholder" if manager in people else "unknown"
                raise item.error(f"{manager!r} is {what}", field=field)
    for item in parsed.staff:
        for acc in item.record.accounts:
            if acc not in accounts:
                raise item.error(f"unknown account {acc!r}", field="accounts")

    meetings = []
    # The hot loop of a big import: one set per meeting of what its attendees are -- _STAFF for our staff, the
    # account of a stakeholder (None when not known), _UNKNOWN for an id nobody knows. A meeting that is not
    # plainly good goes through _meeting_error, which names the first problem as the full check would.
    tag: dict[str, object] = {p: _STAFF if side == "staff" else client_account.get(p) for p, side in people.items()}
    tag_of = tag.get
    meetings_list = parsed.meetings
    for index, item in enumerate(meetings_list):
        rec = _settled(item, {tag_of(p, _UNKNOWN) for p in item.record.attendees}, accounts, people)
        if rec is not item.record:
            # Point the parsed item at the new record so the old one is freed (a big import keeps one copy).
            meetings_list[index] = Located(rec, item.file, item.line, item.partial)
        meetings.append(rec)
    for item in parsed.relationships:
        for end in ("source", "target"):
            pid = getattr(item.record, end)
            if pid not in people:
                raise item.error(f"unknown person {pid!r}", field=end)

    involved = meeting_people  # every attendee of every meeting, all known by now
    involved |= {p for i in parsed.relationships for p in (i.record.source, i.record.target)}
    return Batch(
        accounts=[i.record for i in parsed.accounts],
        staff=[i.record for i in parsed.staff],
        stakeholders=[i.record for i in parsed.stakeholders],
        meetings=meetings,
        relationships=[i.record for i in parsed.relationships],
        person_kinds={p: people[p] for p in involved},
    )



class MeetingBlocks:
    """:func:`check_references` for an import of meetings only, a block at a time (the import pipeline).

    Each person and account is looked up in the store once per import, not once per block; a block's
    meetings get their account exactly as :func:`check_references` gives it, and the first broken
    reference of a block raises the error :func:`check_references` raises for it. The blocks must not
    repeat an id (the pipeline gives up on that before calling this).

    Examples
    --------
    >>> from kamgraph.domain.models import Meeting
    >>> from kamgraph.samples.demo import build_demo
    >>> from kamgraph.store import open_store
    >>> import datetime as dt
    >>> with open_store(":memory:", create=True) as store:
    ...     _ = store.import_batch(build_demo(dt.date(2025, 6, 30)))
    ...     staff, client = store.list_staff()[0].id, store.list_stakeholders()[0]
    ...     check = MeetingBlocks(store)
    ...     met = Meeting(id="x1", date="2025-06-01", attendees=[staff, client.id])
    ...     batch = check.batch([Located(met, "m.csv", 2)])
    >>> batch.meetings[0].account == client.account, batch.person_kinds[staff]
    (True, 'staff')
    """

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._kinds: dict[str, str] = {}
        self._tag: dict[str, object] = {}
        self._accounts: set[str] = set()
        self._asked_accounts: set[str] = set()

    def batch(self, items: list[Located]) -> Batch:
        """The batch of one block's meetings, references checked, accounts filled in."""
        tag = self._tag
        block_people = set(chain.from_iterable(item.record.attendees for item in items))
        new_people = block_people.difference(tag)
        new_accounts = {item.record.account for item in items} - {None, ""} - self._asked_accounts
        if new_people or new_accounts:
            people, accounts = self._store.known_ids(new_people, new_accounts)
            self._kinds.update(people)
            self._accounts |= accounts
            self._asked_accounts |= new_accounts
            clients = [p for p, kind in people.items() if kind == "stakeholder"]
            owner = self._store.stakeholder_accounts(clients) if clients else {}
            for pid in new_people:
                kind = people.get(pid)
                tag[pid] = _UNKNOWN if kind is None else _STAFF if kind == "staff" else owner.get(pid)
        accounts_known = self._accounts
        meetings = []
        for item in items:
            meetings.append(_settled(item, {tag[p] for p in item.record.attendees}, accounts_known, self._kinds))
        kinds = self._kinds
        return Batch(meetings=meetings, person_kinds={p: kinds[p] for p in block_people})
