"""Orthogonal routing of the web map's lines around people's markers.

Written by hand (a small A* search on a grid) because the lines must keep clear of circular
markers and no maintained library does just that without a heavy dependency; the static
pictures of :mod:`kamgraph.views.plots` have their own routing, built separately.

A line from marker ``a`` to marker ``b`` first tries the two one-bend routes (an "L"), then a
search on a sparse grid of lanes beside the markers (see :class:`Router`). The returned polyline
never comes within ``radius + clearance/2`` of another marker's centre (checked exactly, segment by
segment); when no such route is found (a marker walled in, or the search budget spent), the straight
line is returned and flagged ``clear=False`` (the map leaves such a line out).

Examples
--------
>>> markers = {"a": (0.0, 0.0), "b": (100.0, 0.0), "x": (50.0, 0.0)}
>>> router = Router(markers, radius=5.5, width=120, height=60)
>>> route = router.route("a", "b")
>>> route.clear, clear_of(route.points, [markers["x"]], 5.5)
(True, True)
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Route", "Router", "clear_of", "segment_distance"]

Point = tuple[float, float]


@dataclass(frozen=True)
class Route:
    """A polyline and whether it keeps clear of every other marker."""

    points: list[Point]
    clear: bool


def segment_distance(p: Point, a: Point, b: Point) -> float:
    """Distance from point ``p`` to the segment ``a``-``b``.

    >>> segment_distance((0, 1), (-1, 0), (1, 0))
    1.0
    """
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def clear_of(points: Sequence[Point], centres: Sequence[Point], radius: float) -> bool:
    """True when no segment of the polyline passes within ``radius`` of any of ``centres``."""
    return all(segment_distance(c, points[i], points[i + 1]) > radius
               for i in range(len(points) - 1) for c in centres)


class Router:
    """Routes lines between the markers of one map (build once, route many).

    The search runs on a sparse orthogonal grid: the lines ``x = mx`` and ``x = mx +- g`` and the same in ``y``
    for every marker centre ``(mx, my)`` (``g = radius + clearance``), plus a lane just outside the drawing on
    each side -- every bend of a calm orthogonal route sits on such a lane. Grid edges are checked against the
    markers on first use and remembered.
    """

    def __init__(self, markers: Mapping[str, Point], *, radius: float, width: float, height: float,
                 clearance: float = 3.0, margin: float = 10.0) -> None:
        self.markers = dict(markers)
        self.radius, self.clearance = radius, clearance
        g = radius + clearance
        xs = {-margin, width + margin}
        ys = {-margin, height + margin}
        for x, y in self.markers.values():
            xs.update((x - g, x, x + g))
            ys.update((y - g, y, y + g))
        self.xs = _dedupe(sorted(xs))
        self.ys = _dedupe(sorted(ys))
        self._xi = {x: i for i, x in enumerate(self.xs)}
        self._yi = {y: j for j, y in enumerate(self.ys)}
        self._bucket = 40.0
        self._buckets: dict[tuple[int, int], list[str]] = {}
        for pid, (x, y) in self.markers.items():
            self._buckets.setdefault((int(x // self._bucket), int(y // self._bucket)), []).append(pid)
        self._edges: dict[tuple[int, int, int, int], frozenset[str]] = {}

    def _near(self, a: Point, b: Point) -> list[tuple[str, Point]]:
        pad = self.radius + self.clearance
        x_lo, x_hi = min(a[0], b[0]) - pad, max(a[0], b[0]) + pad
        y_lo, y_hi = min(a[1], b[1]) - pad, max(a[1], b[1]) + pad
        found = []
        size = self._bucket
        for bi in range(int(x_lo // size), int(x_hi // size) + 1):
            for bj in range(int(y_lo // size), int(y_hi // size) + 1):
                for pid in self._buckets.get((bi, bj), ()):
                    x, y = self.markers[pid]
                    if x_lo <= x <= x_hi and y_lo <= y <= y_hi:
                        found.append((pid, (x, y)))
        return found

    def _blockers(self, a: Point, b: Point) -> frozenset[str]:
        limit = self.radius + self.clearance / 2
        return frozenset(pid for pid, c in self._near(a, b) if segment_distance(c, a, b) <= limit)

    def _polyline_clear(self, points: Sequence[Point], ends: set[str]) -> bool:
        return all(self._blockers(points[i], points[i + 1]) <= ends for i in range(len(points) - 1))

    def route(self, a: str, b: str) -> Route:
        """A route from marker ``a`` to marker ``b`` (see the module docstring)."""
        pa, pb = self.markers[a], self.markers[b]
        ends = {a, b}
        for candidate in ([pa, (pb[0], pa[1]), pb], [pa, (pa[0], pb[1]), pb]):
            if self._polyline_clear(candidate, ends):
                return Route(_simplify(candidate), True)
        found = self._search(pa, pb, ends)
        if found is None:
            return Route([pa, pb], False)
        return Route(found, True)

    def _edge(self, i: int, j: int, k: int, m: int) -> frozenset[str]:
        key = (i, j, k, m) if (i, j) <= (k, m) else (k, m, i, j)
        found = self._edges.get(key)
        if found is None:
            found = self._blockers((self.xs[i], self.ys[j]), (self.xs[k], self.ys[m]))
            self._edges[key] = found
        return found

    def _search(self, pa: Point, pb: Point, ends: set[str]) -> list[Point] | None:
        start = (self._xi[_snap(self.xs, pa[0])], self._yi[_snap(self.ys, pa[1])])
        goal = (self._xi[_snap(self.xs, pb[0])], self._yi[_snap(self.ys, pb[1])])
        xs, ys = self.xs, self.ys
        nx, ny = len(xs), len(ys)

        def h(cell: tuple[int, int]) -> float:
            return abs(xs[cell[0]] - xs[goal[0]]) + abs(ys[cell[1]] - ys[goal[1]])

        bend = 12.0  # a bend costs as much as 12 points of line: routes stay calm
        # weighted A* (2 x the distance left): not always the shortest route, but found fast
        moves = ((1, 0), (-1, 0), (0, 1), (0, -1))
        best: dict[tuple[tuple[int, int], int], float] = {}
        came: dict[tuple[tuple[int, int], int], tuple[tuple[int, int], int] | None] = {}
        heap: list[tuple[float, float, tuple[int, int], int]] = []
        for d in range(4):
            best[(start, d)] = 0.0
            came[(start, d)] = None
            heapq.heappush(heap, (h(start), 0.0, start, d))
        end_state = None
        budget = 6000
        while heap and budget:
            budget -= 1
            _, cost, cell, d = heapq.heappop(heap)
            if cell == goal:
                end_state = (cell, d)
                break
            if cost > best.get((cell, d), math.inf):
                continue
            i, j = cell
            for nd, (di, dj) in enumerate(moves):
                k, m = i + di, j + dj
                if not (0 <= k < nx and 0 <= m < ny) or not self._edge(i, j, k, m) <= ends:
                    continue
                length = abs(xs[k] - xs[i]) + abs(ys[m] - ys[j])
                step_cost = cost + length + (bend if nd != d else 0.0)
                nxt = (k, m)
                if step_cost < best.get((nxt, nd), math.inf):
                    best[(nxt, nd)] = step_cost
                    came[(nxt, nd)] = (cell, d)
                    heapq.heappush(heap, (step_cost + 2.0 * h(nxt), step_cost, nxt, nd))
        if end_state is None:
            return None
        cells = []
        state: tuple[tuple[int, int], int] | None = end_state
        while state is not None:
            cells.append(state[0])
            state = came[state]
        cells.reverse()
        points = _simplify([pa] + [(xs[i], ys[j]) for i, j in cells] + [pb])
        return points if self._polyline_clear(points, ends) else None


def _dedupe(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > 0.5:
            out.append(v)
    return out


def _snap(values: list[float], v: float) -> float:
    """The grid coordinate nearest to ``v``."""
    i = bisect.bisect_left(values, v)
    candidates = values[max(0, i - 1):i + 1]
    return min(candidates, key=lambda c: abs(c - v))


def _simplify(points: Sequence[Point]) -> list[Point]:
    """Drop repeated points and the middle of straight runs."""
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 1e-9 and abs(out[-1][1] - p[1]) < 1e-9:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (abs(ax - bx) < 1e-9 and abs(bx - p[0]) < 1e-9) or (abs(ay - by) < 1e-9 and abs(by - p[1]) < 1e-9):
                out[-1] = p
                continue
        out.append(p)
    return out
