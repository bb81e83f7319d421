"""Regenerate igraph_reference.json: betweenness and articulation points from igraph.

The values pinned in the tests come from igraph (C library), not from kamgraph.
Run from the repository root with igraph installed::

    python tests/reference/make_igraph_reference.py
"""

from __future__ import annotations

import json
from pathlib import Path

import igraph as ig
import networkx as nx

GRAPHS = {
    "karate": nx.karate_club_graph,
    "florentine": nx.florentine_families_graph,
    "davis": nx.davis_southern_women_graph,
    "lesmis": nx.les_miserables_graph,
}


def reference(g: nx.Graph) -> dict[str, object]:
    nodes = sorted(g.nodes, key=str)
    index = {node: i for i, node in enumerate(nodes)}
    h = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in g.edges])
    raw = h.betweenness(directed=False)
    n = len(nodes)
    scale = 2 / ((n - 1) * (n - 2))
    return {
        "igraph_version": ig.__version__,
        "betweenness_raw": {str(node): raw[i] for i, node in enumerate(nodes)},
        "betweenness_normalized": {str(node): raw[i] * scale for i, node in enumerate(nodes)},
        "articulation_points": sorted(str(nodes[i]) for i in h.articulation_points()),
        "bridges": sorted(sorted([str(nodes[e.source]), str(nodes[e.target])]) for e in h.es[h.bridges()]),
    }


if __name__ == "__main__":
    out = {name: reference(make()) for name, make in GRAPHS.items()}
    path = Path(__file__).with_name("igraph_reference.json")
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path}")
