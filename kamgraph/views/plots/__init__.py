"""Pictures for account reviews: the relationship map, matrix, timeline and portfolio chart.

* :func:`plot_map` -- the relationship map (client org chart, our staff, contacts);
* :func:`plot_matrix` -- the communication matrix heatmap;
* :func:`plot_timeline` -- meetings per month with departures marked;
* :func:`plot_portfolio` -- every account's qualification score against its fragility;
* :func:`write_plot` / :func:`figure_bytes` -- PNG, SVG or PDF files and bytes.

Two renderers: the ``plot_*`` functions draw with matplotlib on the Agg
canvas (nothing is displayed, ``plt.show()`` is never called; PNG and PDF,
the slides); :mod:`.svg_map`, :mod:`.svg_matrix` and :mod:`.svg_timeline`
write SVG without matplotlib (the HTML report, ``plot -o FILE.svg``), from the
same pure geometry (:mod:`.map_scene`, :mod:`.layout`, :mod:`.routing`).
Names are imported lazily: importing this package, or a pure module in it,
does not import matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["plot_map", "plot_matrix", "plot_timeline", "plot_portfolio", "figure_bytes", "plot_figure", "write_plot",
           "PLOT_KINDS", "PLOT_FORMATS"]

_HOME = {"plot_map": "relmap", "plot_matrix": "matrix", "plot_timeline": "timeline", "plot_portfolio": "portfolio",
         "figure_bytes": "save", "plot_figure": "save", "write_plot": "save", "PLOT_KINDS": "save",
         "PLOT_FORMATS": "save"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
