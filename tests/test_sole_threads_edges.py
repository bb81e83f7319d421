"""Sole threads read from a networkx graph, by hand: the first stakeholder in id order counts like any other.

:func:`kamgraph.analysis.fragility.sole_threads` numbers staff first, then stakeholders, both by id; a
stakeholder is a sole thread's when exactly one staff member has a ``thread`` link to them (other kinds of
link do not count).
"""

from __future__ import annotations

import networkx as nx

from kamgraph.analysis.fragility import sole_threads


def test_sole_threads_include_the_first_stakeholder() -> None:
    g = nx.Graph()
    for s in ("s1", "s2"):
        g.add_node(s, kind="staff")
    for c in ("a", "b", "c", "d"):
        g.add_node(c, kind="stakeholder")
    g.add_edge("s1", "a", kind="thread")   # a: s1 only (a is node number 2, the first stakeholder)
    g.add_edge("s1", "b", kind="thread")   # b: s1 and s2
    g.add_edge("s2", "b", kind="thread")
    g.add_edge("s2", "c", kind="thread")   # c: s2 only; its link to a is a reporting line
    g.add_edge("c", "a", kind="reports_to")
    g.add_edge("s1", "d", kind="met")      # d: met, no thread
    assert sole_threads(g) == {"a": "s1", "c": "s2"}
