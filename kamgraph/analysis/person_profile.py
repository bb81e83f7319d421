"""One person at a glance: who they are, whom they meet, how strongly, and when.

Behind ``kamgraph show PERSON``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from ..domain.models import Staff, Stakeholder
from ..graph.strength import tie_stats
from ..settings import Settings
from ..store.base import GraphStore

__all__ = ["Counterpart", "MeetingLine", "PersonProfile", "person_profile"]


class Counterpart(BaseModel):
    """Somebody on the other side whom the person met."""

    id: str
    name: str
    account: str | None = None
    strength: float
    meetings: int
    first: dt.date
    last: dt.date
    thread: bool


class MeetingLine(BaseModel):
    """One meeting in a person's history."""

    id: str
    date: dt.date
    kind: str
    subject: str | None = None
    account: str | None = None
    attendees: list[str]


class PersonProfile(BaseModel):
    """Everything ``kamgraph show`` prints."""

    kind: str
    person: Stakeholder | Staff
    as_of: dt.date
    active: bool
    manager: str | None = None
    reports: list[str] = []
    ties: list[Counterpart]
    meetings: list[MeetingLine]


def person_profile(store: GraphStore, person_id: str, as_of: dt.date, settings: Settings,
                   max_meetings: int = 50) -> PersonProfile:
    """Build the profile of one stakeholder or staff member.

    Parameters
    ----------
    store : GraphStore
        Where the person lives.
    person_id : str
        Their id.
    as_of : datetime.date
        Meetings after it are left out; strengths are computed on it.
    settings : Settings
        Strength settings.
    max_meetings : int
        How many of the most recent meetings to list.
    """
    person = store.get_person(person_id)
    meetings = store.person_meetings(person_id, as_of)
    other_ids = sorted({p for m in meetings for p in m.attendees if p != person_id})
    names: dict[str, str] = {person_id: person.name}
    accounts: dict[str, str | None] = {}
    kinds: dict[str, str] = {}
    manager = None
    reports: list[str] = []
    if isinstance(person, Stakeholder):
        snap = store.load_account(person.account, as_of)
        for p in [*snap.stakeholders, *snap.staff]:
            names[p.id] = p.name
            kinds[p.id] = p.kind
            accounts[p.id] = getattr(p, "account", None)
        manager = names.get(person.reports_to) if person.reports_to else None
        reports = sorted(names[s.id] for s in snap.stakeholders if s.reports_to == person_id)
    missing = [p for p in other_ids if p not in kinds]
    for pid in missing:
        other = store.get_person(pid)
        names[pid], kinds[pid] = other.name, other.kind
        accounts[pid] = getattr(other, "account", None)
    if isinstance(person, Stakeholder):
        staff_ids = {p for p in other_ids if kinds.get(p) == "staff"}
        stats = tie_stats(meetings, staff_ids, {person_id}, as_of, settings.strength,
                          full_size=settings.meeting_size.full_weight_attendees)
        pairs = {s: tie for (s, _), tie in stats.items()}
    else:
        clients = {p for p in other_ids if kinds.get(p) == "stakeholder"}
        stats = tie_stats(meetings, {person_id}, clients, as_of, settings.strength,
                          full_size=settings.meeting_size.full_weight_attendees)
        pairs = {c: tie for (_, c), tie in stats.items()}
    threshold = settings.strength.thread_threshold
    ties = sorted((Counterpart(id=pid, name=names[pid], account=accounts.get(pid), strength=round(t.strength, 6),
                               meetings=t.count, first=t.first, last=t.last, thread=t.strength >= threshold)
                   for pid, t in pairs.items()), key=lambda c: (-c.strength, c.id))
    lines = [MeetingLine(id=m.id, date=m.date, kind=m.kind.value, subject=m.subject, account=m.account,
                         attendees=[names.get(p, p) for p in m.attendees if p != person_id])
             for m in meetings[:max_meetings]]
    return PersonProfile(kind=person.kind, person=person, as_of=as_of, active=person.is_active(as_of),
                         manager=manager, reports=reports, ties=ties, meetings=lines)
