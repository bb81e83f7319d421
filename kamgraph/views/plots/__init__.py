"""Pictures for account reviews, drawn with matplotlib on the Agg canvas (nothing is displayed).

* :func:`plot_map` -- the relationship map (client org chart, our staff, contacts);
* :func:`plot_matrix` -- the communication matrix heatmap;
* :func:`plot_timeline` -- meetings per month with departures marked;
* :func:`plot_portfolio` -- every account's qualification score against its fragility;
* :func:`write_plot` / :func:`figure_bytes` -- PNG, SVG or PDF files and bytes.

Each ``plot_*`` function draws on the axes it is given (or on a new figure,
returned as ``ax.figure``) and never calls ``plt.show()``. Importing this
package imports matplotlib; nothing on the X-ray path imports it.
"""

from __future__ import annotations

from .matrix import plot_matrix
from .portfolio import plot_portfolio
from .relmap import plot_map
from .save import PLOT_FORMATS, PLOT_KINDS, figure_bytes, plot_figure, write_plot
from .timeline import plot_timeline

__all__ = ["plot_map", "plot_matrix", "plot_timeline", "plot_portfolio", "figure_bytes", "plot_figure", "write_plot",
           "PLOT_KINDS", "PLOT_FORMATS"]
