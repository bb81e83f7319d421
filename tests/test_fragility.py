"""Fragility and connectivity on hand-worked accounts, and the fast kernels against brute force."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from kamgraph.analysis.fragility import (
    fragility_index,
    removal_impact_bruteforce,
    removal_impacts,
    team_connectivity,
    team_reach,
)
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.models import Relationship
from kamgraph.graph.networkx_view import relationship_graph

from .accounts import AS_OF, met, min_cut_by_enumeration, person, six_people, snapshot, us


def test_six_people_one_departure_orphans_three() -> None:
    a = analyze(six_people(), AS_OF)
    # By hand: total importance 10 + 6 + 1.6 + 3 = 20.6. S1 is the only thread of A, B and C.
    assert a.impacts["S1"].lost == ("A", "B", "C")
    assert a.impacts["S1"].lost_threads == ("A", "B", "C")
    assert a.impacts["S1"].share == pytest.approx((10 + 6 + 1.6) / 20.6)
    # S2 is D's only thread: D (3) of 20.6. A's departure costs nothing: D still has S2.
    assert a.impacts["S2"].share == pytest.approx(3 / 20.6)
    assert "A" not in a.impacts
    assert a.fragility_index == pytest.approx(17.6 / 20.6)
    assert a.most_critical == "S1"
    # Key stakeholders (importance >= 5): A and B. A: S1 directly, and S2 -> D -> A: two disjoint paths.
    assert a.connectivity == {"A": 2, "B": 1}
    assert a.summary.single_threaded_key == 2 and a.summary.key_at_connectivity_1 == 1


def test_chain_of_reporting_lines_is_cut_by_its_head() -> None:
    snap = snapshot(
        stakeholders=[person("A", 4), person("B", 2, reports_to="A"), person("C", 1, reports_to="B")],
        staff=[us("S1")], meetings=[met("m1", 1, "S1", "A")])
    a = analyze(snap, AS_OF)
    # Importances 4, 2, 1 (no roles): total 7. A cuts off B and C (3/7); B cuts off C (1/7).
    assert a.impacts["A"].lost_paths == ("B", "C") and a.impacts["A"].share == pytest.approx(3 / 7)
    assert a.impacts["B"].lost_paths == ("C",) and a.impacts["B"].share == pytest.approx(1 / 7)
    assert a.impacts["S1"].share == pytest.approx(1.0)  # A loses its thread, B and C every path
    assert a.fragility_index == pytest.approx(1.0)
    assert [(e.a, e.b) for e in a.cut_edges] == [("S1", "A"), ("A", "B"), ("B", "C")]


def test_connectivity_hand_worked() -> None:
    # T has three threads (S1, S2, S3); its other neighbour U adds no staff -> connectivity 3.
    # M is met by S1 and knows U, who reports to T: S1 -> M and S2 -> T -> U -> M are disjoint -> 2.
    # U (met by nobody) reports to T and knows M: via T and via M -> 2.
    snap = snapshot(
        stakeholders=[person("T", 5), person("M", 5), person("U", 5, reports_to="T")],
        staff=[us("S1"), us("S2"), us("S3")],
        meetings=[met("a", 1, "S1", "T"), met("b", 1, "S2", "T"), met("c", 1, "S3", "T"), met("d", 1, "S1", "M")],
        relationships=[Relationship(source="U", target="M", kind="knows")])
    assert analyze(snap, AS_OF).connectivity == {"T": 3, "M": 2, "U": 2}


def _random_graph(seed: int) -> nx.Graph:
    rng = random.Random(seed)
    n = rng.randint(3, 9)
    g = nx.gnp_random_graph(n, rng.uniform(0.1, 0.6), seed=seed)
    g = nx.relabel_nodes(g, {i: f"p{i}" for i in g})
    for v in g:
        g.nodes[v]["kind"] = "staff" if rng.random() < 0.3 else "stakeholder"
        g.nodes[v]["importance"] = float(rng.randint(1, 10))
    for u, v in g.edges:
        mixed = g.nodes[u]["kind"] != g.nodes[v]["kind"]
        g[u][v]["kind"] = "thread" if mixed and rng.random() < 0.7 else "reports_to"
    return g


@pytest.mark.parametrize("seed", range(60))
def test_linear_pass_equals_brute_force(seed: int) -> None:
    g = _random_graph(seed)
    fast = removal_impacts(g)
    for p in g:
        assert fast[p] == removal_impact_bruteforce(g, p)
    share, _ = fragility_index(fast)
    assert 0.0 <= share <= 1.0


@pytest.mark.parametrize("seed", range(60))
def test_cut_links_equal_brute_force(seed: int) -> None:
    from kamgraph.analysis.fragility import compact_impacts
    from kamgraph.graph.compact import CompactGraph

    g = _random_graph(seed)
    cg = CompactGraph.from_networkx(g)
    found = compact_impacts(cg, want_bridges=True)
    without = compact_impacts(cg)
    assert without.bridges == ([], [], []) and without[:4] == found[:4] and without.reach == found.reach
    assert {cg.ids[i] for i in found.reach} == team_reach(g)
    staff = {n for n, k in g.nodes(data="kind") if k == "staff"}
    expected = {}
    for u, v in g.edges:  # a link cuts off whoever loses every path without it
        if u in staff and v in staff:
            continue  # not in the compact graph (the team is one source)
        h = g.copy()
        h.remove_edge(u, v)
        lost = team_reach(g) - team_reach(h)
        if lost:
            expected[tuple(sorted((u, v), key=cg.index.get))] = tuple(sorted(lost))
    bridges = found.bridges
    got = {(cg.ids[u], cg.ids[v]): tuple(cg.ids[x] for x in cut) for u, v, cut in zip(*bridges, strict=True)}
    assert got == expected
    assert all(u < v for u, v in zip(bridges.u, bridges.v, strict=True))


@pytest.mark.parametrize("seed", range(60))
def test_connectivity_equals_enumerated_min_cut(seed: int) -> None:
    g = _random_graph(seed)
    clients = [n for n, k in g.nodes(data="kind") if k == "stakeholder"]
    staff = [n for n, k in g.nodes(data="kind") if k == "staff"]
    ours = team_connectivity(g, clients)
    for c in clients:
        expected = min_cut_by_enumeration(g, c) if staff else 0
        # Direct staff neighbours can never be cut around: if c touches a staff member, every staff
        # neighbour must go; the enumeration counts exactly that.
        assert ours[c] == expected, (seed, c)


def test_reach_and_bruteforce_on_the_demo_account() -> None:
    from kamgraph.samples.demo import build_demo
    from kamgraph.store.sqlite import SqliteStore

    store = SqliteStore(":memory:")
    store.import_batch(build_demo(AS_OF))
    a = analyze(store.load_account("northwind", AS_OF), AS_OF)
    g = relationship_graph(a.ag)
    assert team_reach(g) == a.reach
    for p in ("st-maya", "nw-sc-dir", "nw-cfo", "st-tom"):
        brute = removal_impact_bruteforce(g, p)
        got = a.impacts.get(p)
        assert (got.lost if got else ()) == brute.lost
        assert (got.share if got else 0.0) == pytest.approx(brute.share)


@pytest.mark.parametrize("seed", range(30))
def test_capped_connectivity_is_exact_below_the_cap(seed: int) -> None:
    from kamgraph.analysis.fragility import compact_connectivity
    from kamgraph.graph.compact import CompactGraph

    cg = CompactGraph.from_networkx(_random_graph(seed))
    for target in range(cg.n_staff, cg.n):
        exact = compact_connectivity(cg, target)
        for cap in (1, 2, 3):
            assert compact_connectivity(cg, target, cap) == min(exact, cap)


def test_summary_path_on_the_demo() -> None:
    from kamgraph.samples.demo import build_demo
    from kamgraph.store.sqlite import SqliteStore

    store = SqliteStore(":memory:")
    store.import_batch(build_demo(AS_OF))
    for account in ("northwind", "helios", "quarry", "orbit"):
        snap = store.load_account(account, AS_OF)
        assert analyze(snap, AS_OF, detail=False).summary == analyze(snap, AS_OF).summary


def test_connectivity_is_counted_up_to_the_cap() -> None:
    from kamgraph.settings import Settings

    # Twelve of our staff each meet the CEO: twelve disjoint paths; counted up to the default cap of 10.
    staff = [us(f"S{i}") for i in range(12)]
    snap = snapshot(stakeholders=[person("ceo", 5)], staff=staff,
                    meetings=[met(f"m{i}", 3, f"S{i}", "ceo") for i in range(12)])
    assert analyze(snap, AS_OF).connectivity == {"ceo": 10}
    exact = Settings()
    exact.fragility.connectivity_cap = None
    assert analyze(snap, AS_OF, exact).connectivity == {"ceo": 12}
    assert analyze(snap, AS_OF, detail=False).summary.min_key_connectivity == 10
