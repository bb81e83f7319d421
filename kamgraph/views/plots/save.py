"""Render the review pictures to PNG, SVG or PDF bytes and files.

:func:`write_plot` writes an ``.svg`` file with kamgraph's own SVG writers
(:mod:`.svg_map`, :mod:`.svg_charts`: no matplotlib import, the fast path),
``.png`` from the same SVG rasterised by resvg (:mod:`.raster`; no matplotlib
either, when ``resvg`` is installed, else matplotlib's PNG) and ``.pdf``
with matplotlib on the Agg canvas (see :mod:`kamgraph.views.plots.style`):
nothing is displayed, no pyplot figure is left open. :func:`figure_bytes`
turns any matplotlib figure into PNG, SVG (text kept as ``<text>``
elements, escaped by matplotlib's writer) or PDF bytes.
matplotlib is imported only when a matplotlib picture is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import raster

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...analysis.pipeline import AccountAnalysis

__all__ = ["PLOT_KINDS", "PLOT_FORMATS", "figure_bytes", "plot_figure", "plot_svg", "write_plot"]

PLOT_KINDS = ("map", "matrix", "timeline")
PLOT_FORMATS = ("png", "svg", "pdf")


def figure_bytes(fig: Figure, fmt: str, dpi: float = 150) -> bytes:
    """The figure as ``png``, ``svg`` or ``pdf`` bytes (SVG text stays text; output is reproducible)."""
    import io

    import matplotlib as mpl

    if fmt not in PLOT_FORMATS:
        raise ValueError(f"unknown picture format {fmt!r} (expected one of {', '.join(PLOT_FORMATS)})")
    out = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kamgraph"}):
        fig.savefig(out, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None,
                    facecolor="white")
    return out.getvalue()


def plot_figure(analysis: AccountAnalysis, kind: str, **options: Any) -> Figure:
    """A new figure with one picture of the account: ``map``, ``matrix`` or ``timeline``."""
    from .matrix import plot_matrix
    from .relmap import plot_map
    from .timeline import plot_timeline

    if kind == "map":
        return plot_map(analysis, **options).figure  # type: ignore[return-value]
    if kind == "matrix":
        return plot_matrix(analysis, **options).figure  # type: ignore[return-value]
    if kind == "timeline":
        return plot_timeline(analysis, **options).figure  # type: ignore[return-value]
    raise ValueError(f"unknown picture kind {kind!r} (expected one of {', '.join(PLOT_KINDS)})")


def plot_svg(analysis: AccountAnalysis, kind: str, **options: Any) -> str:
    """One picture of the account as an SVG document, drawn without matplotlib (options as :func:`plot_figure`)."""
    from .svg_charts import matrix_svg, timeline_svg
    from .svg_map import map_svg

    if kind == "map":
        return map_svg(analysis, **options)
    if kind == "matrix":
        return matrix_svg(analysis, **options)
    if kind == "timeline":
        return timeline_svg(analysis, **options)
    raise ValueError(f"unknown picture kind {kind!r} (expected one of {', '.join(PLOT_KINDS)})")


def write_plot(analysis: AccountAnalysis, kind: str, path: str | Path, *, dpi: float = 150,
               **options: Any) -> Path:
    """Draw one picture and write it to ``path`` (format from the suffix: .png, .svg or .pdf).

    SVG is written by kamgraph's SVG writers (no matplotlib); PNG is that SVG rasterised by resvg at ``dpi``
    (pixels = points * dpi / 72; matplotlib's PNG when ``resvg`` is missing); PDF by matplotlib.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in PLOT_FORMATS:
        raise ValueError(f"{target.name}: the file name must end in .png, .svg or .pdf")
    if fmt == "svg":
        svg = plot_svg(analysis, kind, **options)
        target.write_text(svg, encoding="utf-8")
        return target
    if fmt == "png" and raster.available():
        target.write_bytes(raster.svg_png(plot_svg(analysis, kind, **options), dpi))
        return target
    fig = plot_figure(analysis, kind, **options)
    data = figure_bytes(fig, fmt, dpi)
    fig.clear()
    target.write_bytes(data)
    return target
