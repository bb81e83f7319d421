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
>>> from kamgraph.models import Meeting
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

from .models import Meeting
from .settings import StrengthSettings

__all__ = ["TieStats", "decay", "tie_stats", "threads_of"]


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
        Any order.
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
    half_life = settings.half_life_days
    weights = settings.kind_weights
    factors: dict[tuple[dt.date, object], float] = {}
    result: dict[tuple[str, str], TieStats] = {}
    get = result.get
    for meeting in meetings:
        day = meeting.date
        if day > as_of:
            continue
        attendees = meeting.attendees
        ours = staff_ids.intersection(attendees)
        if not ours:
            continue
        theirs = client_ids.intersection(attendees)
        if not theirs:
            continue
        kind = meeting.kind
        key = (day, kind)
        value = factors.get(key)
        if value is None:
            value = weights.get(kind, 0.0) * 2.0 ** (-max((as_of - day).days, 0) / half_life)
            factors[key] = value
        if client_pairs is not None and len(theirs) > 1:
            ordered = sorted(theirs)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    client_pairs[(a, b)] = client_pairs.get((a, b), 0.0) + value
        for s in ours:
            for c in theirs:
                stats = get((s, c))
                if stats is None:
                    result[(s, c)] = TieStats(1, day, day, value)
                else:
                    stats.count += 1
                    stats.strength += value
                    if day < stats.first:
                        stats.first = day
                    elif day > stats.last:
                        stats.last = day
    return result


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

