"""The relationship map as SVG, without matplotlib: the scene of :mod:`kamgraph.views.plots.map_scene`, drawn.

This is the map of the HTML (and so the PDF) report and of ``kamgraph plot
--kind map -o FILE.svg``. The matplotlib map (:func:`kamgraph.views.plots.relmap.plot_map`)
draws the same scene for PNG, PDF pictures and the slides.

The SVG is sized in points (``width="…pt"``), so shown at 100 % -- as the
printed report shows it when it fits the page -- its labels are their real
size: names :data:`~.map_scene.NAME_SIZE`, titles :data:`~.map_scene.TITLE_SIZE`.
Elements carry classes the tests read back: ``marker`` (``data-id``, circle or
polygon), ``contact`` (``data-staff``, ``data-stakeholder``), ``ring``,
``badge``, ``attitude``.

"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .map_scene import MapScene, map_scene
from .markers import outline
from .palette import CUT_COLOR, RECENCY_DAYS, RECENCY_STOPS
from .svg import Svg, num
from .textmetrics import text_width

if TYPE_CHECKING:
    from ...analysis.pipeline import AccountAnalysis
    from ..xray import XRay

__all__ = ["map_svg", "scene_svg"]

_HALO_PAD = 0.6


def _as_xray(source: XRay | AccountAnalysis) -> XRay:
    from ..xray import XRay, xray_from_analysis

    return source if isinstance(source, XRay) else xray_from_analysis(source)


def _marker(doc: Svg, shape: str, x: float, y: float, size: float, fill: str, edge: str, width: float,
            cls: str | None = None, data: dict[str, str] | None = None) -> None:
    points = outline(shape)
    if not points:
        doc.circle(x, y, size / 2, fill=fill, stroke=edge, width=width, cls=cls, data=data)
    else:  # the outlines are y-up; the drawing is y-down
        doc.polygon([(x + px * size, y - py * size) for px, py in points], fill=fill, stroke=edge, width=width,
                    cls=cls, data=data)


def _label(doc: Svg, lab: object) -> None:
    from .map_scene import Label

    assert isinstance(lab, Label)
    if lab.halo:
        w = text_width(lab.text, lab.size, lab.weight)
        h = lab.size * 1.2
        x0 = {"left": lab.x, "right": lab.x - w, "center": lab.x - w / 2}[lab.ha]
        y0 = {"top": lab.y, "bottom": lab.y - h, "center": lab.y - h / 2}.get(lab.va, lab.y - h)
        doc.rect(x0 - _HALO_PAD, y0, w + 2 * _HALO_PAD, h, fill="white", opacity=0.85)
    doc.text(lab.x, lab.y, lab.text, size=lab.size, colour=lab.colour, weight=lab.weight, style=lab.style,
             ha=lab.ha, va=lab.va, cls=lab.role)


def scene_svg(scene: MapScene) -> str:
    """Draw a map scene as an SVG document (its ``<svg>`` element)."""
    doc = Svg(scene.total_width, scene.height, label=scene.title or "relationship map")
    bx, by, bw, bh = scene.band
    doc.rect(bx, by, bw, bh, fill="#EEF2FB", stroke="#C5D0EE", width=0.8, rx=6)
    for line in scene.connectors:
        doc.polyline(line, stroke="#9A9A9A", width=0.8, cls="reporting")
    for line in scene.dotted:
        doc.polyline(line, stroke="#9A9A9A", width=0.8, dash=(3, 2), cls="dotted")
    for c in scene.contacts:
        doc.polyline(c.path, stroke=c.colour, width=c.width, opacity=0.75, round_caps=True, cls="contact",
                     data={"staff": c.staff, "stakeholder": c.stakeholder})
    for m in scene.markers:
        _marker(doc, m.shape, m.x, m.y, m.size, m.fill, m.edge, m.edge_width, cls="marker", data={"id": m.id})
        if m.ring:
            doc.circle(m.x, m.y, m.ring / 2, stroke=CUT_COLOR, width=1.8, cls="ring", data={"id": m.id})
    for lab in scene.labels:
        _label(doc, lab)
    for rank, x, y in scene.badges:
        doc.circle(x, y, 5.2, fill=CUT_COLOR, stroke="white", width=0.8, cls="badge")
        doc.text(x, y, str(rank), size=7, colour="white", weight="bold", ha="center", va="center", cls="badge")
    _legend(doc, scene)
    return doc.render()


def _entry(doc: Svg, entry: object, x0: float, y: float) -> None:
    from .map_scene import LegendEntry

    assert isinstance(entry, LegendEntry)
    mid = x0 + 11
    if entry.kind == "marker":
        _marker(doc, entry.shape, mid, y, entry.size, entry.fill, entry.edge, entry.edge_width)
    elif entry.kind == "line":
        doc.polyline([(x0, y), (x0 + 22, y)], stroke=entry.colour, width=entry.width, dash=entry.dash)
    elif entry.kind == "mark":
        doc.text(mid, y, entry.text, size=7, colour=entry.colour, weight="bold", ha="center", va="center")
    elif entry.kind == "badge":
        doc.circle(mid, y, 4.5, fill=entry.fill, stroke="white", width=0.8)
    if entry.label:
        doc.text(x0 + (0 if entry.kind == "text" else 28), y, entry.label, size=7, va="center", cls="legend",
                 colour="#333333" if entry.kind == "text" else "#111111")


def _gradient(doc: Svg, vertical: bool) -> None:
    stops = "".join(f'<stop offset="{num(i / (len(RECENCY_STOPS) - 1))}" stop-color="{c}"/>'
                    for i, c in enumerate(RECENCY_STOPS))
    end = 'x2="0" y2="1"' if vertical else 'x2="1" y2="0"'
    doc.raw_def(f'<linearGradient id="recency" x1="0" y1="0" {end}>{stops}</linearGradient>')


def _legend_below(doc: Svg, scene: MapScene) -> None:
    """The legend in columns under the drawing, the colour bar (horizontal) closing the last column."""
    from .map_scene import legend_column, legend_columns

    assert scene.legend_top is not None
    top = scene.legend_top
    columns = legend_columns(scene.legend, scene.width, text_width)
    step = max(legend_column(scene.legend, text_width), 190.0)
    per_column = max(-(-(len(scene.legend) + 1) // columns), 4)
    doc.text(4, top, "Legend", size=8, weight="bold", va="center", cls="legend")
    for n, entry in enumerate(scene.legend):
        column, line = divmod(n + 1, per_column)
        _entry(doc, entry, 4 + column * step, top + line * 11.2)
    column, line = divmod(len(scene.legend) + 1, per_column)
    x0, y = 4 + column * step, top + line * 11.2
    _gradient(doc, vertical=False)
    doc.rect(x0, y - 4, 100, 8, fill="url(#recency)", stroke="#999999", width=0.5)
    doc.text(x0 + 104, y, "days since last meeting", size=7, va="center", cls="legend")
    for days in (0, 180, 365):
        doc.text(x0 + 100 * days / RECENCY_DAYS, y + 10, "365+" if days == 365 else str(days), size=7,
                 ha="center", va="center", cls="legend")


def _legend(doc: Svg, scene: MapScene) -> None:
    if scene.legend_top is not None:
        _legend_below(doc, scene)
        return
    x0, y = scene.width + 8, 14.0
    doc.text(x0, y, "Legend", size=8, weight="bold", va="center", cls="legend")
    y += 14
    for entry in scene.legend:
        _entry(doc, entry, x0, y)
        y += 11.2
    # Colour bar: days since the last meeting, 0 at the top.
    top, height = y + 10, 100.0
    _gradient(doc, vertical=True)
    doc.rect(x0, top, 12, height, fill="url(#recency)", stroke="#999999", width=0.5)
    for days in (0, 90, 180, 270, 365):
        ty = top + height * days / RECENCY_DAYS
        doc.polyline([(x0 + 12, ty), (x0 + 15, ty)], stroke="#333333", width=0.5)
        doc.text(x0 + 17, ty, "365+" if days == 365 else str(days), size=7, va="center", cls="legend")
    doc.text(x0 + 42, top + height / 2, "days since last meeting", size=7, ha="center", va="center", rotate=-90,
             cls="legend")


def map_svg(source: XRay | AccountAnalysis, *, title: bool = True, only: str | None = None, aspect: float = 1.0,
            callouts: int = 3, fit_width: float | None = None) -> str:
    """The relationship map of an account as an SVG document (options as :func:`~.relmap.plot_map`).

    ``fit_width``: lay it out for a page that many points wide, legend below (see :func:`~.map_scene.map_scene`).
    """
    return scene_svg(map_scene(_as_xray(source), text_width, title=title, only=only, aspect=aspect,
                               callouts=callouts, fit_width=fit_width))
