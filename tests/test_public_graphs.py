"""Graph measures against igraph (pinned) and networkx on four public social networks.

The pinned values in tests/reference/igraph_reference.json were computed by igraph's
C library (see make_igraph_reference.py there); a few famous ones are written out here too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from kamgraph.analysis.bridging import articulation_points, betweenness, bridges, constraint, team_betweenness

REFERENCE = json.loads((Path(__file__).parent / "reference" / "igraph_reference.json").read_text())
GRAPHS: dict[str, Callable[[], nx.Graph]] = {
    "karate": nx.karate_club_graph,
    "florentine": nx.florentine_families_graph,
    "davis": nx.davis_southern_women_graph,
    "lesmis": nx.les_miserables_graph,
}


@pytest.mark.parametrize("name", GRAPHS)
def test_betweenness_equals_igraph(name: str) -> None:
    g = GRAPHS[name]()
    ours = betweenness(g)
    raw = betweenness(g, normalized=False)
    ref = REFERENCE[name]
    assert {str(k) for k in ours} == set(ref["betweenness_normalized"])
    for node, value in ours.items():
        assert value == pytest.approx(ref["betweenness_normalized"][str(node)], abs=1e-9)
        assert raw[node] == pytest.approx(ref["betweenness_raw"][str(node)], abs=1e-9)


@pytest.mark.parametrize("name", GRAPHS)
def test_articulation_points_and_bridges_equal_igraph(name: str) -> None:
    g = GRAPHS[name]()
    assert sorted(str(n) for n in articulation_points(g)) == REFERENCE[name]["articulation_points"]
    assert sorted(sorted(map(str, e)) for e in bridges(g)) == REFERENCE[name]["bridges"]


def test_famous_values_written_out() -> None:
    karate = betweenness(nx.karate_club_graph())
    assert karate[0] == pytest.approx(0.43763528138528, abs=1e-9)  # Mr Hi
    assert karate[33] == pytest.approx(0.30407497594997, abs=1e-9)  # the officer
    florentine = betweenness(nx.florentine_families_graph())
    assert florentine["Medici"] == pytest.approx(0.52197802197802, abs=1e-9)  # Padgett's Medici
    assert articulation_points(nx.karate_club_graph()) == {0}
    assert articulation_points(nx.florentine_families_graph()) == {"Albizzi", "Guadagni", "Medici", "Salviati"}


@pytest.mark.parametrize("name", GRAPHS)
def test_igraph_live_agrees(name: str) -> None:
    ig = pytest.importorskip("igraph")
    g = GRAPHS[name]()
    nodes = list(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    h = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in g.edges])
    raw = betweenness(g, normalized=False)
    for i, value in enumerate(h.betweenness()):
        assert raw[nodes[i]] == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("name", GRAPHS)
def test_weighted_betweenness_is_networkx(name: str) -> None:
    g = GRAPHS[name]()
    for i, (u, v) in enumerate(sorted(g.edges, key=str)):
        g[u][v]["dist"] = 1.0 + (i % 3)
    ours = betweenness(g, weight="dist")
    ref = nx.betweenness_centrality(g, weight="dist")
    assert ours == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("name", GRAPHS)
def test_constraint_equals_networkx(name: str) -> None:
    g = GRAPHS[name]()
    ours = constraint(g)
    ref = nx.constraint(g)
    for node in g:
        assert ours[node] == pytest.approx(ref[node], abs=1e-12)


@pytest.mark.parametrize("name", GRAPHS)
@pytest.mark.parametrize("sources", [1, 3])
def test_team_betweenness_equals_networkx_subset(name: str, sources: int) -> None:
    """Team betweenness = networkx's subset betweenness from a super-source, x2 (undirected), / targets."""
    g = nx.convert_node_labels_to_integers(GRAPHS[name](), label_attribute="label")
    nodes = sorted(g.nodes)
    staff = set(nodes[:: max(1, len(nodes) // sources)][:sources])
    for n in g:
        g.nodes[n]["kind"] = "staff" if n in staff else "stakeholder"
    ours = team_betweenness(g)
    h = g.copy()
    h.add_edges_from(("SOURCE", s) for s in staff)
    targets = [n for n in nodes if n not in staff]
    staff_edges = [(u, v) for u, v in g.edges if u in staff and v in staff]
    h.remove_edges_from(staff_edges)  # the team is one source: no staff-staff links
    ref = nx.betweenness_centrality_subset(h, sources=["SOURCE"], targets=targets, normalized=False)
    reachable = [t for t in targets if nx.has_path(h, "SOURCE", t)]
    for n in nodes:
        assert ours[str(n)] == pytest.approx(2 * ref[n] / len(reachable), abs=1e-9)
