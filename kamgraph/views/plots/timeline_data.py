"""Meetings per month by department or buying role: the data of the timeline picture (pure, no matplotlib).

Both renderers use it: :func:`kamgraph.views.plots.timeline.plot_timeline` (matplotlib) and
:func:`kamgraph.views.plots.svg_charts.timeline_svg` (SVG).

Examples
--------
>>> partial_month(dt.date(2026, 11, 22)), partial_month(dt.date(2026, 11, 30)), partial_month(dt.date(2024, 2, 29))
(True, False, False)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["monthly_meetings", "partial_month", "PARTIAL_HATCH"]

#: Hatch of the bars of a month not over on the as-of date.
PARTIAL_HATCH = "////"


def partial_month(as_of: dt.date) -> bool:
    """True when ``as_of`` is not the last day of its month."""
    return (as_of + dt.timedelta(days=1)).month == as_of.month


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def monthly_meetings(analysis: AccountAnalysis, by: str = "department", months: int = 24
                     ) -> tuple[list[dt.date], dict[str, list[int]]]:
    """Meetings per month and group: ``(months, {group: counts})`` over the last ``months`` months.

    ``by`` is ``department`` or ``buying_role``; a person without one counts as
    ``"(none)"``.
    """
    if by not in ("department", "buying_role"):
        raise ValueError(f"by must be 'department' or 'buying_role', not {by!r}")
    ag = analysis.ag
    people = {p.id: p for p in ag.snapshot.stakeholders}
    staff = {s.id for s in ag.snapshot.staff}
    end = _month(ag.as_of)
    first = end
    for _ in range(months - 1):
        first = _month(first - dt.timedelta(days=1))
    held = [m.date for m in ag.snapshot.meetings if m.date <= ag.as_of]
    if held:  # no empty months before the first meeting
        first = min(end, max(first, _month(min(held))))
    series = [first]
    while series[-1] < end:
        series.append(_month(series[-1] + dt.timedelta(days=32)))
    index = {m: i for i, m in enumerate(series)}
    counts: dict[str, list[int]] = {}
    weight = ag.importance
    for meeting in ag.snapshot.meetings:
        if meeting.date > ag.as_of or _month(meeting.date) not in index:
            continue
        clients = [people[p] for p in meeting.attendees if p in people]
        if not clients or not any(p in staff for p in meeting.attendees):
            continue
        lead = max(clients, key=lambda p: (weight.get(p.id, p.influence), p.id))
        value = lead.department if by == "department" else (lead.buying_role.value if lead.buying_role else None)
        group = value or "(none)"
        counts.setdefault(group, [0] * len(series))[index[_month(meeting.date)]] += 1
    return series, dict(sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0])))
