"""An integer-indexed copy of the relationship graph for the fast analysis kernels.

networkx is kamgraph's graph API -- every analysis module takes an
``nx.Graph`` -- but a dict-of-dicts graph is slow to walk. The kernels run on
:class:`CompactGraph`, which holds the same nodes and edges as lists of
integers. It is built straight from an :class:`~kamgraph.account_graph.AccountGraph`
(the X-ray pipeline) or from any networkx graph that follows the conventions
of :mod:`kamgraph.graph` (:meth:`CompactGraph.from_networkx`), and converts
back with :meth:`CompactGraph.to_networkx`; tests check both directions agree.

Node order: staff first, then stakeholders, each sorted by id -- so every
result is independent of the order records were loaded in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .account_graph import AccountGraph

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EDGE_KINDS", "CompactGraph"]

#: Edge kinds, in order of precedence when one pair is linked several ways.
EDGE_KINDS = ("thread", "knows", "influences", "reports_to", "dotted", "met")


@dataclass
class CompactGraph:
    """Nodes ``0..n-1`` (staff first), adjacency lists, and the attributes the kernels read."""

    ids: list[str]
    n_staff: int
    importance: list[float]
    key: list[bool]
    department: list[str | None]
    #: Live neighbours of each node (no staff-staff colleague edges: the team is one source).
    adj: list[list[int]]
    #: For each node, the staff it has a thread with (empty for staff).
    threads: list[list[int]]
    #: Parallel to ``adj``: the distance 1/strength of each link (1 where no strength is known).
    distance: list[list[float]]
    #: Edge data for each pair ``(i, j)`` with ``i < j``: ``(kinds, strength or None)``.
    edges: dict[tuple[int, int], tuple[tuple[str, ...], float | None]]
    attrs: list[dict[str, Any]] = field(default_factory=list)
    #: The person records behind the nodes (when built from an account), for :meth:`to_networkx`.
    people: list[Any] = field(default_factory=list)
    #: The account id (when built from an account).
    account: str | None = None
    #: Weak contacts (below the thread threshold): ``(staff, stakeholder, strength)``.
    weak: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of people."""
        return len(self.ids)

    @property
    def index(self) -> dict[str, int]:
        """Person id -> node number."""
        return {pid: i for i, pid in enumerate(self.ids)}

    def is_staff(self, i: int) -> bool:
        """True for our staff."""
        return i < self.n_staff

    @property
    def total_importance(self) -> float:
        """Summed importance of all stakeholders."""
        return sum(self.importance[self.n_staff:])

    # -- construction --------------------------------------------------------------
    @classmethod
    def from_account(cls, ag: AccountGraph) -> CompactGraph:
        """Build the live relationship graph of an account (see :mod:`kamgraph.graph`)."""
        staff_ids = sorted(ag.staff)
        client_ids = sorted(ag.stakeholders)
        ids = staff_ids + client_ids
        index = {pid: i for i, pid in enumerate(ids)}
        n_staff = len(staff_ids)
        people = [ag.staff[s] for s in staff_ids] + [ag.stakeholders[c] for c in client_ids]
        weights, keys = ag.importance, ag.key
        imp = [0.0] * n_staff + [weights[c] for c in client_ids]
        key = [False] * n_staff + [c in keys for c in client_ids]
        dept = [None] * n_staff + [ag.stakeholders[c].department for c in client_ids]
        edges: dict[tuple[int, int], tuple[tuple[str, ...], float | None]] = {}
        threshold = ag.settings.strength.thread_threshold
        weak: list[tuple[int, int, float]] = []

        def link(a: int, b: int, kind: str, strength: float | None) -> None:
            pair = (a, b) if a < b else (b, a)
            old = edges.get(pair)
            if old is None:
                edges[pair] = ((kind,), strength)
            else:
                kinds = old[0] if kind in old[0] else tuple(k for k in EDGE_KINDS if k in old[0] or k == kind)
                best = old[1] if strength is None or (old[1] is not None and old[1] >= strength) else strength
                edges[pair] = (kinds, best)

        thread_kinds = ("thread",)
        for (s, c), tie in ag.ties.items():
            a, b = index.get(s), index.get(c)
            if a is None or b is None:
                continue
            if tie.strength >= threshold:
                edges[(a, b)] = (thread_kinds, tie.strength)  # staff (a) < stakeholder (b): first link of the pair
            else:
                weak.append((a, b, tie.strength))
        for rel in ag.snapshot.relationships:
            a, b = index.get(rel.source), index.get(rel.target)
            if a is not None and b is not None and a != b and not (a < n_staff and b < n_staff):
                link(a, b, rel.kind.value, None)
        for c in client_ids:
            person = ag.stakeholders[c]
            a = index[c]
            if person.reports_to in index:
                link(a, index[person.reports_to], "reports_to", None)
            for manager in person.dotted_to:
                if manager in index and manager != person.reports_to:
                    link(a, index[manager], "dotted", None)
        for (x, y), strength in ag.client_pairs.items():
            if strength >= threshold and x in index and y in index:
                link(index[x], index[y], "met", strength)
        graph = cls._finish(ids, n_staff, imp, key, dept, edges, weak)
        graph.people = people
        graph.account = ag.snapshot.account.id
        return graph

    @classmethod
    def _finish(cls, ids: list[str], n_staff: int, imp: list[float], key: list[bool], dept: list[str | None],
                edges: dict[tuple[int, int], tuple[tuple[str, ...], float | None]],
                weak: list[tuple[int, int, float]]) -> CompactGraph:
        n = len(ids)
        adj: list[list[int]] = [[] for _ in range(n)]
        distance: list[list[float]] = [[] for _ in range(n)]
        threads: list[list[int]] = [[] for _ in range(n)]
        for pair in sorted(edges):
            a, b = pair
            kinds, strength = edges[pair]
            d = 1.0 / strength if strength else 1.0
            adj[a].append(b)
            adj[b].append(a)
            distance[a].append(d)
            distance[b].append(d)
            if kinds[0] == "thread" and a < n_staff <= b:
                threads[b].append(a)
        weak.sort()
        return cls(ids=ids, n_staff=n_staff, importance=imp, key=key, department=dept, adj=adj,
                   threads=threads, distance=distance, edges=edges, weak=weak)

    @classmethod
    def from_networkx(cls, g: nx.Graph) -> CompactGraph:
        """Read a networkx graph that follows :mod:`kamgraph.graph`'s conventions.

        Nodes need ``kind`` ('staff' or 'stakeholder'); stakeholders may carry
        ``importance`` (default 1), ``key`` (default False) and ``department``.
        Edges may carry ``kinds`` (default ``(kind,)`` or ``('met',)``) and
        ``strength``. Edges between two staff members are ignored (the team is
        one source).
        """
        staff_ids = sorted(str(n) for n, k in g.nodes(data="kind") if k == "staff")
        client_ids = sorted(str(n) for n, k in g.nodes(data="kind") if k != "staff")
        by_str = {str(n): n for n in g.nodes}
        ids = staff_ids + client_ids
        index = {pid: i for i, pid in enumerate(ids)}
        n_staff = len(staff_ids)
        data = [g.nodes[by_str[pid]] for pid in ids]
        imp = [0.0 if i < n_staff else float(d.get("importance", 1.0)) for i, d in enumerate(data)]
        key = [False if i < n_staff else bool(d.get("key", False)) for i, d in enumerate(data)]
        dept = [None if i < n_staff else d.get("department") for i, d in enumerate(data)]
        edges: dict[tuple[int, int], tuple[tuple[str, ...], float | None]] = {}
        for u, v, d in g.edges(data=True):
            a, b = index[str(u)], index[str(v)]
            if a == b or (a < n_staff and b < n_staff):
                continue
            kinds = tuple(d.get("kinds") or (d.get("kind", "met"),))
            edges[(a, b) if a < b else (b, a)] = (kinds, d.get("strength"))
        weak = []
        for s, c, strength in g.graph.get("weak", ()):
            if str(s) in index and str(c) in index:
                weak.append((index[str(s)], index[str(c)], float(strength)))
        graph = cls._finish(ids, n_staff, imp, key, dept, edges, weak)
        graph.attrs = [dict(d) for d in data]
        return graph

    def to_networkx(self) -> nx.Graph:
        """The networkx view: nodes with their attributes, live edges with ``kind``, ``kinds``,
        ``strength`` (where known) and ``weight`` = 1/strength (else 1)."""
        import networkx as nx

        g = nx.Graph()
        if self.people and not self.attrs:
            self.attrs = [_person_attrs(p, i < self.n_staff) for i, p in enumerate(self.people)]
            for i, attrs in enumerate(self.attrs):
                if i < self.n_staff:
                    attrs["team"] = self.account in self.people[i].accounts
                else:
                    attrs["importance"] = self.importance[i]
                    attrs["key"] = self.key[i]
        for i, pid in enumerate(self.ids):
            g.add_node(pid, **(self.attrs[i] if self.attrs else {}))
        for (a, b), (kinds, strength) in sorted(self.edges.items()):
            extra: dict[str, Any] = {"strength": strength} if strength is not None else {}
            g.add_edge(self.ids[a], self.ids[b], kind=kinds[0], kinds=kinds,
                       weight=1.0 / strength if strength else 1.0, **extra)
        g.graph["weak"] = [(self.ids[s], self.ids[c], w) for s, c, w in self.weak]
        return g


def _person_attrs(person: Any, staff: bool) -> dict[str, Any]:
    if staff:
        return {"kind": "staff", "name": person.name, "title": person.title, "role": person.role.value}
    return {"kind": "stakeholder", "name": person.name, "title": person.title, "department": person.department,
            "seniority": person.seniority.value if person.seniority else None,
            "buying_role": person.buying_role.value if person.buying_role else None,
            "influence": person.influence, "attitude": person.attitude}
