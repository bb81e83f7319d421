"""The outlines of the map's markers as polygons of size 1 (pure geometry, no matplotlib).

Each buying role has a marker (:data:`kamgraph.views.plots.palette.ROLE_MARKERS`,
matplotlib's marker codes). The SVG writer draws these outlines and the
router keeps lines clear of their :func:`reach`; they are the same shapes
matplotlib draws for those codes (``tests/test_svg_map.py`` compares them with
matplotlib's own marker paths). Coordinates are in units of the marker size,
centred on the marker, **y up**; ``"o"`` is a circle of diameter 1.

Examples
--------
>>> reach("o"), round(reach("s"), 4), round(reach("*"), 4)
(0.5, 0.7071, 0.5)
>>> outline("^")
[(0.0, 0.5), (-0.5, -0.5), (0.5, -0.5)]
"""

from __future__ import annotations

import math

__all__ = ["outline", "reach", "SHAPES"]


def _regular(sides: int, radius: float = 0.5) -> list[tuple[float, float]]:
    """A regular polygon with a vertex at the top."""
    angles = [2 * math.pi * k / sides for k in range(sides)]
    return [(round(-radius * math.sin(a), 6), round(radius * math.cos(a), 6)) for a in angles]


def _star(points: int = 5, outer: float = 0.5, inner: float = 0.5 * 0.381966) -> list[tuple[float, float]]:
    out = []
    for k in range(2 * points):
        r = outer if k % 2 == 0 else inner
        a = math.pi * k / points
        out.append((round(-r * math.sin(a), 6), round(r * math.cos(a), 6)))
    return out


_S = 1 / 6
#: Outline of every marker code but the circle.
SHAPES: dict[str, list[tuple[float, float]]] = {
    "s": [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)],
    "D": [(0.0, -0.707107), (0.707107, 0.0), (0.0, 0.707107), (-0.707107, 0.0)],
    "^": [(0.0, 0.5), (-0.5, -0.5), (0.5, -0.5)],
    "v": [(0.0, -0.5), (0.5, 0.5), (-0.5, 0.5)],
    "p": _regular(5),
    "h": _regular(6),
    "*": _star(),
    "P": [(-_S, -0.5), (_S, -0.5), (_S, -_S), (0.5, -_S), (0.5, _S), (_S, _S), (_S, 0.5), (-_S, 0.5), (-_S, _S),
          (-0.5, _S), (-0.5, -_S), (-_S, -_S)],
    "X": [(-0.25, -0.5), (0.0, -0.25), (0.25, -0.5), (0.5, -0.25), (0.25, 0.0), (0.5, 0.25), (0.25, 0.5),
          (0.0, 0.25), (-0.25, 0.5), (-0.5, 0.25), (-0.25, 0.0), (-0.5, -0.25)],
}


def outline(marker: str) -> list[tuple[float, float]]:
    """The polygon of a marker code (empty for the circle ``"o"`` and unknown codes)."""
    return list(SHAPES.get(marker, []))


def reach(marker: str) -> float:
    """How far a marker of size 1 reaches from its centre."""
    points = SHAPES.get(marker)
    return 0.5 if not points else max(math.hypot(x, y) for x, y in points)
