"""Coverage gaps by department and level: one covered member covers the whole group, whatever the order.

Hand-worked: S1 meets a1 and b2 today (strength 1, a thread each). IT holds a1 (covered) then a2 (not);
Ops holds b1 (not) then b2 (covered); Sales holds only s1 (not). The same split by seniority: a1/a2 are
directors, b1/b2 managers, s1 a VP. Stakeholders are read in id order, so each covered member comes once
before and once after an uncovered colleague.
"""

from __future__ import annotations

from kamgraph.analysis.gaps import coverage_gaps
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.settings import Settings

from .accounts import AS_OF, met, person, snapshot, us


def test_a_group_is_covered_when_any_member_is() -> None:
    snap = snapshot(
        stakeholders=[person("a1", 3, None, dept="IT", seniority="director"),
                      person("a2", 3, None, dept="IT", seniority="director"),
                      person("b1", 3, None, dept="Ops", seniority="manager"),
                      person("b2", 3, None, dept="Ops", seniority="manager"),
                      person("s1", 3, None, dept="Sales", seniority="vp")],
        staff=[us("S1")], meetings=[met("m1", 0, "S1", "a1"), met("m2", 0, "S1", "b2")])
    gaps = coverage_gaps(build_account_graph(snap, AS_OF, Settings()))
    assert gaps.uncovered == ["a2", "b1", "s1"]  # same importance (3): by id
    assert gaps.departments_uncovered == ["Sales"]
    assert gaps.levels_uncovered == ["vp"]
