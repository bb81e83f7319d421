"""A fast path for the commonest canonical row: a plain, valid meeting.

Validating a meeting through pydantic costs tens of microseconds, most of it
in the per-attendee validators; a 100,000-row meetings file spends seconds
there. :func:`fast_meeting` checks the usual case -- an id, a ``YYYY-MM-DD``
date, a kind spelt as stored, ids separated by ``;`` -- with the same rules
as :class:`kamgraph.domain.models.Meeting` and builds the very same record without
pydantic. Anything it is not sure about (another date form, an alias such as
``Phone``, a bad id, fewer than two attendees) returns None, and the caller
validates the row the normal way, so errors and odd spellings are handled
exactly as before. ``tests/test_fastpath.py`` checks that both ways agree.

Examples
--------
>>> m = fast_meeting({"id": "m1", "date": "2025-01-15", "kind": "qbr", "attendees": "s1; c1;s1"})
>>> m.attendees, m.kind.value, m.account
(['c1', 's1'], 'qbr', None)
>>> fast_meeting({"id": "m1", "date": "15/01/2025", "attendees": "s1;c1"}) is None
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..domain.models import _ID_RE, Meeting, MeetingKind

__all__ = ["fast_meeting", "build_meeting", "row_reader", "with_account"]

_KINDS = {kind.value: kind for kind in MeetingKind}
_TEXT = ("subject", "source", "source_id")
_FIELDS = frozenset(Meeting.model_fields)
_DEFAULTS = {name: field.get_default(call_default_factory=True) for name, field in Meeting.model_fields.items()
             if not field.is_required()}
_ORDER = tuple(Meeting.model_fields)
_DEFAULT_KIND = _DEFAULTS.get("kind")
#: The fast path writes the fields in this order; it stands aside if the model ever changes.
_ENABLED = _ORDER == ("id", "date", "kind", "account", "subject", "source", "source_id", "attendees") and all(
    _DEFAULTS.get(name, "missing") is None for name in ("account", "subject", "source", "source_id"))
_new = Meeting.__new__
_set = object.__setattr__
_date = dt.date.fromisoformat


#: Attendee ids already found valid, each mapped to one shared copy of itself: a file names the same few
#: thousand people again and again, and a million meetings holding their own copies of each attendee id would
#: hold a few hundred megabytes of repeated strings (issue #15: import memory).
_GOOD_IDS: dict[str, str] = {}
#: Shared copies of dates, sources and the sets of given fields, for the same reason (a date string or a
#: source names the same few values in every file; the given fields are the file's columns).
_DATES: dict[str, dt.date] = {}
_SOURCES: dict[str, str] = {}
_GIVEN: dict[frozenset[str], set[str]] = {}
_CACHE_LIMIT = 200_000
_known_id = _GOOD_IDS.get


def _good_id(value: str) -> str | None:
    """``value`` (a shared copy) when it is a valid id, else None."""
    if not _ID_RE.match(value):
        return None
    if len(_GOOD_IDS) < _CACHE_LIMIT:
        _GOOD_IDS[value] = value
    return value


def _shared(cache: dict[str, Any], value: str) -> str:
    found = cache.get(value)
    if found is None:
        found = value
        if len(cache) < _CACHE_LIMIT:
            cache[value] = value
    return found


def build_meeting(values: dict[str, Any], fields_set: set[str]) -> Meeting:
    """``Meeting.model_construct(_fields_set=fields_set, **values)`` for values that are already valid.

    Sets what ``model_construct`` sets -- the field values in declaration
    order, defaults for the missing ones, the set of given fields -- without
    its generic per-field work, which dominates a 100,000-row import.
    """
    meeting = Meeting.__new__(Meeting)
    full = {name: values[name] if name in values else _DEFAULTS[name] for name in _ORDER}
    given = frozenset(fields_set)
    shared = _GIVEN.get(given)
    if shared is None:  # one set per combination of given fields, as in fast_meeting
        shared = _GIVEN[given] = set(given)
    object.__setattr__(meeting, "__dict__", full)
    object.__setattr__(meeting, "__pydantic_fields_set__", shared)
    object.__setattr__(meeting, "__pydantic_extra__", None)
    object.__setattr__(meeting, "__pydantic_private__", None)
    return meeting


_WITH_ACCOUNT: dict[frozenset[str], set[str]] = {}


def with_account(meeting: Meeting, account: str) -> Meeting:
    """``meeting.model_copy(update={"account": account})`` for a valid account id, without pydantic's copy.

    The reference check fills in the account of most meetings of a big file;
    this is :func:`build_meeting` with the set of given fields shared too.

    Examples
    --------
    >>> m = fast_meeting({"id": "m1", "date": "2025-01-15", "attendees": "s1;c1"})
    >>> moved = with_account(m, "acme")
    >>> moved == m.model_copy(update={"account": "acme"}), sorted(moved.model_fields_set), m.account
    (True, ['account', 'attendees', 'date', 'id'], None)
    """
    given = frozenset(meeting.model_fields_set)
    fields_set = _WITH_ACCOUNT.get(given)
    if fields_set is None:
        fields_set = _WITH_ACCOUNT[given] = {*given, "account"}
    copy = _new(Meeting)
    _set(copy, "__dict__", {**meeting.__dict__, "account": account})
    _set(copy, "__pydantic_fields_set__", fields_set)
    _set(copy, "__pydantic_extra__", None)
    _set(copy, "__pydantic_private__", None)
    return copy


def fast_meeting(data: dict[str, Any]) -> Meeting | None:
    """The :class:`Meeting` pydantic would make of these raw CSV cells, or None when unsure."""
    if not _ENABLED or not _FIELDS.issuperset(data):
        return None
    try:
        return _make(data["id"], data["date"], data.get("kind"), data.get("account"), data.get("subject"),
                     data.get("source"), data.get("source_id"), data["attendees"], data)
    except (KeyError, AttributeError):  # a missing field, an unusual kind, a value that is not text
        return None


def row_reader(header: Sequence[str]) -> Callable[[list[str]], Meeting | None] | None:
    """A reader of the rows of a meetings CSV with this header whose every cell is filled, or None.

    The reader turns the cells of one row straight into the meeting
    :func:`fast_meeting` would make of the row's dictionary, without building
    that dictionary (a tenth of the reading time of a big file); it returns
    None when a cell is empty or blank or when :func:`fast_meeting` would
    return None, and the caller then takes the dictionary path.

    Examples
    --------
    >>> read = row_reader(["id", "date", "attendees", "subject"])
    >>> read(["m1", "2025-01-15", "s1;c1", " Sync "]) == fast_meeting(
    ...     {"id": "m1", "date": "2025-01-15", "attendees": "s1;c1", "subject": " Sync "})
    True
    >>> read(["m1", "2025-01-15", "s1;c1", " "]) is None  # a blank cell: the dictionary path decides
    True
    """
    if not _ENABLED or not _FIELDS.issuperset(header) or len(set(header)) != len(header) or not {
            "id", "date", "attendees"} <= set(header):
        return None
    position = {name: index for index, name in enumerate(header)}
    given = frozenset(header)
    fields_set = _GIVEN.get(given)
    if fields_set is None:
        fields_set = _GIVEN[given] = set(given)
    at = [position.get(name) for name in ("id", "date", "kind", "account", "subject", "source", "source_id",
                                          "attendees")]
    i_id, i_date, i_kind, i_account, i_subject, i_source, i_source_id, i_attendees = at

    def read(cells: list[str]) -> Meeting | None:
        if "" in cells:
            return None
        return _make(cells[i_id], cells[i_date], None if i_kind is None else cells[i_kind],
                     None if i_account is None else cells[i_account],
                     None if i_subject is None else cells[i_subject],
                     None if i_source is None else cells[i_source],
                     None if i_source_id is None else cells[i_source_id], cells[i_attendees], fields_set)

    return read


def _make(mid: str, day: str, kind: Any, account: str | None, subject: str | None, source: str | None,
          source_id: str | None, attendees: str, given: Iterable[str] | set[str]) -> Meeting | None:
    """The meeting of these raw cells (None: not given), or None when unsure; ``given`` names the given fields.

    A cell that strips to nothing returns None: the dictionary path leaves such cells out (not given).
    """
    mid = mid.strip()
    day = day.strip()
    if kind is not None:
        kind = _KINDS.get(kind.strip())
        if kind is None:
            return None
    if account is not None:
        account = account.strip()
        if not _ID_RE.match(account):
            return None
    if subject is not None:
        subject = subject.strip()
        if not subject or not subject.isprintable():
            return None  # control characters: the validated path cleans them
    if source is not None:
        source = source.strip()
        if not source or not source.isprintable():
            return None
        source = _SOURCES.get(source) or _shared(_SOURCES, source)
    if source_id is not None:
        source_id = source_id.strip()
        if not source_id or not source_id.isprintable():
            return None
    if len(day) != 10 or not _ID_RE.match(mid):
        return None
    date = _DATES.get(day)
    if date is None:
        try:
            date = _date(day)
        except ValueError:
            return None
        if len(_DATES) < _CACHE_LIMIT:
            _DATES[day] = date
    given_ids = attendees.split(";")
    # The usual row names people already seen: every id a hit of the cache (stripped, valid ids), found in C.
    parts = list(map(_known_id, given_ids))
    if None in parts:
        parts = []
        for p in given_ids:
            known = _known_id(p)
            if known is None:
                p = p.strip()
                if not p:
                    continue
                known = _known_id(p) or _good_id(p)
                if known is None:
                    return None
            parts.append(known)
    if len(parts) < 2:
        return None
    fields_set = given if type(given) is set else None
    if fields_set is None:
        frozen = frozenset(given)
        fields_set = _GIVEN.get(frozen)
        if fields_set is None:
            # One set per combination of given fields, shared by the meetings that have it: nothing assigns to a
            # meeting's fields after it is read (model_copy copies the set), and each set costs 200 bytes.
            fields_set = _GIVEN[frozen] = set(frozen)
    meeting = _new(Meeting)
    _set(meeting, "__dict__", {"id": mid, "date": date, "kind": kind or _DEFAULT_KIND, "account": account,
                               "subject": subject, "source": source, "source_id": source_id,
                               "attendees": sorted(set(parts))})
    _set(meeting, "__pydantic_fields_set__", fields_set)
    _set(meeting, "__pydantic_extra__", None)
    _set(meeting, "__pydantic_private__", None)
    return meeting
