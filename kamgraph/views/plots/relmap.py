"""The relationship map: the client's organisation, our team beside it, and who meets whom.

The client's people are laid out top-down along their solid reporting lines
(:mod:`kamgraph.views.plots.layout`, no Graphviz); our staff stand in a band on the
left. Each contact between one of our people and a stakeholder is a line whose
**width** is the tie strength and whose **colour** is its recency (days since
their last meeting). Stakeholders are **filled** by coverage status (two or
more threads, one thread, weak contact only, not met, left) and **shaped** by
buying role; key stakeholders are drawn larger with their names in bold;
**articulation points** -- people whose departure cuts others off from our
team -- get a red ring. Dotted reporting lines are dashed. A legend and a
colour bar explain it all.

The geometry -- layout, routes, labels, legend -- is the scene of
:mod:`kamgraph.views.plots.map_scene` (pure Python, measured with matplotlib's own text
widths here); this module only draws it. :mod:`kamgraph.views.plots.svg_map` draws the
same scene as SVG without matplotlib.

Drawing coordinates are points, so with the figure :func:`plot_map` makes
itself (``ax=None``) text is drawn at its real size and no two labels
overlap; on an axes of your own the picture is scaled to fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.lines import Line2D

from ..xray import XRay
from .map_scene import (
    KEY_MARKER,
    LEGEND_WIDTH,
    MARKER,
    NAME_SIZE,
    ROW,
    TITLE_SIZE,
    LegendEntry,
    MapScene,
    coverage_of,
    map_scene,
    marker_obstacles,
    select_people,
)
from .palette import RECENCY_DAYS, RECENCY_STOPS
from .style import FONT, new_figure, text_width

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...analysis.pipeline import AccountAnalysis

__all__ = ["plot_map", "draw_scene", "as_xray", "coverage_of", "marker_obstacles", "select_people", "RECENCY_DAYS",
           "NAME_SIZE", "TITLE_SIZE", "ROW", "MARKER", "KEY_MARKER"]

_RECENCY = LinearSegmentedColormap.from_list("recency", list(RECENCY_STOPS))


def as_xray(source: XRay | AccountAnalysis) -> XRay:
    """The X-ray of an analysis (an X-ray is returned as it is)."""
    if isinstance(source, XRay):
        return source
    from ..xray import xray_from_analysis

    return xray_from_analysis(source)


def _measure(text: str, size: float, weight: str) -> float:
    return text_width(text, size, weight)


def plot_map(source: XRay | AccountAnalysis, ax: Axes | None = None, *, title: bool = True, only: str | None = None,
             aspect: float = 1.0, callouts: int = 3) -> Axes:
    """Draw the relationship map of an account and return the axes.

    Parameters
    ----------
    source : XRay or AccountAnalysis
        The account (an analysis is turned into its X-ray).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized so that every label has
        room (``ax.figure``; nothing is shown, and no pyplot state is touched).
    title : bool
        Put the account name and date above the map.
    only : str, optional
        Show only ``key`` stakeholders, the ``uncovered`` ones, or one ``department NAME`` (and the staff who
        meet them).
    aspect : float
        Wanted width / height of the client organisation (16 / 9 for a slide).
    callouts : int
        Number the top risks (the people whose departure costs most, as the report's decisions list them)
        with a red badge beside their marker; 0 for none.
    """
    scene = map_scene(as_xray(source), _measure, title=title, only=only, aspect=aspect, callouts=callouts)
    return draw_scene(scene, ax)


def _handle(e: LegendEntry) -> Any:
    if e.kind == "line":
        return Line2D([], [], color=e.colour, linewidth=e.width, linestyle=(0, e.dash) if e.dash else "-")
    if e.kind == "marker":
        return Line2D([], [], marker=e.shape, markersize=e.size, markerfacecolor=e.fill, markeredgecolor=e.edge,
                      markeredgewidth=e.edge_width, linestyle="none")
    if e.kind == "badge":
        return Line2D([], [], marker="o", markersize=e.size, markerfacecolor=e.fill, markeredgecolor=e.edge,
                      linestyle="none")
    if e.kind == "mark":
        return Line2D([], [], marker=f"${e.text}$", markersize=7, color=e.colour, linestyle="none")
    return Line2D([], [], linestyle="none")


def draw_scene(scene: MapScene, ax: Axes | None = None) -> Axes:
    """Draw a map scene with matplotlib (on ``ax`` or a new figure) and return the axes."""
    width, total_h = scene.width, scene.height
    if ax is None:
        fig = new_figure(width + LEGEND_WIDTH + 20, total_h)
        ax = fig.add_axes((0, 0, width / (width + LEGEND_WIDTH + 20), 1))
    ax.set_xlim(0, width)
    ax.set_ylim(total_h, 0)
    ax.set_axis_off()
    text = dict(parse_math=False, fontfamily=FONT)
    halo = dict(boxstyle="square,pad=0.08", facecolor="white", edgecolor="none", alpha=0.85)
    from matplotlib.patches import FancyBboxPatch

    bx, by, bw, bh = scene.band
    ax.add_patch(FancyBboxPatch((bx, by), bw, bh, boxstyle="round,pad=0,rounding_size=6", facecolor="#EEF2FB",
                                edgecolor="#C5D0EE", linewidth=0.8, zorder=0))
    ax.add_collection(LineCollection(scene.connectors, colors="#9A9A9A", linewidths=0.8, zorder=1, capstyle="butt"))
    if scene.dotted:
        ax.add_collection(LineCollection(scene.dotted, colors="#9A9A9A", linewidths=0.8, linestyles=(0, (3, 2)),
                                         zorder=1))
    ax.add_collection(LineCollection([c.path for c in scene.contacts], colors=[c.colour for c in scene.contacts],
                                     linewidths=[c.width for c in scene.contacts], alpha=0.75, zorder=2,
                                     capstyle="round", joinstyle="round"))
    for m in scene.markers:
        ax.plot([m.x], [m.y], marker=m.shape, markersize=m.size, markerfacecolor=m.fill, markeredgecolor=m.edge,
                markeredgewidth=m.edge_width, linestyle="none", zorder=4)
        if m.ring:
            ax.plot([m.x], [m.y], marker="o", markersize=m.ring, markerfacecolor="none", markeredgecolor="#CC0033",
                    markeredgewidth=1.8, linestyle="none", zorder=5)
    for lab in scene.labels:
        ax.text(lab.x, lab.y, lab.text, ha=lab.ha, va=lab.va, fontsize=lab.size, color=lab.colour,
                fontweight=lab.weight, fontstyle=lab.style, zorder=6, bbox=halo if lab.halo else None, **text)
    for rank, x, y in scene.badges:
        ax.text(x, y, str(rank), ha="center", va="center", fontsize=7, fontweight="bold", color="white", zorder=7,
                bbox=dict(boxstyle="circle,pad=0.25", facecolor="#CC0033", edgecolor="white", linewidth=0.8), **text)
    legend = ax.legend([_handle(e) for e in scene.legend], [e.label for e in scene.legend], loc="upper left",
                       bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7, handlelength=2.2, borderaxespad=0.6,
                       title="Legend", title_fontsize=8, alignment="left")
    legend.set_zorder(10)
    legend_h = 28 + 11.2 * len(scene.legend)
    norm = Normalize(0, RECENCY_DAYS)
    bar = ax.inset_axes((1.04, (total_h - legend_h - 115) / total_h, 12 / width, 100 / total_h),
                        transform=ax.transAxes)
    cbar = ax.figure.colorbar(ScalarMappable(norm=norm, cmap=_RECENCY), cax=bar)
    cbar.set_label("days since last meeting", fontsize=7)
    cbar.ax.tick_params(labelsize=6)
    cbar.set_ticks([0, 90, 180, 270, 365])
    cbar.set_ticklabels(["0", "90", "180", "270", "365+"])
    return ax
