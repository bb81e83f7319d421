"""Gaps and shape at the edges of their rules, with every figure worked out by hand in the test."""

from __future__ import annotations

import pytest

from kamgraph.analysis.gaps import coverage_gaps
from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.shape import classify, relationship_shape
from kamgraph.domain.models import Staff
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.settings import Settings, ShapeSettings

from .accounts import AS_OF, met, person, snapshot, us


@pytest.mark.parametrize(("concentration", "pair_share", "shape"), [
    (0.5, 0.9, "bow-tie"),        # concentration at the bow-tie bound
    (0.499, 0.15, "in between"),  # just below it, pair share at its bound: not a bow-tie
    (0.499, 0.149, "bow-tie"),    # pair share just below 0.15
    (0.35, 0.3, "diamond"),       # both diamond bounds reached
    (0.351, 0.3, "in between"),
    (0.35, 0.299, "in between"),
    (0.0, 1.0, "diamond"),
])
def test_classify_at_the_bounds(concentration: float, pair_share: float, shape: str) -> None:
    assert classify(concentration, pair_share, ShapeSettings()) == shape


def test_classify_reads_its_settings() -> None:
    s = ShapeSettings(bow_tie_concentration=0.9, bow_tie_pair_share=0.05, diamond_concentration=0.6,
                      diamond_pair_share=0.5)
    assert [classify(0.9, 1, s), classify(0.8, 0.04, s), classify(0.6, 0.5, s), classify(0.61, 0.5, s),
            classify(0.6, 0.49, s)] == ["bow-tie", "bow-tie", "diamond", "in between", "in between"]


def test_shape_figures_by_hand() -> None:
    # Key: k1 (influence 5, no role: 5), k2 (decision maker 4: 7.2); u (2, user: 1.6) is not key.
    # S1 meets k1 and k2 today (1 + 1), S2 meets k2 and u today (1 + 1), S3 meets nobody.
    snap = snapshot(stakeholders=[person("k1", 5), person("k2", 4, "decision_maker"), person("u", 2, "user")],
                    staff=[us("S1"), us("S2"), us("S3")],
                    meetings=[met("a", 0, "S1", "k1", "k2"), met("b", 0, "S2", "k2", "u")])
    shape = relationship_shape(build_account_graph(snap, AS_OF, Settings()))
    # concentration: 2 of 4 = 0.5 (S1 and S2 tie); threaded key pairs 3 of 3 staff x 2 keys = 6
    assert (shape.concentration, shape.pair_share, shape.threaded_key_pairs) == (0.5, 0.5, 3)
    assert (shape.staff, shape.key_stakeholders, shape.mean_threads_per_key, shape.shape) == (3, 2, 1.5, "bow-tie")


def test_no_meetings_no_shape() -> None:
    snap = snapshot(stakeholders=[person("k1", 5)], staff=[us("S1")], meetings=[])
    shape = relationship_shape(build_account_graph(snap, AS_OF, Settings()))
    assert (shape.shape, shape.concentration, shape.pair_share, shape.mean_threads_per_key) == ("none", 0.0, 0.0,
                                                                                              0.0)
    gaps = coverage_gaps(build_account_graph(snap, AS_OF, Settings()))
    assert (gaps.concentration, gaps.top_staff, gaps.concentrated) == (0.0, None, False)


def test_gaps_orderings_and_bounds() -> None:
    # eb 10, dm 7.2 (uncovered), c1/c2 (no role, 3 each: uncovered, same importance -> by id), ch 6 covered once.
    snap = snapshot(
        stakeholders=[person("eb", 5, "economic_buyer", dept="Finance", seniority="c_level"),
                      person("dm", 4, "decision_maker", dept="Ops", seniority="vp"),
                      person("c2", 3, None, dept="Zeta", seniority="individual"),
                      person("c1", 3, None, dept="Alpha", seniority="manager"),
                      person("ch", 4, "champion", dept="IT", seniority="director"),
                      person("tb", 4, "technical_buyer", dept="IT", seniority="director")],
        staff=[us("S2"), us("S1")],
        # ch: S1 and S2 equally (two threads); tb: only S2; eb: S1 long ago (weak, 2**-2 = 0.25)
        meetings=[met("a", 0, "S1", "S2", "ch"), met("b", 0, "S2", "tb"), met("c", 180, "S1", "eb")])
    gaps = coverage_gaps(build_account_graph(snap, AS_OF, Settings()))
    assert gaps.uncovered == ["eb", "dm", "c1", "c2"]
    assert (gaps.roles_uncovered, gaps.roles_missing) == (["economic_buyer", "decision_maker"], [])
    assert gaps.departments_uncovered == ["Alpha", "Finance", "Ops", "Zeta"]
    assert gaps.levels_uncovered == ["c_level", "vp", "manager", "individual"]  # in seniority order
    assert gaps.single_threaded_key == [("tb", "S2")]
    # S1: 1 + 0.25 (eb counts: active stakeholders' ties), S2: 2 -> S2 holds 2 / 3.25
    assert (gaps.top_staff, gaps.concentration) == ("S2", round(2 / 3.25, 6))
    assert gaps.concentrated  # 0.615 >= 0.5


def test_concentration_at_the_threshold_and_the_tie_break() -> None:
    # S1 and S2 hold the same strength: the smaller id is the top one; 0.5 reaches the 0.5 threshold.
    snap = snapshot(stakeholders=[person("a", 3), person("b", 3)], staff=[us("S2"), us("S1")],
                    meetings=[met("m1", 0, "S2", "a"), met("m2", 0, "S1", "b")])
    gaps = coverage_gaps(build_account_graph(snap, AS_OF, Settings()))
    assert (gaps.top_staff, gaps.concentration, gaps.concentrated) == ("S1", 0.5, True)
    higher = Settings(coverage={"concentration_threshold": 0.51})
    assert not coverage_gaps(build_account_graph(snap, AS_OF, higher)).concentrated
    summary = analyze(snap, AS_OF).summary
    assert (summary.top_staff, summary.concentration) == ("S1", 0.5)


def test_required_roles_from_the_settings() -> None:
    snap = snapshot(stakeholders=[person("u", 2, "user"), person("g", 3, "gatekeeper")], staff=[us("S1")],
                    meetings=[met("m", 0, "S1", "u")])
    s = Settings(coverage={"required_roles": ["user", "gatekeeper", "coach"]})
    gaps = coverage_gaps(build_account_graph(snap, AS_OF, s))
    assert (gaps.roles_uncovered, gaps.roles_missing) == (["gatekeeper"], ["coach"])
    summary = analyze(snap, AS_OF, s).summary
    assert (summary.required_roles_covered, summary.required_roles) == (1, 3)


def test_matrix_by_hand() -> None:
    import datetime as dt

    from kamgraph.analysis.matrix import communication_matrix, matrix_dict

    left = AS_OF - dt.timedelta(days=1)
    # Staff S1, S2, gone (left). Stakeholders: ch (champion, target 21), u (user, 90), old (left).
    snap = snapshot(
        stakeholders=[person("ch", 4, "champion"), person("u", 2, "user"),
                      person("old", 3, None, left_on=left, status="left")],
        staff=[us("S1"), us("S2"), Staff(id="gone", name="Gone", accounts=["acc"], left_on=left)],
        meetings=[met("a", 30, "S1", "ch", "u"),   # 2**(-1/3) each
                  met("b", 18, "S2", "ch"),        # ch last met 18 days ago: due (16.8 <= 18 <= 21)
                  met("c", 100, "S2", "u", kind="call"),  # 0.6 x 2**(-10/9): below the threshold
                  met("d", 5, "gone", "ch", "old"),  # people who left: no cells, not counted
                  met("e", 2, "S1", "old"),
                  met("f", -1, "S1", "u")])        # after the as-of date
    grid = communication_matrix(build_account_graph(snap, AS_OF, Settings()))
    assert sorted(grid.cells) == [("S1", "ch"), ("S1", "u"), ("S2", "ch"), ("S2", "u")]
    a, b, c = 2 ** (-30 / 90), 2 ** (-18 / 90), 0.6 * 2 ** (-100 / 90)
    assert grid.cells[("S2", "ch")] == type(grid.cells[("S2", "ch")])(count=1, last=AS_OF - dt.timedelta(days=18),
                                                                        strength=round(b, 6), status="due")
    assert grid.cells[("S2", "u")].status == "overdue" and grid.cells[("S1", "u")].status == "ok"
    assert grid.staff == ["S1", "S2"]  # strongest first: 2a = 1.587 > b + c = 1.148
    rows, cols = grid.row_totals, grid.column_totals
    assert (rows["S1"].count, rows["S1"].strength, rows["S1"].threads) == (1, round(2 * a, 6), 2)
    assert (rows["S2"].count, rows["S2"].strength, rows["S2"].threads) == (2, round(b + c, 6), 1)
    assert (cols["ch"].count, cols["ch"].strength, cols["ch"].threads, cols["ch"].last, cols["ch"].status) == (
        2, round(a + b, 6), 2, AS_OF - dt.timedelta(days=18), "due")
    assert (cols["u"].count, cols["u"].threads, cols["u"].last, cols["u"].status) == (
        2, 1, AS_OF - dt.timedelta(days=30), "ok")
    assert rows["S2"].last == AS_OF - dt.timedelta(days=18) and rows["S1"].last == AS_OF - dt.timedelta(days=30)
    assert grid.stakeholders == ["ch", "u"] and grid.names == {"S1": "Staff S1", "S2": "Staff S2",
                                                               "ch": "Client ch", "u": "Client u"}
    data = matrix_dict(grid, "acc")
    assert [(x["id"], x["count"], x["threads"]) for x in data["staff"]] == [(s, rows[s].count, rows[s].threads)
                                                                            for s in grid.staff]
    assert data["stakeholders"][0] == {"id": "ch", "name": "Client ch", "count": 2, "strength": round(a + b, 6),
                                       "threads": 2, "last": (AS_OF - dt.timedelta(days=18)).isoformat(),
                                       "status": "due"}
    assert [(x["staff"], x["stakeholder"]) for x in data["cells"]] == [(s, k) for s in grid.staff
                                                                       for k in ("ch", "u")]
    assert data["cells"][0]["status"] == grid.cells[(grid.staff[0], "ch")].status


def test_matrix_without_meetings() -> None:
    from kamgraph.analysis.matrix import communication_matrix, matrix_dict

    snap = snapshot(stakeholders=[person("ch", 4, "champion")], staff=[us("S1")], meetings=[])
    data = matrix_dict(communication_matrix(build_account_graph(snap, AS_OF, Settings())), "acc")
    assert data["cells"] == [] and data["stakeholders"][0]["status"] == "never"
    assert data["staff"][0] == {"id": "S1", "name": "Staff S1", "count": 0, "strength": 0.0, "threads": 0,
                                "last": None, "status": None}


def test_weighted_betweenness_with_an_improved_distance_and_no_reach() -> None:
    import networkx as nx

    from kamgraph.analysis.bridging import team_betweenness

    # S-A 4 (0.25), S-B 2 (0.5), A-X none (1), B-X 4 (0.25), X-Y none (1): X is first found through A
    # (1.25), then more closely through B (0.75); Y hangs off X. Through B: X and Y (2 of 4); X: Y (1 of 4).
    g = nx.Graph()
    g.add_node("S", kind="staff")
    for c in "ABXY":
        g.add_node(c, kind="stakeholder")
    g.add_edge("S", "A", strength=4.0)
    g.add_edge("S", "B", strength=2.0)
    g.add_edge("A", "X", kind="knows")
    g.add_edge("B", "X", strength=4.0)
    g.add_edge("X", "Y", kind="knows")
    assert team_betweenness(g, weight="weight") == pytest.approx({"S": 1.0, "A": 0.0, "B": 0.5, "X": 0.25,
                                                                  "Y": 0.0}, abs=1e-12)
    lonely = nx.Graph()
    lonely.add_node("S", kind="staff")
    lonely.add_node("C", kind="stakeholder")
    assert team_betweenness(lonely, weight="weight") == {"S": 0.0, "C": 0.0}
    assert team_betweenness(lonely) == {"S": 0.0, "C": 0.0}


def test_reach_with_people_removed() -> None:
    import networkx as nx

    from kamgraph.analysis.fragility import compact_reach
    from kamgraph.graph.compact import CompactGraph

    g = nx.Graph()
    for s in ("S1", "S2"):
        g.add_node(s, kind="staff")
    for c in "ABC":
        g.add_node(c, kind="stakeholder")
    g.add_edges_from([("S1", "A", {"kind": "thread"}), ("A", "B", {"kind": "knows"}),
                      ("S2", "C", {"kind": "thread"})])
    cg = CompactGraph.from_networkx(g)
    name = {i: pid for i, pid in enumerate(cg.ids)}
    assert {name[v] for v in compact_reach(cg)} == {"A", "B", "C"}
    assert {name[v] for v in compact_reach(cg, [cg.index["A"]])} == {"C"}  # B hangs off A
    assert {name[v] for v in compact_reach(cg, [cg.index["S2"]])} == {"A", "B"}


def test_with_people_back() -> None:
    import datetime as dt

    from kamgraph.analysis.whatif import with_people_back

    left = AS_OF - dt.timedelta(days=3)
    snap = snapshot(stakeholders=[person("old", 3, None, left_on=left, status="left", moved_to="Globex"),
                                  person("other", 3, None, left_on=left, status="left")],
                    staff=[us("S1")], meetings=[met("m", 10, "S1", "old")])
    snap.as_of = AS_OF
    back = with_people_back(snap, ["old"])
    old = next(p for p in back.stakeholders if p.id == "old")
    assert (old.status.value, old.left_on, old.moved_to) == ("active", None, None)
    other = next(p for p in back.stakeholders if p.id == "other")
    assert (other.status.value, other.left_on) == ("left", left)  # only the people named come back
    assert back.reporting_lines == snap.reporting_lines and back.as_of == AS_OF
    assert back.meetings == snap.meetings and back.relationships == snap.relationships
