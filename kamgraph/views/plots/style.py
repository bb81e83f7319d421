"""Colours, markers, fonts and small helpers shared by the review pictures.

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

#: Fill colour of a stakeholder by coverage status (colour-blind friendly, from the Okabe-Ito palette).
COVERAGE_COLORS = {
    "multi_threaded": "#009E73",
    "single_threaded": "#F0E442",
    "weak": "#E69F00",
    "uncovered": "#D55E00",
    "left": "#BBBBBB",
}
COVERAGE_LABELS = {
    "multi_threaded": "two or more threads",
    "single_threaded": "one thread",
    "weak": "weak contact only",
    "uncovered": "not met",
    "left": "left the company",
}
#: Cell colour of the communication matrix by cadence status.
CADENCE_COLORS = {"ok": "#8FD1B5", "due": "#F6E27F", "overdue": "#F2A06B", "never": "#FFFFFF"}

#: Marker of a stakeholder by buying role (``None``: no role).
ROLE_MARKERS = {
    "economic_buyer": "D",
    "decision_maker": "s",
    "champion": "*",
    "technical_buyer": "^",
    "coach": "P",
    "influencer": "p",
    "gatekeeper": "h",
    "blocker": "X",
    "user": "v",
    None: "o",
}
ROLE_LABELS = {
    "economic_buyer": "economic buyer",
    "decision_maker": "decision maker",
    "champion": "champion",
    "technical_buyer": "technical buyer",
    "coach": "coach",
    "influencer": "influencer",
    "gatekeeper": "gatekeeper",
    "blocker": "blocker",
    "user": "user",
    None: "no buying role",
}
STAFF_COLOR = "#1F3A93"
CUT_COLOR = "#CC0033"
#: Preferred fonts, in order: DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew...), then fonts that cover
#: the scripts it lacks (Chinese, Japanese, Korean, Indic, Thai...) where installed. Matplotlib falls back glyph
#: by glyph along the list, so a name in any script renders when some font on the machine has it.
FONT_PREFERENCE = ("DejaVu Sans", "Noto Sans", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR",
                   "Source Han Sans", "WenQuanYi Zen Hei", "Droid Sans Fallback", "Noto Sans Devanagari",
                   "Noto Sans Bengali", "Noto Sans Tamil", "Noto Sans Thai", "Noto Sans Arabic", "Noto Sans Hebrew",
                   "Noto Sans Armenian", "Noto Sans Georgian", "Noto Sans Ethiopic", "Noto Color Emoji")


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


def short(text: str | None, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    Examples
    --------
    >>> short("Chief Information Officer", 12), short(None, 5)
    ('Chief Infor…', '')
    """
    if not text:
        return ""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"

