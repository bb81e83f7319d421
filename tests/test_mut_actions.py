"""Next actions of one account worked out by hand, every rule of ``kamgraph.analysis.actions`` at once
(written for the survivors of the fourth mutation round of ``analysis``, docs/mutation.md).

The account, as of 2025-06-30, with the default settings (half-life 90 days, thread threshold 0.5,
weights meeting 1, call 0.6, qbr 2; importance = influence x role weight; key from 5):

* our staff: Sam (KAM), Sue (exec sponsor), Stu (solution engineer), all on the account team;
* Kim, CTO, technical buyer, influence 5: importance 6.5, key. Only Sam meets her, at a QBR 40 days ago:
  strength 2 x 2 ** (-40/90) = 1.4697, one thread; 40 days against a 30-day target: overdue;
* Eve, CFO, economic buyer, influence 5: importance 10, key. Sue and Stu call her 10 days ago: 0.6 x
  2 ** (-10/90) = 0.5555 each, two threads; 10 of 60 days: fine;
* Max, COO, decision maker, influence 4, reports to Kim: importance 7.2, key, never met;
* Ola (2) and Oren (3), department Ops, no role, report to Kim: reached through Kim only;
* Lou, Head of IT, technical buyer, influence 4 (5.2), reported to Kim, left on 2025-06-10 for Globex.
"""

from __future__ import annotations

import datetime as dt

from kamgraph.analysis.actions import Action, next_actions, role_owner, successors
from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.trend import snapshot_on
from kamgraph.analysis.whatif import with_people_back, without_people
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, CompetitorTie, Meeting, Staff, Stakeholder
from kamgraph.settings import Settings

AS_OF = dt.date(2025, 6, 30)


def _account() -> AccountSnapshot:
    def sh(pid: str, name: str, influence: int, role: str | None = None, boss: str | None = None, **kw: object
           ) -> Stakeholder:
        return Stakeholder(id=pid, account="acc", name=name, influence=influence, buying_role=role,
                           reports_to=boss, **kw)
    return AccountSnapshot(
        account=Account(id="acc", name="Acme"), relationships=[], reporting_lines=[],
        staff=[Staff(id="S1", name="Sam", role="kam", accounts=["acc"]),
               Staff(id="S2", name="Sue", role="exec_sponsor", accounts=["acc"]),
               Staff(id="S3", name="Stu", role="solution_engineer", accounts=["acc"])],
        stakeholders=[sh("K", "Kim", 5, "technical_buyer", title="CTO"),
                      sh("E", "Eve", 5, "economic_buyer", title="CFO"),
                      sh("M", "Max", 4, "decision_maker", "K", title="COO"),
                      sh("O1", "Ola", 2, None, "K", department="Ops"),
                      sh("O2", "Oren", 3, None, "K", department="Ops"),
                      sh("L", "Lou", 4, "technical_buyer", "K", title="Head of IT", status="left",
                         left_on=dt.date(2025, 6, 10), moved_to="Globex")],
        meetings=[Meeting(id="q1", date=dt.date(2025, 5, 21), kind="qbr", attendees=["S1", "K"]),
                  Meeting(id="c1", date=dt.date(2025, 6, 20), kind="call", attendees=["S2", "S3", "E"])])


def test_every_rule_gives_its_action_worked_out_by_hand() -> None:
    got = next_actions(analyze(_account(), AS_OF, Settings()))
    expected = [
        # Sam holds 1.4697 / (1.4697 + 2 x 0.5555) = 57 % of the strength; if Sam left, Kim and everybody
        # reached through her (Max, Ola, Oren) would be cut off: 6.5 + 7.2 + 2 + 3 = 18.7, factor 1
        Action(kind="spread", priority=18.7, title="Spread Sam's relationships",
               reason="Sam holds 57% of the account's tie strength; 4 stakeholders would lose every thread or "
                      "path if they left, including Kim, Max",
               target="S1", owner="S1", related=["K", "M", "O1", "O2"]),
        # Max: uncovered, key, a required role: 7.2 x 1.5 x 1.0; the only route runs through Kim
        Action(kind="meet", priority=10.8, title="Meet Max (COO, decision maker)",
               reason="no thread: never met; warmest route via Kim", target="M", owner="S1",
               path=["S1", "K", "M"]),
        # Lou: 4 x 1.3 = 5.2 (key weight), a required role: 5.2 x 1.5 x 1.2. Successors (by hand):
        # Kim 2 (manager) + 1 (same role) + 0.65 = 3.65; Max 1 (peer) + 0.72 + 1 (uncovered) = 2.72;
        # Oren 1 + 0.3 + 1 = 2.3; Ola 1 + 0.2 + 1 = 2.2. Sam meets Kim directly: no "via"
        Action(kind="rethread", priority=9.36, title="Re-thread after Lou left to Globex",
               reason="Lou (Head of IT, technical buyer) left on 2025-06-10; build a relationship with "
                      "Kim, Max, Oren", target="K", owner="S1", path=["S1", "K"],
               related=["L", "K", "M", "O2", "O1"]),
        # Kim: single-threaded key, 6.5 x 0.9; a technical buyer's owner is the solution engineer (Stu).
        # Her reconnect action (6.5 x min(2, 40/30) x 0.5 = 4.333) merges into it
        Action(kind="add_thread", priority=5.85, title="Add a second thread to Kim (CTO, technical buyer)",
               reason="only Sam meets them; ask Sam to introduce Stu; also: last met 40 days ago; "
                      "target every 30 days", target="K", owner="S3", path=["S1", "K"], related=["S1"]),
        # Ops (Ola, Oren) hangs on Kim: (2 + 3) x 0.8; start with the more important, Oren
        Action(kind="bridge_department", priority=4.0, title="Build direct ties into Ops",
               reason="every path to 2 people of Ops runs through Kim; start with Oren via Kim",
               target="O2", owner="S1", path=["S1", "K", "O2"], related=["K", "O1", "O2"]),
    ]
    assert got == expected


def test_the_reconnect_action_alone_and_the_limit() -> None:
    snap = _account()
    settings = Settings()
    settings.actions.max_actions = 2
    top = next_actions(analyze(snap, AS_OF, settings))
    assert [a.kind for a in top] == ["spread", "meet"]
    # With Kim met by Stu too, 40 days ago (a second thread), only the reconnect action is left for her:
    # 6.5 x min(2, 40/30) x 0.5 = 4.333, owner her strongest thread (Sam's QBR, 1.47, over Stu's 0.73)
    snap.meetings.append(Meeting(id="m2", date=dt.date(2025, 5, 21), attendees=["S3", "K"]))
    kim = [a for a in next_actions(analyze(snap, AS_OF, Settings())) if a.target == "K" and a.kind != "rethread"]
    assert kim == [Action(kind="reconnect", priority=4.333, title="Reconnect with Kim",
                          reason="last met 40 days ago; target every 30 days", target="K", owner="S1")]


def test_role_owner_by_seniority_role_and_team() -> None:
    snap = _account()
    snap.stakeholders.append(Stakeholder(id="V", account="acc", name="Vic", seniority="c_level"))
    snap.stakeholders.append(Stakeholder(id="U", account="acc", name="Una", buying_role="user"))
    snap.staff.append(Staff(id="S0", name="Outsider", role="exec_sponsor"))    # not on the account team
    analysis = analyze(snap, AS_OF, Settings())
    assert role_owner(analysis, "V", set()) == "S2"            # C-level: the exec sponsor on the team
    assert role_owner(analysis, "V", {"S2"}) == "S1"           # then the KAM
    assert role_owner(analysis, "U", set()) == "S3"            # a user: the solution engineer
    assert role_owner(analysis, "E", set()) == "S1"            # an economic buyer: the KAM
    assert role_owner(analysis, "E", {"S1"}) == "S2"           # no KAM left: the first of the team by id
    assert role_owner(analysis, "E", {"S1", "S2", "S3"}) == "S0"   # nobody of the team: anyone else
    assert role_owner(analysis, "E", {"S0", "S1", "S2", "S3"}) is None


def test_successors_of_lou_by_hand() -> None:
    got = [(s.person, round(s.score, 6), s.reasons) for s in successors(analyze(_account(), AS_OF, Settings()), "L")]
    assert got == [("K", 3.65, ("their manager", "same buying role")),
                   ("M", 2.72, ("peer under the same manager",)),
                   ("O2", 2.3, ("peer under the same manager",)),
                   ("O1", 2.2, ("peer under the same manager",))]


def test_department_gateways_by_size_then_department_then_gateway() -> None:
    snap = _account()

    def sh(pid: str, boss: str, department: str) -> Stakeholder:
        return Stakeholder(id=pid, account="acc", name=pid, influence=1, reports_to=boss, department=department)
    # Ops gets a third member under Kim; Fin (two people) hangs on Eve; HR has one person, under Kim
    snap.stakeholders += [sh("O3", "K", "Ops"), sh("F1", "E", "Fin"), sh("F2", "E", "Fin"), sh("H1", "K", "HR")]
    got = [(g.department, g.gateway, g.cut_off, g.reachable) for g in analyze(snap, AS_OF, Settings()).gateways]
    # Kim and Sam (whose leaving cuts Kim off) each hold all three of Ops; Eve holds Fin (Sue and Stu both
    # reach her). HR has one reachable member: a department needs two to have a gateway.
    assert got == [("Ops", "K", ("O1", "O2", "O3"), 3), ("Ops", "S1", ("O1", "O2", "O3"), 3),
                   ("Fin", "E", ("F1", "F2"), 2)]


def test_the_cuts_keep_the_competitor_ties_and_the_date() -> None:
    snap = _account()
    snap.as_of = AS_OF
    snap.competitor_ties = [CompetitorTie(stakeholder="K", competitor="Contoso", strength=4,
                                          since=dt.date(2025, 1, 1))]
    gone = without_people(snap, ["K"], dt.date(2025, 6, 1))
    assert (gone.as_of, gone.competitor_ties) == (AS_OF, snap.competitor_ties)
    assert next(p for p in gone.stakeholders if p.id == "K").left_on == dt.date(2025, 6, 1)
    back = with_people_back(gone, ["K"])
    assert (back.as_of, back.competitor_ties) == (AS_OF, snap.competitor_ties)
    assert next(p for p in back.stakeholders if p.id == "K").left_on is None
    cut = snapshot_on(snap, dt.date(2025, 6, 1))
    assert (cut.as_of, cut.competitor_ties, [m.id for m in cut.meetings]) == (dt.date(2025, 6, 1),
                                                                              snap.competitor_ties, ["q1"])


# -- departures, caps and owners (small accounts of their own) ------------------------------------------

def _sh(pid: str, name: str, influence: int, role: str | None = None, **kw: object) -> Stakeholder:
    return Stakeholder(id=pid, account="acc", name=name, influence=influence, buying_role=role, **kw)


def _snap(staff: list[Staff], stakeholders: list[Stakeholder], meetings: list[Meeting]) -> AccountSnapshot:
    return AccountSnapshot(account=Account(id="acc", name="Acme"), relationships=[], reporting_lines=[],
                           staff=staff, stakeholders=stakeholders, meetings=meetings)


def test_rethread_actions_by_hand() -> None:
    left = {"status": "left"}
    snap = _snap(
        [Staff(id="S1", name="Sam", role="kam", accounts=["acc"]),
         Staff(id="S2", name="Sue", role="exec_sponsor", accounts=["acc"])],
        [_sh("C", "Cal", 1),                                                   # Sam's thread
         _sh("B", "Bea", 3, title="Buyer", department="Proc", reports_to="C"),   # reached through Cal
         _sh("U", "Una", 1, title="Analyst"),                                   # nobody reaches her
         # coach (1.2): 5 x 1.2 = 6; left exactly 180 days (the window) before the date
         _sh("D1", "Dan", 5, "coach", title="Buyer", department="Proc", left_on=dt.date(2025, 1, 1), **left),
         _sh("D2", "Dora", 5, left_on=dt.date(2025, 6, 1), **left),           # 5: at the key threshold
         _sh("D3", "Eli", 2, title="Analyst", left_on=dt.date(2025, 6, 1), **left),  # 2, but Sue met him
         _sh("D0", "Fay", 1, left_on=dt.date(2025, 6, 1), **left),             # 1 and never met: no action
         _sh("D9", "Gus", 5, left_on=dt.date(2024, 12, 31), **left)],         # 181 days: out of the window
        [Meeting(id="m1", date=dt.date(2025, 6, 20), attendees=["S1", "C"]),
         Meeting(id="m2", date=dt.date(2025, 3, 1), attendees=["S2", "D3"])])
    got = [a for a in next_actions(analyze(snap, AS_OF, Settings())) if a.kind == "rethread"]
    assert got == [
        # Dan: not a required role, 6 x 1.0 x 1.2; Bea: same title 4 + department 1.5 + 0.3 + uncovered 1
        Action(kind="rethread", priority=7.2, title="Re-thread after Dan left",
               reason="Dan (Buyer, coach) left on 2025-01-01; build a relationship with Bea via Cal",
               target="B", owner="S1", path=["S1", "C", "B"], related=["D1", "B"]),
        Action(kind="rethread", priority=6.0, title="Re-thread after Dora left",
               reason="Dora (stakeholder) left on 2025-06-01; no successor identified yet: find out who took over",
               target=None, owner=None, path=[], related=["D2"]),
        # Eli: 2 x 1.0 x 1.2; his successor Una (same title) has no route from us
        Action(kind="rethread", priority=2.4, title="Re-thread after Eli left",
               reason="Eli (Analyst, stakeholder) left on 2025-06-01; build a relationship with Una",
               target="U", owner=None, path=[], related=["D3", "U"]),
    ]
    # a role the settings give no weight counts 1: Dan weighs 5 x 1 = 5, 5 x 1.2 = 6.0
    settings = Settings()
    settings.importance.role_weights = {}
    dan = next(a for a in next_actions(analyze(snap, AS_OF, settings)) if a.title == "Re-thread after Dan left")
    assert dan.priority == 6.0


def test_reconnect_lateness_is_capped_and_a_lone_kam_asks_a_colleague() -> None:
    # Kim, key technical buyer (6.5), met by Sam alone 70 days ago: 2 ** (-70/90) = 0.58, a thread; 70/30 = 2.33
    # is capped at 2: 6.5 x 2 x 0.5 = 6.5. Her add-thread action (5.85) has nobody to suggest: a colleague.
    snap = _snap([Staff(id="S1", name="Sam", role="kam", accounts=["acc"])],
                 [_sh("K", "Kim", 5, "technical_buyer")],
                 [Meeting(id="m1", date=dt.date(2025, 4, 21), attendees=["S1", "K"])])
    kim = [a for a in next_actions(analyze(snap, AS_OF, Settings())) if a.target == "K"]
    assert kim == [Action(kind="reconnect", priority=6.5, title="Reconnect with Kim",
                          reason="last met 70 days ago; target every 30 days; also: only Sam meets them; ask Sam "
                                 "to introduce a colleague", target="K", owner="S1")]


def test_meet_owners_and_role_owner_by_seniority() -> None:
    # Zed (C-level, 5) nobody reaches: the exec sponsor should meet him. Yan (5) reports to Quy, whom Sue
    # meets: Sue, the start of the route, owns it (the role rule would say the KAM).
    snap = _snap([Staff(id="S1", name="Sam", role="kam", accounts=["acc"]),
                  Staff(id="S2", name="Sue", role="exec_sponsor", accounts=["acc"])],
                 [_sh("Z", "Zed", 5, seniority="c_level"), _sh("Q", "Quy", 1), _sh("Y", "Yan", 5, reports_to="Q"),
                  _sh("V", "Val", 1, seniority="vp"), _sh("R", "Rex", 1, seniority="director")],
                 [Meeting(id="m1", date=dt.date(2025, 6, 20), attendees=["S2", "Q"])])
    analysis = analyze(snap, AS_OF, Settings())
    meets = {a.target: (a.owner, a.path) for a in next_actions(analysis) if a.kind == "meet"}
    assert meets == {"Z": ("S2", []), "Y": ("S2", ["S2", "Q", "Y"])}
    assert (role_owner(analysis, "V", set()), role_owner(analysis, "R", set())) == ("S2", "S1")


def test_bridge_actions_start_with_the_most_important_and_stay_apart_from_meet() -> None:
    snap = _account()

    def sh(pid: str, boss: str, department: str, influence: int = 1) -> Stakeholder:
        return Stakeholder(id=pid, account="acc", name=pid, influence=influence, reports_to=boss,
                           department=department)
    # Fin hangs on Eve; F1 (5, key, never met) outweighs F2 (1): the bridge starts with F1, who also gets
    # a meet action of her own. Ops gets a third member (O3, 1): its gateways, Kim and Sam (staff, no action),
    # come before Fin's, and Fin's action must still follow. Both at (2 + 3 + 1) x 0.8 = (5 + 1) x 0.8 = 4.8.
    snap.stakeholders += [sh("F1", "E", "Fin", 5), sh("F2", "E", "Fin"), sh("O3", "K", "Ops")]
    actions = next_actions(analyze(snap, AS_OF, Settings()))
    bridges = [(a.title, a.priority, a.target, a.related) for a in actions if a.kind == "bridge_department"]
    assert bridges == [("Build direct ties into Fin", 4.8, "F1", ["E", "F1", "F2"]),
                       ("Build direct ties into Ops", 4.8, "O2", ["K", "O1", "O2", "O3"])]
    assert [a.kind for a in actions if a.target == "F1"] == ["meet", "bridge_department"]


def test_no_spread_without_concentration_or_without_orphans() -> None:
    staff = [Staff(id=f"S{i}", name=f"S{i}", accounts=["acc"]) for i in (1, 2)]
    # Sam holds 2/3 of the strength but Ann and Ben also meet Sue: nobody is cut off if Sam leaves
    both = _snap(staff, [_sh("A", "Ann", 1), _sh("B", "Ben", 1)],
                 [Meeting(id="m1", date=dt.date(2025, 6, 20), kind="qbr", attendees=["S1", "A", "B"]),
                  Meeting(id="m2", date=dt.date(2025, 6, 20), attendees=["S2", "A", "B"])])
    assert [a.kind for a in next_actions(analyze(both, AS_OF, Settings()))] == []
    # three staff members, each the only thread of one stakeholder: each holds 1/3, under the 0.5 threshold
    three = _snap([*staff, Staff(id="S3", name="S3", accounts=["acc"])],
                  [_sh("A", "Ann", 1), _sh("B", "Ben", 1), _sh("C", "Cy", 1)],
                  [Meeting(id=f"m{i}", date=dt.date(2025, 6, 20), attendees=[f"S{i}", c])
                   for i, c in zip((1, 2, 3), "ABC", strict=True)])
    assert [a.kind for a in next_actions(analyze(three, AS_OF, Settings()))] == []
    # one holder, orphans without a key person: no "including"
    alone = _snap(staff[:1], [_sh("A", "Ann", 1)], [Meeting(id="m1", date=dt.date(2025, 6, 20),
                                                           attendees=["S1", "A"])])
    spread = next_actions(analyze(alone, AS_OF, Settings()))
    assert [(a.kind, a.reason) for a in spread] == [
        ("spread", "S1 holds 100% of the account's tie strength; 1 stakeholders would lose every thread or path "
                   "if they left")]


def test_a_supporter_of_plus_one_is_named() -> None:
    snap = _account()
    snap.stakeholders = [p.model_copy(update={"attitude": 1}) if p.id == "M" else p for p in snap.stakeholders]
    got = {s.person: s.reasons for s in successors(analyze(snap, AS_OF, Settings()), "L")}
    assert got["M"] == ("peer under the same manager", "supporter (+1)")


def test_successors_skip_a_manager_who_left_and_keep_every_peer() -> None:
    # Lou and twenty peers report to Bo, who left too: Bo is a candidate (their manager) but not active,
    # so he is skipped; every peer stays (1 + 0.1 + 1 uncovered each, in id order)
    left = {"status": "left", "left_on": dt.date(2025, 6, 1)}
    peers = [_sh(f"P{i:02d}", f"Peer {i}", 1, reports_to="B0") for i in range(20)]
    snap = _snap([Staff(id="S1", name="Sam", accounts=["acc"])],
                 [_sh("B0", "Bo", 1, **left), _sh("L", "Lou", 1, reports_to="B0", **left), *peers], [])
    got = [(s.person, round(s.score, 6)) for s in successors(analyze(snap, AS_OF, Settings()), "L")]
    assert got == [(p.id, 2.1) for p in peers]


def test_a_spread_action_names_at_most_four_key_people() -> None:
    # Sam alone meets five key stakeholders (influence 5 each): all five are cut off if Sam leaves
    people = [_sh(c, f"Key {c}", 5) for c in "ABCDE"]
    snap = _snap([Staff(id="S1", name="Sam", accounts=["acc"])], people,
                 [Meeting(id="m1", date=dt.date(2025, 6, 20), attendees=["S1", *"ABCDE"])])
    spread = next(a for a in next_actions(analyze(snap, AS_OF, Settings())) if a.kind == "spread")
    assert (spread.priority, spread.reason) == (25.0, "Sam holds 100% of the account's tie strength; 5 stakeholders "
                                                      "would lose every thread or path if they left, including "
                                                      "Key A, Key B, Key C, Key D")
