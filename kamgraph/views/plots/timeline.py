"""Meetings per month, stacked by the client's department or buying role, with departures marked.

Each meeting (with at least one of our staff and one stakeholder, on or before
the as-of date) counts once, in the month it took place, for the department
(or buying role) of its most important client attendee -- so the bars add
up to the number of meetings. Stakeholders and staff who left are marked by
a dashed line on the day they left, labelled with their name. The as-of
month is hatched when it is not over yet (its bar counts only the days up to
the as-of date), so a short last bar does not read as a drop.

Examples
--------
>>> partial_month(dt.date(2026, 11, 22)), partial_month(dt.date(2026, 11, 30)), partial_month(dt.date(2024, 2, 29))
(True, False, False)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from matplotlib import colormaps

from .style import FONT, STAFF_COLOR, new_figure, short
from .timeline_data import PARTIAL_HATCH, _month, monthly_meetings, partial_month

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...analysis.pipeline import AccountAnalysis

__all__ = ["plot_timeline", "monthly_meetings", "partial_month", "PARTIAL_HATCH"]

def plot_timeline(analysis: AccountAnalysis, ax: Axes | None = None, *, by: str = "department",
                  months: int = 24, title: bool = True) -> Axes:
    """Draw meetings per month stacked by ``by`` with departures marked, and return the axes.

    Parameters
    ----------
    analysis : AccountAnalysis
        The account (the X-ray alone has no meetings).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure (``ax.figure``).
    by : {"department", "buying_role"}
        How to stack the bars.
    months : int
        How many months up to the as-of date to show.
    title : bool
        Put the account name and date above the chart.
    """
    series, counts = monthly_meetings(analysis, by, months)
    ag = analysis.ag
    partial = partial_month(ag.as_of) and bool(series)
    series_labels = {len(series) - 1: f"{series[-1].strftime('%b %y')}*"} if partial else {}
    if ax is None:
        width = max(560, 26 * len(series) + 250)
        fig = new_figure(width, 340)
        ax = fig.add_axes((50 / width, 0.17, 1 - 230 / width, 0.72))
    text = dict(parse_math=False, fontfamily=FONT)
    palette = colormaps["tab20"]
    bottom = [0] * len(series)
    xs = list(range(len(series)))
    for i, (group, values) in enumerate(counts.items()):
        label = group.replace("_", " ") if by == "buying_role" else group
        bars = ax.bar(xs, values, bottom=bottom, color=palette(i % 20), width=0.8, label=short(label, 28),
                      edgecolor="white", linewidth=0.4)
        if partial_month(ag.as_of) and bars.patches:
            bars.patches[-1].set_hatch(PARTIAL_HATCH)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(xs, [series_labels.get(i, m.strftime("%b %y")) for i, m in enumerate(series)], rotation=90,
                  fontsize=7)
    if series_labels:
        ax.text(1.0, -0.30, f"* to {ag.as_of.isoformat()} (hatched: month not over)", transform=ax.transAxes,
                ha="right", va="top", fontsize=6.5, color="#555555", **text)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylabel("meetings per month", fontsize=8)
    ax.set_xlim(-0.6, len(series) - 0.4)
    top = max(bottom, default=0)
    ax.set_ylim(0, max(top * 1.35, 4))
    ax.spines[["top", "right"]].set_visible(False)

    def x_of(day: dt.date) -> float:
        month = _month(day)
        nxt = _month(month + dt.timedelta(days=32))
        return series.index(month) - 0.5 + (day - month).days / (nxt - month).days

    gone = [(p.left_on, p.name, "#B00020") for p in ag.departed.values() if p.left_on]
    gone += [(s.left_on, f"{s.name} (our staff)", STAFF_COLOR) for s in ag.departed_staff.values() if s.left_on]
    shown = [(d, n, c) for d, n, c in sorted(gone) if series[0] <= d <= ag.as_of]
    for day, name, colour in shown:
        x = x_of(day)
        ax.axvline(x, color=colour, linestyle="--", linewidth=1.0)
        ax.text(x + 0.12, ax.get_ylim()[1] * 0.98, f"{short(name, 30)} left {day.isoformat()}",
                rotation=90, ha="left", va="top", fontsize=6.5, color=colour,
                bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none", alpha=0.8), **text)
    if counts:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7,
                  title="department" if by == "department" else "buying role", title_fontsize=8)
    if title:
        ax.set_title(f"{ag.snapshot.account.name}: meetings per month, as of {ag.as_of.isoformat()}",
                     fontsize=10, fontweight="bold", loc="left", pad=10, **text)
    return ax
