"""Relationship fragility: what breaks when one person leaves.

Works on the live relationship graph of :mod:`kamgraph.graph.networkx_view`, where our team
acts as one source joined to every staff member.

**Removal impact** of a person *p* (staff or stakeholder): the stakeholders
who, when *p* leaves,

* lose all their threads (every thread they have runs to *p*), or
* lose every path to our team (every path from our staff to them runs through *p*),

*p* themselves not counted, and nobody who had no path to begin with. Its
**share** is their summed importance divided by the summed importance of all
the account's active stakeholders. The account's **fragility index** is the
largest share: 0 means no single departure cuts anybody off, 0.4 means one
departure costs 40 % of the account's weight.

All impacts come from one depth-first search from the team source
(Hopcroft-Tarjan): a child subtree *w* of vertex *v* is cut off by removing
*v* exactly when ``low(w) >= disc(v)`` (the kernel
:func:`kamgraph.kernels.python.impacts`, compiled when available).
:func:`removal_impact_bruteforce` is the definition taken literally (remove,
search again), kept as the reference the tests compare with.

**Connectivity** of a stakeholder: the minimum number of people whose
departure cuts every path between our team and them -- the vertex
connectivity between the team source and the stakeholder. 0 means no path
today, 1 means one departure loses them. It is computed as the maximum number
of internally vertex-disjoint paths (Menger), by augmenting paths searched
*from the stakeholder* towards the team, so that a fragile stakeholder costs
a small local search (:func:`kamgraph.kernels.python.connectivity`).

Examples
--------
Staff ``s1`` is the only thread of ``c1``, and ``c2`` hangs off ``c1``:

>>> import networkx as nx
>>> g = nx.Graph()
>>> g.add_node("s1", kind="staff")
>>> for c in ("c1", "c2"):
...     g.add_node(c, kind="stakeholder", importance=2.0)
>>> g.add_edge("s1", "c1", kind="thread")
>>> g.add_edge("c1", "c2", kind="reports_to")
>>> impacts = removal_impacts(g)
>>> impacts["s1"].lost, impacts["s1"].share, impacts["c1"].lost, impacts["c1"].share
(('c1', 'c2'), 1.0, ('c2',), 0.5)
>>> fragility_index(impacts)
(1.0, 's1')
>>> team_connectivity(g, ["c1", "c2"])
{'c1': 1, 'c2': 1}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import kernels
from ..graph.compact import CompactGraph
from ..kernels import Impacts

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "RemovalImpact",
    "removal_impacts",
    "removal_impact_bruteforce",
    "fragility_index",
    "team_reach",
    "team_connectivity",
    "sole_threads",
    "compact_impacts",
    "compact_reach",
    "compact_connectivity",
]


@dataclass(frozen=True)
class RemovalImpact:
    """What one person's departure costs the account."""

    person: str
    #: Stakeholders who lose all threads or all paths (sorted).
    lost: tuple[str, ...]
    #: Those whose every thread ran to this person.
    lost_threads: tuple[str, ...]
    #: Those left with no path to our team.
    lost_paths: tuple[str, ...]
    #: Importance-weighted share of the account's stakeholders lost (0..1).
    share: float


# --------------------------------------------------------------------------- on the compact graph
def compact_reach(cg: CompactGraph, removed: Iterable[int] = ()) -> set[int]:
    """Stakeholder nodes with a path to a staff member, with ``removed`` nodes taken out."""
    gone = set(removed)
    seen = [False] * cg.n
    queue = []
    for s in range(cg.n_staff):
        if s not in gone:
            seen[s] = True
            queue.append(s)
    for i in gone:
        seen[i] = True
    adj = cg.adj
    head = 0
    while head < len(queue):
        v = queue[head]
        head += 1
        for w in adj[v]:
            if not seen[w]:
                seen[w] = True
                queue.append(w)
    return {v for v in queue if v >= cg.n_staff}


def compact_impacts(cg: CompactGraph, want_bridges: bool = False) -> Impacts:
    """Every node's removal impact, the stakeholders reachable today and (``want_bridges``) the cut links.

    See :class:`~kamgraph.kernels.Impacts`: ``lost[v]``, ``lost_threads[v]``,
    ``lost_paths[v]`` (node lists, sorted) and ``share[v]`` are node ``v``'s
    impact; ``bridges`` holds every link whose loss cuts stakeholders off
    from our team, with them; ``reach`` the stakeholders with a path to our team.
    """
    return kernels.impacts(cg.n, cg.n_staff, cg.indptr, cg.indices, cg.sole, cg.importance, want_bridges)


def compact_connectivity(cg: CompactGraph, target: int, cap: int | None = None) -> int:
    """Vertex connectivity between the team source and node ``target`` (see module docstring).

    With ``cap`` the search stops at ``cap`` disjoint paths: the result is
    exact below the cap and means "at least the cap" at it.
    """
    return kernels.connectivity(cg.n, cg.n_staff, cg.indptr, cg.indices, cg.rev, target, -1 if cap is None else cap)


# --------------------------------------------------------------------------- networkx API
def sole_threads(g: nx.Graph) -> dict[str, str]:
    """Stakeholders with exactly one thread, mapped to that staff member."""
    cg = CompactGraph.from_networkx(g)
    return {cg.ids[c]: cg.ids[t[0]] for c, t in enumerate(cg.threads) if len(t) == 1}


def team_reach(g: nx.Graph, removed: Iterable[str] = ()) -> set[str]:
    """Stakeholders with at least one path to a staff member, with ``removed`` people taken out."""
    cg = CompactGraph.from_networkx(g)
    index = cg.index
    return {cg.ids[i] for i in compact_reach(cg, [index[p] for p in removed if p in index])}


def removal_impacts(g: nx.Graph) -> dict[str, RemovalImpact]:
    """The removal impact of every person in ``g``, in one linear-time pass."""
    cg = CompactGraph.from_networkx(g)
    ids = cg.ids
    found = compact_impacts(cg)
    return {ids[v]: RemovalImpact(person=ids[v], lost=tuple(ids[x] for x in lost),
                                  lost_threads=tuple(ids[x] for x in threads),
                                  lost_paths=tuple(ids[x] for x in paths), share=share)
            for v, (lost, threads, paths, share) in enumerate(zip(*found[:4], strict=True))}


def removal_impact_bruteforce(g: nx.Graph, person: str) -> RemovalImpact:
    """One person's removal impact by the definition: take them out and search again.

    Quadratic over all people; the reference :func:`removal_impacts` is tested against.
    Uses networkx only.
    """
    import networkx as nx

    staff = [n for n, k in g.nodes(data="kind") if k == "staff"]
    clients = [n for n, k in g.nodes(data="kind") if k != "staff"]

    def reach(h: nx.Graph) -> set[str]:
        found: set[str] = set()
        for s in staff:
            if s in h:
                found |= nx.node_connected_component(h, s)
        return found & set(clients)

    before = reach(g)
    without = g.copy()
    without.remove_node(person)
    lost_paths = (before - reach(without)) - {person}
    lost_threads = set()
    for c in clients:
        if c == person or c not in before:
            continue
        threads = {s for s, d in g.adj[c].items() if "thread" in d.get("kinds", (d.get("kind"),))}
        if threads == {person}:
            lost_threads.add(c)
    lost = lost_paths | lost_threads
    weight = {c: float(g.nodes[c].get("importance", 1.0)) for c in clients}
    total = sum(weight.values())
    share = sum(weight[c] for c in lost) / total if total else 0.0
    return RemovalImpact(person=person, lost=tuple(sorted(lost)), lost_threads=tuple(sorted(lost_threads)),
                         lost_paths=tuple(sorted(lost_paths)), share=round(share, 12))


def fragility_index(impacts: dict[str, RemovalImpact]) -> tuple[float, str | None]:
    """The largest removal share and whose it is (ties broken by id; ``(0.0, None)`` if none)."""
    best: tuple[float, str | None] = (0.0, None)
    for person in sorted(impacts):
        if impacts[person].share > best[0]:
            best = (impacts[person].share, person)
    return best


def team_connectivity(g: nx.Graph, targets: Sequence[str]) -> dict[str, int]:
    """For each target, the minimum number of departures that cut every path to it from our team."""
    cg = CompactGraph.from_networkx(g)
    index = cg.index
    return {t: compact_connectivity(cg, index[t]) for t in targets}
