"""Where a record came from: one :class:`Provenance` per record and source record.

A record (account, staff member, stakeholder, meeting) is seen by one or
more sources: a connector's pull (``m365``, ``google``, ``salesforce``,
``hubspot``) or a file import (``file``). ``source_id`` is the source's own
name for what it showed (a Salesforce ``Id``, a HubSpot object, a calendar
event in one mailbox: ``kim@ourco.example/AAMkAD...``; a file's name), so that
a deletion at the source finds the records it evidenced. ``first_seen`` and
``last_seen`` are the days of the first and the latest pull that showed it.

A meeting is removed when the last source record that evidenced it is deleted
at its source (see :func:`kamgraph.monitor.pull.pull`); people and accounts
are never removed that way (their history stays).

Examples
--------
>>> import datetime as dt
>>> p = Provenance(kind="meeting", record_id="cal-1", source="m365", source_id="kim@ourco.example/AAMk-e1",
...                first_seen=dt.date(2025, 3, 1), last_seen=dt.date(2025, 3, 1))
>>> p.key, p.seen(dt.date(2025, 3, 8)).last_seen
(('meeting', 'cal-1', 'm365', 'kim@ourco.example/AAMk-e1'), datetime.date(2025, 3, 8))
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Provenance", "RecordKind", "RECORD_KINDS"]

RecordKind = Literal["account", "staff", "stakeholder", "meeting"]
#: The kinds of record provenance is kept for.
RECORD_KINDS: tuple[str, ...] = ("account", "staff", "stakeholder", "meeting")


class Provenance(BaseModel):
    """One source record that showed a kamgraph record.

    ``source`` is a name without spaces (the Neo4j store keeps ``"source source_id"`` in one string and splits
    it at the first space); ``source_id`` may hold any text.

    >>> Provenance(kind="account", record_id="acme", source="my crm", first_seen=dt.date(2025, 3, 1),
    ...            last_seen=dt.date(2025, 3, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Provenance
    source
    ...
    """

    model_config = ConfigDict(frozen=True)

    kind: RecordKind
    record_id: str
    source: str = Field(pattern=r"^\S+$")
    source_id: str = ""
    first_seen: dt.date
    last_seen: dt.date

    @property
    def key(self) -> tuple[str, str, str, str]:
        """``(kind, record_id, source, source_id)``: the identity of the entry."""
        return (self.kind, self.record_id, self.source, self.source_id)

    def seen(self, day: dt.date) -> Provenance:
        """The entry seen again on ``day`` (``first_seen`` kept, ``last_seen`` the later one)."""
        return self.model_copy(update={"first_seen": min(self.first_seen, day),
                                       "last_seen": max(self.last_seen, day)})
