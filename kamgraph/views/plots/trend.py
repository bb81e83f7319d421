"""The trend picture: an account's health and shares over time, with meetings per period and stage changes.

Two panels over the same dates (:class:`kamgraph.portfolio.trend.AccountTrend`'s points):

* top -- health (0-100, left axis) as a line, meetings in each period as grey bars (right axis), and the
  relationship stage written where it changes;
* bottom -- the shares (0-100 %): key coverage, weighted coverage, coverage, fragility index and
  concentration.

The departures of the span (``trend.departures``) and any further ``marks`` (date, label) are dashed
vertical lines on both panels.
Names are drawn as plain text (no math parsing), so any name shows as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .style import FONT, STAFF_COLOR, new_figure, short

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...portfolio.trend import AccountTrend

__all__ = ["SHARE_LINES", "plot_trend", "write_trend_plot"]

#: The shares of the bottom panel: (field, label, colour; Okabe-Ito palette).
SHARE_LINES = (("key_coverage", "key coverage", "#0072B2"), ("weighted_coverage", "weighted coverage", "#56B4E9"),
               ("coverage", "coverage", "#009E73"), ("fragility_index", "fragility index", "#D55E00"),
               ("concentration", "concentration", "#CC79A7"))


def plot_trend(trend: AccountTrend, ax: Axes | None = None, *, marks: Sequence[tuple[dt.date, str]] = (),
               title: bool = True) -> Axes:
    """Draw the trend and return the top (health) axes; the shares panel is below it on the same figure.

    Parameters
    ----------
    trend : AccountTrend
        From :func:`kamgraph.portfolio.trend.account_trend`.
    ax : matplotlib Axes, optional
        The top panel; by default a new figure (``ax.figure``). When given, the shares panel is not drawn.
    marks : sequence of (date, label)
        Further events to mark besides the departures (outside the series' dates they are left out).
    title : bool
        Put the account name and dates above the chart.
    """
    points = trend.points
    text = dict(parse_math=False, fontfamily=FONT)
    shares_ax = None
    if ax is None:
        width = max(620, 34 * len(points) + 260)
        fig = new_figure(width, 520)
        ax = fig.add_axes((60 / width, 0.56, 1 - 250 / width, 0.36))
        shares_ax = fig.add_axes((60 / width, 0.1, 1 - 250 / width, 0.36), sharex=ax)
    xs = [p.date.toordinal() for p in points]
    bars = ax.twinx()
    span = (xs[-1] - xs[0]) if len(xs) > 1 else 30
    bars.bar(xs, [p.meetings for p in points], width=max(1.0, 0.6 * span / max(1, len(xs))), color="#BBBBBB",
             alpha=0.6, label="meetings in the period", zorder=1)
    bars.set_ylabel("meetings in the period", fontsize=8, **text)
    bars.set_ylim(0, max([p.meetings for p in points] + [4]) * 2.2)
    bars.tick_params(labelsize=7)
    ax.set_zorder(bars.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.plot(xs, [p.health for p in points], color=STAFF_COLOR, marker="o", markersize=3.5, linewidth=1.8,
            label="health")
    ax.set_ylim(0, 105)
    ax.set_ylabel("health (0-100)", fontsize=8, **text)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.25)
    previous = None
    for x, p in zip(xs, points, strict=True):
        if p.stage != previous:
            ax.annotate(p.stage, (x, p.health), xytext=(0, 9), textcoords="offset points", fontsize=7, ha="center",
                        color="#444444", **text)
            previous = p.stage
    panels = [ax] + ([shares_ax] if shares_ax is not None else [])
    if shares_ax is not None:
        for name, label, colour in SHARE_LINES:
            shares_ax.plot(xs, [100 * getattr(p, name) for p in points], label=label, color=colour, linewidth=1.5,
                           marker="o", markersize=2.5)
        shares_ax.set_ylim(0, 105)
        shares_ax.set_ylabel("share (%)", fontsize=8, **text)
        shares_ax.grid(alpha=0.25)
        shares_ax.tick_params(labelsize=7)
        shares_ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7)
    low, high = points[0].date, points[-1].date
    events = [(d.date, f"{d.name} left") for d in trend.departures] + list(marks)
    for day, label in sorted(events):
        if low <= day <= high:
            for panel in panels:
                panel.axvline(day.toordinal(), color="#B00020", linestyle="--", linewidth=1.0)
            ax.text(day.toordinal(), 103, f" {short(label, 34)}", fontsize=6.5, color="#B00020", ha="left",
                    va="top", **text)
    bottom = panels[-1]
    step = max(1, len(points) // 14)
    ticks = list(range(0, len(points), step))
    if ticks[-1] != len(points) - 1:
        ticks.append(len(points) - 1)
    gap = step * span / max(1, len(points) - 1)
    if len(ticks) > 1 and xs[ticks[-1]] - xs[ticks[-2]] < 0.6 * gap:  # a short last period: keep the last date
        del ticks[-2]
    bottom.set_xticks([xs[i] for i in ticks], [points[i].date.isoformat() for i in ticks], rotation=60, fontsize=7,
                      ha="right")
    if shares_ax is not None:
        ax.tick_params(labelbottom=False)
    handles, labels = ax.get_legend_handles_labels()
    more, more_labels = bars.get_legend_handles_labels()
    ax.legend(handles + more, labels + more_labels, loc="upper left", bbox_to_anchor=(1.08, 1.0), frameon=False,
              fontsize=7)
    if title:
        ax.set_title(f"{trend.name}: trend {trend.start.isoformat()} to {trend.end.isoformat()}, every {trend.every}",
                     fontsize=10, fontweight="bold", loc="left", pad=10, **text)
    return ax


def write_trend_plot(trend: AccountTrend, path: str | Path, *, dpi: float = 150) -> Path:
    """Draw the trend and write it to ``path`` (.png, .svg or .pdf, from the suffix)."""
    from .save import PLOT_FORMATS, figure_bytes

    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in PLOT_FORMATS:
        raise ValueError(f"{target.name}: the file name must end in .png, .svg or .pdf")
    fig = plot_trend(trend).figure
    data = figure_bytes(fig, fmt, dpi)  # type: ignore[arg-type]
    fig.clear()  # type: ignore[union-attr]
    target.write_bytes(data)
    return target
