"""Required roles held by several people: covered when *any* holder is covered, by hand.

:mod:`kamgraph.analysis.gaps`: a required role is *uncovered* when somebody holds it but none of its holders
is covered, and *missing* when nobody holds it.
"""

from __future__ import annotations

from kamgraph.analysis.gaps import coverage_gaps
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.settings import Settings

from .accounts import AS_OF, met, person, snapshot, us


def test_a_role_with_one_covered_holder_of_two_is_covered() -> None:
    # champions ch1 (met today: covered) and ch2 (never met); economic buyers eb1, eb2 (neither met);
    # technical buyer tb (met today). Nobody is a decision maker.
    snap = snapshot(stakeholders=[person("ch1", 4, "champion"), person("ch2", 3, "champion"),
                                  person("eb1", 5, "economic_buyer"), person("eb2", 4, "economic_buyer"),
                                  person("tb", 3, "technical_buyer")],
                    staff=[us("S1")], meetings=[met("a", 0, "S1", "ch1", "tb")])
    gaps = coverage_gaps(build_account_graph(snap, AS_OF, Settings()))
    # the default required roles, in their order: economic buyer, decision maker, champion, technical buyer
    assert gaps.roles_uncovered == ["economic_buyer"]  # two holders, neither covered
    assert gaps.roles_missing == ["decision_maker"]
    assert gaps.uncovered == ["eb1", "eb2", "ch2"]  # importance 10, 8, 4.5
