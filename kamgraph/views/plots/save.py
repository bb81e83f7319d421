"""Render the review pictures to PNG, SVG or PDF bytes and files.

Figures are made on the Agg canvas (see :mod:`kamgraph.views.plots.style`): nothing
is displayed, no pyplot figure is left open. SVG keeps text as ``<text>``
elements (searchable; the SVG writer escapes it) instead of paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl

from .matrix import plot_matrix
from .relmap import plot_map
from .timeline import plot_timeline

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...analysis.pipeline import AccountAnalysis

__all__ = ["PLOT_KINDS", "PLOT_FORMATS", "figure_bytes", "plot_figure", "write_plot"]

PLOT_KINDS = ("map", "matrix", "timeline")
PLOT_FORMATS = ("png", "svg", "pdf")


def figure_bytes(fig: Figure, fmt: str, dpi: float = 150) -> bytes:
    """The figure as ``png``, ``svg`` or ``pdf`` bytes (SVG text stays text; output is reproducible)."""
    import io

    if fmt not in PLOT_FORMATS:
        raise ValueError(f"unknown picture format {fmt!r} (expected one of {', '.join(PLOT_FORMATS)})")
    out = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kamgraph"}):
        fig.savefig(out, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None,
                    facecolor="white")
    return out.getvalue()


def plot_figure(analysis: AccountAnalysis, kind: str, **options: Any) -> Figure:
    """A new figure with one picture of the account: ``map``, ``matrix`` or ``timeline``."""
    if kind == "map":
        return plot_map(analysis, **options).figure  # type: ignore[return-value]
    if kind == "matrix":
        return plot_matrix(analysis, **options).figure  # type: ignore[return-value]
    if kind == "timeline":
        return plot_timeline(analysis, **options).figure  # type: ignore[return-value]
    raise ValueError(f"unknown picture kind {kind!r} (expected one of {', '.join(PLOT_KINDS)})")


def write_plot(analysis: AccountAnalysis, kind: str, path: str | Path, *, dpi: float = 150,
               **options: Any) -> Path:
    """Draw one picture and write it to ``path`` (format from the suffix: .png, .svg or .pdf)."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in PLOT_FORMATS:
        raise ValueError(f"{target.name}: the file name must end in .png, .svg or .pdf")
    fig = plot_figure(analysis, kind, **options)
    data = figure_bytes(fig, fmt, dpi)
    fig.clear()
    target.write_bytes(data)
    return target
