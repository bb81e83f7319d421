"""Contact-line routing (kamgraph.views.plots.routing): pure geometry, checked against a distance computed here."""

from __future__ import annotations

import math
import random
from itertools import pairwise

import pytest

from kamgraph.views.plots.routing import Obstacle, route_lines


def _dist(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    # closest point by sampling the segment finely: a brute-force check, independent of the module's formula
    steps = max(2, int(math.dist(a, b) / 0.25))
    return min(math.hypot(px - (a[0] + (b[0] - a[0]) * i / steps), py - (a[1] + (b[1] - a[1]) * i / steps))
               for i in range(steps + 1))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_fields_every_route_clears_every_other_obstacle(seed: int) -> None:
    rng = random.Random(seed)
    obstacles: dict[str, Obstacle] = {}
    while len(obstacles) < 40:  # non-overlapping markers on a 600 x 400 field
        x, y, r = rng.uniform(0, 600), rng.uniform(0, 400), rng.uniform(4, 9)
        if all(math.hypot(x - o.x, y - o.y) > r + o.radius + 6 for o in obstacles.values()):
            obstacles[f"p{len(obstacles)}"] = Obstacle(x, y, r)
    ids = list(obstacles)
    lines = [tuple(rng.sample(ids, 2)) for _ in range(40)]
    routes = route_lines(lines, obstacles)  # type: ignore[arg-type]
    assert routes.blocked == []
    detours = 0
    for (a, b), path in zip(lines, routes.paths, strict=True):
        assert path[0] == (obstacles[a].x, obstacles[a].y) and path[-1] == (obstacles[b].x, obstacles[b].y)
        detours += len(path) > 2
        for oid, o in obstacles.items():
            if oid in (a, b):
                continue
            clearance = min(_dist(o.x, o.y, p, q) for p, q in pairwise(path))
            assert clearance >= o.radius - 0.3, (a, b, oid)  # 0.3: the sampling step of the brute force
    assert detours > 0  # a field this dense makes some straight lines hit a marker


def test_straight_when_clear_and_walled_in_is_reported() -> None:
    obstacles = {"a": Obstacle(0, 0, 3), "b": Obstacle(100, 0, 3), "c": Obstacle(50, 40, 3)}
    assert route_lines([("a", "b")], obstacles).paths == [[(0, 0), (100, 0)]]
    ring = {f"w{i}": Obstacle(100 + 20 * math.cos(i * math.pi / 8), 20 * math.sin(i * math.pi / 8), 8)
            for i in range(16)}
    walled = route_lines([("a", "b")], {**obstacles, **ring})
    assert walled.blocked == [0]
