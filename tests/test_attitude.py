"""Attitude, competitors, offline threads, cadence overrides and the stage in the X-ray, on one hand-worked account.

The account (as of 2026-03-01; defaults: half-life 90 days, thread threshold 0.5, key threshold 5):

==========  ================  ====  ========  ==========  ===========================================
stakeholder role              infl  attitude  importance  threads (meetings 2026-02-20, one 2025-09-01)
==========  ================  ====  ========  ==========  ===========================================
ceo         decision_maker    5     +1        9 (key)     s1 (2025-09-01 and 2026-02-20)
cfo         economic_buyer    5      0        10 (key)    none (s3 KNOWS her: offline thread if enabled)
sec         blocker           3     -1        3.6         none
ops         user              4     -2        3.2         s1
arch        champion          4     +2        6 (key)     s1, s2
it          technical_buyer   4     -1        5.2 (key)   s2
leg         gatekeeper        2     -2        2           none
==========  ================  ====  ========  ==========  ===========================================

Importance is influence x role weight (1.8, 2, 1.2, 0.8, 1.5, 1.3, 1.0). A meeting 9 days old counts
2 ** (-9 / 90) = 0.933; the one of 2025-09-01 (181 days) 2 ** (-181 / 90) = 0.248.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.analysis.actions import successors
from kamgraph.analysis.cadence import stakeholder_target_days
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, CompetitorTie, Meeting, Relationship, Staff, Stakeholder
from kamgraph.monitor.departure import account_impact
from kamgraph.settings import Settings
from kamgraph.views.text import render_xray
from kamgraph.views.xray import build_xray

AS_OF = dt.date(2026, 3, 1)
RECENT = 2 ** (-9 / 90)
OLD = 2 ** (-181 / 90)


def person(pid: str, role: str, influence: int, attitude: int, department: str, **extra: object) -> Stakeholder:
    return Stakeholder(id=pid, account="acme", name=pid.upper(), buying_role=role, influence=influence,
                       attitude=attitude, department=department, **extra)


def snapshot() -> AccountSnapshot:
    return AccountSnapshot(
        account=Account(id="acme", name="Acme"),
        staff=[Staff(id="s1", name="Sam", role="kam", accounts=["acme"]),
               Staff(id="s2", name="Sue", role="solution_engineer", accounts=["acme"]),
               Staff(id="s3", name="Xena", role="exec_sponsor", accounts=["acme"])],
        stakeholders=[person("ceo", "decision_maker", 5, 1, "Executive", seniority="c_level"),
                      person("cfo", "economic_buyer", 5, 0, "Finance"),
                      person("sec", "blocker", 3, -1, "IT"),
                      person("ops", "user", 4, -2, "Operations"),
                      person("arch", "champion", 4, 2, "IT", cadence_days=7),
                      person("it", "technical_buyer", 4, -1, "IT"),
                      person("leg", "gatekeeper", 2, -2, "Legal")],
        reporting_lines=[],
        relationships=[Relationship(source="s3", target="cfo", kind="knows")],
        meetings=[Meeting(id="m0", date="2025-09-01", attendees=["s1", "ceo"]),
                  Meeting(id="m1", date="2026-02-20", attendees=["s1", "ceo"]),
                  Meeting(id="m2", date="2026-02-20", attendees=["s1", "s2", "arch"]),
                  Meeting(id="m3", date="2026-02-20", attendees=["s2", "it"]),
                  Meeting(id="m4", date="2026-02-20", attendees=["s1", "ops"])],
        competitor_ties=[CompetitorTie(stakeholder="ceo", competitor="Contoso", strength=4, since="2026-01-15"),
                         CompetitorTie(stakeholder="it", competitor="Contoso", strength=2),
                         CompetitorTie(stakeholder="ops", competitor="Fabrikam", strength=5),
                         CompetitorTie(stakeholder="cfo", competitor="Fabrikam", strength=3, since="2026-06-01")])


OFFLINE = Settings.model_validate({"analysis": {"knows_ties_are_threads": True}})


def test_opponent_gaps_by_hand() -> None:
    gaps = build_xray(snapshot(), AS_OF).gaps
    # uncovered opponents: leg (attitude -2: high), sec (-1 and a blocker, not key: medium)
    assert [(g.stakeholder.id, g.severity, g.reasons, g.key) for g in gaps.opponents_uncovered] == [
        ("leg", "high", ["detractor (-2)"], False), ("sec", "medium", ["detractor (-1)", "blocker"], False)]
    # single-threaded opponents: it (key: medium, only s2), ops (not key: low, only s1)
    assert [(g.stakeholder.id, g.severity, g.staff.id if g.staff else None) for g in gaps.opponents_single_threaded] \
        == [("it", "medium", "s2"), ("ops", "low", "s1")]


def test_a_key_opponent_nobody_covers_is_high_and_the_threshold_is_a_setting() -> None:
    snap = snapshot()
    snap.meetings = [m for m in snap.meetings if m.id != "m3"]  # nobody meets the IT technical buyer any more
    gaps = build_xray(snap, AS_OF).gaps
    assert [(g.stakeholder.id, g.severity) for g in gaps.opponents_uncovered] == [
        ("it", "high"), ("leg", "high"), ("sec", "medium")]  # it: importance 5.2 before leg's 2
    # detractor_below = -1: only attitude -2 counts as a detractor (sec stays: a blocker)
    strict = Settings.model_validate({"attitude": {"detractor_below": -1}})
    gaps = build_xray(snapshot(), AS_OF, strict).gaps
    assert [(g.stakeholder.id, g.reasons) for g in gaps.opponents_uncovered] == [
        ("leg", ["detractor (-2)"]), ("sec", ["blocker"])]
    assert [g.stakeholder.id for g in gaps.opponents_single_threaded] == ["ops"]


def test_attitude_summary_by_hand() -> None:
    xray = build_xray(snapshot(), AS_OF)
    a = xray.attitude
    assert a is not None
    # supporters ceo, arch (both key, both covered); neutral cfo; detractors sec, ops, it, leg (it key; it, ops covered)
    assert (a.supporters, a.neutral, a.detractors) == (2, 1, 4)
    assert (a.key_supporters, a.key_detractors, a.supporters_covered, a.detractors_covered) == (2, 1, 2, 2)
    # (9 x 1 + 10 x 0 + 3.6 x -1 + 3.2 x -2 + 6 x 2 + 5.2 x -1 + 2 x -2) / 39 = 1.8 / 39
    assert a.weighted_attitude == pytest.approx(1.8 / 39, abs=1e-6)
    views = {v.id: v for v in xray.stakeholders}
    assert [(c, views[c].attitude, views[c].detractor) for c in ("ceo", "cfo", "ops")] == [
        ("ceo", 1, False), ("cfo", 0, False), ("ops", -2, True)]
    text = render_xray(xray)
    assert "2 supporters (2 key, 2 covered), 1 neutral, 4 detractors (1 key, 2 covered)" in text
    assert "LEG (detractor (-2); high)" in text


def test_key_stakeholders_leaning_toward_a_competitor() -> None:
    xray = build_xray(snapshot(), AS_OF)
    c = xray.competitors
    assert c is not None
    # visible on 2026-03-01: ceo-Contoso 4, it-Contoso 2, ops-Fabrikam 5 (cfo's is noticed only on 2026-06-01);
    # key and at least 3: ceo only (ops is not key, its tie is 2)
    assert [(x.stakeholder.id, x.competitor, x.strength, x.covered) for x in c.key_leaning] == [
        ("ceo", "Contoso", 4.0, True)]
    assert (c.threshold, c.competitors, c.stakeholders_with_ties) == (3.0, ["Contoso", "Fabrikam"], 3)
    views = {v.id: v for v in xray.stakeholders}
    assert [(x.competitor, x.leans) for x in views["it"].competitors] == [("Contoso", False)]
    assert views["cfo"].competitors == []
    assert "CEO -> Contoso 4/5, since 2026-01-15" in render_xray(xray)
    # threshold 2: the IT technical buyer leans too (after the stronger tie)
    low = Settings.model_validate({"attitude": {"competitor_strength": 2}})
    assert [x.stakeholder.id for x in build_xray(snapshot(), AS_OF, low).competitors.key_leaning] == ["ceo", "it"]
    # on 2026-07-01 the CFO's lean is visible: strength 3, after the CEO's 4
    later = build_xray(snapshot(), dt.date(2026, 7, 1)).competitors
    assert [(x.stakeholder.id, x.competitor) for x in later.key_leaning] == [("ceo", "Contoso"), ("cfo", "Fabrikam")]


def test_knows_ties_count_as_offline_threads_only_when_the_setting_says_so() -> None:
    off, on = build_xray(snapshot(), AS_OF), build_xray(snapshot(), AS_OF, OFFLINE)
    # off: covered ceo, ops, arch, it (4 of 7); on: cfo too, through Xena's KNOWS tie (5 of 7)
    assert (off.summary.covered, on.summary.covered) == (4, 5)
    assert [t.stakeholder.id for t in off.gaps.single_threaded_key] == ["ceo", "it"]
    assert [(t.stakeholder.id, t.staff.id) for t in on.gaps.single_threaded_key] == [
        ("cfo", "s3"), ("ceo", "s1"), ("it", "s2")]  # by importance: 10, 9, 5.2
    cfo = {v.id: v for v in on.stakeholders}["cfo"]
    assert [(t.staff, t.offline, t.strength, t.meetings, t.last) for t in cfo.threads] == [("s3", True, 0.0, 0, None)]
    assert all(not t.offline for v in on.stakeholders if v.id != "cfo" for t in v.threads)
    assert "economic_buyer" in off.gaps.roles_uncovered and "economic_buyer" not in on.gaps.roles_uncovered
    # tie strength is meetings only: concentration is the same either way
    assert on.summary.concentration == off.summary.concentration
    assert "XENA offline" in render_xray(on).replace("Xena", "XENA")


def test_stage_evidence_and_what_the_next_stage_needs() -> None:
    stage = build_xray(snapshot(), AS_OF).stage
    assert stage is not None
    e = stage.evidence
    # threaded ceo, ops, arch, it; departments Executive, Operations, IT; one level (ceo's c_level); s1, s2
    assert (e.threaded, e.departments, e.levels, e.staff, e.exec_ties) == (4, 3, 1, 2, 0)
    assert e.multi_threaded_share == pytest.approx(0.25)  # arch alone has two threads
    s1 = OLD + RECENT + RECENT + RECENT  # ceo twice, arch, ops
    s2 = RECENT + RECENT  # arch, it
    assert e.concentration == pytest.approx(s1 / (s1 + s2), abs=1e-6)
    assert e.months == pytest.approx(round(181 / 30.4375, 2))
    # basic needs 1 threaded and 3 months: met; cooperative needs 4 threaded, 2 departments, 2 staff, 6 months
    assert (stage.stage, stage.next_stage, stage.missing) == ("basic", "cooperative", ["months 5.95 < 6"])
    assert "cooperative still needs: months 5.95 < 6" in render_xray(build_xray(snapshot(), AS_OF))


def test_cadence_override_is_the_persons_target() -> None:
    arch = snapshot().stakeholders[4]
    assert stakeholder_target_days(arch, Settings().cadence) == 7  # the champion's role target would be 21
    view = {v.id: v for v in build_xray(snapshot(), AS_OF).stakeholders}
    assert (view["arch"].cadence_source, view["ceo"].cadence_source) == ("person", "role")
    text = render_xray(build_xray(snapshot(), AS_OF))
    assert "cadence* = their own target" in text
    assert "cadence*" not in render_xray(build_xray(procurement(), AS_OF))


def test_cadence_override_drives_the_status() -> None:
    cad = analyze(snapshot(), AS_OF).cadence["arch"]
    # last met 9 days ago: ok against the champion's 21 days, overdue against her own 7
    assert (cad.target_days, cad.status) == (7, "overdue")


def procurement() -> AccountSnapshot:
    """A departed head of procurement and three people who could take over, alike but for attitude."""
    def p(pid: str, attitude: int, **extra: object) -> Stakeholder:
        return Stakeholder(id=pid, account="acme", name=pid.upper(), department="Procurement", influence=3,
                           reports_to="cfo", attitude=attitude, **extra)

    return AccountSnapshot(
        account=Account(id="acme", name="Acme"), staff=[Staff(id="s1", name="Sam", accounts=["acme"])],
        stakeholders=[Stakeholder(id="cfo", account="acme", name="CFO", influence=5, department="Finance"),
                      p("head", 1, status="left", left_on="2026-02-01", title="Head of Procurement"),
                      p("p-minus", -2), p("p-zero", 0), p("p-plus", 2)],
        reporting_lines=[], relationships=[],
        meetings=[Meeting(id="m", date="2026-01-10", attendees=["s1", "cfo"])])


def test_successors_prefer_people_positive_toward_us() -> None:
    found = successors(analyze(procurement(), AS_OF), "head")
    # peers: peer under the same manager 1 + same department 1.5 + importance 3/10 + uncovered 1 = 3.8,
    # then 0.5 x attitude: +1, 0, -1; the CFO: their manager 2 + importance 5/10 (covered) = 2.5
    assert [(c.person, round(c.score, 6)) for c in found] == [
        ("p-plus", 4.8), ("p-zero", 3.8), ("p-minus", 2.8), ("cfo", 2.5)]
    assert found[0].reasons == ("peer under the same manager", "same department", "supporter (+2)")
    assert found[2].reasons[-1] == "detractor (-2)"
    # without the attitude term the three peers tie and go by id
    flat = Settings.model_validate({"attitude": {"successor_weight": 0}})
    assert [c.person for c in successors(analyze(procurement(), AS_OF, flat), "head")][:3] == [
        "p-minus", "p-plus", "p-zero"]
    plan = account_impact(procurement(), "head", dt.date(2026, 2, 1)).rethread_plan
    assert [(c.id, c.attitude) for c in plan[:3]] == [("p-plus", 2), ("p-zero", 0), ("p-minus", -2)]


def test_an_offline_thread_is_handed_over_when_its_holder_leaves() -> None:
    impact = account_impact(snapshot(), "s3", AS_OF, OFFLINE)
    # Xena's only thread is her KNOWS tie with the CFO (strength 0); nobody met the CFO, so the plan gives her to
    # the account team's KAM, the colleague suited to an economic buyer
    assert [(h.stakeholder.id, h.strength, h.to.id if h.to else None, h.basis, h.still_covered)
            for h in impact.handover_plan] == [("cfo", 0.0, "s1", "account team (kam)", False)]
    assert [p.id for p in impact.whatif.uncovered] == ["cfo"]
    assert account_impact(snapshot(), "s3", AS_OF).handover_plan == []  # without the setting she holds no thread


def test_the_map_draws_offline_threads() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from kamgraph.views.plots.relmap import plot_map

    assert plot_map(build_xray(snapshot(), AS_OF, OFFLINE)) is not None


def test_the_demo_account() -> None:
    """Northwind: 17 supporters, 26 neutral, one detractor -- Victor Stahl, the IT security blocker (attitude -1,
    importance 3 x 1.2 = 3.6, not key), whom nobody covers: a medium gap. Key supporters: the CEO, COO and CIO
    (decision makers, influence 5), the VP IT (technical buyer, 4 x 1.3), the architect (champion, 4 x 1.5) and the
    VP Operations (decision maker, 4 x 1.8)."""
    from kamgraph.samples.demo import MAIN_ACCOUNT, build_demo
    from kamgraph.settings import ImportanceSettings
    from kamgraph.store.sqlite import SqliteStore

    anchor = dt.date(2026, 11, 22)
    store = SqliteStore(":memory:")
    store.import_batch(build_demo(anchor))
    xray = build_xray(store.load_account(MAIN_ACCOUNT, anchor), anchor)
    a = xray.attitude
    assert a is not None
    assert (a.supporters, a.neutral, a.detractors, a.key_supporters, a.key_detractors) == (17, 26, 1, 6, 0)
    assert a.supporters_covered == sum(1 for v in xray.stakeholders if v.attitude > 0 and v.covered)
    weights = ImportanceSettings().role_weights
    people = [s for s in build_demo(anchor).stakeholders if s.account == MAIN_ACCOUNT and s.is_active(anchor)]
    imp = [s.influence * (weights[s.buying_role] if s.buying_role else 1.0) for s in people]
    assert a.weighted_attitude == pytest.approx(sum(i * s.attitude for i, s in zip(imp, people, strict=True))
                                                / sum(imp), abs=1e-6)
    assert [(g.stakeholder.name, g.severity, g.reasons) for g in xray.gaps.opponents_uncovered] == [
        ("Victor Stahl", "medium", ["detractor (-1)", "blocker"])]
    assert xray.gaps.opponents_single_threaded == []
    # The demo's competitor ties (samples/demo.py): Daniel Cho leans to Contoso (4); Ingrid Solberg's tie (2)
    # is below the threshold of 3.
    assert xray.competitors is not None and xray.competitors.competitors == ["Contoso Freight Cloud"]
    assert [x.stakeholder.id for x in xray.competitors.key_leaning] == ["nw-it-vp"]
    assert xray.stage is not None and xray.stage.stage == "interdependent" and xray.stage.next_stage == "integrated"
