"""Analysis rules the sixth round of planted bugs found unchecked, worked out by hand.

- The most critical person on a tie between one of our staff and a stakeholder: the smallest id, as documented
  (``fragility_index``: "ties broken by id"), not the first in the graph's numbering (staff before stakeholders).
"""

from __future__ import annotations

import networkx as nx
import pytest

from kamgraph.analysis.bridging import team_betweenness
from kamgraph.analysis.fragility import fragility_index, removal_impacts
from kamgraph.analysis.pipeline import analyze
from kamgraph.graph.networkx_view import relationship_graph

from .accounts import AS_OF, met, person, snapshot, us


def test_a_tie_between_a_stakeholder_and_our_staff_goes_to_the_smallest_id() -> None:
    # Importance (influence x role weight): c-hub 4 x 1.5 (champion) = 6, c-leaf 2 x 1.0 = 2, c-solo 2 x 1.0 = 2;
    # total 10. c-hub is met by both staff, c-leaf hangs off c-hub (reports to it), c-solo is met by s-ann only.
    # s-ann leaving cuts off c-solo (2 / 10); c-hub leaving cuts off c-leaf (2 / 10); nobody else cuts anybody off.
    # Equal shares: "c-hub" < "s-ann", so c-hub is the most critical, although staff come first in the numbering.
    snap = snapshot(stakeholders=[person("c-hub", 4, "champion"), person("c-leaf", 2, reports_to="c-hub"),
                                  person("c-solo", 2)],
                    staff=[us("s-ann"), us("s-bob")],
                    meetings=[met("m1", 1, "s-ann", "c-hub"), met("m2", 1, "s-bob", "c-hub"),
                              met("m3", 1, "s-ann", "c-solo")])
    a = analyze(snap, AS_OF)
    assert a.impacts["s-ann"].lost == ("c-solo",) and a.impacts["c-hub"].lost == ("c-leaf",)
    assert a.impacts["s-ann"].share == a.impacts["c-hub"].share == pytest.approx(0.2)
    assert "s-bob" not in a.impacts or a.impacts["s-bob"].share == 0
    assert (a.most_critical, a.fragility_index) == ("c-hub", pytest.approx(0.2))
    assert a.summary.most_critical_person == "c-hub"
    share, who = fragility_index(removal_impacts(relationship_graph(a.ag)))
    assert (who, share) == ("c-hub", pytest.approx(0.2))


def test_weighted_betweenness_counts_paths_equal_up_to_rounding() -> None:
    # s (staff) reaches t through a (distances 1/1 = 1, then 1/3) or through b (1/3, then 1): both 4/3 long, but
    # in floating point, from the team at distance 1, 2.0 + 1/3 = 2.3333333333333335 and 1.3333333333333333 + 1 =
    # 2.333333333333333. a and b are each on half of the shortest paths to t and on none to each other (a is 1
    # away directly, 7/3 through b and t); three stakeholders reached: a and b score 0.5 / 3, t nothing.
    g = nx.Graph()
    g.add_node("s", kind="staff")
    for c in "abt":
        g.add_node(c, kind="stakeholder")
    for u, v, strength in (("s", "a", 1.0), ("a", "t", 3.0), ("s", "b", 3.0), ("b", "t", 1.0)):
        g.add_edge(u, v, kind="thread", strength=strength)
    weighted = team_betweenness(g, weight="weight")
    assert weighted["a"] == pytest.approx(1 / 6) and weighted["b"] == pytest.approx(1 / 6)
    assert weighted["t"] == 0
    # counted in hops the two paths tie as well: the same shares
    hops = team_betweenness(g)
    assert hops["a"] == pytest.approx(1 / 6) and hops["b"] == pytest.approx(1 / 6) and hops["t"] == 0
