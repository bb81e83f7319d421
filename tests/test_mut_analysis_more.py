"""More tests for survivors of the fourth mutation round of ``kamgraph/analysis`` (docs/mutation.md): each
expected value is worked out by hand in the test."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from kamgraph.analysis.attitude import attitude_summary
from kamgraph.analysis.bridging import compact_brokers
from kamgraph.analysis.cadence import cadence_source, stakeholder_target_days
from kamgraph.analysis.competition import competitor_ties_on
from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.snapshot import metrics_snapshot
from kamgraph.analysis.trend import watch_sustained_fall
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, CompetitorTie, Meeting, Relationship, Staff, Stakeholder
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.graph.compact import CompactGraph
from kamgraph.settings import CadenceSettings, Settings


def test_a_stakeholder_without_a_department_brokers_nothing() -> None:
    # S meets X (Ops); X is tied to Y (Finance), Y to V (no department). X and Y each see the other's
    # department besides their own: brokers. V sees only Finance and has none of its own: one department.
    g = nx.Graph()
    g.add_node("S", kind="staff", name="Sam")
    for pid, dept in (("V", None), ("X", "Ops"), ("Y", "Finance")):
        g.add_node(pid, kind="stakeholder", name=pid, department=dept)
    g.add_edges_from([("S", "X"), ("X", "Y"), ("Y", "V")])
    cg = CompactGraph.from_networkx(g)
    found = {cg.ids[v]: depts for v, _, depts in compact_brokers(cg)}
    assert found == {"X": ("Finance", "Ops"), "Y": ("Finance", "Ops")}


def test_watch_sustained_fall_uses_the_given_analysis_only_for_the_date_itself() -> None:
    # The doctest's account: the economic buyer's only thread (one meeting on 5 January) decays below 0.5
    # after 90 days, so key coverage is 1 at the end of March and 0 on 30 June: a fall from 1.0 to 0.0.
    snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s", name="S", accounts=["a"])],
                           stakeholders=[Stakeholder(id="eb", account="a", name="EB", influence=5,
                                                     buying_role="economic_buyer")],
                           reporting_lines=[], relationships=[],
                           meetings=[Meeting(id="m", date=dt.date(2026, 1, 5), attendees=["s", "eb"])])
    settings = Settings()
    settings.trend.sustained_fall.figure, settings.trend.sustained_fall.drop = "key_coverage", 1.0
    as_of = dt.date(2026, 6, 30)
    today = analyze(snap, as_of, settings, detail=False)
    for given in (None, today):
        fall = watch_sustained_fall(snap, as_of, settings, today=given)
        assert fall is not None and (fall.since, fall.before, fall.after) == (dt.date(2026, 3, 31), 1.0, 0.0)


def test_a_stakeholders_target_is_their_own_else_their_roles() -> None:
    settings = CadenceSettings()                 # defaults: champion 21 days, no role 120
    champion = Stakeholder(id="c", account="a", name="C", buying_role="champion")
    assert (stakeholder_target_days(champion, settings), cadence_source(champion)) == (21, "role")
    own = champion.model_copy(update={"cadence_days": 10})
    assert (stakeholder_target_days(own, settings), cadence_source(own)) == (10, "person")
    nobody = Stakeholder(id="n", account="a", name="N")
    assert stakeholder_target_days(nobody, settings) == 120
    settings.target_days = {"champion": 14}
    settings.default_days = 99
    assert (stakeholder_target_days(champion, settings), stakeholder_target_days(nobody, settings)) == (14, 99)


def _one_thread(*extra: Stakeholder) -> AccountSnapshot:
    """Sam meets Ann (influence 5, no role: key) ten days before 2026-06-30; ``extra`` people besides."""
    return AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
                           stakeholders=[Stakeholder(id="ann", account="a", name="Ann", influence=5), *extra],
                           reporting_lines=[], relationships=[],
                           meetings=[Meeting(id="m", date=dt.date(2026, 6, 20), attendees=["s", "ann"])])


def test_health_by_hand_with_and_without_required_roles() -> None:
    # health = 100 x (0.35 key coverage + 0.2 weighted coverage + 0.15 required roles + 0.2 (1 - fragility)
    #                 + 0.1 (1 - overdue share)); Ann is covered (1, 1), Sam's leaving cuts her off (fragility 1),
    # she is not overdue (0). The four default required roles are held by nobody: 0 of 4.
    as_of = dt.date(2026, 6, 30)
    assert analyze(_one_thread(), as_of, Settings()).summary.health == round(100 * (0.35 + 0.2 + 0 + 0 + 0.1), 1)
    settings = Settings()
    settings.coverage.required_roles = []            # no role required: that part counts in full
    assert analyze(_one_thread(), as_of, settings).summary.health == round(100 * (0.35 + 0.2 + 0.15 + 0 + 0.1), 1)


def test_an_account_without_stakeholders_has_no_health_and_a_never_met_key_person_is_overdue() -> None:
    as_of = dt.date(2026, 6, 30)
    empty = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
                            stakeholders=[], reporting_lines=[], relationships=[], meetings=[])
    assert analyze(empty, as_of, Settings()).summary.health == 0.0
    ben = Stakeholder(id="ben", account="a", name="Ben", influence=5)        # key, never met
    summary = analyze(_one_thread(ben), as_of, Settings()).summary
    assert (summary.key_stakeholders, summary.overdue_key) == (2, 1)


def _people(*ids: str, **kw: object) -> list[Stakeholder]:
    return [Stakeholder(id=c, account="a", name=c, influence=3, **kw) for c in ids]


def test_the_pipeline_honours_weighted_betweenness() -> None:
    # Sam meets A four times and B once today; C, whom nobody of us met, knows both. By hops C's two
    # shortest paths run through A and through B (half each); by distance 1/strength the one through A
    # (1/4 + 1) is shorter than the one through B (1 + 1): A carries all of it.
    snap = AccountSnapshot(
        account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
        stakeholders=_people("A", "B", "C"), reporting_lines=[],
        relationships=[Relationship(source="A", target="C", kind="knows"),
                       Relationship(source="B", target="C", kind="knows")],
        meetings=[*(Meeting(id=f"a{i}", date=dt.date(2026, 6, 30), attendees=["s", "A"]) for i in range(4)),
                  Meeting(id="b", date=dt.date(2026, 6, 30), attendees=["s", "B"])])
    as_of = dt.date(2026, 6, 30)
    hops = analyze(snap, as_of, Settings()).team_betweenness
    weighted = analyze(snap, as_of, Settings(bridges={"weighted_betweenness": True})).team_betweenness
    assert hops["A"] == hops["B"] > 0
    assert weighted["A"] == 2 * hops["A"] and weighted["B"] == 0.0


def test_cut_edges_by_size_then_from_our_side_and_impacts_name_their_person() -> None:
    # Sam - A - B - D in a chain (a thread, then reporting lines), and Sam - Z: the links cut off
    # {A, B, D} (3), {B, D} (2), {Z} and {D} (1 each); of the two single cuts Sam's comes first (our staff
    # come before stakeholders in the graph's order).
    snap = AccountSnapshot(
        account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
        stakeholders=[*_people("A", "Z"), *_people("B", reports_to="A"), *_people("D", reports_to="B")],
        reporting_lines=[], relationships=[],
        meetings=[Meeting(id="m1", date=dt.date(2026, 6, 30), attendees=["s", "A"]),   # apart: attending together
                  Meeting(id="m2", date=dt.date(2026, 6, 30), attendees=["s", "Z"])])  # would tie A and Z
    analysis = analyze(snap, dt.date(2026, 6, 30), Settings())
    assert [(frozenset((e.a, e.b)), e.cut_off) for e in analysis.cut_edges] == [
        (frozenset(("s", "A")), ("A", "B", "D")), (frozenset(("A", "B")), ("B", "D")),
        (frozenset(("s", "Z")), ("Z",)), (frozenset(("B", "D")), ("D",))]
    assert {p: i.person for p, i in analysis.impacts.items()} == {p: p for p in analysis.impacts}
    assert set(analysis.impacts) >= {"s", "A", "B"}


def test_an_impact_that_cuts_off_only_people_of_no_weight_is_kept() -> None:
    # a role weighted 0 gives its holders importance 0: Sam's leaving still cuts Uma off, at a share of 0
    settings = Settings()
    settings.importance.role_weights = {"user": 0.0}
    snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
                           stakeholders=_people("U", buying_role="user"), reporting_lines=[], relationships=[],
                           meetings=[Meeting(id="m", date=dt.date(2026, 6, 30), attendees=["s", "U"])])
    impact = analyze(snap, dt.date(2026, 6, 30), settings).impacts["s"]
    assert (impact.share, impact.lost) == (0.0, ("U",))


def test_the_broker_list_keeps_the_settings_top() -> None:
    # X (Ops) is tied to Y (Finance) and Z (IT): X, Y and Z are brokers; the settings keep the best one
    snap = AccountSnapshot(
        account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
        stakeholders=[*_people("X", department="Ops"), *_people("Y", department="Finance"),
                      *_people("Z", department="IT")], reporting_lines=[],
        relationships=[Relationship(source="X", target="Y", kind="knows"),
                       Relationship(source="X", target="Z", kind="knows")],
        meetings=[Meeting(id="m", date=dt.date(2026, 6, 30), attendees=["s", "X"])])
    settings = Settings(bridges={"top": 1})
    brokers = analyze(snap, dt.date(2026, 6, 30), settings).brokers
    assert [b.person for b in brokers] == ["X"]       # constraint 2 x (1/2)^2 = 0.5, the others 1


def test_brokers_rank_by_their_exact_constraint_before_the_number_of_departments() -> None:
    # P (Ops) is tied to F1, F2, F3 (Finance), none tied to another: 3 x (1/3)^2 = 1/3, two departments.
    # Q (IT) is tied to G (Legal) and H (HR): 2 x (1/2)^2 = 1/2, three departments. The F, G and H see one
    # neighbour each: constraint 1. Lowest constraint first: P, then Q (not Q first for its departments).
    snap = AccountSnapshot(
        account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
        stakeholders=[*_people("P", department="Ops"), *_people("F1", "F2", "F3", department="Finance"),
                      *_people("Q", department="IT"), *_people("G", department="Legal"),
                      *_people("H", department="HR")], reporting_lines=[],
        relationships=[Relationship(source=a, target=b, kind="knows")
                       for a, b in (("P", "F1"), ("P", "F2"), ("P", "F3"), ("Q", "G"), ("Q", "H"))],
        meetings=[Meeting(id="m", date=dt.date(2026, 6, 30), attendees=["s", "P"]),
                  Meeting(id="n", date=dt.date(2026, 6, 30), attendees=["s", "Q"])])
    brokers = analyze(snap, dt.date(2026, 6, 30), Settings(bridges={"top": 2})).brokers
    assert [b.person for b in brokers] == ["P", "Q"]


def test_each_role_keeps_its_own_cadence_target_after_a_person_without_one() -> None:
    # defaults: no role 120 days, champion 21; E has her own 7. People without a role come first, by list
    # and by id (A1), and last (Z1): a role's target never comes from theirs
    snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
                           stakeholders=[*_people("A1", "N2"), *_people("C", buying_role="champion"),
                                         *_people("E", buying_role="economic_buyer", cadence_days=7),
                                         *_people("Z1")],
                           reporting_lines=[], relationships=[], meetings=[])
    cadence = analyze(snap, dt.date(2026, 6, 30), Settings()).cadence
    assert {c: cadence[c].target_days for c in ("A1", "N2", "C", "E", "Z1")} == {
        "A1": 120, "N2": 120, "C": 21, "E": 7, "Z1": 120}


def test_the_weighted_attitude_by_hand_and_of_an_empty_account() -> None:
    # importance 5 (attitude +1) and 10 (attitude 0): (5 x 1 + 10 x 0) / 15 = 1/3, to six places
    snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
                           stakeholders=[Stakeholder(id="p", account="a", name="P", influence=5, attitude=1),
                                         Stakeholder(id="q", account="a", name="Q", influence=5,
                                                     buying_role="economic_buyer")],
                           reporting_lines=[], relationships=[], meetings=[])
    as_of = dt.date(2026, 6, 30)
    assert attitude_summary(build_account_graph(snap, as_of, Settings())).weighted_attitude == 0.333333
    empty = AccountSnapshot(account=Account(id="a", name="A"), staff=[], stakeholders=[], reporting_lines=[],
                            relationships=[], meetings=[])
    assert attitude_summary(build_account_graph(empty, as_of, Settings())).weighted_attitude == 0.0


def test_competitor_ties_on_the_day_with_their_note_strongest_then_most_important_first() -> None:
    as_of = dt.date(2026, 6, 30)
    snap = AccountSnapshot(
        account=Account(id="a", name="A"), staff=[Staff(id="s", name="Sam", accounts=["a"])],
        stakeholders=[Stakeholder(id="low", account="a", name="Low", influence=2),
                      Stakeholder(id="top", account="a", name="Top", influence=5)],
        reporting_lines=[], relationships=[], meetings=[],
        competitor_ties=[CompetitorTie(stakeholder="low", competitor="Contoso", strength=3, since=as_of,
                                       note="their pilot"),                       # noticed on the day itself
                         CompetitorTie(stakeholder="top", competitor="Contoso", strength=3),
                         CompetitorTie(stakeholder="top", competitor="Later", strength=5,
                                       since=as_of + dt.timedelta(days=1))])      # not yet noticed
    found = [(x.stakeholder, x.competitor, x.since, x.note) for x in
             competitor_ties_on(build_account_graph(snap, as_of, Settings()))]
    # equal strength: Top (importance 5) before Low (2)
    assert found == [("top", "Contoso", None, None), ("low", "Contoso", as_of, "their pilot")]


def test_the_metrics_snapshot_of_a_small_account_by_hand() -> None:
    # Sam meets Ann twice and Sue once, ten days before the date (2 ** (-10/90) = d each); Bob reports to
    # Ann and was never met. Ann (influence 5) is key, Bob (2) is not; Bob is reached only through Ann.
    d = 2 ** (-10 / 90)
    on = dt.date(2026, 6, 20)
    snap = AccountSnapshot(
        account=Account(id="a", name="A"),
        staff=[Staff(id="S1", name="Sam", accounts=["a"]), Staff(id="S2", name="Sue", accounts=["a"])],
        stakeholders=[Stakeholder(id="A", account="a", name="Ann", influence=5),
                      Stakeholder(id="B", account="a", name="Bob", influence=2, reports_to="A")],
        reporting_lines=[], relationships=[],
        meetings=[Meeting(id="m1", date=on, attendees=["S1", "A"]), Meeting(id="m2", date=on, attendees=["S1", "A"]),
                  Meeting(id="m3", date=on, attendees=["S2", "A"])])
    as_of = dt.date(2026, 6, 30)
    snap_of = metrics_snapshot(analyze(snap, as_of, Settings()), fingerprint="f", generation=3,
                               computed_at=dt.datetime(2026, 6, 30, 12, 0))
    acc = snap_of.account
    assert (acc.active_staff, acc.departed, acc.meetings, acc.ties, acc.articulation_points) == (2, 0, 3, 2, 1)
    people = {p.person: p for p in snap_of.people}
    assert list(people) == ["A", "B", "S1", "S2"]
    ann, bob, sam, sue = (people[k] for k in ("A", "B", "S1", "S2"))
    assert (ann.kind, ann.importance, ann.key, ann.covered, ann.threads, ann.cadence, ann.cadence_target_days,
            ann.last_contact, ann.days_since_contact, ann.reachable) == (
        "stakeholder", 5.0, True, True, 2, "ok", 120, on, 10, True)
    assert (ann.articulation_point, ann.cut_off) == (True, 1) and ann.removal_share > 0 and ann.bridging > 0
    assert ann.connectivity == 2        # both Sam and Sue must leave to cut Ann off
    assert (bob.importance, bob.key, bob.covered, bob.threads, bob.cadence, bob.last_contact,
            bob.days_since_contact, bob.reachable, bob.connectivity) == (2.0, False, False, 0, "never", None, None,
                                                                         True, None)
    assert (bob.articulation_point, bob.cut_off, bob.removal_share, bob.bridging) == (False, 0, 0.0, 0.0)
    # staff: each is a thread of Ann, the only thread of nobody; strength and share of 3d
    assert (sam.kind, sam.threads, sam.sole_threads, sam.strength, sam.share_of_strength) == (
        "staff", 1, 0, round(2 * d, 6), round(2 / 3, 6))
    assert (sue.threads, sue.sole_threads, sue.strength, sue.share_of_strength) == (1, 0, round(d, 6),
                                                                                   round(1 / 3, 6))
    assert (sam.articulation_point, sam.cut_off, sam.removal_share) == (False, 0, 0.0)
    ties = [(t.staff, t.stakeholder, t.strength, t.meetings, t.first_met, t.last_met, t.thread, t.sole_thread)
            for t in snap_of.ties]
    assert ties == [("S1", "A", round(2 * d, 6), 2, on, on, True, False),
                    ("S2", "A", round(d, 6), 1, on, on, True, False)]
