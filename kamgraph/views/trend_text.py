"""``kamgraph trend`` as a text table and as CSV (one row per date).

Examples
--------
>>> import datetime as dt
>>> from kamgraph.portfolio.trend import AccountTrend, AccountTrendPoint
>>> p = AccountTrendPoint(date=dt.date(2026, 1, 31), health=72.5, coverage=0.5, weighted_coverage=0.6,
...     key_coverage=1.0, fragility_index=0.9, concentration=1.0, key_at_connectivity_1=2, overdue_key=0,
...     meetings=2, active_stakeholders=3, key_stakeholders=2, stage="basic", stage_level=2)
>>> t = AccountTrend(account="a", name="=A", every="month", start=p.date, end=p.date, points=[p],
...     change={"health": 0.0})
>>> print(trend_csv(t).splitlines()[1])
a,'=A,2026-01-31,72.5,0.5,0.6,1.0,0.9,1.0,2,0,2,basic,2
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .csv_text import csv_text
from .text import table

if TYPE_CHECKING:
    from ..portfolio.trend import AccountTrend

__all__ = ["TREND_COLUMNS", "render_trend", "trend_csv"]

#: The CSV columns after account and name, in order (the point's field names).
TREND_COLUMNS = ("date", "health", "coverage", "weighted_coverage", "key_coverage", "fragility_index",
                 "concentration", "key_at_connectivity_1", "overdue_key", "meetings", "stage", "stage_level")


def trend_csv(trend: AccountTrend) -> str:
    """One row per point: account, name, then :data:`TREND_COLUMNS`."""
    rows = [[trend.account, trend.name, *(getattr(p, c) for c in TREND_COLUMNS)] for p in trend.points]
    return csv_text(["account", "name", *TREND_COLUMNS], rows)


def _signed(value: float, fmt: str) -> str:
    return ("+" if value > 0 else "") + format(value, fmt)


def render_trend(trend: AccountTrend) -> str:
    """The trend table, the change from the first point to the last and any sustained fall."""
    headers = ["date", "health", "coverage", "weighted", "key cov", "fragility", "concentr.", "key conn<=1",
               "overdue key", "meetings", "stage"]
    rows = [[p.date, f"{p.health:.1f}", f"{p.coverage:.0%}", f"{p.weighted_coverage:.0%}", f"{p.key_coverage:.0%}",
             f"{p.fragility_index:.0%}", f"{p.concentration:.0%}", p.key_at_connectivity_1, p.overdue_key,
             p.meetings, p.stage] for p in trend.points]
    c = trend.change
    out = [f"TREND {trend.name} ({trend.account}) {trend.start} -> {trend.end}, every {trend.every} "
           f"({len(rows)} points)", table(headers, rows, right=list(range(1, 10)))]
    if len(trend.points) > 1:
        out.append(f"  change: health {_signed(c.get('health', 0.0), '.1f')}, key coverage "
                   f"{_signed(100 * c.get('key_coverage', 0.0), '.0f')} pts, fragility "
                   f"{_signed(100 * c.get('fragility_index', 0.0), '.0f')} pts, overdue key "
                   f"{_signed(c.get('overdue_key', 0.0), '.0f')}")
    for d in trend.departures:
        out.append(f"  left: {d.name} ({d.kind}, {d.id}) on {d.date}")
    fall = trend.sustained_fall
    if fall is not None:
        out.append(f"  SUSTAINED FALL: {fall.figure} {fall.before:g} -> {fall.after:g} over {fall.periods} periods "
                   f"({fall.since} -> {fall.until})")
    return "\n".join(out)
