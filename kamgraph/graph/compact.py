"""An integer-indexed copy of the relationship graph for the fast analysis kernels.

networkx is kamgraph's graph API -- every analysis module takes an
``nx.Graph`` -- but a dict-of-dicts graph is slow to walk. The kernels run on
:class:`CompactGraph`, which holds the same nodes and edges as lists of
integers. It is built straight from an :class:`~kamgraph.graph.account_graph.AccountGraph`
(the X-ray pipeline) or from any networkx graph that follows the conventions
of :mod:`kamgraph.graph.networkx_view` (:meth:`CompactGraph.from_networkx`), and converts
back with :meth:`CompactGraph.to_networkx`; tests check both directions agree.

Node order: staff first, then stakeholders, each sorted by id -- so every
result is independent of the order records were loaded in.
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import kernels
from ..kernels import EdgeLayout
from .account_graph import AccountGraph

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EDGE_KINDS", "KIND_BITS", "CompactGraph"]

#: Edge kinds, in order of precedence when one pair is linked several ways.
EDGE_KINDS = ("thread", "knows", "influences", "reports_to", "dotted", "met")
#: Each kind's bit in a kind mask.
KIND_BITS = {kind: 1 << i for i, kind in enumerate(EDGE_KINDS)}
#: The kinds tuple of each mask, in order of precedence.
KINDS_BY_MASK = [tuple(k for k in EDGE_KINDS if mask & KIND_BITS[k]) for mask in range(1 << len(EDGE_KINDS))]


@dataclass
class CompactGraph:
    """Nodes ``0..n-1`` (staff first), adjacency lists, and the attributes the kernels read."""

    ids: list[str]
    n_staff: int
    importance: list[float]
    key: list[bool]
    department: list[str | None]
    attrs: list[dict[str, Any]] = field(default_factory=list)
    #: The person records behind the nodes (when built from an account), for :meth:`to_networkx`.
    people: list[Any] = field(default_factory=list)
    #: The account id (when built from an account).
    account: str | None = None
    #: Weak contacts (below the thread threshold): ``(staff, stakeholder, strength)``.
    weak: list[tuple[int, int, float]] = field(default_factory=list)
    #: The adjacency as CSR arrays for the kernels (:mod:`kamgraph.kernels`): node ``v``'s neighbours are
    #: ``indices[indptr[v]:indptr[v + 1]]`` (ascending, as in ``adj``).
    indptr: array = field(default_factory=lambda: array("i", [0]))
    indices: array = field(default_factory=lambda: array("i"))
    #: For each CSR position (``v -> w``), the position of ``w -> v``.
    rev: array = field(default_factory=lambda: array("i"))
    #: For each node, its only thread (-1 for none or several).
    sole: array = field(default_factory=lambda: array("i"))
    #: Parallel to ``indices``: each link's distance (as in ``distance``).
    lengths: array = field(default_factory=lambda: array("d"))
    #: Parallel to ``indices``: each link's kind bits (:data:`KIND_BITS`) and strength (-1 where none is known).
    masks: array = field(default_factory=lambda: array("i"))
    strengths: array = field(default_factory=lambda: array("d"))
    _edges: dict[tuple[int, int], tuple[tuple[str, ...], float | None]] | None = field(default=None, repr=False)
    _adj: list[list[int]] | None = field(default=None, repr=False, compare=False)
    _threads: list[list[int]] | None = field(default=None, repr=False, compare=False)

    @property
    def edges(self) -> dict[tuple[int, int], tuple[tuple[str, ...], float | None]]:
        """Edge data for each pair ``(i, j)`` with ``i < j``, ascending: ``(kinds, strength or None)``."""
        if self._edges is None:
            indptr, indices, masks, strengths = self.indptr, self.indices, self.masks, self.strengths
            edges = {}
            for v in range(self.n):
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    if v < w:
                        edges[(v, w)] = (KINDS_BY_MASK[masks[e]], strengths[e] if strengths[e] > 0 else None)
            self._edges = edges
        return self._edges

    def kinds_of(self, a: int, b: int) -> tuple[str, ...]:
        """The kinds of the link between ``a`` and ``b``, in order of precedence (empty when not linked)."""
        if self._edges is not None:
            found = self._edges.get((a, b) if a < b else (b, a))
            return found[0] if found else ()
        start, end = self.indptr[a], self.indptr[a + 1]
        e = bisect.bisect_left(self.indices, b, start, end)
        return KINDS_BY_MASK[self.masks[e]] if e < end and self.indices[e] == b else ()

    @property
    def adj(self) -> list[list[int]]:
        """Live neighbours of each node, ascending (no staff-staff colleague edges: the team is one source)."""
        if self._adj is None:
            indptr, indices = self.indptr, self.indices
            self._adj = [indices[indptr[v]:indptr[v + 1]].tolist() for v in range(self.n)]
        return self._adj

    @property
    def threads(self) -> list[list[int]]:
        """For each node, the staff it has a thread with, ascending (empty for staff)."""
        if self._threads is None:
            threads: list[list[int]] = [[] for _ in range(self.n)]
            n_staff = self.n_staff
            for (a, b), (kinds, _) in sorted(self.edges.items()):
                if kinds[0] == "thread" and a < n_staff <= b:
                    threads[b].append(a)
            self._threads = threads
        return self._threads

    def degree(self, v: int) -> int:
        """Number of live neighbours of node ``v``."""
        return self.indptr[v + 1] - self.indptr[v]

    @property
    def distance(self) -> list[list[float]]:
        """Parallel to ``adj``: the distance 1/strength of each link (1 where no strength is known)."""
        indptr, lengths = self.indptr, self.lengths
        return [lengths[indptr[v]:indptr[v + 1]].tolist() for v in range(self.n)]

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
        """Build the live relationship graph of an account (see :mod:`kamgraph.graph.networkx_view`)."""
        n_staff = len(ag.staff)
        n = n_staff + len(ag.stakeholders)
        ids = ag.ids[:n]
        index = {pid: i for i, pid in enumerate(ids)}
        people: list[Any] = [*ag.staff.values(), *ag.stakeholders.values()]
        weights, keys = ag.importance, ag.key
        imp = [0.0] * n
        key = [False] * n
        dept: list[str | None] = [None] * n
        extra_u: list[int] = []
        extra_v: list[int] = []
        extra_mask: list[int] = []
        get = index.get
        for rel in ag.snapshot.relationships:
            a, b = get(rel.source), get(rel.target)
            if a is not None and b is not None and a != b and (a >= n_staff or b >= n_staff):
                extra_u.append(a)
                extra_v.append(b)
                extra_mask.append(KIND_BITS[rel.kind.value])
        reports, dotted = KIND_BITS["reports_to"], KIND_BITS["dotted"]
        for a in range(n_staff, n):
            person = people[a]
            cid = ids[a]
            imp[a] = weights[cid]
            key[a] = cid in keys
            dept[a] = person.department
            manager_id = person.reports_to
            manager = get(manager_id) if manager_id else None
            if manager is not None:
                extra_u.append(a)
                extra_v.append(manager)
                extra_mask.append(reports)
            for other in person.dotted_to:
                b = get(other)
                if b is not None and other != manager_id:
                    extra_u.append(a)
                    extra_v.append(b)
                    extra_mask.append(dotted)
        pairs, client_pairs = ag.table
        layout = kernels.build_edges(n, n_staff, pairs, client_pairs, ag.settings.strength.thread_threshold,
                                     extra_u, extra_v, extra_mask)
        return cls._laid_out(layout, ids=ids, n_staff=n_staff, importance=imp, key=key, department=dept,
                             people=people, account=ag.snapshot.account.id)

    @classmethod
    def _laid_out(cls, layout: EdgeLayout, **fields: Any) -> CompactGraph:
        """A graph with the weak contacts and CSR arrays of ``layout``, and the other ``fields``."""
        return cls(weak=layout.weak, indptr=layout.indptr, indices=layout.indices, rev=layout.rev, sole=layout.sole,
                   lengths=layout.lengths, masks=layout.masks, strengths=layout.strengths, **fields)

    @classmethod
    def from_networkx(cls, g: nx.Graph) -> CompactGraph:
        """Read a networkx graph that follows :mod:`kamgraph.graph.networkx_view`'s conventions.

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
        return cls._laid_out(_layout(len(ids), n_staff, edges, weak), ids=ids, n_staff=n_staff, importance=imp,
                             key=key, department=dept, _edges=edges, attrs=[dict(d) for d in data])

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


# --------------------------------------------------------------------------- edge layout
Edges = dict[tuple[int, int], tuple[tuple[str, ...], float | None]]


def _layout(n: int, n_staff: int, edges: Edges, weak: list[tuple[int, int, float]]) -> EdgeLayout:
    """The layout of a networkx graph's edges: what :func:`kamgraph.kernels.build_edges` gives an account.

    The edges keep their kinds as given (a thread is an edge whose first kind
    is "thread"); ``weak`` is sorted in place.
    """
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
    indptr = array("i", [0])
    for v in range(n):
        indptr.append(indptr[-1] + len(adj[v]))
    indices = array("i", [w for v in range(n) for w in adj[v]])
    # rows are ascending, so w's entry for v is found by bisection
    rev = array("i", [indptr[w] + bisect.bisect_left(adj[w], v) for v in range(n) for w in adj[v]])
    sole = array("i", [t[0] if len(t) == 1 else -1 for t in threads])
    lengths = array("d", [d for row in distance for d in row])
    bits: dict[tuple[str, ...], int] = {}
    masks, strengths = array("i"), array("d")
    for v in range(n):
        for w in adj[v]:
            kinds, strength = edges[(v, w) if v < w else (w, v)]
            mask = bits.get(kinds)
            if mask is None:
                mask = bits[kinds] = sum(KIND_BITS.get(k, 0) for k in set(kinds))
            masks.append(mask)
            strengths.append(strength if strength else -1.0)
    weak.sort()
    return EdgeLayout(weak, indptr, indices, rev, sole, lengths, masks, strengths)
