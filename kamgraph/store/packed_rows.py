"""Meeting records from a store's packed rows, shared by both stores' portfolio-wide reads.

A packed row is one meeting as one account sees it, ``[date, id, account, kind, subject, source, source_id,
"attendee,attendee,..."]`` (ISO date, the kind's value, the attendees the account sees in id order, joined by
commas: ids hold no commas, see :mod:`kamgraph.domain.models`). SQLite keeps them in its meeting packs; the
Neo4j store makes them from its ``bulk_meetings`` lists. A
:class:`~kamgraph.domain.dataset.PackedSnapshot` holds them and builds the records with
:func:`meetings_from_rows` only when something reads its meetings.

Examples
--------
>>> [m] = meetings_from_rows([("2026-03-02", "m1", "acme", "call", None, "crm", "7", "c1,s1")])
>>> m.id, m.date, m.kind.value, m.attendees, m.source_id
('m1', datetime.date(2026, 3, 2), 'call', ['c1', 's1'], '7')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..domain.models import Meeting, MeetingKind
from .trusted import members, trusted_all

__all__ = ["meetings_from_rows", "packed_row"]

_MEETING_KINDS = members(MeetingKind)


def meetings_from_rows(rows: Iterable[Sequence[Any]]) -> list[Meeting]:
    """The :class:`Meeting` records of packed rows (see the module), in their order."""
    return trusted_all(Meeting, _meeting_fields(rows))


def packed_row(mid: str, day: str, kind: str, account: str | None, subject: str | None, source: str | None,
               source_id: str | None, attendees: Iterable[str]) -> tuple[Any, ...]:
    """The packed row of one meeting's fields, its attendees once each, in id order.

    >>> packed_row("m1", "2026-03-02", "call", "acme", None, None, None, ["s1", "c1", "s1"])
    ('2026-03-02', 'm1', 'acme', 'call', None, None, None, 'c1,s1')
    """
    return day, mid, account, kind, subject, source, source_id, ",".join(sorted(set(attendees)))


def _meeting_fields(rows: Iterable[Sequence[Any]]) -> Iterator[dict[str, Any]]:
    """The fields of each meeting of packed rows, each date parsed once."""
    days: dict[str, dt.date] = {}
    kinds = _MEETING_KINDS
    for day, mid, account, kind, subject, source, source_id, attendees in rows:
        date = days.get(day)
        if date is None:
            date = days[day] = dt.date.fromisoformat(day)
        yield {"id": mid, "date": date, "kind": kinds[kind], "account": account, "subject": subject,
               "source": source, "source_id": source_id, "attendees": attendees.split(",")}
