"""Route contact lines around people's markers: pure geometry (no matplotlib), reusable by any renderer.

A contact line joins one of our staff to a stakeholder. Drawn straight, it
can run through a third person's marker, which then looks covered when they
are not. :func:`route_lines` keeps a straight line when it clears every other
marker, and otherwise routes it over a grid of free cells (A* with a penalty
for turns, so routes run in straight lanes and parallel routes share them),
then straightens the grid path wherever a direct segment is clear.

Guarantee: no segment of a returned route comes closer than an obstacle's
``radius`` to its centre, except the route's own two endpoints' obstacles.
Each grid cell is free only when its centre is at least ``radius + cell *
sqrt(2) / 2`` from every obstacle, and a step joins two free cells at most a
diagonal apart, so every point of a step is within ``cell * sqrt(2) / 2`` of a
free centre; shortcuts are checked exactly (:func:`segment_clear`). A route
for which no such path exists (an endpoint walled in) is returned straight
and listed in :attr:`Routes.blocked`.

Why hand-written: the layouts here are small (tens of markers, a few hundred
lines) and need this one guarantee; a general graph-drawing package
(Graphviz's spline router) would be an external program, and networkx has
no geometry.

Examples
--------
>>> obstacles = {"a": Obstacle(0, 0, 5), "b": Obstacle(50, 0, 5), "c": Obstacle(100, 0, 5)}
>>> routes = route_lines([("a", "c")], obstacles, cell=4)
>>> path = routes.paths[0]
>>> path[0], path[-1], len(path) > 2                     # around b, not through it
((0, 0), (100, 0), True)
>>> all(segment_clear(p, q, [obstacles["b"]]) for p, q in zip(path, path[1:]))
True
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Obstacle", "Routes", "route_lines", "segment_clear", "point_segment_distance"]

Point = tuple[float, float]


@dataclass(frozen=True)
class Obstacle:
    """A marker: centre and the radius no other line may enter."""

    x: float
    y: float
    radius: float


@dataclass
class Routes:
    """One polyline per requested line (same order), and the indices routed straight for want of a path."""

    paths: list[list[Point]]
    blocked: list[int] = field(default_factory=list)


def point_segment_distance(px: float, py: float, a: Point, b: Point) -> float:
    """Distance from a point to a segment.

    Examples
    --------
    >>> point_segment_distance(5, 3, (0, 0), (10, 0)), point_segment_distance(-3, 4, (0, 0), (10, 0))
    (3.0, 5.0)
    """
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def segment_clear(a: Point, b: Point, obstacles: Sequence[Obstacle]) -> bool:
    """True when the segment ``a``-``b`` stays at least each obstacle's radius from its centre."""
    x0, x1 = min(a[0], b[0]), max(a[0], b[0])
    y0, y1 = min(a[1], b[1]), max(a[1], b[1])
    for o in obstacles:
        if o.x + o.radius < x0 or o.x - o.radius > x1 or o.y + o.radius < y0 or o.y - o.radius > y1:
            continue
        if point_segment_distance(o.x, o.y, a, b) < o.radius:
            return False
    return True


class _Grid:
    """Free cells of the drawing: a cell is free when its centre is far enough from every obstacle."""

    def __init__(self, obstacles: Mapping[str, Obstacle], cell: float) -> None:
        xs = [o.x for o in obstacles.values()] or [0.0]
        ys = [o.y for o in obstacles.values()] or [0.0]
        big = max((o.radius for o in obstacles.values()), default=0.0) + 4 * cell
        self.x0, self.y0 = min(xs) - big, min(ys) - big
        self.cell = cell
        self.nx = int((max(xs) + big - self.x0) / cell) + 1
        self.ny = int((max(ys) + big - self.y0) / cell) + 1
        self.blocked = bytearray(self.nx * self.ny)
        reach = cell * math.sqrt(2) / 2
        for o in obstacles.values():
            r = o.radius + reach
            for i in range(max(0, int((o.x - r - self.x0) / cell)), min(self.nx, int((o.x + r - self.x0) / cell) + 2)):
                for j in range(max(0, int((o.y - r - self.y0) / cell)),
                               min(self.ny, int((o.y + r - self.y0) / cell) + 2)):
                    cx, cy = self.centre(i, j)
                    if math.hypot(cx - o.x, cy - o.y) < r:
                        self.blocked[j * self.nx + i] = 1

    def centre(self, i: int, j: int) -> Point:
        return (self.x0 + i * self.cell, self.y0 + j * self.cell)

    def free(self, i: int, j: int) -> bool:
        return 0 <= i < self.nx and 0 <= j < self.ny and not self.blocked[j * self.nx + i]

    def entry(self, p: Point, others: Sequence[Obstacle]) -> tuple[int, int] | None:
        """The nearest free cell whose centre is reachable from ``p`` in a clear straight segment."""
        ci, cj = round((p[0] - self.x0) / self.cell), round((p[1] - self.y0) / self.cell)
        for ring in range(0, 12):
            cells = [(ci + di, cj + dj) for di in range(-ring, ring + 1) for dj in range(-ring, ring + 1)
                     if max(abs(di), abs(dj)) == ring]
            cells.sort(key=lambda c: math.dist(self.centre(*c), p))
            for c in cells:
                if self.free(*c) and segment_clear(p, self.centre(*c), others):
                    return c
        return None


_STEPS = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)]
_ROOT2 = math.sqrt(2)
#: Weight of the distance-to-goal estimate: above 1 finds a near-shortest path after far fewer steps (the
#: path is straightened afterwards anyway).
GREED = 2.0


def _astar(grid: _Grid, start: tuple[int, int], goal: tuple[int, int], turn: float
           ) -> list[tuple[int, int]] | None:
    """A cheap path over free cells: weighted A* on cells (:data:`GREED`; the heading only prices turns)."""
    nx, blocked = grid.nx, grid.blocked
    s_index, g_index = start[1] * nx + start[0], goal[1] * nx + goal[0]
    gx, gy = goal
    best = {s_index: 0.0}
    came: dict[int, int] = {}
    heading = {s_index: -1}
    heap: list[tuple[float, float, int]] = [(0.0, 0.0, s_index)]
    done = set()
    ny = grid.ny
    while heap:
        _, cost, node = heapq.heappop(heap)
        if node == g_index:
            path = [node]
            while node in came:
                node = came[node]
                path.append(node)
            return [(n % nx, n // nx) for n in reversed(path)]
        if node in done:
            continue
        done.add(node)
        i, j = node % nx, node // nx
        here = heading[node]
        for k, (di, dj) in enumerate(_STEPS):
            ni, nj = i + di, j + dj
            if not (0 <= ni < nx and 0 <= nj < ny):
                continue
            nxt = nj * nx + ni
            if blocked[nxt] or nxt in done:
                continue
            if di and dj and blocked[j * nx + ni] and blocked[nj * nx + i]:
                continue
            new = cost + (_ROOT2 if di and dj else 1.0) + (turn if here not in (-1, k) else 0.0)
            if new < best.get(nxt, math.inf):
                best[nxt] = new
                came[nxt] = node
                heading[nxt] = k
                heapq.heappush(heap, (new + GREED * math.hypot(ni - gx, nj - gy), new, nxt))
    return None


def _straighten(points: list[Point], obstacles: Sequence[Obstacle]) -> list[Point]:
    """Drop every intermediate point that a clear direct segment makes unnecessary (greedy, farthest first)."""
    out = [points[0]]
    i = 0
    while i < len(points) - 1:
        j = len(points) - 1
        while j > i + 1 and not segment_clear(points[i], points[j], obstacles):
            j -= 1
        out.append(points[j])
        i = j
    return out


def route_lines(lines: Sequence[tuple[str, str]], obstacles: Mapping[str, Obstacle], *, cell: float = 6.0,
                turn_penalty: float = 0.6, starts: Sequence[Point] | None = None) -> Routes:
    """Route each ``(from_id, to_id)`` line between the centres of two obstacles around all the others.

    Parameters
    ----------
    lines : sequence of (str, str)
        Obstacle ids of each line's two ends.
    obstacles : mapping of id to Obstacle
        Every marker; a line may touch only its own two ends' markers.
    cell : float
        Grid step (drawing units). A line the grid cannot route (a gap narrower than a cell) is tried
        again on grids of half, then a quarter of the step.
    turn_penalty : float
        Extra cost of a change of direction, in cells.
    starts : sequence of points, optional
        Where each line starts instead of its first obstacle's centre (e.g. the edge of a marker).
    """
    grids: dict[float, _Grid] = {}
    paths: list[list[Point]] = []
    blocked: list[int] = []
    for n, (a, b) in enumerate(lines):
        start = starts[n] if starts is not None else (obstacles[a].x, obstacles[a].y)
        end = (obstacles[b].x, obstacles[b].y)
        others = [o for oid, o in obstacles.items() if oid not in (a, b)]
        if segment_clear(start, end, others):
            paths.append([start, end])
            continue
        for step in (cell, cell / 2, cell / 4):
            grid = grids.get(step) or grids.setdefault(step, _Grid(obstacles, step))
            first, last = grid.entry(start, others), grid.entry(end, others)
            cells = _astar(grid, first, last, turn_penalty) if first and last else None
            if cells is not None:
                paths.append(_straighten([start, *(grid.centre(*c) for c in cells), end], others))
                break
        else:
            blocked.append(n)
            paths.append([start, end])
    return Routes(paths, blocked)
