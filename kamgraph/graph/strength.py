"""Tie strength between our staff and client stakeholders, and the threads it makes.

The strength of the tie between staff member *s* and stakeholder *c* at the
as-of date *T* sums every meeting *m* both attended on or before *T*::

    S(s, c) = sum_m  w(kind_m) * 2 ** (-(T - date_m) / h)

with *h* the half-life in days (default 90) and *w* a weight per meeting kind
(see :class:`kamgraph.settings.StrengthSettings`). A meeting on day *T* counts
``w`` in full, one *h* days earlier counts half. A staff member whose strength
with *c* reaches the thread threshold (default 0.5) is one of *c*'s
**threads**; *c* is **covered** when it has at least one thread.

Examples
--------
Two meetings, 0 and 90 days before the as-of date, weight 1 each:

>>> import datetime as dt
>>> from kamgraph.domain.models import Meeting
>>> from kamgraph.settings import StrengthSettings
>>> T = dt.date(2025, 4, 1)
>>> ms = [Meeting(id="m1", date=T, attendees=["s1", "c1"]),
...       Meeting(id="m2", date=T - dt.timedelta(days=90), attendees=["s1", "c1"])]
>>> stats = tie_stats(ms, {"s1"}, {"c1"}, T, StrengthSettings())
>>> round(stats[("s1", "c1")].strength, 6), stats[("s1", "c1")].count
(1.5, 2)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .. import kernels
from ..domain.models import Meeting
from ..settings import StrengthSettings

__all__ = ["TieStats", "PairTable", "ClientPairTable", "TieTable", "decay", "tie_stats", "ties_from_table",
           "aggregate_ties", "tie_views", "threads_of"]


@dataclass(slots=True)
class TieStats:
    """Everything known about one staff-stakeholder tie at the as-of date."""

    count: int
    first: dt.date
    last: dt.date
    strength: float


def decay(age_days: float, half_life_days: float) -> float:
    """The factor ``2 ** (-age / half_life)``; a meeting in the future (negative age) counts fully.

    Examples
    --------
    >>> decay(0, 90), decay(90, 90), decay(180, 90)
    (1.0, 0.5, 0.25)
    """
    return 2.0 ** (-max(age_days, 0.0) / half_life_days)


#: Staff-stakeholder pairs from :func:`aggregate_ties`: staff, stakeholder, count, first, last, strength.
PairTable = tuple[list[int], list[int], list[int], list[int], list[int], list[float]]
#: Stakeholder pairs from :func:`aggregate_ties`: a, b, strength.
ClientPairTable = tuple[list[int], list[int], list[float]]
#: What :func:`aggregate_ties` returns.
TieTable = tuple[PairTable, ClientPairTable]


def tie_stats(meetings: Iterable[Meeting], staff_ids: set[str] | frozenset[str],
              client_ids: set[str] | frozenset[str], as_of: dt.date,
              settings: StrengthSettings,
              client_pairs: dict[tuple[str, str], float] | None = None) -> dict[tuple[str, str], TieStats]:
    """Count, first and last date, and strength of every (staff, stakeholder) pair that met.

    Meetings after ``as_of`` are ignored. Attendees in neither set are ignored.
    When ``client_pairs`` is given, it is filled with the same strength for
    every pair of stakeholders who attended together (key: sorted pair).

    Parameters
    ----------
    meetings : iterable of Meeting
        Any order (strengths are summed in date order, so the order never matters).
    staff_ids, client_ids : set of str
        Who is on our side and who on the client's.
    as_of : datetime.date
        The date *T* of the formula.
    settings : StrengthSettings
        Half-life and weights.

    Returns
    -------
    dict
        ``{(staff_id, stakeholder_id): TieStats}``.
    """
    ordered = sorted(meetings, key=lambda m: (m.date, m.id))
    ids = sorted(staff_ids) + sorted(set(client_ids) - set(staff_ids))
    index = {pid: i for i, pid in enumerate(ids)}
    is_staff = bytes(1 if pid in staff_ids else 0 for pid in ids)
    table = aggregate_ties(ordered, index, is_staff, as_of.toordinal(), settings.half_life_days,
                           settings.kind_weights)
    assert table is not None  # sorted above
    pairs, together = table
    if client_pairs is not None:
        for a, b, value in zip(*together, strict=True):
            x, y = sorted((ids[a], ids[b]))
            client_pairs[(x, y)] = value
    return ties_from_table(pairs, ids, [m.date for m in ordered])


def ties_from_table(pairs: PairTable, ids: list[str], dates: list[dt.date]) -> dict[tuple[str, str], TieStats]:
    """The ``{(staff id, stakeholder id): TieStats}`` view of :func:`aggregate_ties`' pairs."""
    return {(ids[s], ids[c]): TieStats(count, dates[first], dates[last], strength)
            for s, c, count, first, last, strength in zip(*pairs, strict=True)}


def aggregate_ties(meetings: list[Meeting], index: dict[str, int], is_staff: bytes, as_of: int, half_life: float,
                   weights: dict) -> TieTable | None:
    """Every staff-stakeholder pair and every stakeholder pair that met, with their figures.

    The kernel behind :func:`tie_stats` (compiled when available, see
    :mod:`kamgraph.kernels`; this module holds the plain Python twin).

    Parameters
    ----------
    meetings : list of Meeting
        Sorted by date, then id: strengths are summed in this order, and first
        and last meetings are positions in this list.
    index : dict
        Person id -> node number; attendees not in it are ignored.
    is_staff : bytes
        1 for our staff, 0 for stakeholders, by node number.
    as_of : int
        Ordinal of the as-of date (:meth:`datetime.date.toordinal`); later meetings are ignored.
    half_life : float
        In days.
    weights : dict
        Meeting kind -> weight.

    Returns
    -------
    tuple or None
        None when ``meetings`` are not sorted by (date, id). Else
        ``(pairs, client_pairs)``. ``pairs`` is six parallel lists -- staff,
        stakeholder, count, first meeting, last meeting, strength -- one entry
        per pair that met, ordered by (stakeholder, staff). ``client_pairs`` is
        three -- a, b, strength -- per pair of stakeholders who attended the
        same meeting with our staff, ``a < b``, ordered by (a, b).

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.domain.models import Meeting
    >>> d = dt.date(2025, 1, 1)
    >>> ms = [Meeting(id="m1", date=d, attendees=["s", "a", "b"]), Meeting(id="m2", date=d, attendees=["s", "a"])]
    >>> pairs, together = aggregate_ties(ms, {"s": 0, "a": 1, "b": 2}, bytes([1, 0, 0]), d.toordinal(), 90.0,
    ...                                  {ms[0].kind: 1.0})
    >>> pairs
    ([0, 0], [1, 2], [2, 1], [0, 0], [1, 0], [2.0, 1.0])
    >>> together
    ([1], [2], [1.0])
    """
    if kernels.compiled is not None:
        return kernels.compiled.aggregate_ties(meetings, index, is_staff, as_of, half_life, weights)
    return _aggregate_ties_python(meetings, index, is_staff, as_of, half_life, weights)


def _aggregate_ties_python(meetings: list[Meeting], index: dict[str, int], is_staff: bytes, as_of: int,
                           half_life: float, weights: dict) -> TieTable | None:
    n = len(is_staff)
    factors: dict[tuple[int, object], float] = {}
    acc: dict[int, list] = {}
    together: dict[int, float] = {}
    previous = (-1, "")
    for position, meeting in enumerate(meetings):
        day = meeting.date.toordinal()
        if (day, meeting.id) < previous:
            return None
        previous = (day, meeting.id)
        if day > as_of:
            continue
        people = {index[p] for p in meeting.attendees if p in index}
        ours = sorted(i for i in people if is_staff[i])
        theirs = sorted(i for i in people if not is_staff[i])
        if not ours or not theirs:
            continue
        kind = meeting.kind
        value = factors.get((day, kind))
        if value is None:
            value = factors[(day, kind)] = weights.get(kind, 0.0) * 2.0 ** (-max(as_of - day, 0) / half_life)
        for c in theirs:
            for s in ours:
                record = acc.get(c * n + s)
                if record is None:
                    acc[c * n + s] = [1, position, position, value]
                else:
                    record[0] += 1
                    record[2] = position
                    record[3] += value
        for i, a in enumerate(theirs):
            for b in theirs[i + 1:]:
                together[a * n + b] = together.get(a * n + b, 0.0) + value
    pairs: PairTable = ([], [], [], [], [], [])
    for key in sorted(acc):
        count, first, last, strength = acc[key]
        for column, value in zip(pairs, (key % n, key // n, count, first, last, strength), strict=True):
            column.append(value)
    client_pairs: ClientPairTable = ([], [], [])
    for key in sorted(together):
        for column, value in zip(client_pairs, (key // n, key % n, together[key]), strict=True):
            column.append(value)
    return pairs, client_pairs


def tie_views(pairs: PairTable, ids: list[str], n_staff: int, n: int, threshold: float
              ) -> tuple[dict[str, list[tuple[str, float]]], dict[str, int], dict[str, float]]:
    """Threads, latest meeting and staff strength from :func:`aggregate_ties`' pairs.

    Node numbers below ``n_staff`` are active staff, ``n_staff`` to ``n - 1``
    active stakeholders, the rest people who left.

    Returns
    -------
    tuple
        ``(threads, last, staff_strength)``: each active stakeholder's threads
        (active staff at or above ``threshold``, as ``(staff id, strength)``,
        strongest first, then by id); for every stakeholder who met any staff,
        the position of their latest meeting; each active staff member's summed
        strength with active stakeholders.

    Examples
    --------
    >>> pairs = ([0, 1, 0], [2, 2, 3], [1, 1, 1], [0, 0, 1], [0, 0, 1], [0.6, 0.9, 0.2])
    >>> tie_views(pairs, ["s1", "s2", "c1", "c2"], 2, 4, 0.5)
    ({'c1': [('s2', 0.9), ('s1', 0.6)]}, {'c1': 0, 'c2': 1}, {'s1': 0.8, 's2': 0.9})
    """
    if kernels.compiled is not None:
        return kernels.compiled.tie_views(pairs, ids, n_staff, n, threshold)
    return _tie_views_python(pairs, ids, n_staff, n, threshold)


def _tie_views_python(pairs: PairTable, ids: list[str], n_staff: int, n: int, threshold: float
                      ) -> tuple[dict[str, list[tuple[str, float]]], dict[str, int], dict[str, float]]:
    last: dict[str, int] = {}
    totals: dict[int, float] = {}
    chosen: dict[int, list[tuple[float, int]]] = {}
    for s, c, _, _, latest, value in zip(*pairs, strict=True):
        cid = ids[c]
        if last.get(cid, -1) < latest:
            last[cid] = latest
        if s < n_staff and c < n:
            totals[s] = totals.get(s, 0.0) + value
            if value >= threshold:
                chosen.setdefault(c, []).append((-value, s))
    threads = {ids[c]: [(ids[s], -value) for value, s in sorted(found)] for c, found in chosen.items()}
    return threads, last, {ids[s]: totals[s] for s in sorted(totals)}


def threads_of(stats: dict[tuple[str, str], TieStats], threshold: float,
               active_staff: Iterable[str] | None = None) -> dict[str, list[tuple[str, float]]]:
    """Each stakeholder's threads: staff whose strength reaches ``threshold``, strongest first.

    Parameters
    ----------
    stats : dict
        From :func:`tie_stats`.
    threshold : float
        The thread threshold.
    active_staff : iterable of str, optional
        When given, only these staff can be threads (people who left cannot).

    Examples
    --------
    >>> import datetime as dt
    >>> d = dt.date(2025, 1, 1)
    >>> st = {("s1", "c1"): TieStats(1, d, d, 0.7), ("s2", "c1"): TieStats(1, d, d, 0.2)}
    >>> threads_of(st, 0.5)
    {'c1': [('s1', 0.7)]}
    """
    allowed = None if active_staff is None else set(active_staff)
    found: dict[str, list[tuple[str, float]]] = {}
    for (s, c), tie in stats.items():
        if tie.strength >= threshold and (allowed is None or s in allowed):
            found.setdefault(c, []).append((s, tie.strength))
    for ties in found.values():
        ties.sort(key=lambda pair: (-pair[1], pair[0]))
    return found

