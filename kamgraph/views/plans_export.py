"""Account-plan objectives in the graph exports (GraphML, GEXF, node-link JSON, neo4j-admin CSV).

:func:`add_objectives` adds one node per evaluated objective to an export graph of
:func:`kamgraph.views.graph_export.export_graph`: node id ``objective:ID``, ``kind="objective"``, and the
objective's ``goal``, ``goal_kind``, ``subject``, ``target``, ``owner``, ``due``, ``state`` and, on the
export's date, ``status``, ``value`` (as text: a count, share, number of days or stage) and
``evidence``; a ``for`` link runs from it to the stakeholder it is about (person goals) and an ``owned_by``
link to its owner when they are in the graph. Values follow the export's rules: plain ``str``, ``int``,
``float`` or ``bool``, nothing that does not apply.

Examples
--------
>>> import datetime as dt
>>> import networkx as nx
>>> from kamgraph.domain.plans import Objective, ObjectiveStatus
>>> g = nx.MultiDiGraph()
>>> g.add_node("eb", kind="stakeholder", name="Eve")
>>> o = Objective(id="a-1", account="a", kind="cover_person", subject="eb", due=dt.date(2026, 6, 30),
...               created_on=dt.date(2026, 5, 1))
>>> s = ObjectiveStatus(objective=o, as_of=dt.date(2026, 7, 1), goal="cover Eve", status="missed",
...                     evidence="Eve has 0 threads, needs 1", value=0.0, target=1.0, days_left=-1)
>>> add_objectives(g, [s])
>>> g.nodes["objective:a-1"]["status"], sorted((u, v, k) for u, v, k in g.edges(keys=True))
('missed', [('objective:a-1', 'eb', 'for')])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..domain.plans import PERSON_KINDS, ObjectiveStatus
from .graph_export import plain

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["add_objectives", "objective_node_id"]


def objective_node_id(objective_id: str) -> str:
    """The export node id of an objective (``objective:ID``; person ids never start so)."""
    return f"objective:{objective_id}"


def add_objectives(g: nx.MultiDiGraph, statuses: Sequence[ObjectiveStatus]) -> None:
    """Add the evaluated objectives to the export graph ``g`` (see the module docstring)."""
    for s in statuses:
        o = s.objective
        node = objective_node_id(o.id)
        values = {"kind": "objective", "name": s.goal, "goal": s.goal, "goal_kind": o.kind.value,
                  "account": o.account, "subject": o.subject, "target": o.target, "owner": o.owner,
                  "due": o.due, "state": o.state, "status": s.status.value,
                  "value": None if s.value is None else str(s.value), "days_left": s.days_left,
                  "evidence": s.evidence}
        g.add_node(node, **{k: plain(v) for k, v in values.items() if plain(v) is not None})
        if o.kind in PERSON_KINDS and o.subject in g:
            g.add_edge(node, o.subject, key="for", kind="for")
        if o.owner and o.owner in g:
            g.add_edge(node, o.owner, key="owned_by", kind="owned_by")
