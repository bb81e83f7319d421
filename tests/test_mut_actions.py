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
