"""One account at one as-of date: who is there, who met whom, how strongly.

:func:`build_account_graph` is the single place where a store snapshot turns
into the figures every analysis starts from. People who left on or before the
as-of date are set apart; meetings after it are ignored.

**Offline threads.** With ``[analysis] knows_ties_are_threads = true`` a
recorded KNOWS tie between one of our active staff and an active stakeholder
(either direction) counts as a thread when the pair has no thread from
meetings: it is appended to the stakeholder's threads with strength 0 (after
the threads from meetings, by staff id) and listed in
:attr:`AccountGraph.offline`, so reports can mark it. It then counts for
coverage, single-threading, the stage and the staff load -- but adds nothing to
tie strength (concentration, shape) and no meeting (cadence). In the
relationship graph such a tie was always a path (fragility, warm paths) with
or without the setting.

Examples
--------
>>> from kamgraph.domain.models import Account, Relationship, Staff, Stakeholder
>>> from kamgraph.settings import Settings
>>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="S")],
...     stakeholders=[Stakeholder(id="c1", account="a", name="C")], reporting_lines=[], meetings=[],
...     relationships=[Relationship(source="s1", target="c1", kind="knows")])
>>> build_account_graph(snap, dt.date(2026, 1, 1), Settings()).threads
{}
>>> on = Settings.model_validate({"analysis": {"knows_ties_are_threads": True}})
>>> ag = build_account_graph(snap, dt.date(2026, 1, 1), on)
>>> ag.threads, ag.offline
({'c1': [('s1', 0.0)]}, {'c1': ['s1']})
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from ..domain.dataset import AccountSnapshot, MeetingRow
from ..domain.models import Meeting, Relationship, Staff, Stakeholder, TieKind
from ..settings import Settings
from .importance import importance
from .strength import TieStats, TieTable, aggregate_ties, tie_views, ties_from_table

__all__ = ["AccountGraph", "build_account_graph"]


@dataclass
class AccountGraph:
    """The figures of one account at ``as_of`` (see :func:`build_account_graph`).

    People are numbered: active staff (sorted by id), active stakeholders
    (sorted), then staff and stakeholders who left -- the numbering the
    compact graph (:mod:`kamgraph.graph.compact`) and the tie table share.
    """

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
    #: Every person's id, by number (see the class docstring).
    ids: list[str] = field(default_factory=list)
    #: Every pair that met, by number (:func:`kamgraph.graph.strength.aggregate_ties`).
    table: TieTable = (([], [], [], [], [], []), ([], [], []))
    #: Threads of each active stakeholder: active staff at or above the threshold.
    threads: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    #: Date of each stakeholder's last meeting with any of our staff.
    last_contact: dict[str, dt.date] = field(default_factory=dict)
    #: Importance of each active stakeholder (see :mod:`kamgraph.graph.importance`).
    importance: dict[str, float] = field(default_factory=dict)
    #: Active stakeholders whose importance reaches the key threshold.
    key: set[str] = field(default_factory=set)
    #: The date of each meeting of :attr:`meetings`, by position (the positions the tie table holds).
    meeting_dates: list[dt.date] = field(default_factory=list)
    #: Offline threads (recorded KNOWS ties counted as threads, see the module docstring): stakeholder -> staff.
    offline: dict[str, list[str]] = field(default_factory=dict)
    _staff_strength: dict[str, float] = field(default_factory=dict, repr=False)
    #: The meetings when they are not the snapshot's own (sorted here because the snapshot's were not).
    _meetings: list[Meeting] | None = field(default=None, repr=False)
    _ties: dict[tuple[str, str], TieStats] | None = field(default=None, repr=False)
    _active_ties: list[tuple[str, str, float, dt.date]] | None = field(default=None, repr=False)

    @property
    def meetings(self) -> list[Meeting]:
        """The meetings the figures count, sorted by date then id (the snapshot's, built from its packed rows
        on first use when a store gave them so: see :class:`~kamgraph.domain.dataset.PackedSnapshot`)."""
        return self.snapshot.meetings if self._meetings is None else self._meetings

    @property
    def ties(self) -> dict[tuple[str, str], TieStats]:
        """Every (staff, stakeholder) pair that met, including people who left (built on first use)."""
        if self._ties is None:
            self._ties = ties_from_table(self.table[0], self.ids, self.meeting_dates)
        return self._ties

    def active_ties(self) -> list[tuple[str, str, float, dt.date]]:
        """``(staff, stakeholder, strength, last met)`` of every pair of active staff and active stakeholders who
        met, by staff then stakeholder id (made on first use).

        Read off the tie table: :attr:`ties` would make a record of every pair, those of people who left too.
        People are numbered active staff first, then active stakeholders, each group in id order, so ordering
        the numbers orders the ids.
        """
        if self._active_ties is None:
            staff_at, client_at, _count, _first, last_at, strength = self.table[0]
            n_staff = len(self.staff)
            n_active = n_staff + len(self.stakeholders)
            # The pairs run by (stakeholder, staff): the active stakeholders' are one stretch of them, and a stable
            # sort of its active staff's pairs by staff number puts them in (staff, stakeholder) order.
            start = bisect.bisect_left(client_at, n_staff)
            end = bisect.bisect_left(client_at, n_active, start)
            found = [k for k in range(start, end) if staff_at[k] < n_staff]
            found.sort(key=staff_at.__getitem__)
            ids, dates = self.ids, self.meeting_dates
            self._active_ties = [(ids[staff_at[k]], ids[client_at[k]], strength[k], dates[last_at[k]])
                                 for k in found]
        return self._active_ties

    @property
    def first_meeting(self) -> dt.date | None:
        """The date of the earliest meeting any tie counts (the first of :attr:`ties`' ``first`` dates).

        Read off the tie table's positions, without building :attr:`ties` (the portfolio's stage needs only this).
        """
        firsts = self.table[0][3]
        return self.meeting_dates[min(firsts)] if firsts else None

    def met_with_strength(self, person_id: str) -> bool:
        """True when some staff member has a tie of positive strength with this stakeholder."""
        try:
            number = self.ids.index(person_id)
        except ValueError:
            return False
        clients, strengths = self.table[0][1], self.table[0][5]
        start = bisect.bisect_left(clients, number)  # pairs are ordered by stakeholder
        end = bisect.bisect_right(clients, number, start)
        return any(strengths[k] > 0 for k in range(start, end))

    def staff_strength(self) -> dict[str, float]:
        """Each active staff member's summed tie strength with active stakeholders."""
        return self._staff_strength

    def name(self, person_id: str) -> str:
        """Display name of anyone in the snapshot (the id when unknown)."""
        for group in (self.stakeholders, self.staff, self.departed, self.departed_staff):
            if person_id in group:
                return group[person_id].name
        return person_id


#: A person's id, as a sort key (C-level: one Python call fewer per person than a function).
_by_id = attrgetter("id")


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
    for person in sorted(snapshot.stakeholders, key=_by_id):
        (stakeholders if person.is_active(as_of) else departed)[person.id] = person
    staff: dict[str, Staff] = {}
    departed_staff: dict[str, Staff] = {}
    for member in sorted(snapshot.staff, key=_by_id):
        (staff if member.is_active(as_of) else departed_staff)[member.id] = member
    ids = [*staff, *stakeholders, *departed_staff, *departed]
    index = {pid: i for i, pid in enumerate(ids)}
    n_staff, n_active = len(staff), len(staff) + len(stakeholders)
    is_staff = b"\1" * n_staff + bytes(len(stakeholders)) + b"\1" * len(departed_staff) + bytes(len(departed))
    strength = settings.strength
    args = (index, is_staff, as_of.toordinal(), strength.half_life_days, strength.kind_weights,
            settings.meeting_size.full_weight_attendees)
    rows = snapshot.meeting_rows  # a PackedSnapshot's: the sums straight from the rows
    table, own = None, None
    if rows is not None:
        dates, ordinals = _row_dates(rows)
        table = aggregate_ties(rows, *args, ordinals)
    if table is None:
        meetings = snapshot.meetings
        table = aggregate_ties(meetings, *args)
        if table is None:  # not in (date, id) order: sums must not depend on load order
            meetings = own = sorted(meetings, key=lambda m: (m.date, m.id))
            table = aggregate_ties(meetings, *args)
        dates = [m.date for m in meetings]
    threads, last, staff_strength = tie_views(table[0], ids, n_staff, n_active, strength.thread_threshold)
    last_contact = {cid: dates[position] for cid, position in last.items()}
    weights: dict[str, float] = {}
    seen: dict[tuple[object, int], float] = {}  # importance depends on role and influence only
    for cid, p in stakeholders.items():
        facts = (p.buying_role, p.influence)
        weight = seen.get(facts)
        if weight is None:
            weight = seen[facts] = importance(p, settings.importance)
        weights[cid] = weight
    threshold = settings.importance.key_threshold
    key = {cid for cid, w in weights.items() if w >= threshold}
    offline: dict[str, list[str]] = {}
    if settings.analysis.knows_ties_are_threads:
        threads, offline = _with_offline_threads(threads, snapshot.relationships, staff, stakeholders)
    return AccountGraph(snapshot=snapshot, as_of=as_of, settings=settings, stakeholders=stakeholders,
                        departed=departed, staff=staff, departed_staff=departed_staff, ids=ids, table=table,
                        threads=threads, last_contact=last_contact, importance=weights, key=key,
                        meeting_dates=dates, _staff_strength=staff_strength, offline=offline, _meetings=own)


#: ISO date -> (date, ordinal), for the packed rows' dates (a few thousand distinct days at most in a store's
#: history; cleared if it ever grows past :data:`_DAYS_KEPT`).
_DAYS: dict[str, tuple[dt.date, int]] = {}
_DAYS_KEPT = 100_000


def _row_dates(rows: Sequence[MeetingRow]) -> tuple[list[dt.date], list[int]]:
    """The date and its ordinal of each packed meeting row (see :data:`kamgraph.domain.dataset.MeetingRow`)."""
    cache = _DAYS
    if len(cache) > _DAYS_KEPT:
        cache.clear()
    dates, ordinals = [], []
    for row in rows:
        known = cache.get(row[0])
        if known is None:
            day = dt.date.fromisoformat(row[0])
            known = cache[row[0]] = (day, day.toordinal())
        dates.append(known[0])
        ordinals.append(known[1])
    return dates, ordinals


def _with_offline_threads(threads: dict[str, list[tuple[str, float]]], ties: list[Relationship],
                          staff: dict[str, Staff], stakeholders: dict[str, Stakeholder]
                          ) -> tuple[dict[str, list[tuple[str, float]]], dict[str, list[str]]]:
    """The threads with each staff-stakeholder KNOWS tie that is not a thread yet added (strength 0), and those."""
    offline: dict[str, set[str]] = {}
    for tie in ties:
        if tie.kind is not TieKind.KNOWS:
            continue
        for s, c in ((tie.source, tie.target), (tie.target, tie.source)):
            if s in staff and c in stakeholders and all(t != s for t, _ in threads.get(c, ())):
                offline.setdefault(c, set()).add(s)
    merged = dict(threads)
    for c, people in offline.items():
        merged[c] = [*threads.get(c, ()), *((s, 0.0) for s in sorted(people))]
    return merged, {c: sorted(people) for c, people in sorted(offline.items())}

