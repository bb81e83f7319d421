"""What the communication-matrix pictures draw, without matplotlib: the grid, the key people, the title and
the layout (cell size, label widths, margins).

Both the matplotlib heatmap (:func:`kamgraph.views.plots.matrix.plot_matrix`) and the SVG writer
(:func:`kamgraph.views.plots.svg_charts.matrix_svg`) start here, so the two pictures always show the
same cells under the same heading, laid out alike.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.analysis.matrix import CommunicationMatrix
>>> grid = CommunicationMatrix(as_of=dt.date(2026, 1, 5), staff=[], stakeholders=[], names={})
>>> matrix_input(grid, None, None) == (grid, set(), None)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .textmetrics import short, text_width

if TYPE_CHECKING:
    from ...analysis.matrix import CommunicationMatrix
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["CELL", "LABEL_SIZE", "STATUS_LABELS", "MatrixLayout", "matrix_input", "matrix_layout"]

#: Side of a cell and size of the names, in points.
CELL = 15.0
LABEL_SIZE = 7.0
#: The legend's words for each cadence status.
STATUS_LABELS = {"ok": "ok (met recently)", "due": "due", "overdue": "overdue", "never": "never met"}


def matrix_input(source: AccountAnalysis | CommunicationMatrix, key: set[str] | None, title: str | None
                 ) -> tuple[CommunicationMatrix, set[str], str | None]:
    """``(grid, key people, title)``: an analysis gives its matrix, its key stakeholders (unless ``key`` is
    given) and, unless ``title`` is, the account name and date; a ready matrix is drawn as it is."""
    from ...analysis.matrix import CommunicationMatrix, communication_matrix

    if isinstance(source, CommunicationMatrix):
        return source, key or set(), title
    grid = communication_matrix(source.ag)
    key = source.key if key is None else key
    if title is None:
        title = f"{source.ag.snapshot.account.name}: communication matrix, as of {source.ag.as_of.isoformat()}"
    return grid, key or set(), title


@dataclass
class MatrixLayout:
    """Where the matrix goes: names shortened for the labels, the label band above (``top``) and left of
    (``left``) the cells, the heading's height (``head``), and the picture's natural size in points."""

    grid: CommunicationMatrix
    key: set[str]
    title: str | None
    col_names: dict[str, str]
    row_names: dict[str, str]
    top: float
    left: float
    head: float
    width: float
    height: float


def matrix_layout(source: AccountAnalysis | CommunicationMatrix, key: set[str] | None, title: str | None
                  ) -> MatrixLayout:
    """The layout of the matrix picture of ``source`` (arguments as :func:`matrix_input`)."""
    grid, key, title = matrix_input(source, key, title)
    col_names = {c: short(grid.names[c], 26) for c in grid.stakeholders}
    row_names = {s: short(grid.names[s], 26) for s in grid.staff}
    top = max((text_width(n, LABEL_SIZE, "bold") for n in col_names.values()), default=20) + 10
    left = max((text_width(n, LABEL_SIZE, "bold") for n in row_names.values()), default=20) + 10
    head = 30.0 if title else 6.0
    return MatrixLayout(grid=grid, key=key, title=title, col_names=col_names, row_names=row_names, top=top,
                        left=left, head=head, width=left + (len(grid.stakeholders) + 1) * CELL + 10,
                        height=head + top + (len(grid.staff) + 1) * CELL + 50)
