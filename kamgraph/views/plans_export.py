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

from .graph_export import add_objectives, objective_node_id

__all__ = ["add_objectives", "objective_node_id"]
