"""What every calendar connector gives the pull: pages of occurrences and a cursor to resume from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ...settings import Settings
from ..ics import Occurrence

__all__ = ["Connection", "Page", "CalendarConnector", "occurrence"]


@dataclass
class Connection:
    """A stored connection: the source (``m365``, ``google``) and its options (never a secret)."""

    source: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def calendars(self) -> list[str]:
        """The mailboxes or calendars to pull (our staff's addresses)."""
        return list(self.options.get("calendars", []))


@dataclass
class Page:
    """One page of a pull: its occurrences, and the cursor to resume after it.

    ``done`` is True on the last page, whose cursor is the delta link or
    sync token of the next incremental pull. ``origins`` names, per position
    of an occurrence in the pull (its ``line``), the source record it was read
    from (``CALENDAR/EVENT-ID``: event ids are per mailbox); ``gone`` lists
    the source records the service reports deleted or cancelled, whose
    meetings the pull removes when nothing else shows them
    (:mod:`kamgraph.domain.provenance`).
    """

    occurrences: list[Occurrence]
    cursor: dict[str, Any]
    done: bool
    removed: int = 0
    origins: dict[int, str] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)


class CalendarConnector:
    """A calendar service: :meth:`pages` of one calendar from a cursor (empty: a full pull since ``since``)."""

    source = ""

    def __init__(self, connection: Connection, settings: Settings) -> None:
        self.connection = connection
        self.settings = settings

    def pages(self, calendar: str, cursor: dict[str, Any], since: dt.date, until: dt.date) -> Iterator[Page]:
        """The pages of changes in ``calendar`` after ``cursor``."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections."""


def occurrence(*, source: str, where: str, position: int, uid: str, start: dt.datetime | dt.date,
               zone: dt.tzinfo, subject: str | None, cancelled: bool,
               people: list[tuple[str, str, bool]]) -> Occurrence:
    """An :class:`Occurrence` from an API event.

    Parameters
    ----------
    source, where, position
        The meeting's ``source``, and where it was read (shown in skip reasons).
    uid : str
        The iCalendar UID (``iCalUId``, ``iCalUID``): the same occurrence from a
        file or another calendar is the same meeting.
    start : datetime or date
        Aware date-time of the start, or the date of an all-day event.
    zone : tzinfo
        Where the start is dated when it was given in UTC.
    people : list of (address, name, declined)
        Organiser and attendees who are people (rooms and resources left out).

    Examples
    --------
    >>> import datetime as dt
    >>> o = occurrence(source="m365", where="m365:kim@ourco.example", position=1, uid="u1",
    ...                start=dt.datetime(2025, 2, 3, 23, 30, tzinfo=dt.UTC), zone=dt.timezone(dt.timedelta(hours=1)),
    ...                subject="Review", cancelled=False, people=[("Ana@Acme.example", "Ana", False)])
    >>> o.key, o.date, o.present
    (('u1', '2025-02-03T23:30:00+00:00'), datetime.date(2025, 2, 4), {'ana@acme.example': 'Ana'})
    """
    from ..directory import clean_email

    if isinstance(start, dt.datetime):
        instant = start.astimezone(dt.UTC).isoformat()
        utc = start.utcoffset() == dt.timedelta(0)
        day = start.astimezone(zone).date() if utc else start.date()
        all_day, zoned = False, not utc
    else:
        instant, day, all_day, zoned = start.isoformat(), start, True, True
    found = Occurrence(key=(uid, instant), uid=uid, date=day, all_day=all_day, zoned=zoned, recurring=True,
                       subject=subject, file=where, line=position,
                       row=f"UID={uid}; START={instant}; SUBJECT={subject or ''}", cancelled=cancelled,
                       source=source)
    for address, name, declined in people:
        email = clean_email(address)
        if email is None:
            continue
        if declined:
            found.declined.add(email)
        elif not found.present.get(email):
            found.present[email] = name or ""
    return found
