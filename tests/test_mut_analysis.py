"""Tests written for the survivors of the mutation run of ``kamgraph/analysis`` (docs/mutation.md).

Each test pins a behaviour a surviving mutant changed, against a figure worked out by hand in the
test (the formula written out, never the code's own output).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from kamgraph.analysis.actions import next_actions, successors
from kamgraph.analysis.bridging import all_pairs_ranking, bridges, compact_brokers, constraint
from kamgraph.analysis.fragility import removal_impact_bruteforce, removal_impacts, sole_threads, team_reach
from kamgraph.analysis.matrix import communication_matrix, matrix_dict
from kamgraph.analysis.person_profile import person_profile
from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.staff_load import AccountHold, account_holds, thread_load
from kamgraph.analysis.trend import (
    default_start,
    period_end,
    snapshot_on,
    sustained_fall,
    trend_dates,
    trend_points,
    watch_sustained_fall,
)
from kamgraph.analysis.whatif import what_if, without_people
from kamgraph.domain.dataset import AccountSnapshot, Batch
from kamgraph.domain.models import Account, Meeting, Relationship, Staff, Stakeholder
from kamgraph.errors import InputError
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.graph.compact import CompactGraph
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

AS_OF = dt.date(2025, 6, 30)


def day(days_ago: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_ago)


def decay(days_ago: float, half_life: float = 90.0) -> float:
    """``2 ** (-days / h)``: the weight of a contact ``days_ago`` days old (DESIGN.md's strength)."""
    return 2 ** (-days_ago / half_life)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[GraphStore]:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        yield store


# -- person_profile -------------------------------------------------------------------------------


def profile_batch() -> Batch:
    """Staff S1, S2 and crowd W1..W8; stakeholders A (boss), B (reports to A), L (left 2025-06-01).

    m1  40 days ago, meeting: S1, A              subject 'Kick-off', account acc
    m2  10 days ago, qbr:     S1, S2, A, B
    m3   5 days ago, workshop: S1, A and the eight W  (10 attendees: counts 8/10)
    m4 100 days ago, call:    S2, L
    """
    crowd = [f"W{i}" for i in range(1, 9)]
    return Batch(
        accounts=[Account(id="acc", name="Acme")],
        staff=[Staff(id="S1", name="Sam", role="kam", accounts=["acc"]),
               Staff(id="S2", name="Sue", role="delivery", accounts=["acc"]),
               *(Staff(id=w, name=f"Crowd {w}", role="support") for w in crowd)],
        stakeholders=[Stakeholder(id="A", account="acc", name="Ann", influence=5),
                      Stakeholder(id="B", account="acc", name="Bob", influence=3, reports_to="A"),
                      Stakeholder(id="L", account="acc", name="Lea", influence=2, left_on=dt.date(2025, 6, 1))],
        meetings=[Meeting(id="m1", date=day(40), kind="meeting", subject="Kick-off", account="acc",
                          attendees=["S1", "A"]),
                  Meeting(id="m2", date=day(10), kind="qbr", attendees=["S1", "S2", "A", "B"]),
                  Meeting(id="m3", date=day(5), kind="workshop", attendees=["S1", "A", *crowd]),
                  Meeting(id="m4", date=day(100), kind="call", attendees=["S2", "L"])],
    )


def test_profile_of_a_stakeholder(sqlite_store: GraphStore) -> None:
    sqlite_store.import_batch(profile_batch())
    got = person_profile(sqlite_store, "A", AS_OF, Settings())
    assert got.manager is None  # A reports to nobody: None, not an empty name
    assert got.reports == ["Bob"]
    # S1: meeting 40 days ago (1.0), qbr 10 days ago (2.0), workshop 5 days ago (1.5 x 8/10 attendees)
    s1 = 1.0 * decay(40) + 2.0 * decay(10) + 1.5 * 0.8 * decay(5)
    s2 = 2.0 * decay(10)
    crowd = 1.5 * 0.8 * decay(5)
    assert [(t.id, t.strength, t.meetings, t.thread) for t in got.ties] == [
        ("S1", round(s1, 6), 3, True), ("S2", round(s2, 6), 1, True),
        *((f"W{i}", round(crowd, 6), 1, True) for i in range(1, 9))]  # strongest first, then by id
    assert got.ties[0].first == day(40) and got.ties[0].last == day(5)
    assert [(m.id, m.subject, m.account) for m in got.meetings] == [("m3", None, None), ("m2", None, None),
                                                                     ("m1", "Kick-off", "acc")]
    assert sorted(got.meetings[1].attendees) == ["Bob", "Sam", "Sue"]


def test_profile_of_a_staff_member(sqlite_store: GraphStore) -> None:
    sqlite_store.import_batch(profile_batch())
    got = person_profile(sqlite_store, "S1", AS_OF, Settings())
    a = 1.0 * decay(40) + 2.0 * decay(10) + 1.5 * 0.8 * decay(5)
    b = 2.0 * decay(10)
    assert [(t.id, t.account, t.strength) for t in got.ties] == [("A", "acc", round(a, 6)), ("B", "acc", round(b, 6))]
    assert got.manager is None and got.reports == []


def test_profile_active_on_the_day_and_the_meeting_cap(sqlite_store: GraphStore) -> None:
    batch = profile_batch()
    # L left on 2025-06-01: still active on 2025-05-01 (the profile's day), gone by AS_OF
    sqlite_store.import_batch(batch)
    assert person_profile(sqlite_store, "L", dt.date(2025, 5, 1), Settings()).active is True
    assert person_profile(sqlite_store, "L", AS_OF, Settings()).active is False
    # 51 more calls of S2 and L: the profile lists the 50 most recent by default
    calls = [Meeting(id=f"c{i:02d}", date=dt.date(2025, 1, 1) + dt.timedelta(days=i), kind="call",
                     attendees=["S2", "L"]) for i in range(51)]
    sqlite_store.import_batch(Batch(meetings=calls))
    listed = person_profile(sqlite_store, "L", AS_OF, Settings()).meetings
    assert len(listed) == 50
    assert listed[0].id == "m4"  # 100 days before AS_OF = 2025-03-22, after every call (last 2025-02-20)
    assert listed[-1].id == "c02"  # c50 .. c02 follow; c01 and c00 are cut


# -- trend ----------------------------------------------------------------------------------------


def test_trend_errors_name_the_field_and_the_choices() -> None:
    with pytest.raises(InputError) as bad_period:
        period_end(dt.date(2026, 1, 1), "fortnight")
    assert str(bad_period.value) == "every: unknown period 'fortnight' (one of: week, month, quarter)"
    with pytest.raises(InputError) as backwards:
        trend_dates(dt.date(2026, 2, 1), dt.date(2026, 1, 1), "month")
    assert str(backwards.value) == "from: --from 2026-02-01 is after --to 2026-01-01"
    series = [(dt.date(2026, m, 1), 50.0) for m in (1, 2)]
    with pytest.raises(InputError) as figure:
        sustained_fall(series, "wealth", drop=1, periods=1)
    assert str(figure.value) == ("figure: unknown trend figure 'wealth' (one of: health, coverage, weighted_coverage, "
                                 "key_coverage, fragility_index, concentration, key_at_connectivity_1, overdue_key, "
                                 "meetings)")
    for periods, drop in ((0, 5.0), (1, 0.0), (1, -1.0)):
        with pytest.raises(InputError) as rule:
            sustained_fall(series, "health", drop=drop, periods=periods)
        assert str(rule.value) == "periods: a sustained fall needs periods >= 1 and drop > 0"


def test_quarter_ends_and_dates_over_many_periods() -> None:
    assert [period_end(dt.date(2026, m, 15), "quarter").isoformat() for m in range(1, 13)] == [
        "2026-03-31"] * 3 + ["2026-06-30"] * 3 + ["2026-09-30"] * 3 + ["2026-12-31"] * 3
    assert [d.isoformat() for d in trend_dates(dt.date(2026, 1, 1), dt.date(2026, 7, 1), "quarter")] == [
        "2026-01-01", "2026-03-31", "2026-06-30", "2026-07-01"]
    # weeks end on Sunday: 2026-01-04 is a Sunday
    assert [d.isoformat() for d in trend_dates(dt.date(2026, 1, 1), dt.date(2026, 1, 20), "week")] == [
        "2026-01-01", "2026-01-04", "2026-01-11", "2026-01-18", "2026-01-20"]


def trend_account() -> Batch:
    """S1 on the team meets A (economic buyer) and B (champion); S9, not on the team and at no
    meeting, has a recorded tie to B; meetings are given out of date order."""
    return Batch(
        accounts=[Account(id="acc", name="Acme")],
        staff=[Staff(id="S1", name="Sam", role="kam", accounts=["acc"]), Staff(id="S9", name="Nine", role="support")],
        stakeholders=[Stakeholder(id="A", account="acc", name="Ann", influence=5, buying_role="economic_buyer"),
                      Stakeholder(id="B", account="acc", name="Bo", influence=4, buying_role="champion",
                                  reports_to="A")],
        meetings=[Meeting(id="m3", date=dt.date(2026, 3, 5), attendees=["S1", "B"]),
                  Meeting(id="m1", date=dt.date(2026, 1, 10), attendees=["S1", "A"]),
                  Meeting(id="m2", date=dt.date(2026, 2, 20), attendees=["S1", "A", "B"])],
        relationships=[Relationship(source="S9", target="B", kind="knows", weight=1.0)],
    )


def test_snapshot_on_sorts_and_keeps_staff_of_recorded_ties(sqlite_store: GraphStore) -> None:
    sqlite_store.import_batch(trend_account())
    whole = sqlite_store.load_account("acc")
    unsorted = dataclasses.replace(whole, meetings=sorted(whole.meetings, key=lambda m: m.date, reverse=True))
    cut = snapshot_on(unsorted, dt.date(2026, 2, 20))
    assert [m.id for m in cut.meetings] == ["m1", "m2"]  # up to the day, in date order
    assert sorted(s.id for s in cut.staff) == ["S1", "S9"]  # S9 stays: a recorded tie
    assert cut.account.id == "acc" and cut.as_of == dt.date(2026, 2, 20)
    assert sorted((r.stakeholder, r.manager) for r in cut.reporting_lines) == [("B", "A")]


def test_trend_points_equal_the_analysis_of_the_store_on_each_date(sqlite_store: GraphStore) -> None:
    sqlite_store.import_batch(trend_account())
    whole = sqlite_store.load_account("acc")
    settings = Settings()
    settings.strength.thread_threshold = 1.5  # not the default: the points must use these settings
    days = [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    points = trend_points(whole, days, settings)  # every="month" by default
    for point in points:
        reference = analyze(sqlite_store.load_account("acc", point.date), point.date, settings, detail=False).summary
        assert (point.health, point.coverage, point.fragility_index, point.key_coverage) == (
            reference.health, reference.coverage, reference.fragility_index, reference.key_coverage)
    # with threshold 1.5 no single meeting makes a thread: nobody is covered on 31 January
    assert points[0].coverage == 0.0
    # meetings per period: the first point counts its own month only (m1), then February (m2), March (m3)
    assert [p.meetings for p in points] == [1, 1, 1]
    # a first date in a quarter's second month: "month" counts from 1 February, not from 1 January
    assert [p.meetings for p in trend_points(whole, [dt.date(2026, 2, 28)])] == [1]
    assert trend_points(whole, []) == []
    # the same date twice: the second period is empty
    assert [p.meetings for p in trend_points(whole, [dt.date(2026, 2, 28)] * 2)] == [1, 0]
    with pytest.raises(AssertionError):  # dates must ascend
        trend_points(whole, [dt.date(2026, 2, 28), dt.date(2026, 1, 31)])


def test_sustained_fall_change_is_rounded_to_six_places() -> None:
    days = [dt.date(2026, m, 28) for m in (1, 2)]
    fall = sustained_fall(list(zip(days, [70.0, 58.1234567], strict=True)), "health", drop=10, periods=1)
    assert fall is not None and fall.change == -11.876543  # 58.1234567 - 70 = -11.8765433, six places


def test_watch_sustained_fall_uses_the_rule_period_and_settings() -> None:
    # The rule: meetings fell over 2 monthly periods by at least 2. Meetings of S and E: 3 in
    # February, 1 in March, none in April; as of 30 April the series is 28 Feb (3), 31 Mar (1), 30 Apr (0).
    snap = AccountSnapshot(
        account=Account(id="a", name="A"), staff=[Staff(id="s", name="S", accounts=["a"])],
        stakeholders=[Stakeholder(id="e", account="a", name="E", influence=5, buying_role="economic_buyer")],
        reporting_lines=[], relationships=[],
        meetings=[Meeting(id=f"m{i}", date=d, attendees=["s", "e"]) for i, d in enumerate(
            [dt.date(2026, 1, 5), dt.date(2026, 2, 3), dt.date(2026, 2, 10), dt.date(2026, 2, 17),
             dt.date(2026, 3, 3)])])
    settings = Settings()
    rule = settings.trend.sustained_fall
    rule.figure, rule.drop, rule.periods, rule.every = "meetings", 3.0, 2, "month"
    fall = watch_sustained_fall(snap, dt.date(2026, 4, 30), settings)
    assert fall is not None and (fall.since, fall.before, fall.after) == (dt.date(2026, 2, 28), 3.0, 0.0)
    # by quarter the series would be 31 Dec 2025, 31 Mar (5), 30 Apr (0): a rise first, no fall
    rule.every = "quarter"
    assert watch_sustained_fall(snap, dt.date(2026, 4, 30), settings) is None

    # the rule's own settings: one meeting on 5 January, key coverage as of 30 June. With the default
    # threshold 0.5 the thread lasts until 31 March (85 days: 2 ** (-85/90) = 0.52), then falls to 0;
    # with a threshold of 0.6 it is gone by 31 March already, so nothing falls in the window.
    one = dataclasses.replace(snap, meetings=snap.meetings[:1])
    settings = Settings()
    rule = settings.trend.sustained_fall
    rule.figure, rule.drop, rule.periods = "key_coverage", 1.0, 3
    fall = watch_sustained_fall(one, dt.date(2026, 6, 30), settings)
    assert fall is not None and (fall.since, fall.before, fall.after) == (dt.date(2026, 3, 31), 1.0, 0.0)
    settings.strength.thread_threshold = 0.6
    assert watch_sustained_fall(one, dt.date(2026, 6, 30), settings) is None


# -- staff load -----------------------------------------------------------------------------------


def test_account_holds_and_thread_load_over_two_accounts() -> None:
    def account(aid: str, meetings: list[Meeting]) -> AccountSnapshot:
        return AccountSnapshot(
            account=Account(id=aid, name=aid), reporting_lines=[], relationships=[], meetings=meetings,
            staff=[Staff(id="s1", name="S1", accounts=[aid]), Staff(id="s2", name="S2", accounts=[aid])],
            stakeholders=[Stakeholder(id=f"{aid}-x", account=aid, name="X", influence=3),
                          Stakeholder(id=f"{aid}-y", account=aid, name="Y", influence=3)])
    # on a: s1 meets both stakeholders, s2 one; on b: s1 meets one (each a thread: strength 1 >= 0.5)
    a = account("a", [Meeting(id="a1", date=AS_OF, attendees=["s1", "a-x", "a-y"]),
                      Meeting(id="a2", date=AS_OF, attendees=["s2", "a-y"])])
    b = account("b", [Meeting(id="b1", date=AS_OF, attendees=["s1", "b-x"])])
    holds = [account_holds(build_account_graph(snap, AS_OF, Settings())) for snap in (a, b)]
    assert holds[0]["s1"] == AccountHold(staff="s1", account="a", threads=("a-x", "a-y"), key=(), sole=("a-x",),
                                         sole_key=())
    assert (holds[1]["s2"].staff, holds[1]["s2"].account, holds[1]["s2"].threads) == ("s2", "b", ())
    assert thread_load(holds) == {"s1": 3, "s2": 1}


# -- communication matrix -------------------------------------------------------------------------


def test_matrix_orders_rows_by_strength_and_columns_by_importance() -> None:
    # S1 (id first) is weaker than S2; A (id first) matters less than B (economic buyer, influence 5).
    snap = AccountSnapshot(
        account=Account(id="acc", name="Acme"), reporting_lines=[], relationships=[],
        staff=[Staff(id="S1", name="Sam", accounts=["acc"]), Staff(id="S2", name="Sue", accounts=["acc"])],
        stakeholders=[Stakeholder(id="A", account="acc", name="Ann", influence=1),
                      Stakeholder(id="B", account="acc", name="Bo", influence=5, buying_role="economic_buyer")],
        # out of date order, with a meeting after the as-of date first: it counts nowhere, the others do
        meetings=[Meeting(id="m9", date=AS_OF + dt.timedelta(days=3), attendees=["S1", "A"]),
                  Meeting(id="m2", date=day(30), attendees=["S2", "A", "B"]),
                  Meeting(id="m1", date=day(90), attendees=["S1", "A"]),
                  Meeting(id="m3", date=day(10), attendees=["S2", "B"])])
    matrix = communication_matrix(build_account_graph(snap, AS_OF, Settings()))
    assert matrix.staff == ["S2", "S1"]  # S2: 2 x decay(30) + decay(10) > S1: decay(90) = 0.5
    assert matrix.stakeholders == ["B", "A"]  # importance 5 x 2.0 = 10 > 1 x 1.0
    assert (matrix.row_totals["S1"].count, matrix.row_totals["S2"].count) == (1, 2)
    assert (matrix.column_totals["A"].count, matrix.column_totals["B"].count) == (2, 2)
    assert (matrix.column_totals["A"].last, matrix.column_totals["B"].last) == (day(30), day(10))
    data = matrix_dict(matrix, "acc")
    assert (data["account"], data["as_of"]) == ("acc", "2025-06-30")
    assert [(c["staff"], c["stakeholder"], c["count"], c["last"], c["strength"]) for c in data["cells"]] == [
        ("S2", "B", 2, day(10).isoformat(), round(decay(30) + decay(10), 6)),
        ("S2", "A", 1, day(30).isoformat(), round(decay(30), 6)),
        ("S1", "A", 1, day(90).isoformat(), round(decay(90), 6))]


# -- bridging -------------------------------------------------------------------------------------


def broker_graph() -> nx.Graph:
    """Staff S meets X (Ops); X is tied to Y (Finance), Z (IT) and W (Ops)."""
    g = nx.Graph()
    g.add_node("S", kind="staff", name="Sam")
    for pid, dept in (("W", "Ops"), ("X", "Ops"), ("Y", "Finance"), ("Z", "IT")):
        g.add_node(pid, kind="stakeholder", name=f"Client {pid}", department=dept)
    g.add_edges_from([("S", "X"), ("X", "Y"), ("X", "Z"), ("X", "W")])
    return g


def test_compact_brokers_by_hand() -> None:
    g = broker_graph()
    cg = CompactGraph.from_networkx(g)
    found = {cg.ids[v]: (value, depts) for v, value, depts in compact_brokers(cg)}
    # X: three stakeholder neighbours, none tied to another: 3 x (1/3)^2 = 1/3; Y and Z: one neighbour each
    # (X, in Ops) besides their own department: constraint 1; W sees only its own department: no broker
    reference = nx.constraint(g.subgraph(["W", "X", "Y", "Z"]))
    assert found == {"X": (pytest.approx(1 / 3), ("Finance", "IT", "Ops")), "Y": (1.0, ("Finance", "Ops")),
                     "Z": (1.0, ("IT", "Ops"))}
    assert all(found[p][0] == pytest.approx(reference[p]) for p in found)


def test_constraint_of_isolated_nodes_and_of_some_nodes() -> None:
    g = nx.Graph()
    g.add_nodes_from(["lonely", "a", "b", "c"])  # the isolated node first
    g.add_edges_from([("a", "b"), ("b", "c"), ("a", "c")])
    got = constraint(g)
    reference = nx.constraint(g)  # networkx gives NaN for an isolated node
    assert set(got) == {"lonely", "a", "b", "c"} and math.isnan(got["lonely"]) and math.isnan(reference["lonely"])
    # a triangle: p = 1/2, indirect 1/2 x 1/2 = 1/4: 2 x (3/4)^2 = 1.125
    assert [got[p] for p in "abc"] == [pytest.approx(1.125)] * 3 == [pytest.approx(reference[p]) for p in "abc"]
    assert constraint(g, nodes=["b"]) == {"b": pytest.approx(1.125)}


def test_bridges_come_as_pairs_in_node_order() -> None:
    g = nx.Graph()
    g.add_nodes_from(["e", "d", "c", "b", "a"])  # reverse alphabetical order of insertion
    g.add_edges_from([("a", "b"), ("c", "b"), ("d", "e"), ("c", "d"), ("a", "c")])  # a triangle a-b-c, then c-d-e
    order = list(g.nodes)
    expected = {tuple(sorted(e, key=order.index)) for e in nx.bridges(g)}
    assert bridges(g) == expected and expected == {("e", "d"), ("d", "c")}


def test_all_pairs_ranking_names_and_kinds() -> None:
    cg = CompactGraph.from_networkx(broker_graph())
    ranked = all_pairs_ranking(cg, 2)
    # X sits between every pair of the others: betweenness (normalised) 1 on the five-node star
    reference = nx.betweenness_centrality(broker_graph())
    assert [(r.id, r.name, r.kind) for r in ranked] == [("X", "Client X", "stakeholder"), ("S", "Sam", "staff")]
    assert ranked[0].value == pytest.approx(reference["X"]) == pytest.approx(1.0)


# -- successors and the action texts --------------------------------------------------------------


def successor_account() -> AccountSnapshot:
    """D (Head of Procurement, economic buyer, reports to M, in Procurement) left on 2025-06-01.

    Active: M (CFO, Finance, decision maker, influence 4: importance 7.2); P ("Interim Head of
    Procurement", Ops, economic buyer, 3: 6.0, reports to M); T ("Deputy Head of Procurement", Legal, 1:
    1.0); R (Buyer, Procurement, user, 2: 1.6, reports to D); N (Clerk, Ops, 1: 1.0, reports to M);
    Q (Analyst, Procurement, 2: 2.0, met by S1: covered); X (Engineer, IT, 5: 5.0, nothing in common).
    D2 (Analyst, Legal2) left too, reporting to M2, who left as well.
    """
    def sh(pid: str, name: str, title: str, dept: str, influence: int, role: str | None = None,
           boss: str | None = None, left: dt.date | None = None) -> Stakeholder:
        return Stakeholder(id=pid, account="acc", name=name, title=title, department=dept, influence=influence,
                           buying_role=role, reports_to=boss, left_on=left)
    gone = dt.date(2025, 6, 1)
    return AccountSnapshot(
        account=Account(id="acc", name="Acme"), reporting_lines=[], relationships=[],
        staff=[Staff(id="S1", name="Sam", accounts=["acc"])],
        stakeholders=[sh("D", "Dee", "Head of Procurement", "Procurement", 5, "economic_buyer", "M", gone),
                      sh("M", "Max", "CFO", "Finance", 4, "decision_maker"),
                      sh("P", "Pat", "Interim Head of Procurement", "Ops", 3, "economic_buyer", "M"),
                      sh("T", "Tia", "Deputy Head of Procurement", "Legal", 1),
                      sh("R", "Rob", "Buyer", "Procurement", 2, "user", "D"),
                      sh("N", "Ned", "Clerk", "Ops", 1, None, "M"),
                      sh("Q", "Quinn", "Analyst", "Procurement", 2),
                      sh("X", "Xen", "Engineer", "IT", 5),
                      sh("M2", "Mo", "Boss", "Legal2", 1, None, None, gone),
                      sh("D2", "Di", "Analyst", "Legal2", 1, None, "M2", gone)],
        meetings=[Meeting(id="m1", date=day(5), attendees=["S1", "Q"]),
                  Meeting(id="m0", date=day(60), attendees=["S1", "D"])])


def test_successors_scored_by_hand() -> None:
    analysis = analyze(successor_account(), AS_OF, Settings())
    got = [(s.person, round(s.score, 6), s.reasons) for s in successors(analysis, "D")]
    # points: same title 4, their manager 2, direct report 2, peer 1, department 1.5, same role +1;
    # then importance / 10, and +1 when uncovered (everybody but Q)
    assert got == [
        ("P", round(4 + 1 + 1 + 0.6 + 1, 6), ("same title", "peer under the same manager", "same buying role")),
        ("T", round(4 + 0.1 + 1, 6), ("same title",)),
        ("R", round(2 + 1.5 + 0.16 + 1, 6), ("their direct report", "same department")),
        ("M", round(2 + 0.72 + 1, 6), ("their manager",)),
        ("N", round(1 + 0.1 + 1, 6), ("peer under the same manager",)),
        ("Q", round(1.5 + 0.2, 6), ("same department",))]
    assert [s.person for s in successors(analysis, "D", limit=2)] == ["P", "T"]
    # D2's department has nobody left, its manager left too: only the same title (Q, covered) remains
    assert [(s.person, round(s.score, 6)) for s in successors(analysis, "D2")] == [("Q", round(4 + 0.2, 6))]


def test_action_texts_name_the_title_and_role() -> None:
    actions = next_actions(analyze(successor_account(), AS_OF, Settings()))
    titles = {a.title for a in actions}
    # uncovered key people: P (economic buyer, 6.0), M (decision maker, 7.2), X (no role, 5.0)
    assert {"Meet Pat (Interim Head of Procurement, economic buyer)", "Meet Max (CFO, decision maker)",
            "Meet Xen (Engineer, stakeholder)"} <= titles
    rethread = next(a for a in actions if a.kind == "rethread" and a.related[0] == "D")
    assert rethread.reason.startswith("Dee (Head of Procurement, economic buyer) left on 2025-06-01; "
                                      "build a relationship with Pat, Tia, Rob")


# -- fragility ------------------------------------------------------------------------------------


def thread_graph() -> nx.Graph:
    """S1 and S2 both thread A; only S1 threads B; S2 only met C; D hangs off B by a reporting line;
    E is alone. No node carries an importance (each counts 1)."""
    g = nx.Graph()
    g.add_nodes_from(["S1", "S2"], kind="staff")
    g.add_nodes_from(["A", "B", "C", "D", "E"], kind="stakeholder")
    g.add_edges_from([("S1", "A"), ("S2", "A"), ("S1", "B")], kinds=("thread",))
    g.add_edge("S2", "C", kinds=("met",))
    g.add_edge("B", "D", kinds=("reports_to",))
    return g


def test_sole_threads_and_team_reach_by_hand() -> None:
    g = thread_graph()
    assert sole_threads(g) == {"B": "S1"}
    assert team_reach(g) == {"A", "B", "C", "D"}
    assert team_reach(g, ["B", "nobody"]) == {"A", "C"}  # unknown ids are ignored
    assert team_reach(g, ["S1", "S2"]) == set()


def test_removal_impact_bruteforce_by_hand() -> None:
    g = thread_graph()
    # S1 leaves: B loses its only thread and, with it, its only link to the team; D hangs off B
    s1 = removal_impact_bruteforce(g, "S1")
    assert (s1.lost, s1.lost_threads, s1.lost_paths) == (("B", "D"), ("B",), ("B", "D"))
    assert s1.share == pytest.approx(2 / 5)  # unit weights: 2 of the 5 stakeholders
    b = removal_impact_bruteforce(g, "B")  # B itself is not counted as lost
    assert (b.lost, b.lost_threads, b.lost_paths, b.share) == (("D",), (), ("D",), pytest.approx(1 / 5))
    assert removal_impacts(g)["S1"].lost == s1.lost and removal_impacts(g)["B"].lost == b.lost
    staff_only = nx.Graph()
    staff_only.add_node("S1", kind="staff")
    assert removal_impact_bruteforce(staff_only, "S1").share == 0.0  # no stakeholders: nothing to lose


# -- what-if --------------------------------------------------------------------------------------


def whatif_account() -> AccountSnapshot:
    """S1 meets A (importance 10) and B (6); S2 meets B and C (1.6). A's departure is planned for later."""
    return AccountSnapshot(
        account=Account(id="acc", name="Acme"), relationships=[],
        reporting_lines=[],
        staff=[Staff(id="S1", name="Sam", accounts=["acc"]), Staff(id="S2", name="Sue", accounts=["acc"])],
        stakeholders=[Stakeholder(id="A", account="acc", name="Ann", influence=5, buying_role="economic_buyer",
                                  left_on=AS_OF + dt.timedelta(days=30)),
                      Stakeholder(id="B", account="acc", name="Bo", influence=4, buying_role="champion"),
                      Stakeholder(id="C", account="acc", name="Cy", influence=2, buying_role="user")],
        meetings=[Meeting(id="m1", date=day(10), attendees=["S1", "A", "B"]),
                  Meeting(id="m2", date=day(20), attendees=["S2", "B"]),
                  Meeting(id="m3", date=day(100), attendees=["S2", "C"])],
        as_of=AS_OF)


def test_without_people_marks_the_departure_on_the_day() -> None:
    snap = whatif_account()
    cut = without_people(snap, ["A", "S2"], AS_OF)
    a = next(p for p in cut.stakeholders if p.id == "A")
    s2 = next(s for s in cut.staff if s.id == "S2")
    # A was due to leave later: gone on the day now; S2 too
    assert (a.status, a.left_on, s2.status, s2.left_on) == ("left", AS_OF, "left", AS_OF)
    assert cut.as_of == AS_OF and cut.reporting_lines == snap.reporting_lines == []


def test_what_if_figures_by_hand() -> None:
    snap = whatif_account()
    got = what_if(snap, AS_OF, ["S1"])
    # S1 leaves: A loses its only thread; B keeps S2. Importance 10 of 10 + 6 + 1.6 = 17.6
    assert [p.id for p in got.unreachable] == ["A"] and got.already_left == []
    assert got.lost_importance_share == round(10 / 17.6, 6) == 0.568182
    # S2 leaves: B keeps S1; C (met 100 days ago: 2 ** (-100/90) = 0.46, under the 0.5 threshold) had no thread
    assert [p.id for p in what_if(snap, AS_OF, ["S2"]).unreachable] == []
    # with a threshold of 0.4 C has a thread, and loses it with S2: 1.6 / 17.6 = 1/11
    settings = Settings()
    settings.strength.thread_threshold = 0.4
    lower = what_if(snap, AS_OF, ["S2"], settings)
    assert [p.id for p in lower.uncovered] == ["C"] and lower.lost_importance_share == round(1 / 11, 6) == 0.090909
    # the settings hold for "after" too: with 0.4, C keeps S2 when S1 leaves (only A is lost)
    assert [p.id for p in what_if(snap, AS_OF, ["S1"], settings).uncovered] == ["A"]
    # A is due to leave after the as-of date: still there on it, so not "already left"
    assert what_if(snap, AS_OF, ["A"]).already_left == []
    empty = AccountSnapshot(account=Account(id="e", name="E"), stakeholders=[], reporting_lines=[],
                            relationships=[], meetings=[], staff=[Staff(id="S", name="S", accounts=["e"])])
    assert what_if(empty, AS_OF, ["S"]).lost_importance_share == 0.0


# -- the summary's connectivity -------------------------------------------------------------------


@pytest.mark.parametrize(("cap", "at_one"), [(None, 1), (10, 1), (1, 2)])
def test_summary_connectivity_with_and_without_a_cap(cap: int | None, at_one: int) -> None:
    # A (economic buyer, key) is met by S1 and S2: two disjoint paths; B (champion, key) only by S1: one.
    # With cap 1 every count stops at 1 ("at least one"), so both are at 1.
    snap = AccountSnapshot(
        account=Account(id="acc", name="Acme"), relationships=[], reporting_lines=[],
        staff=[Staff(id="S1", name="Sam", accounts=["acc"]), Staff(id="S2", name="Sue", accounts=["acc"])],
        stakeholders=[Stakeholder(id="A", account="acc", name="Ann", influence=5, buying_role="economic_buyer"),
                      Stakeholder(id="B", account="acc", name="Bo", influence=4, buying_role="champion")],
        meetings=[Meeting(id="m1", date=day(3), attendees=["S1", "A"]),
                  Meeting(id="m2", date=day(4), attendees=["S2", "A"]),
                  Meeting(id="m3", date=day(5), attendees=["S1", "B"])])
    settings = Settings()
    settings.fragility.connectivity_cap = cap
    for detail in (False, True):
        assert analyze(snap, AS_OF, settings, detail=detail).summary.key_at_connectivity_1 == at_one


def test_meet_action_says_when_an_uncovered_key_person_was_last_met() -> None:
    # A (key) was met 200 days ago: 2 ** (-200/90) = 0.21, below the 0.5 threshold, so uncovered
    snap = AccountSnapshot(
        account=Account(id="acc", name="Acme"), relationships=[], reporting_lines=[],
        staff=[Staff(id="S1", name="Sam", accounts=["acc"])],
        stakeholders=[Stakeholder(id="A", account="acc", name="Ann", influence=5, buying_role="economic_buyer")],
        meetings=[Meeting(id="m1", date=day(200), attendees=["S1", "A"])])
    meet = next(a for a in next_actions(analyze(snap, AS_OF, Settings())) if a.kind == "meet")
    assert (meet.title, meet.reason, meet.target) == ("Meet Ann (economic buyer)", "no thread: last met 200 days ago",
                                                      "A")


def test_watch_sustained_fall_counts_the_first_period_by_the_rule() -> None:
    # Quarterly meetings rule: 3 meetings in Q4 2025 (none in December), 1 in Q1 2026, none in April.
    # As of 30 April the series is 31 Dec (3, counted over the quarter), 31 Mar (1), 30 Apr (0): a fall of 3.
    days = [dt.date(2025, 10, 10), dt.date(2025, 10, 20), dt.date(2025, 11, 5), dt.date(2026, 1, 5)]
    snap = AccountSnapshot(
        account=Account(id="a", name="A"), staff=[Staff(id="s", name="S", accounts=["a"])],
        stakeholders=[Stakeholder(id="e", account="a", name="E", influence=5, buying_role="economic_buyer")],
        reporting_lines=[], relationships=[],
        meetings=[Meeting(id=f"m{i}", date=d, attendees=["s", "e"]) for i, d in enumerate(days)])
    settings = Settings()
    rule = settings.trend.sustained_fall
    rule.figure, rule.drop, rule.periods, rule.every = "meetings", 2.0, 2, "quarter"
    fall = watch_sustained_fall(snap, dt.date(2026, 4, 30), settings)
    assert fall is not None and (fall.since, fall.before, fall.after) == (dt.date(2025, 12, 31), 3.0, 0.0)


def test_meet_actions_route_and_who_gets_one() -> None:
    # A (economic buyer, key) reports to B, B to C; S1 meets only C: the warm route is S1 -> C -> B -> A.
    # U (user, 2.4) is neither key nor of a required role: no action; T (technical buyer, 1.3) is not key
    # but its role is required: an action; X (no role, 5) is key. All of them are uncovered. Priority:
    # importance x 1.5 for a required role x the rule's factor.
    def sh(pid: str, name: str, influence: int, role: str | None, boss: str | None = None) -> Stakeholder:
        return Stakeholder(id=pid, account="acc", name=name, influence=influence, buying_role=role, reports_to=boss)
    snap = AccountSnapshot(
        account=Account(id="acc", name="Acme"), relationships=[], reporting_lines=[],
        staff=[Staff(id="S1", name="Sam", accounts=["acc"])],
        stakeholders=[sh("A", "Ann", 5, "economic_buyer", "B"), sh("B", "Bo", 1, None, "C"), sh("C", "Cy", 1, None),
                      sh("U", "Una", 3, "user"), sh("T", "Teo", 1, "technical_buyer"), sh("X", "Xen", 5, None)],
        meetings=[Meeting(id="m1", date=day(3), attendees=["S1", "C"])])
    meets = {a.target: a for a in next_actions(analyze(snap, AS_OF, Settings())) if a.kind == "meet"}
    assert set(meets) == {"A", "T", "X"}
    assert meets["A"].path == ["S1", "C", "B", "A"]
    assert meets["A"].reason == "no thread: never met; warmest route via Cy -> Bo"
    factor = meets["X"].priority / 5.0
    assert (meets["A"].priority, meets["T"].priority) == (pytest.approx(10 * 1.5 * factor),
                                                          pytest.approx(1.3 * 1.5 * factor))


def test_successor_through_a_direct_report_only() -> None:
    # D3 (no title, department or manager) left; K reported to D3 and is uncovered: 2 + 0.3 + 1
    snap = AccountSnapshot(
        account=Account(id="acc", name="Acme"), relationships=[], reporting_lines=[],
        staff=[Staff(id="S1", name="Sam", accounts=["acc"])],
        stakeholders=[Stakeholder(id="D3", account="acc", name="Dan", influence=2, left_on=day(10)),
                      Stakeholder(id="K", account="acc", name="Kim", influence=3, reports_to="D3")],
        meetings=[])
    got = successors(analyze(snap, AS_OF, Settings()), "D3")
    assert [(s.person, round(s.score, 6), s.reasons) for s in got] == [("K", 3.3, ("their direct report",))]


def test_removal_impact_bruteforce_weights_missing_importance_as_one() -> None:
    g = thread_graph()
    g.nodes["A"]["importance"] = 3.0  # the others count 1: total 3 + 4 = 7
    assert removal_impact_bruteforce(g, "S1").share == pytest.approx(2 / 7)  # B and D


def test_default_start_by_quarter() -> None:
    # the end of the quarter before the one 15 May falls in (Q2): 31 March; two quarters back: 31 December
    assert default_start(dt.date(2026, 5, 15), "quarter", 1) == dt.date(2026, 3, 31)
    assert default_start(dt.date(2026, 11, 15), "quarter", 2) == dt.date(2026, 6, 30)


def test_trend_points_see_staff_of_the_first_meeting(sqlite_store: GraphStore) -> None:
    # S8 is not on the team; they meet B at the very first meeting, and B has no other thread then
    batch = trend_account()
    batch.staff.append(Staff(id="S8", name="Eight", role="support"))
    batch.meetings.append(Meeting(id="m0", date=dt.date(2026, 1, 2), attendees=["S8", "B"]))
    sqlite_store.import_batch(batch)
    whole = sqlite_store.load_account("acc")
    day1 = dt.date(2026, 1, 31)
    (point,) = trend_points(whole, [day1])
    reference = analyze(sqlite_store.load_account("acc", day1), day1, Settings(), detail=False).summary
    assert point.coverage == reference.coverage == 1.0  # A (S1, m1) and B (S8, m0) both covered
