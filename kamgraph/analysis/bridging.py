"""Bridging contacts: who carries the relationship, and where it hangs on one person.

Measures, all on the live relationship graph of :mod:`kamgraph.graph.networkx_view`:

* :func:`betweenness` -- standard betweenness centrality (Freeman; Brandes'
  algorithm), hop distance by default, run in rustworkx's compiled kernel;
  with ``weight="weight"`` (distance = 1/strength) in networkx. Equal to
  igraph's and networkx's values (tests pin them on four public graphs).
* :func:`team_betweenness` -- the X-ray's bridging score: the share of the
  shortest paths from our team to each stakeholder that pass through a person.
  Our team is one source joined to every staff member, so this asks exactly
  "through whom does our reach into the client run?". It is the Brandes
  dependency of that one source (networkx's ``betweenness_centrality_subset``
  with the source and all stakeholders as targets, times 2, divided by the
  number of reachable stakeholders), linear in the size of the graph -- which
  is why the X-ray uses it: all-pairs betweenness costs |V| searches. Hop
  distance runs in the kernel :func:`kamgraph.kernels.python.team_betweenness`
  (compiled when available); distance 1/strength runs here, in Python.
* :func:`articulation_points` and :func:`bridges` -- people and links whose
  removal splits the graph (rustworkx kernels; equal to networkx and igraph).
* :func:`constraint` -- Burt's constraint, ``c_i = sum_j (p_ij + sum_q p_iq p_qj)^2``
  with ``p_ij`` the share of *i*'s tie weight that goes to *j*; low constraint
  marks a broker whose contacts are not connected to each other. The X-ray's
  brokers (:func:`ranked_brokers`) come from the kernel
  :func:`kamgraph.kernels.python.brokers`.
* :func:`department_gateways` -- departments every path into runs through one person.

Examples
--------
>>> import networkx as nx
>>> g = nx.path_graph(4)
>>> betweenness(g) == {0: 0.0, 1: 2 / 3, 2: 2 / 3, 3: 0.0}
True
>>> sorted(articulation_points(g)), sorted(bridges(g))
([1, 2], [(0, 1), (1, 2), (2, 3)])
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import kernels
from ..graph.compact import CompactGraph
from ..kernels import BrokerTable

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "RankedPerson",
    "all_pairs_ranking",
    "betweenness",
    "team_betweenness",
    "compact_team_betweenness",
    "articulation_points",
    "bridges",
    "constraint",
    "compact_constraint",
    "DepartmentGateway",
    "department_gateways",
]


def _rx_graph(g: nx.Graph) -> tuple[object, list[Hashable]]:
    import rustworkx as rx

    nodes = list(g.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(nodes)))
    graph.add_edges_from_no_data([(index[u], index[v]) for u, v in g.edges if u != v])
    return graph, nodes


def betweenness(g: nx.Graph, *, normalized: bool = True, weight: str | None = None) -> dict[Hashable, float]:
    """Standard betweenness centrality of every node.

    Parameters
    ----------
    g : networkx.Graph
        Undirected graph.
    normalized : bool
        Divide by ``(n-1)(n-2)/2``, the number of pairs a node can lie between.
    weight : str, optional
        Edge attribute read as a distance; None counts hops (compiled kernel).
    """
    if weight is not None or g.number_of_nodes() < 3:
        import networkx as nx

        return dict(nx.betweenness_centrality(g, normalized=normalized, weight=weight))
    import rustworkx as rx

    graph, nodes = _rx_graph(g)
    values = rx.graph_betweenness_centrality(graph, normalized=normalized, parallel_threshold=10**9)
    return {nodes[i]: float(values[i]) for i in range(len(nodes))}


def articulation_points(g: nx.Graph) -> set[Hashable]:
    """Nodes whose removal increases the number of connected components."""
    import rustworkx as rx

    graph, nodes = _rx_graph(g)
    return {nodes[i] for i in rx.articulation_points(graph)}


def bridges(g: nx.Graph) -> set[tuple[Hashable, Hashable]]:
    """Edges whose removal increases the number of connected components, as sorted-by-index pairs."""
    import rustworkx as rx

    graph, nodes = _rx_graph(g)
    index = {node: i for i, node in enumerate(nodes)}
    found = set()
    for a, b in rx.bridges(graph):
        u, v = nodes[a], nodes[b]
        found.add((u, v) if index[u] < index[v] else (v, u))
    return found


@dataclass(frozen=True)
class RankedPerson:
    """A person and one figure, in a ranking."""

    id: str
    name: str
    kind: str
    value: float


def all_pairs_ranking(cg: CompactGraph, top: int) -> list[RankedPerson]:
    """The ``top`` people by standard all-pairs betweenness, with our staff joined as one team.

    Our staff are linked to each other (a team talks internally), then :func:`betweenness` runs on the
    whole graph; ties rank by id. This is ``kamgraph bridges --all-pairs``: slower than the X-ray's team
    betweenness and answering a different question (brokerage inside the client too).
    """
    from ..graph.networkx_view import with_team_clique

    graph = with_team_clique(cg.to_networkx())
    values = betweenness(graph)
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]
    return [RankedPerson(str(p), graph.nodes[p]["name"], graph.nodes[p]["kind"], v) for p, v in ranked]


# --------------------------------------------------------------------------- team betweenness
def compact_team_betweenness(cg: CompactGraph, weighted: bool = False) -> list[float]:
    """Share of shortest team-to-stakeholder paths through each node (0 for unreachable graphs).

    With ``weighted`` the distance of an edge is 1/strength (1 where no strength is known).
    """
    if weighted:  # no kernel: Dijkstra in Python, on either backend
        return _weighted_team_betweenness(cg)
    return kernels.team_betweenness(cg.n, cg.n_staff, cg.indptr, cg.indices)


def _weighted_team_betweenness(cg: CompactGraph) -> list[float]:
    """:func:`compact_team_betweenness` with distance 1/strength: the Brandes dependency over a Dijkstra search."""
    n, n_staff = cg.n, cg.n_staff
    sigma, preds, order = _weighted_paths(cg)
    delta = [0.0] * n
    for w in reversed(order):
        coeff = (1.0 if w >= n_staff else 0.0) + delta[w]
        sw = sigma[w]
        for v in preds[w]:
            delta[v] += sigma[v] / sw * coeff
    targets = sum(1 for v in order if v >= n_staff)
    return [d / targets for d in delta] if targets else delta


def _weighted_paths(cg: CompactGraph) -> tuple[list[float], list[list[int]], list[int]]:
    """Shortest-path counts, predecessors and settling order from the team, distance 1/strength."""
    import heapq

    sigma = [0.0] * cg.n
    dist = [-1.0] * cg.n
    preds: list[list[int]] = [[] for _ in range(cg.n)]
    length = {}
    for (a, b), (_, strength) in cg.edges.items():
        d = 1.0 / strength if strength else 1.0
        length[(a, b)] = length[(b, a)] = d
    heap = [(1.0, s, -1) for s in range(cg.n_staff)]
    heapq.heapify(heap)
    seen = [False] * cg.n
    order: list[int] = []
    for s in range(cg.n_staff):
        dist[s] = 1.0
        sigma[s] = 1.0
    while heap:
        d, v, _ = heapq.heappop(heap)
        if seen[v]:
            continue
        seen[v] = True
        order.append(v)
        for w in cg.adj[v]:
            nd = d + length[(v, w)]
            if dist[w] < 0 or nd < dist[w] - 1e-12:
                dist[w] = nd
                sigma[w] = sigma[v]
                preds[w] = [v]
                heapq.heappush(heap, (nd, w, v))
            elif abs(nd - dist[w]) <= 1e-12 and not seen[w]:
                sigma[w] += sigma[v]
                preds[w].append(v)
    return sigma, preds, order


def team_betweenness(g: nx.Graph, weight: str | None = None) -> dict[str, float]:
    """Share of the shortest paths from our team to each stakeholder that run through each person.

    Parameters
    ----------
    g : networkx.Graph
        A relationship graph (nodes with ``kind``).
    weight : str, optional
        ``"weight"`` to use distance = 1/strength; None counts hops.
    """
    cg = CompactGraph.from_networkx(g)
    values = compact_team_betweenness(cg, weighted=weight is not None)
    return {cg.ids[i]: values[i] for i in range(cg.n)}


# --------------------------------------------------------------------------- constraint
def compact_constraint(adj: list[list[int]], nodes: Iterable[int]) -> dict[int, float]:
    """Burt's constraint (unit tie weights) of ``nodes`` in the graph given by ``adj``."""
    neighbour_sets = {}
    result = {}
    for i in nodes:
        ni = adj[i]
        if not ni:
            result[i] = float("nan")
            continue
        pi = 1.0 / len(ni)
        set_i = set(ni)
        total = 0.0
        for j in ni:
            nj = neighbour_sets.get(j)
            if nj is None:
                nj = neighbour_sets[j] = set(adj[j])
            indirect = 0.0
            for q in set_i & nj:
                indirect += pi / len(adj[q])
            local = pi + indirect
            total += local * local
        result[i] = total
    return result


def constraint(g: nx.Graph, nodes: Iterable[Hashable] | None = None) -> dict[Hashable, float]:
    """Burt's constraint with unit tie weights (equal to :func:`networkx.constraint`)."""
    order = list(g.nodes)
    index = {node: i for i, node in enumerate(order)}
    adj = [[index[w] for w in g.adj[v] if w != v] for v in order]
    wanted = order if nodes is None else list(nodes)
    values = compact_constraint(adj, [index[v] for v in wanted])
    return {order[i]: v for i, v in values.items()}


# --------------------------------------------------------------------------- brokers
def compact_brokers(cg: CompactGraph) -> list[tuple[int, float, tuple[str, ...]]]:
    """Stakeholders tied into several departments, with their constraint in the stakeholder subgraph.

    A stakeholder qualifies when its stakeholder neighbours sit in at least one
    department other than its own and, counting its own department when it
    has one, in at least two. Returns ``(node, constraint, departments)``
    (departments sorted) in node order.
    """
    names, found = _brokers(cg)
    return [(v, value, tuple(sorted([names[d] for d in depts]))) for v, value, depts in zip(*found, strict=True)]


def ranked_brokers(cg: CompactGraph, top: int) -> list[tuple[float, str, tuple[str, ...]]]:
    """The ``top`` brokers as ``(constraint rounded to 6 places, id, departments)``.

    Lowest constraint first, then most departments, then id: the order of the
    X-ray's broker list. Departments stay numbers until the top ones are named.
    """
    ids = cg.ids
    names, found = _brokers(cg)
    ranked = sorted((round(value, 6), -len(depts), ids[v], depts) for v, value, depts in zip(*found, strict=True))
    return [(value, person, tuple(sorted([names[d] for d in depts]))) for value, _, person, depts in ranked[:top]]


def _brokers(cg: CompactGraph) -> tuple[list[str], BrokerTable]:
    """Each department number's name (0: none) and the kernel's brokers, departments as numbers."""
    codes: dict[str, int] = {}
    numbers = array("i", [codes.setdefault(d, len(codes) + 1) if d else 0 for d in cg.department])
    return ["", *codes], kernels.brokers(cg.n, cg.n_staff, cg.indptr, cg.indices, numbers, len(codes))


# --------------------------------------------------------------------------- department gateways
@dataclass(frozen=True)
class DepartmentGateway:
    """A department whose reachable people we can only reach through one person."""

    department: str
    gateway: str
    #: Stakeholders of the department cut off if the gateway leaves.
    cut_off: tuple[str, ...]
    #: All stakeholders of the department we can reach today (gateway excluded).
    reachable: int


def department_gateways(cg: CompactGraph, lost_paths: list[list[int]], reach: set[int]) -> list[DepartmentGateway]:
    """Departments (with at least two reachable members besides the gateway) that hang on one person.

    Parameters
    ----------
    cg : CompactGraph
        The account.
    lost_paths : list of list of int
        For each node, the stakeholders that lose every path when it leaves
        (from :func:`kamgraph.analysis.fragility.compact_impacts`).
    reach : set of int
        Stakeholders reachable from our team today.
    """
    members: dict[str, set[int]] = {}
    for c in reach:
        dept = cg.department[c]
        if dept:
            members.setdefault(dept, set()).add(c)
    found = []
    for v, cut in enumerate(lost_paths):
        if not cut:
            continue
        by_dept: dict[str, list[int]] = {}
        for c in cut:
            dept = cg.department[c]
            if dept:
                by_dept.setdefault(dept, []).append(c)
        for dept, lost in by_dept.items():
            reachable = members.get(dept, set()) - {v}
            if len(reachable) >= 2 and set(lost) >= reachable:
                found.append(DepartmentGateway(department=dept, gateway=cg.ids[v],
                                               cut_off=tuple(sorted(cg.ids[c] for c in lost)),
                                               reachable=len(reachable)))
    found.sort(key=lambda d: (-len(d.cut_off), d.department, d.gateway))
    return found
