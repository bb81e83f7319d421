"""The communication matrix as a heatmap: our staff (rows) x the client's stakeholders (columns).

A cell is coloured by the cadence status of that pair (days since *their*
last meeting against the stakeholder's target interval: ok, due, overdue)
and labelled with the number of meetings; an empty cell means the two never
met. Stakeholders are ordered by importance (most important left), staff by
their total tie strength (strongest on top); key stakeholders' names are
bold, and the last column and row give the totals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch, Rectangle

from ...analysis.matrix import CommunicationMatrix
from .matrix_data import CELL, LABEL_SIZE, STATUS_LABELS, matrix_layout
from .style import CADENCE_COLORS, FONT, new_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...analysis.pipeline import AccountAnalysis

__all__ = ["plot_matrix"]



def plot_matrix(source: AccountAnalysis | CommunicationMatrix, ax: Axes | None = None, *,
                key: set[str] | None = None, title: str | None = None) -> Axes:
    """Draw the communication matrix heatmap and return the axes.

    Parameters
    ----------
    source : AccountAnalysis or CommunicationMatrix
        The account (its matrix is computed) or a matrix.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the matrix (``ax.figure``).
    key : set of str, optional
        Stakeholders to show in bold (default: the analysis' key stakeholders).
    title : str, optional
        Heading (default: the account name and date when an analysis is given).
    """
    at = matrix_layout(source, key, title)
    grid, key, title, col_names, row_names = at.grid, at.key, at.title, at.col_names, at.row_names
    staff, clients = grid.staff, grid.stakeholders
    top, left, head, width, height = at.top, at.left, at.head, at.width, at.height
    if ax is None:
        fig = new_figure(max(width, 360), height)
        ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    text = dict(parse_math=False, fontfamily=FONT)
    x0, y0 = left, head + top
    if title:
        ax.text(4, 6, title, ha="left", va="top", fontsize=10, fontweight="bold", **text)
    for j, c in enumerate(clients):
        ax.text(x0 + (j + 0.5) * CELL, y0 - 4, col_names[c], rotation=90, ha="center", va="bottom",
                fontsize=LABEL_SIZE, fontweight="bold" if c in key else "normal", **text)
    ax.text(x0 + (len(clients) + 0.5) * CELL, y0 - 4, "total", rotation=90, ha="center", va="bottom",
            fontsize=LABEL_SIZE, fontstyle="italic", **text)
    rgb = {k: to_rgb(v) for k, v in CADENCE_COLORS.items()}
    image = [[rgb[grid.cells[(s, c)].status] if (s, c) in grid.cells else rgb["never"] for c in clients]
             for s in staff]
    if staff and clients:
        ax.imshow(image, extent=(x0, x0 + len(clients) * CELL, y0 + len(staff) * CELL, y0), interpolation="nearest",
                  aspect="auto", zorder=0)
        grid_lines = [[(x0 + j * CELL, y0), (x0 + j * CELL, y0 + len(staff) * CELL)] for j in range(len(clients))]
        grid_lines += [[(x0, y0 + i * CELL), (x0 + len(clients) * CELL, y0 + i * CELL)] for i in range(len(staff))]
        ax.add_collection(LineCollection(grid_lines, colors="#DDDDDD", linewidths=0.5, zorder=1))
    for i, s in enumerate(staff):
        y = y0 + (i + 0.5) * CELL
        ax.text(x0 - 4, y, row_names[s], ha="right", va="center", fontsize=LABEL_SIZE, **text)
        for j, c in enumerate(clients):
            cell = grid.cells.get((s, c))
            if cell:
                ax.text(x0 + (j + 0.5) * CELL, y, str(cell.count), ha="center", va="center", fontsize=6, **text)
        ax.text(x0 + (len(clients) + 0.5) * CELL, y, str(grid.row_totals[s].count), ha="center", va="center",
                fontsize=6, fontstyle="italic", **text)
    ty = y0 + (len(staff) + 0.5) * CELL
    ax.text(x0 - 4, ty, "total", ha="right", va="center", fontsize=LABEL_SIZE, fontstyle="italic", **text)
    for j, c in enumerate(clients):
        total = grid.column_totals[c]
        ax.add_patch(Rectangle((x0 + j * CELL, y0 + len(staff) * CELL), CELL, CELL,
                               facecolor=CADENCE_COLORS[total.status or "never"], edgecolor="#999999",
                               linewidth=0.5))
        ax.text(x0 + (j + 0.5) * CELL, ty, str(total.count), ha="center", va="center", fontsize=6,
                fontstyle="italic", **text)
    ax.add_patch(Rectangle((x0, y0), len(clients) * CELL, len(staff) * CELL, facecolor="none",
                           edgecolor="#888888", linewidth=0.8))
    ax.set_xlim(0, max(width, 360))
    ax.set_ylim(height, 0)
    handles = [Patch(facecolor=CADENCE_COLORS[k], edgecolor="#999999", label=v) for k, v in STATUS_LABELS.items()]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(x0 / max(width, 360), 0.0), ncols=4,
              frameon=False, fontsize=7, title="cell: meetings, coloured by the pair's cadence; columns by "
              "importance (key in bold)", title_fontsize=7)
    return ax
