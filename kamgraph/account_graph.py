"""One account at one as-of date: who is there, who met whom, how strongly.

:func:`build_account_graph` is the single place where a store snapshot turns
into the figures every analysis starts from. People who left on or before the
as-of date are set apart; meetings after it are ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .dataset import AccountSnapshot
from .importance import importance
from .models import Staff, Stakeholder
from .settings import Settings
from .strength import TieStats, threads_of, tie_stats

__all__ = ["AccountGraph", "build_account_graph"]


@dataclass
class AccountGraph:
    """The figures of one account at ``as_of`` (see :func:`build_account_graph`)."""

    snapshot: AccountSnapshot
    as_of: dt.date
    settings: Settings
    #: Stakeholders still in their job on ``as_of``, by id.
    stakeholders: dict[str, Stakeholder]
    #: Stakeholders who left on or before ``as_of``, by id.
    departed: dict[str, Stakeholder]
    #: Our staff still with us on ``as_of``, by id.
    staff: dict[str, Staff]
    #: Our staff who left on or before ``as_of``, by id.
    departed_staff: dict[str, Staff]
    #: Every (staff, stakeholder) pair that met, including people who left.
    ties: dict[tuple[str, str], TieStats]
    #: Threads of each active stakeholder: active staff at or above the threshold.
    threads: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    #: Date of each stakeholder's last meeting with any of our staff.
    last_contact: dict[str, dt.date] = field(default_factory=dict)
    #: Joint strength of every pair of stakeholders who attended our meetings together.
    client_pairs: dict[tuple[str, str], float] = field(default_factory=dict)
    #: Importance of each active stakeholder (see :mod:`kamgraph.importance`).
    importance: dict[str, float] = field(default_factory=dict)
    #: Active stakeholders whose importance reaches the key threshold.
    key: set[str] = field(default_factory=set)
    _staff_strength: dict[str, float] | None = field(default=None, repr=False)

    def staff_strength(self) -> dict[str, float]:
        """Each active staff member's summed tie strength with active stakeholders (computed once)."""
        cached = self._staff_strength
        if cached is None:
            cached = {}
            for (s, c), tie in self.ties.items():
                if s in self.staff and c in self.stakeholders:
                    cached[s] = cached.get(s, 0.0) + tie.strength
            self._staff_strength = cached
        return cached

    def name(self, person_id: str) -> str:
        """Display name of anyone in the snapshot (the id when unknown)."""
        for group in (self.stakeholders, self.staff, self.departed, self.departed_staff):
            if person_id in group:
                return group[person_id].name
        return person_id


def build_account_graph(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings) -> AccountGraph:
    """Split people by status on ``as_of`` and compute tie strengths and threads.

    Parameters
    ----------
    snapshot : AccountSnapshot
        As loaded by a store (meetings may run past ``as_of``; they are ignored).
    as_of : datetime.date
        The day the figures describe.
    settings : Settings
        Half-life, weights, thread threshold.
    """
    stakeholders: dict[str, Stakeholder] = {}
    departed: dict[str, Stakeholder] = {}
    for person in snapshot.stakeholders:
        (stakeholders if person.is_active(as_of) else departed)[person.id] = person
    staff: dict[str, Staff] = {}
    departed_staff: dict[str, Staff] = {}
    for member in snapshot.staff:
        (staff if member.is_active(as_of) else departed_staff)[member.id] = member
    client_ids = frozenset(s.id for s in snapshot.stakeholders)
    staff_ids = frozenset(s.id for s in snapshot.staff)
    client_pairs: dict[tuple[str, str], float] = {}
    meetings = snapshot.meetings
    order = [(m.date, m.id) for m in meetings]
    if order != sorted(order):  # sums must not depend on load order
        meetings = sorted(meetings, key=lambda m: (m.date, m.id))
    ties = tie_stats(meetings, staff_ids, client_ids, as_of, settings.strength, client_pairs)
    threads = threads_of(ties, settings.strength.thread_threshold, active_staff=staff)
    threads = {c: t for c, t in threads.items() if c in stakeholders}
    last_contact: dict[str, dt.date] = {}
    for (_, c), tie in ties.items():
        if c not in last_contact or tie.last > last_contact[c]:
            last_contact[c] = tie.last
    weights = {cid: importance(p, settings.importance) for cid, p in stakeholders.items()}
    key = {cid for cid, w in weights.items() if w >= settings.importance.key_threshold}
    return AccountGraph(snapshot=snapshot, as_of=as_of, settings=settings, stakeholders=stakeholders,
                        departed=departed, staff=staff, departed_staff=departed_staff, ties=ties,
                        threads=threads, last_contact=last_contact, client_pairs=client_pairs,
                        importance=weights, key=key)
