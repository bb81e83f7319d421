"""The communication matrix and the meetings-per-month timeline as SVG, without matplotlib.

The same pictures as :func:`kamgraph.views.plots.matrix.plot_matrix` and
:func:`kamgraph.views.plots.timeline.plot_timeline` (same data functions, same
colours, same order), written with :class:`kamgraph.views.plots.svg.Svg` for the
HTML report and ``plot -o FILE.svg``: a report needs no matplotlib import,
which costs more than a whole ``kamgraph xray``.

The timeline's colours are matplotlib's ``tab20`` palette, listed here
(:data:`TAB20`) so as not to import matplotlib for twenty colours.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from .matrix_data import CELL, LABEL_SIZE, STATUS_LABELS, matrix_layout
from .palette import CADENCE_COLORS, STAFF_COLOR
from .svg import Svg
from .textmetrics import short, text_width
from .timeline_data import monthly_meetings, partial_month

if TYPE_CHECKING:
    from ...analysis.matrix import CommunicationMatrix
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["matrix_svg", "timeline_svg", "TAB20"]

#: matplotlib's ``tab20`` qualitative palette (Vega's category20), in order.
TAB20 = ("#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896", "#9467bd",
         "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7", "#bcbd22", "#dbdb8d",
         "#17becf", "#9edae5")


def matrix_svg(source: AccountAnalysis | CommunicationMatrix, *, key: set[str] | None = None,
               title: str | None = None) -> str:
    """The communication matrix heatmap as an SVG document (arguments as :func:`~.matrix.plot_matrix`)."""
    at = matrix_layout(source, key, title)
    grid, key, title, col_names, row_names = at.grid, at.key, at.title, at.col_names, at.row_names
    staff, clients = grid.staff, grid.stakeholders
    top, left, head, width, height = at.top, at.left, at.head, max(at.width, 360), at.height
    doc = Svg(width, height, label=title or "communication matrix")
    x0, y0 = left, head + top
    if title:
        doc.text(4, 6, title, size=10, weight="bold", va="top", cls="title")
    for j, c in enumerate(clients):
        doc.text(x0 + (j + 0.5) * CELL, y0 - 4, col_names[c], size=LABEL_SIZE, rotate=-90, va="center",
                 weight="bold" if c in key else "normal", cls="column")
    doc.text(x0 + (len(clients) + 0.5) * CELL, y0 - 4, "total", size=LABEL_SIZE, rotate=-90, va="center",
             style="italic")
    for i, s in enumerate(staff):
        y = y0 + i * CELL
        doc.text(x0 - 4, y + CELL / 2, row_names[s], size=LABEL_SIZE, ha="right", va="center", cls="row")
        for j, c in enumerate(clients):
            cell = grid.cells.get((s, c))
            doc.rect(x0 + j * CELL, y, CELL, CELL, fill=CADENCE_COLORS[cell.status if cell else "never"],
                     stroke="#DDDDDD", width=0.5)
            if cell:
                doc.text(x0 + (j + 0.5) * CELL, y + CELL / 2, str(cell.count), size=6, ha="center", va="center",
                         cls="count")
        doc.text(x0 + (len(clients) + 0.5) * CELL, y + CELL / 2, str(grid.row_totals[s].count), size=6,
                 ha="center", va="center", style="italic", cls="total")
    ty = y0 + len(staff) * CELL
    doc.text(x0 - 4, ty + CELL / 2, "total", size=LABEL_SIZE, ha="right", va="center", style="italic")
    for j, c in enumerate(clients):
        total = grid.column_totals[c]
        doc.rect(x0 + j * CELL, ty, CELL, CELL, fill=CADENCE_COLORS[total.status or "never"], stroke="#999999",
                 width=0.5)
        doc.text(x0 + (j + 0.5) * CELL, ty + CELL / 2, str(total.count), size=6, ha="center", va="center",
                 style="italic", cls="total")
    doc.rect(x0, y0, len(clients) * CELL, len(staff) * CELL, stroke="#888888", width=0.8)
    ly = ty + CELL + 14
    doc.text(x0, ly, "cell: meetings, coloured by the pair's cadence; columns by importance (key in bold)", size=7,
             va="center")
    x = x0
    for status, label in STATUS_LABELS.items():
        doc.rect(x, ly + 9, 14, 9, fill=CADENCE_COLORS[status], stroke="#999999", width=0.5)
        doc.text(x + 18, ly + 13.5, label, size=7, va="center")
        x += 26 + text_width(label, 7)
    return doc.render()


def _nice_step(top: float) -> int:
    """A round tick step giving about five ticks up to ``top``."""
    raw = max(top / 5, 1)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def timeline_svg(analysis: AccountAnalysis, *, by: str = "department", months: int = 24, title: bool = True) -> str:
    """Meetings per month, stacked, with departures marked, as an SVG document (as :func:`~.timeline.plot_timeline`)."""

    series, counts = monthly_meetings(analysis, by, months)
    ag = analysis.ag
    partial = partial_month(ag.as_of) and bool(series)
    width = max(560, 26 * len(series) + 250)
    height = 340.0
    left, right_pad, top_pad, bottom = 50.0, 230.0, 40.0, 62.0
    pw, ph = width - left - right_pad, height - top_pad - bottom
    doc = Svg(width, height, label=f"{ag.snapshot.account.name}: meetings per month")
    n = max(len(series), 1)
    slot = pw / (n + 0.2)

    def sx(i: float) -> float:
        return left + (i + 0.6) * slot

    totals = [sum(v[i] for v in counts.values()) for i in range(len(series))]
    ymax = max(max(totals, default=0) * 1.35, 4)

    def sy(v: float) -> float:
        return top_pad + ph * (1 - v / ymax)

    if partial:
        spacing = 4
        doc.raw_def(f'<pattern id="partial" width="{spacing}" height="{spacing}" patternUnits="userSpaceOnUse" '
                    f'patternTransform="rotate(45)"><rect width="{spacing}" height="{spacing}" fill="white" '
                    f'fill-opacity="0"/><line x1="0" y1="0" x2="0" y2="{spacing}" stroke="#333333" '
                    f'stroke-width="0.8"/></pattern>')
    step = _nice_step(ymax)
    for v in range(0, int(ymax) + 1, step):
        doc.polyline([(left - 3, sy(v)), (left, sy(v))], stroke="#333333", width=0.6)
        doc.text(left - 5, sy(v), str(v), size=7, ha="right", va="center")
    doc.polyline([(left, top_pad), (left, top_pad + ph), (left + pw, top_pad + ph)], stroke="#333333", width=0.8)
    doc.text(14, top_pad + ph / 2, "meetings per month", size=8, rotate=-90, ha="center", va="center")
    bottoms = [0] * len(series)
    for g, values in enumerate(counts.values()):
        colour = TAB20[g % 20]
        for i, v in enumerate(values):
            if not v:
                continue
            x = sx(i) - 0.4 * slot
            doc.rect(x, sy(bottoms[i] + v), 0.8 * slot, sy(bottoms[i]) - sy(bottoms[i] + v), fill=colour,
                     stroke="white", width=0.4, cls="bar")
            if partial and i == len(series) - 1:
                doc.rect(x, sy(bottoms[i] + v), 0.8 * slot, sy(bottoms[i]) - sy(bottoms[i] + v),
                         fill="url(#partial)", cls="partial")
            bottoms[i] += v
    for i, month in enumerate(series):
        label = month.strftime("%b %y") + ("*" if partial and i == len(series) - 1 else "")
        doc.text(sx(i), top_pad + ph + 4, label, size=7, rotate=-90, ha="right", va="center", cls="month")
    if partial:
        doc.text(left + pw, height - 6, f"* to {ag.as_of.isoformat()} (hatched: month not over)", size=6.5,
                 colour="#555555", ha="right")

    def x_of(day: dt.date) -> float:
        month = day.replace(day=1)
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        return sx(series.index(month) - 0.5 + (day - month).days / (nxt - month).days)

    gone = [(p.left_on, p.name, "#B00020") for p in ag.departed.values() if p.left_on]
    gone += [(s.left_on, f"{s.name} (our staff)", STAFF_COLOR) for s in ag.departed_staff.values() if s.left_on]
    for day, name, colour in sorted(gone):
        if not series or not series[0] <= day <= ag.as_of:
            continue
        x = x_of(day)
        doc.polyline([(x, top_pad), (x, top_pad + ph)], stroke=colour, width=1.0, dash=(3.7, 1.6), cls="departure")
        doc.text(x + 1, top_pad + 2, f"{short(name, 30)} left {day.isoformat()}", size=6.5, colour=colour,
                 rotate=-90, ha="right", va="top", cls="departure")
    lx, ly = left + pw + 12, top_pad
    if counts:
        doc.text(lx, ly, "department" if by == "department" else "buying role", size=8, va="center")
        for g, group in enumerate(counts):
            ly += 12
            doc.rect(lx, ly - 4, 14, 8, fill=TAB20[g % 20])
            label = group.replace("_", " ") if by == "buying_role" else group
            doc.text(lx + 18, ly, short(label, 28), size=7, va="center", cls="legend")
    if title:
        doc.text(left, 14, f"{ag.snapshot.account.name}: meetings per month, as of {ag.as_of.isoformat()}",
                 size=10, weight="bold", va="center", cls="title")
    return doc.render()
