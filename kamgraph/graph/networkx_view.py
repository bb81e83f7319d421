"""The relationship graph of one account, as a networkx graph.

Nodes are the account's **active** people on the as-of date -- our staff
(``kind="staff"``, with ``name``, ``title``, ``role``, ``team``) and client
stakeholders (``kind="stakeholder"``, with ``name``, ``title``,
``department``, ``seniority``, ``buying_role``, ``influence``, ``attitude``,
``importance``, ``key``).

Edges are *live* links, the ones a relationship can travel along:

* ``thread`` -- a staff member and a stakeholder whose tie strength reaches
  the thread threshold (``strength``);
* ``knows`` / ``influences`` -- recorded ties between a stakeholder and anyone;
* ``reports_to`` / ``dotted`` -- reporting lines between stakeholders;
* ``met`` -- two stakeholders who attended our meetings together with a joint
  strength at or above the threshold (they know each other).

An edge that is several of these keeps all in ``kinds`` (in the order above)
and the first as ``kind``; ``weight`` is the distance 1/strength where a
strength is known, else 1. There are no edges between our own staff: every
analysis treats our team as one source joined to all staff (our people can
always reach each other). Weak contacts -- staff and stakeholders who met,
but below the thread threshold -- are listed in ``G.graph["weak"]`` as
``(staff, stakeholder, strength)``.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.settings import Settings
>>> from kamgraph.graph.account_graph import build_account_graph
>>> snap = AccountSnapshot(account=Account(id="a", name="A"),
...     stakeholders=[Stakeholder(id="c1", account="a", name="C1"),
...                   Stakeholder(id="c2", account="a", name="C2", reports_to="c1")],
...     staff=[Staff(id="s1", name="S1")], reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m", date="2025-01-01", attendees=["s1", "c1"])])
>>> g = relationship_graph(build_account_graph(snap, dt.date(2025, 1, 2), Settings()))
>>> sorted(g.edges(data="kind"))
[('c1', 'c2', 'reports_to'), ('s1', 'c1', 'thread')]
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from .account_graph import AccountGraph
from .compact import EDGE_KINDS, CompactGraph

__all__ = ["EDGE_KINDS", "relationship_graph", "staff_nodes", "stakeholder_nodes", "with_team_clique"]


def relationship_graph(ag: AccountGraph) -> nx.Graph:
    """The live relationship graph of an account (see the module docstring)."""
    g = CompactGraph.from_account(ag).to_networkx()
    g.graph.update(account=ag.snapshot.account.id, as_of=ag.as_of)
    return g


def staff_nodes(g: nx.Graph) -> list[str]:
    """Our staff in the graph, sorted."""
    return sorted(n for n, kind in g.nodes(data="kind") if kind == "staff")


def stakeholder_nodes(g: nx.Graph, nodes: Iterable[str] | None = None) -> list[str]:
    """Stakeholders in the graph (or among ``nodes``), sorted."""
    pool = g.nodes if nodes is None else nodes
    return sorted(n for n in pool if g.nodes[n].get("kind") == "stakeholder")


def with_team_clique(g: nx.Graph) -> nx.Graph:
    """A copy of ``g`` with an edge (``kind="colleague"``) between every two staff members.

    For measures over all pairs of people, such as standard betweenness, where
    our own people must not look like they need a stakeholder to reach each other.
    """
    h = g.copy()
    staff = staff_nodes(g)
    for i, a in enumerate(staff):
        for b in staff[i + 1:]:
            if not h.has_edge(a, b):
                h.add_edge(a, b, kind="colleague", kinds=("colleague",), weight=1.0)
    return h
