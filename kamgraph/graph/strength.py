"""Tie strength between our staff and client stakeholders, and the threads it makes.

The strength of the tie between staff member *s* and stakeholder *c* at the
as-of date *T* sums every meeting *m* both attended on or before *T*::

    S(s, c) = sum_m  w(kind_m) * 2 ** (-(T - date_m) / h)

with *h* the half-life in days (default 90) and *w* a weight per meeting kind
(see :class:`kamgraph.settings.StrengthSettings`). A meeting on day *T* counts
``w`` in full, one *h* days earlier counts half. A big meeting is not that
many relationships: with a size threshold *k* (``[meeting_size]
full_weight_attendees``, passed as ``full_size``), a meeting of *n > k*
attendees counts ``w * k / n`` for each pair in it, so a 50-person webinar
with *k* = 8 counts 0.16 of a meeting per pair; *k* = 0 turns this off. A staff member whose strength
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

A webinar of 50 (our s1 and 49 of theirs) today, with the threshold 8:

>>> webinar = Meeting(id="w", date=T, attendees=["s1", *[f"c{i}" for i in range(1, 50)]])
>>> tie_stats([webinar], {"s1"}, {"c1"}, T, StrengthSettings(), full_size=8)[("s1", "c1")].strength
0.16
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .. import kernels
from ..domain.models import Meeting
from ..kernels import ClientPairTable, PairTable, TieTable, aggregate_ties, tie_views
from ..settings import StrengthSettings

# The tie kernels and their tables live in kamgraph.kernels (aggregate_ties sums the formula above for
# every pair at once); they are re-exported here, next to the measure they compute.
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


def tie_stats(meetings: Iterable[Meeting], staff_ids: set[str] | frozenset[str],
              client_ids: set[str] | frozenset[str], as_of: dt.date,
              settings: StrengthSettings,
              client_pairs: dict[tuple[str, str], float] | None = None, *,
              full_size: int = 0) -> dict[tuple[str, str], TieStats]:
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
    full_size : int
        The size threshold *k* of the formula (0: every meeting counts fully).

    Returns
    -------
    dict
        ``{(staff_id, stakeholder_id): TieStats}``.
    """
    ordered = sorted(meetings, key=lambda m: (m.date, m.id))
    ids = sorted(staff_ids) + sorted(set(client_ids) - set(staff_ids))
    index = {pid: i for i, pid in enumerate(ids)}
    is_staff = bytes(1 if pid in staff_ids else 0 for pid in ids)
    table = kernels.aggregate_ties(ordered, index, is_staff, as_of.toordinal(), settings.half_life_days,
                                   settings.kind_weights, full_size)
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

