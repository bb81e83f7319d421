"""What the communication-matrix pictures draw, without matplotlib: the grid, the key people and the title.

Both the matplotlib heatmap (:func:`kamgraph.views.plots.matrix.plot_matrix`) and the SVG writer
(:func:`kamgraph.views.plots.svg_charts.matrix_svg`) start here, so the two pictures always show the
same cells under the same heading.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.analysis.matrix import CommunicationMatrix
>>> grid = CommunicationMatrix(as_of=dt.date(2026, 1, 5), staff=[], stakeholders=[], names={})
>>> matrix_input(grid, None, None) == (grid, set(), None)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...analysis.matrix import CommunicationMatrix
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["matrix_input"]


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
