"""Tests written for the survivors of the mutation run of the kernels' Python twins (``scripts/mutation.sh
kernels``, docs/mutation.md): the vertex connectivity between the team and a stakeholder and the warmest
paths from the team, each checked against networkx on graphs built here from plain adjacency lists (not
through kamgraph's graph code), and small cases worked out by hand.

``tests/test_kernels.py`` compares the Python twins with the compiled kernels; where the compiled ones are
not built (the mutation run's copy, ``KAMGRAPH_PURE_PYTHON=1``) that comparison has nothing to compare.
"""

from __future__ import annotations

import math
import random
from array import array

import networkx as nx
import pytest

from kamgraph.kernels import python as kp


def _csr(n: int, edges: set[tuple[int, int]]) -> tuple[array, array, array]:
    """``indptr``, ``indices`` (neighbours sorted) and ``rev`` (each position's reverse) of an undirected graph."""
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    indptr, indices = array("i", [0]), array("i")
    for row in neighbours:
        indices.extend(sorted(row))
        indptr.append(len(indices))
    where = {(v, indices[e]): e for v in range(n) for e in range(indptr[v], indptr[v + 1])}
    rev = array("i", [where[indices[e], v] for v in range(n) for e in range(indptr[v], indptr[v + 1])])
    return indptr, indices, rev


def _random_graph(rng: random.Random, n: int, p: float) -> set[tuple[int, int]]:
    return {(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < p}


def _random_team_graph(rng: random.Random, staff: tuple[int, int], others: tuple[int, int],
                       density: float | list[float]) -> tuple[int, int, set[tuple[int, int]]]:
    """``(n_staff, n, edges)``: staff and other people in the given ranges, each pair linked with the
    probability ``density`` (or one of them, picked at random)."""
    n_staff = rng.randint(*staff)
    n = n_staff + rng.randint(*others)
    p = rng.choice(density) if isinstance(density, list) else density
    return n_staff, n, _random_graph(rng, n, p)


# -- connectivity ---------------------------------------------------------------------------------------

def _reference_connectivity(n: int, n_staff: int, edges: set[tuple[int, int]], target: int) -> int:
    """Internally vertex-disjoint paths from the team (one source joined to every staff member) to ``target``."""
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    g.add_edges_from(("team", s) for s in range(n_staff))
    return nx.algorithms.connectivity.local_node_connectivity(g, "team", target)


def _check_connectivity(seed: int, staff: tuple[int, int], others: tuple[int, int], densities: list[float],
                        caps: tuple[int, ...]) -> None:
    """The kernel's connectivity of every stakeholder of one random graph against networkx, uncapped and
    with each of ``caps``."""
    n_staff, n, edges = _random_team_graph(random.Random(seed), staff, others, densities)
    indptr, indices, rev = _csr(n, edges)
    for target in range(n_staff, n):
        expected = _reference_connectivity(n, n_staff, edges, target)
        assert kp.connectivity(n, n_staff, indptr, indices, rev, target, -1) == expected, (seed, target)
        for cap in caps:
            assert kp.connectivity(n, n_staff, indptr, indices, rev, target, cap) == min(cap, expected)


@pytest.mark.parametrize("seed", range(60))
def test_connectivity_is_the_number_of_disjoint_paths_from_the_team(seed: int) -> None:
    _check_connectivity(seed, (1, 4), (2, 9), [0.2, 0.35, 0.5], caps=(0, 1, 2))


def test_connectivity_on_larger_graphs_where_paths_must_be_rerouted() -> None:
    # bigger and sparser than above: augmenting paths that cancel and step back through people already used
    for seed in range(400):
        _check_connectivity(seed, (2, 5), (4, 14), [0.15, 0.25, 0.35], caps=())


def test_connectivity_by_hand() -> None:
    # staff 0, 1; stakeholders 2..5.  2 knows both staff: two paths.  3 knows 0 (and 4, 5, who know only 3):
    # one path for 3, and one for 4 and for 5, whose every path runs through 3.
    edges = {(0, 2), (1, 2), (0, 3), (3, 5), (3, 4)}
    indptr, indices, rev = _csr(6, edges)
    assert [kp.connectivity(6, 2, indptr, indices, rev, t, -1) for t in (2, 3, 4, 5)] == [2, 1, 1, 1]
    # 5 knows 3 and 4; 3 knows 0, 1 and 4; 4 knows 1 and 3: two paths, 5-3-0 and 5-4-1
    edges = {(1, 4), (3, 4), (0, 3), (1, 3), (3, 5), (4, 5)}
    indptr, indices, rev = _csr(6, edges)
    assert kp.connectivity(6, 2, indptr, indices, rev, 5, -1) == 2
    # a staff member's own connectivity is the team's size, capped
    assert [kp.connectivity(6, 2, indptr, indices, rev, 0, cap) for cap in (-1, 0, 1, 5)] == [2, 0, 1, 2]
    # an isolated stakeholder: no path at all
    indptr, indices, rev = _csr(4, {(0, 2)})
    assert kp.connectivity(4, 2, indptr, indices, rev, 3, -1) == 0


def test_two_paths_to_one_staff_member_count_once() -> None:
    # staff 0 (alone) and 1; target 6 knows 2 and 3; 2-4-1 and 3-5-1: both paths end at staff member 1, who
    # is one person: one disjoint path (staff 0 knows nobody)
    edges = {(6, 2), (6, 3), (2, 4), (3, 5), (4, 1), (5, 1)}
    indptr, indices, rev = _csr(7, edges)
    assert _reference_connectivity(7, 2, edges, 6) == 1
    assert kp.connectivity(7, 2, indptr, indices, rev, 6, -1) == 1


def test_connectivity_needs_an_augmenting_path_that_cancels_a_greedy_one() -> None:
    # staff 0, 1. Target 6 knows 2 and 3.  2 knows 4 and 5; 3 knows only 4; 4 knows 0; 5 knows 1.
    # Greedy two steps find nothing (2 and 3 know no staff directly); the search finds 6-2-4-0, and then
    # 6-3-4... must cancel 2-4 and reroute 2 through 5: 6-2-5-1 and 6-3-4-0.  Two paths.
    edges = {(6, 2), (6, 3), (2, 4), (2, 5), (3, 4), (4, 0), (5, 1)}
    indptr, indices, rev = _csr(7, edges)
    assert _reference_connectivity(7, 2, edges, 6) == 2
    assert kp.connectivity(7, 2, indptr, indices, rev, 6, -1) == 2
    assert kp.connectivity(7, 2, indptr, indices, rev, 6, 1) == 1


# -- warm paths -----------------------------------------------------------------------------------------

def _reference_distances(n: int, n_staff: int, weights: dict[tuple[int, int], float]) -> dict[int, float]:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for (a, b), w in weights.items():
        g.add_edge(a, b, weight=w)
    return nx.multi_source_dijkstra_path_length(g, set(range(n_staff)))


@pytest.mark.parametrize("seed", range(40))
def test_warm_paths_are_the_shortest_distances_from_the_team(seed: int) -> None:
    rng = random.Random(1000 + seed)
    n_staff, n, edges = _random_team_graph(rng, (1, 3), (2, 10), 0.3)
    indptr, indices, _ = _csr(n, edges)
    length = {e: rng.uniform(0.05, 2.0) for e in edges}
    lengths = array("d", [length[min(v, w), max(v, w)] for v in range(n)
                          for w in indices[indptr[v]:indptr[v + 1]]])
    weak = [(rng.randrange(n_staff), rng.randrange(n_staff, n), rng.choice([0.0, 0.5, 3.0])) for _ in range(2)]
    weights = dict(length)  # the best of a link and a weak contact between the same two people
    for s, c, strength in weak:
        d = 1.0 / strength if strength > 0 else 1e9
        weights[s, c] = min(weights.get((s, c), math.inf), d)
    tree = kp.warm_paths(n, n_staff, indptr, indices, lengths, weak)
    expected = _reference_distances(n, n_staff, weights)
    for v in range(n):
        assert tree.dist[v] == pytest.approx(expected.get(v, math.inf), rel=1e-12), (seed, v)
        if v < n_staff or v not in expected:
            assert tree.prev[v] == -1
        else:  # the predecessor lies on a shortest path
            u = tree.prev[v]
            assert tree.dist[u] + weights[min(u, v), max(u, v)] == pytest.approx(tree.dist[v], rel=1e-12)


def test_warm_paths_by_hand() -> None:
    # staff 0, 1 (distance 0). 2 is 0.5 from 0 and 0.25 from 1: 0.25, through 1. 3 is 1.0 from 2 and has a
    # weak contact with 0 of strength 0.8 (distance 1.25): 0 leaves the queue first and sets 3 to 1.25
    # through the contact; 2 later offers 0.25 + 1.0 = 1.25, not better by more than 1e-12, so 3 keeps 0.
    # 4 knows nobody: unreachable.
    edges = {(0, 2), (1, 2), (2, 3)}
    indptr, indices, _ = _csr(5, edges)
    length = {(0, 2): 0.5, (1, 2): 0.25, (2, 3): 1.0}
    lengths = array("d", [length[min(v, w), max(v, w)] for v in range(5) for w in indices[indptr[v]:indptr[v + 1]]])
    tree = kp.warm_paths(5, 2, indptr, indices, lengths, [(0, 3, 0.8)])
    assert tree.dist == [0.0, 0.0, 0.25, 1.25, math.inf]
    assert tree.prev == [-1, -1, 1, 0, -1]
    # a weak contact without strength counts as 1e9
    tree = kp.warm_paths(5, 2, indptr, indices, lengths, [(0, 4, 0.0)])
    assert (tree.dist[4], tree.prev[4]) == (1e9, 0)


# -- brokers ---------------------------------------------------------------------------------------------

def _reference_brokers(n: int, n_staff: int, edges: set[tuple[int, int]], department: list[int]
                       ) -> dict[int, tuple[float, list[int]]]:
    """From the docstring: a stakeholder whose stakeholder neighbours sit in a department other than its own
    and, with its own (if any), in two or more; its departments in the order its sorted neighbours show them,
    then its own; Burt's constraint (networkx, unit weights) on the stakeholder subgraph."""
    clients = nx.Graph()
    clients.add_nodes_from(range(n_staff, n))
    clients.add_edges_from((a, b) for a, b in edges if a >= n_staff and b >= n_staff)
    constraint = nx.constraint(clients)
    found = {}
    for v in range(n_staff, n):
        own = department[v]
        depts: list[int] = []
        for w in sorted(clients[v]):
            if department[w] and department[w] != own and department[w] not in depts:
                depts.append(department[w])
        if depts and own:
            depts.append(own)
        if len(depts) >= 2:
            found[v] = (constraint[v], depts)
    return found


@pytest.mark.parametrize("seed", range(40))
def test_brokers_are_the_stakeholders_tied_into_two_departments(seed: int) -> None:
    rng = random.Random(2000 + seed)
    n_staff, n, edges = _random_team_graph(rng, (1, 3), (3, 10), 0.4)
    n_departments = rng.randint(1, 3)
    department = [0] * n_staff + [rng.randint(0, n_departments) for _ in range(n - n_staff)]
    indptr, indices, _ = _csr(n, edges)
    table = kp.brokers(n, n_staff, indptr, indices, array("i", department), n_departments)
    expected = _reference_brokers(n, n_staff, edges, department)
    assert table.node == sorted(expected)
    assert table.departments == [expected[v][1] for v in table.node]
    assert table.constraint == pytest.approx([expected[v][0] for v in table.node], rel=1e-12)


def test_brokers_by_hand() -> None:
    # staff 0; stakeholders 1 (dept 1), 2 (dept 2), 3 (no dept), 4 (dept 1).  Staff ties do not count.
    # 3 knows 1, 2 and staff 0: neighbours in departments 1 and 2, no own: a broker, departments [1, 2].
    # 1 knows 3 and 4 (dept 1, its own) and 0: no other department: not a broker.
    # 2 knows 3 and 4: department 1 besides its own 2: [1, 2].  4 knows 1 (its own dept) and 2: [2, 1].
    # No two neighbours of anyone are tied: each constraint is 2 * (1/2)^2 = 0.5.
    edges = {(0, 3), (0, 1), (1, 3), (2, 3), (1, 4), (2, 4)}
    indptr, indices, _ = _csr(5, edges)
    table = kp.brokers(5, 1, indptr, indices, array("i", [0, 1, 2, 0, 1]), 2)
    assert (table.node, table.departments) == ([2, 3, 4], [[1, 2], [1, 2], [2, 1]])
    assert table.constraint == pytest.approx([0.5, 0.5, 0.5])
    # a triangle 1-2-3 and 4 tied to 1; departments 1, 2, none, 2.  1 is a broker ([2, 1]); its p = 1/3;
    # to 2: 1/3 + (1/3)(1/2) through 3 = 1/2; to 3 likewise 1/2; to 4: 1/3.  1/4 + 1/4 + 1/9 = 11/18.
    edges = {(1, 2), (1, 3), (2, 3), (1, 4)}
    indptr, indices, _ = _csr(5, edges)
    table = kp.brokers(5, 1, indptr, indices, array("i", [0, 1, 2, 0, 2]), 2)
    assert table.node[0] == 1 and table.departments[0] == [2, 1]
    assert table.constraint[0] == pytest.approx(11 / 18)


# -- removal impacts -----------------------------------------------------------------------------------------

def _reached(n: int, n_staff: int, edges: set[tuple[int, int]], gone: int | None = None,
             cut: tuple[int, int] | None = None) -> set[int]:
    """Stakeholders reachable from the staff, without the node ``gone`` or the link ``cut`` (a plain search)."""
    g = nx.Graph()
    g.add_nodes_from(v for v in range(n) if v != gone)
    g.add_edges_from(e for e in edges if gone not in e and e != cut)
    seen: set[int] = set()
    for s in range(n_staff):
        if s != gone:
            seen |= nx.node_connected_component(g, s)
    return {v for v in seen if v >= n_staff}


@pytest.mark.parametrize("seed", range(50))
def test_impacts_are_what_removing_each_person_costs(seed: int) -> None:
    rng = random.Random(3000 + seed)
    n_staff, n, edges = _random_team_graph(rng, (1, 3), (2, 10), [0.15, 0.25, 0.4])
    # a stakeholder's only thread is someone else (or none, or several: -1)
    sole = array("i", [-1] * n_staff + [rng.choice([-1, -1, rng.choice([v for v in range(n) if v != c])])
                                        for c in range(n_staff, n)])
    importance = [0.0] * n_staff + [rng.choice([0.0, 0.5, 1.0, 2.5]) for _ in range(n - n_staff)]
    indptr, indices, _ = _csr(n, edges)
    got = kp.impacts(n, n_staff, indptr, indices, sole, importance, True)
    today = _reached(n, n_staff, edges)
    total = sum(importance)
    assert got.reach == today
    for v in range(n):
        paths = sorted(today - {v} - _reached(n, n_staff, edges, gone=v))
        threads = sorted(c for c in today if sole[c] == v)
        lost = sorted(set(paths) | set(threads))
        assert (got.lost_paths[v], got.lost_threads[v], got.lost[v]) == (paths, threads, lost), (seed, v)
        share = sum(importance[c] for c in lost) / total if total else 0.0
        assert got.share[v] == pytest.approx(share, abs=1e-12)
    bridges = set()
    for a, b in edges:
        cut_off = sorted(today - _reached(n, n_staff, edges, cut=(a, b)))
        if cut_off:
            bridges.add((a, b, tuple(cut_off)))
    assert set(zip(got.bridges.u, got.bridges.v, map(tuple, got.bridges.cut_off), strict=True)) == bridges
    assert len(got.bridges.u) == len(bridges)
    assert kp.impacts(n, n_staff, indptr, indices, sole, importance, False).bridges == ([], [], [])


def test_impacts_by_hand() -> None:
    # staff 0, 1; 2 knows 0 and 1; 3 knows only 2; 4 knows only 3; 5 knows nobody.  3's only thread is 1.
    # Removing 2 cuts off 3 and 4; removing 3 cuts off 4; removing 1 costs 3 its only thread.
    # Links 2-3 and 3-4 are bridges (cutting 3, 4 and 4); 0-2 and 1-2 are not (2 keeps the other).
    edges = {(0, 2), (1, 2), (2, 3), (3, 4)}
    indptr, indices, _ = _csr(6, edges)
    sole = array("i", [-1, -1, -1, 1, -1, -1])
    got = kp.impacts(6, 2, indptr, indices, sole, [0.0, 0.0, 1.0, 2.0, 1.0, 4.0], True)
    assert got.reach == {2, 3, 4}
    assert got.lost == [[], [3], [3, 4], [4], [], []]
    assert (got.lost_threads[1], got.lost_paths[1], got.lost_paths[2]) == ([3], [], [3, 4])
    assert got.share == pytest.approx([0.0, 2 / 8, 3 / 8, 1 / 8, 0.0, 0.0])  # 5 unreachable still counts in 8
    assert sorted(zip(got.bridges.u, got.bridges.v, got.bridges.cut_off, strict=True)) == [
        (2, 3, [3, 4]), (3, 4, [4])]
    # when no active stakeholder carries any importance, every share is 0 (not a division by zero, not 1)
    got = kp.impacts(6, 2, indptr, indices, sole, [0.0] * 6, False)
    assert (got.share, got.lost[2]) == ([0.0] * 6, [3, 4])
