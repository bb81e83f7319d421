"""Colours, markers, fonts and small helpers shared by the review pictures.

The colours, markers and font list live in :mod:`kamgraph.views.plots.palette`
(pure data, shared with the SVG writers) and are re-exported here.
Importing this module imports matplotlib (object-oriented API only: no
pyplot, no display, the Agg canvas). It is imported by the plot modules
only, never by the X-ray path.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from .palette import (
    CADENCE_COLORS,
    COVERAGE_COLORS,
    COVERAGE_LABELS,
    CUT_COLOR,
    FONT_PREFERENCE,
    ROLE_LABELS,
    ROLE_MARKERS,
    STAFF_COLOR,
)
from .textmetrics import short

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "COVERAGE_COLORS",
    "COVERAGE_LABELS",
    "CADENCE_COLORS",
    "ROLE_MARKERS",
    "ROLE_LABELS",
    "STAFF_COLOR",
    "CUT_COLOR",
    "new_figure",
    "new_axes",
    "text_width",
    "short",
    "FONT",
    "FONT_PREFERENCE",
    "installed_fonts",
]

def installed_fonts(preference: tuple[str, ...] = FONT_PREFERENCE) -> list[str]:
    """The preferred font families that are installed, in order (DejaVu Sans, matplotlib's own, always first).

    Examples
    --------
    >>> installed_fonts()[0]
    'DejaVu Sans'
    """
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(f for f in preference[1:] if f in names)]


#: The font list every picture uses (only installed families, so matplotlib never warns about a missing one).
FONT = installed_fonts()


def new_figure(width_pt: float, height_pt: float, dpi: float = 100) -> Figure:
    """A figure of this size in points, on the Agg canvas (never shown, nothing global to close)."""
    fig = Figure(figsize=(max(width_pt, 72) / 72, max(height_pt, 72) / 72), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def new_axes(width_pt: float, height_pt: float) -> Axes:
    """One axes filling a new figure of this size."""
    fig = new_figure(width_pt, height_pt)
    return fig.add_axes((0, 0, 1, 1))


@cache
def _renderer() -> RendererAgg:
    return RendererAgg(10, 10, 72)


@cache
def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width of ``text`` in points at this font size (no math parsing)."""
    prop = FontProperties(family=FONT, size=size, weight=weight)
    width, _, _ = _renderer().get_text_width_height_descent(text, prop, ismath=False)
    return float(width)



