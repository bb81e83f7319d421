"""The alert rules and the departure impact where the ``alerts`` mutation target found them unchecked.

Every expectation is worked out by hand in the test from the records, the dates and the documented
thresholds (tie strength ``2 ** (-days / 90)`` per meeting, thread from 0.5; importance influence x role
weight, key from 5; cadence targets: economic buyer 60 days, champion 21), never read back from the code
under test. Stores are SQLite files in ``tmp_path``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kamgraph.domain.alert_state import Delivery
from kamgraph.domain.dataset import AccountSnapshot, Batch
from kamgraph.domain.models import Account, BuyingRole, Meeting, MeetingKind, Staff, Stakeholder
from kamgraph.domain.plans import Objective
from kamgraph.errors import ConflictError, KamgraphError
from kamgraph.monitor.alerts import evaluate_account, run_alerts
from kamgraph.monitor.delivery.email import ENVELOPE
from kamgraph.monitor.departure import (
    AccountRef,
    TeamCapacity,
    account_impact,
    departure_impact,
    record_departure,
    record_return,
)
from kamgraph.monitor.webhook import DeliveryResult
from kamgraph.portfolio.plans import evaluate_objectives
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

from .accounts import AS_OF, as_batch, met, person, six_people, snapshot, us
from .test_alerts import only

DAY = dt.timedelta(days=1)


def _sqlite(tmp_path: Path) -> GraphStore:
    return open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True)


def _plan(impact):  # type: ignore[no-untyped-def]
    return [(h.stakeholder.id, h.to.id if h.to else None, h.basis) for h in impact.handover_plan]


# --------------------------------------------------------------------------- sustained fall: counts, not shares
def _fading(meetings: list[Meeting], staff: list[Staff] | None = None) -> AccountSnapshot:
    """Account ``f`` (Fading): Eve, economic buyer of influence 5 (importance 10, key), and our staff."""
    return AccountSnapshot(account=Account(id="f", name="Fading"),
                           staff=staff or [Staff(id="s1", name="Sam", accounts=["f"])],
                           stakeholders=[Stakeholder(id="eb", account="f", name="Eve", influence=5,
                                                     buying_role="economic_buyer")],
                           reporting_lines=[], relationships=[], meetings=meetings)


def _fall(snap: AccountSnapshot, figure: str, drop: float) -> tuple[str, str]:
    settings = only("sustained_fall")
    settings.trend.sustained_fall.figure = figure  # type: ignore[assignment]
    settings.trend.sustained_fall.drop = drop
    findings, _ = evaluate_account(snap, dt.date(2026, 6, 30), dt.date(2026, 6, 30), settings)
    [finding] = findings
    assert (finding.key, finding.account, finding.state) == (f"sustained_fall:f:{figure}", "f", "falling")
    return finding.title, finding.message


def test_a_fall_in_the_meeting_count_is_written_as_counts() -> None:
    # Checked on 30 June with 3 monthly periods: the points are 31 March, 30 April, 31 May and 30 June, each
    # the meetings of its month: 3 in March, 2 in April, 1 in May, none in June. No month better than the one
    # before, 3 fewer in all (drop 2): a fall, written 3 -> 0 (a count, not "300%").
    days = [dt.date(2026, 3, 2), dt.date(2026, 3, 10), dt.date(2026, 3, 20), dt.date(2026, 4, 8),
            dt.date(2026, 4, 20), dt.date(2026, 5, 12)]
    snap = _fading([Meeting(id=f"m{i}", date=d, attendees=["s1", "eb"]) for i, d in enumerate(days)])
    assert _fall(snap, "meetings", 2) == (
        "Fading: meetings fell 3 -> 0 over 3 months",
        "meetings on 2026-03-31: 3; on 2026-06-30: 0; no month better than the one before "
        "(rule: worse by 2 or more over 3 months)")


def test_a_rise_in_overdue_key_stakeholders_is_written_as_counts() -> None:
    # Eve (economic buyer: a 60-day cadence target) met once, on 25 March: 6 days before 31 March and 36 before
    # 30 April (on time), 67 before 31 May and 97 before 30 June (overdue). Overdue key stakeholders 0, 0, 1, 1:
    # no month better, 1 worse in all (drop 1), written 0 -> 1.
    snap = _fading([Meeting(id="m1", date=dt.date(2026, 3, 25), attendees=["s1", "eb"])])
    title, message = _fall(snap, "overdue_key", 1)
    assert title == "Fading: overdue key stakeholders fell 0 -> 1 over 3 months"
    assert message.startswith("overdue key stakeholders on 2026-03-31: 0; on 2026-06-30: 1; ")


def test_a_rise_in_key_stakeholders_at_connectivity_1_is_written_as_counts() -> None:
    # Sam and Tom met Eve together on 20 March: two threads (11 days: 2 ** (-11/90) = 0.92; 41 days on 30 April:
    # 0.73), two disjoint paths, connectivity 2. Tom left on 15 May: on 31 May only Sam's tie is left (72 days:
    # 0.57), connectivity 1; on 30 June it is 102 days old (0.46, no thread): connectivity 0. Key stakeholders at
    # connectivity 1 or 0: 0, 0, 1, 1 -- written 0 -> 1.
    staff = [Staff(id="s1", name="Sam", accounts=["f"]),
             Staff(id="s2", name="Tom", accounts=["f"], status="left", left_on=dt.date(2026, 5, 15))]
    snap = _fading([Meeting(id="m1", date=dt.date(2026, 3, 20), attendees=["s1", "s2", "eb"])], staff)
    title, _ = _fall(snap, "key_at_connectivity_1", 1)
    assert title == "Fading: key stakeholders at connectivity 1 fell 0 -> 1 over 3 months"


# --------------------------------------------------------------------------- objective missed
def test_a_missed_objective_closed_later_is_skipped_and_the_next_one_still_raised() -> None:
    # Hand: Sam met Chad (champion) on 1 June; nobody met Eve (economic buyer). Checked on 1 July, as if run
    # again for that day: h-1 (cover Eve by 20 June, owned by Sam) was marked done on 5 July -- still open on
    # 1 July by its dates, but done: the rule skips it. h-2 (cover Eve by 30 June, no owner) is missed: Eve has
    # no thread, the due date was 1 day before. h-1 comes first (the earlier due date), h-2 after it.
    snap = AccountSnapshot(
        account=Account(id="h", name="Hand"), staff=[Staff(id="s1", name="Sam", accounts=["h"])],
        stakeholders=[Stakeholder(id="eb", account="h", name="Eve", influence=5, buying_role="economic_buyer"),
                      Stakeholder(id="ch", account="h", name="Chad", influence=4, buying_role="champion")],
        reporting_lines=[], relationships=[],
        meetings=[Meeting(id="m1", date=dt.date(2026, 6, 1), attendees=["s1", "ch"])])
    done = Objective(id="h-1", account="h", kind="cover_person", subject="eb", owner="s1", due=dt.date(2026, 6, 20),
                     created_on=dt.date(2026, 5, 1), state="done", closed_on=dt.date(2026, 7, 5))
    open_ = Objective(id="h-2", account="h", kind="cover_person", subject="eb", due=dt.date(2026, 6, 30),
                      created_on=dt.date(2026, 5, 1))
    day = dt.date(2026, 7, 1)
    findings, _ = evaluate_account(snap, day, day, only("objective_missed"), objectives=[done, open_],
                                   evaluate_plans=evaluate_objectives)
    assert [(f.rule, f.subject, f.state, f.title, f.message) for f in findings] == [(
        "objective_missed", "h-2", "due 2026-06-30", "Hand: objective h-2 missed: cover Eve by 2026-06-30",
        "Eve has 0 threads, needs 1; due 2026-06-30, 1 day ago")]
    assert findings[0].data == {"objective": "h-2", "kind": "cover_person", "subject": "eb", "target": 1.0,
                                "owner": None, "due": "2026-06-30", "value": 0.0, "days_left": -1}


# --------------------------------------------------------------------------- the handover plan
def test_the_handover_takes_the_most_important_stakeholder_first_and_says_how_strong_the_tie_was() -> None:
    # S1 leaves; they met A (user, influence 2: importance 1.6) 1 day ago and B (economic buyer, influence 5:
    # importance 10) 10 days ago. B comes first though A sorts first by id. S2 (the account team's other KAM,
    # capacity 1) takes B and then has no headroom left for A: A is still handed to S2, over capacity.
    snap = snapshot([person("A", 2, "user"), person("B", 5, "economic_buyer")], [us("S1"), us("S2")],
                    [met("m1", 1, "S1", "A"), met("m2", 10, "S1", "B")])
    settings = Settings.model_validate({"team": {"capacity": {"kam": 1}}})
    plan = account_impact(snap, "S1", AS_OF, settings).handover_plan
    assert [(h.stakeholder.id, h.key, h.to.id if h.to else None, h.strength, h.to_load, h.over_capacity)
            for h in plan] == [("B", True, "S2", round(2 ** (-10 / 90), 6), 1, False),
                               ("A", False, "S2", round(2 ** (-1 / 90), 6), 2, True)]


def test_a_zero_strength_tie_is_no_tie_for_the_handover() -> None:
    # With e-mails weighing 0, S3 (off the account team) e-mailed A: a pair that met, strength 0 -- no tie. S1
    # (leaving) met A yesterday. The candidates are the account team (S2) and those with a tie (nobody): S2.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2"), Staff(id="S3", name="Staff S3")],
                    [met("m1", 1, "S1", "A"), met("m2", 2, "S3", "A", kind="email")])
    settings = Settings()
    settings.strength.kind_weights[MeetingKind.EMAIL] = 0.0
    impact = account_impact(snap, "S1", AS_OF, settings)
    assert [(t.id, t.strength) for t in impact.ties_lost] == [("A", round(2 ** (-1 / 90), 6))]
    assert _plan(impact) == [("A", "S2", "account team (kam)")]
    assert impact.handover_plan[0].to_strength == 0.0


def test_the_candidates_are_the_account_team_and_the_ties_not_everyone_who_met_the_account() -> None:
    # S1 (KAM, level 2) leaves A (no buying role; met yesterday). S3 is support on the account team (level 4);
    # S2 is a KAM like S1 but off the team, and met only D. Nobody but S1 has a tie with A, so the candidates
    # are the account team: S3, though S2's level is closer.
    snap = snapshot([person("A", 5), person("D", 3)],
                    [us("S1"), Staff(id="S2", name="Staff S2", role="kam", accounts=[]), us("S3", "support")],
                    [met("m1", 1, "S1", "A"), met("m2", 3, "S2", "D")])
    assert _plan(account_impact(snap, "S1", AS_OF)) == [("A", "S3", "account team (support)")]


def test_with_nobody_left_on_the_team_the_handover_goes_to_who_met_the_account() -> None:
    # S1 is the only one on the account team and leaves; S2 (off the team) met D, not A. Nobody else: S2 takes A.
    snap = snapshot([person("A", 5), person("D", 3)], [us("S1"), Staff(id="S2", name="Staff S2", accounts=[])],
                    [met("m1", 1, "S1", "A"), met("m2", 3, "S2", "D")])
    assert _plan(account_impact(snap, "S1", AS_OF)) == [("A", "S2", "met the account before")]


def test_between_equals_the_handover_goes_to_the_colleague_suited_to_the_stakeholder() -> None:
    # B is a champion: the suited colleague is delivery before the KAM (kamgraph.analysis.actions.role_owner).
    # S1 (KAM) leaves; S2 (KAM) and S3 (delivery) are on the team, neither met B, both at level 2 like S1.
    snap = snapshot([person("B", 4, "champion")], [us("S1"), us("S2"), us("S3", "delivery")],
                    [met("m1", 1, "S1", "B")])
    settings = Settings.model_validate({"team": {"levels": {"kam": 2, "delivery": 2}}})
    assert _plan(account_impact(snap, "S1", AS_OF, settings)) == [("B", "S3", "account team (delivery)")]


def test_a_colleague_missing_from_the_given_load_holds_nothing_yet() -> None:
    # The load given leaves S2 out: no threads anywhere, so handing A over gives S2 a load of 0 + 1 = 1.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2")], [met("m1", 1, "S1", "A")])
    impact = account_impact(snap, "S1", AS_OF, Settings(), capacity=TeamCapacity(load={"S1": 1}, people={}))
    [step] = impact.handover_plan
    assert (step.to and step.to.id, step.to_load, step.to_capacity, step.over_capacity) == ("S2", 1, 40, False)


# --------------------------------------------------------------------------- departures through the store
def _two_accounts(store: GraphStore, later: list[Meeting]) -> None:
    """One: S1 (KAM, on the team, capacity 1 below) met A (Ann, CFO) yesterday; S2 (KAM, on the team) holds a
    thread to B; nobody met K. Two: X, and S9 (off every team); ``later`` are meetings dated after AS_OF."""
    store.import_batch(Batch(
        accounts=[Account(id="a1", name="One"), Account(id="a2", name="Two")],
        staff=[Staff(id="S1", name="Sam", role="kam", accounts=["a1"]),
               Staff(id="S2", name="Sue", role="kam", accounts=["a1"]),
               Staff(id="S9", name="Nia", role="kam", accounts=[])],
        stakeholders=[Stakeholder(id="A", account="a1", name="Ann", influence=5, buying_role="economic_buyer",
                                  title="CFO", department="Finance"),
                      Stakeholder(id="K", account="a1", name="Kai", influence=5),
                      Stakeholder(id="B", account="a1", name="Ben", influence=2),
                      Stakeholder(id="X", account="a2", name="Xia", influence=2)],
        meetings=[Meeting(id="m1", account="a1", date=AS_OF - DAY, attendees=["S1", "A"]),
                  Meeting(id="m2", account="a1", date=AS_OF - DAY, attendees=["S2", "B"]), *later],
        person_kinds={"S1": "staff", "S2": "staff", "S9": "staff", "A": "stakeholder", "B": "stakeholder",
                      "K": "stakeholder", "X": "stakeholder"}))


def test_who_met_the_portfolio_only_after_the_departure_is_not_a_candidate(tmp_path: Path) -> None:
    # S1 leaves on AS_OF. S2 (capacity 1, already holding B) has no headroom; S9 first met anyone (X of Two, and A
    # of One) five days after the departure: not one of the portfolio's colleagues on AS_OF. So nobody has
    # headroom and A still goes to S2, over capacity.
    settings = Settings.model_validate({"team": {"capacity": {"kam": 1}}})
    with _sqlite(tmp_path) as store:
        _two_accounts(store, [Meeting(id="m3", account="a2", date=AS_OF + 5 * DAY, attendees=["S9", "X"]),
                              Meeting(id="m4", account="a1", date=AS_OF + 5 * DAY, attendees=["S9", "A"])])
        impact = departure_impact(store, "S1", AS_OF, settings)
    assert [a.account.id for a in impact.accounts] == ["a1"]
    [step] = impact.accounts[0].handover_plan
    assert (step.to and step.to.id, step.basis, step.to_load, step.over_capacity) == (
        "S2", "nobody has headroom: account team (kam)", 2, True)


def test_the_accounts_of_a_staff_departure_are_those_met_by_then_with_or_without_an_account(
        tmp_path: Path) -> None:
    # S1 is on One's team. A meeting with X (of Two) recorded without an account, before the departure, makes
    # Two concerned too; a meeting with X of a third account only after the departure does not.
    with _sqlite(tmp_path) as store:
        _two_accounts(store, [Meeting(id="m3", date=AS_OF - 2 * DAY, attendees=["S1", "X"])])
        store.import_batch(Batch(
            accounts=[Account(id="a3", name="Three")],
            stakeholders=[Stakeholder(id="Y", account="a3", name="Yan", influence=2)],
            meetings=[Meeting(id="m4", account="a3", date=AS_OF + DAY, attendees=["S1", "Y"])],
            person_kinds={"S1": "staff", "Y": "stakeholder"}))
        impact = departure_impact(store, "S1", AS_OF)
    assert [a.account.id for a in impact.accounts] == ["a1", "a2"]


def test_a_recorded_departure_keeps_the_note_and_uses_the_settings_given(tmp_path: Path) -> None:
    # A: economic buyer, influence 5 -> importance 10; key from 5 by default, not with a key threshold of 11.
    settings = Settings()
    settings.importance.key_threshold = 11
    with _sqlite(tmp_path) as store:
        store.import_batch(as_batch(six_people()))
        impact = record_departure(store, "A", AS_OF, note="retired", settings=settings)
        stored = store.get_person("A")
    assert (impact.recorded, impact.note, impact.importance, impact.key) == (True, "retired", 10.0, False)
    assert (stored.left_on, stored.note) == (AS_OF, "retired")


def test_undoing_a_departure_never_recorded_names_the_person(tmp_path: Path) -> None:
    with _sqlite(tmp_path) as store:
        store.import_batch(as_batch(six_people()))
        with pytest.raises(KamgraphError) as refused:
            record_return(store, "A")
    assert str(refused.value) == "Client A (A) is not recorded as having left"


# --------------------------------------------------------------------------- the departure alert's message
def _staff_leaves(with_p6: bool = True):  # type: ignore[no-untyped-def]
    """S1 (KAM) left yesterday. Key: A (economic buyer, 10), B (champion, 6), K (no role, influence 5: 5). S1 is
    the only thread of A and of P1 (technical buyer) to P6 (influence 1); S2 (KAM) also met B and K, S3
    (delivery) K. Every meeting of S1 is 1 to 9 days before the departure: strengths 2 ** (-d/90) of 0.93 to
    0.99, each shown 1.0, strongest first (A, B, K, P1, P2, ...). Each meeting is one of ours and one of theirs."""
    people = [person("A", 5, "economic_buyer"), person("B", 4, "champion"), person("K", 5),
              person("P1", 1, "technical_buyer"), *(person(f"P{i}", 1) for i in range(2, 7 if with_p6 else 6))]
    meetings = [met("ma", 2, "S1", "A"), met("mb1", 3, "S1", "B"), met("mb2", 3, "S2", "B"), met("mk1", 4, "S1", "K"),
                met("mk2", 4, "S2", "K"), met("mk3", 10, "S3", "K"),
                *(met(f"mp{i}", 4 + i, "S1", p.id) for i, p in enumerate(people[3:], start=1))]
    snap = snapshot(people, [us("S1"), us("S2"), us("S3", "delivery")], sorted(meetings, key=lambda m: (m.date, m.id)))
    snap.staff[0] = snap.staff[0].model_copy(update={"status": "left", "left_on": AS_OF - DAY})
    return snap


def _departure(snap):  # type: ignore[no-untyped-def]
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("departure"))
    [finding] = findings
    return finding.described()


def _message(snap) -> str:  # type: ignore[no-untyped-def]
    return _departure(snap).message


def test_a_staff_departure_message_lists_ties_roles_the_unreachable_the_critical_and_the_handover() -> None:
    finding = _departure(_staff_leaves())
    message = finding.message
    # nine ties lost, the five strongest shown; A and P1 were the only covered holders of their required roles.
    # Importance: A 10, B 6, K 5, P1 1 x 1.3, P2-P6 1 each: 27.3. Fragility index (the share the most critical
    # person cuts off): before, S1 cuts A and P1-P6: 16.3 / 27.3 = 60 %; after, S2 cuts B: 6 / 27.3 = 22 %.
    # Health = 35 key coverage + 20 weighted coverage + 15 required roles covered + 20 (1 - fragility) + 10 (1 -
    # overdue key share): before 35 + 20 + 15 x 3/4 + 20 x 11/27.3 + 10 = 84.3; after (A uncovered; 11 of 27.3
    # covered; the champion alone of the four roles) 35 x 2/3 + 20 x 11/27.3 + 15/4 + 20 x 21.3/27.3 + 10 = 60.7.
    assert message.startswith("ties lost: Client A 1.0, Client B 1.0, Client K 1.0, Client P1 1.0, Client P2 1.0; "
                              "required roles now uncovered: economic_buyer, technical_buyer; "
                              "fragility index 60% -> 22%, health 84 -> 61; now unreachable: ")
    assert (finding.title, finding.state) == ("Staff S1 (kam) left on 2025-06-29", "2025-06-29")
    data = finding.data
    assert {k: data[k] for k in ("person", "kind", "left_on", "moved_to", "ties_lost", "roles_uncovered",
                                 "unreachable", "rethread")} == {
        "person": "S1", "kind": "staff", "left_on": "2025-06-29", "moved_to": None,
        "ties_lost": ["A", "B", "K", "P1", "P2", "P3", "P4", "P5", "P6"],
        "roles_uncovered": ["economic_buyer", "technical_buyer"],
        "unreachable": ["A", "P1", "P2", "P3", "P4", "P5", "P6"], "rethread": []}
    assert (data["fragility_before"], data["fragility_after"]) == (pytest.approx(16.3 / 27.3),
                                                                   pytest.approx(6 / 27.3))
    assert (round(data["health_before"], 1), round(data["health_after"], 1)) == (84.3, 60.7)
    assert (data["connectivity_drops"]["A"], data["connectivity_drops"]["B"]) == ([1, 0], [2, 1])
    assert data["handover"] == {"A": "S2", "B": "S2", "K": "S2", **{f"P{i}": "S2" for i in range(1, 7)}}
    # A and P1 to P6 lose their last thread: seven, six named by id and "+1". A's connectivity (to our team) drops
    # 1 -> 0 and B's 2 -> 1: one departure from being cut off; K keeps two threads (S2, S3). The handover, most
    # important first: A (no tie but S1's) to the account team's KAM, B and K to S2, their next-strongest tie.
    assert message.split("; now unreachable: ", 1)[1] == (
        "Client A, Client P1, Client P2, Client P3, Client P4, Client P5 (+1); "
        "key stakeholders one departure from being cut off: Client A 1->0, Client B 2->1; "
        "hand over: Client A -> Staff S2 (account team (kam)); Client B -> Staff S2 (next-strongest tie); "
        "Client K -> Staff S2 (next-strongest tie); Client P1 -> Staff S2 (account team (kam)); "
        "Client P2 -> Staff S2 (account team (kam))")


def test_six_people_unreachable_are_all_named_without_a_count() -> None:
    message = _message(_staff_leaves(with_p6=False))
    assert "; now unreachable: Client A, Client P1, Client P2, Client P3, Client P4, Client P5; key " in message


def test_a_weak_tie_lost_is_marked_weak() -> None:
    # A (economic buyer) left yesterday; S1 met A 3 days ago (2 ** (-2/90) = 0.98 on the day A left), S2 200 days
    # ago (2 ** (-199/90) = 0.22: below the 0.5 of a thread, weak).
    snap = snapshot([person("A", 5, "economic_buyer", status="left", left_on=AS_OF - DAY)],
                    [us("S1"), us("S2")], [met("m1", 200, "S2", "A"), met("m2", 3, "S1", "A")])
    assert _message(snap).startswith("ties lost: Staff S1 1.0, Staff S2 0.2 (weak); ")


def test_a_stakeholder_departure_message_names_three_successors_with_two_reasons_and_the_warmest_path() -> None:
    # X, Head of Procurement (department Proc, reports to M), left yesterday; S1 met X and M, S2 met N. Successors
    # of X (influence 3 each: importance 3, 0.3 of a point; 1 more when nobody covers them):
    #   R: "Interim Head of Procurement", reports to X, in Proc: 4 + 2 + 1.5 + 0.3 + 1 = 8.8; nobody met R and
    #      X is gone: no path;
    #   Q: reports to M (a peer), in Proc: 1 + 1.5 + 0.3 + 1 = 3.8; path S1 -> M -> Q (Q's line to M);
    #   M: their manager: 2 + 0.3 = 2.3; path S1 -> M;
    #   N: in Proc: 1.5 + 0.3 = 1.8 -- the fourth, not shown.
    snap = snapshot([person("X", 3, dept="Proc", reports_to="M", title="Head of Procurement", status="left",
                            left_on=AS_OF - DAY, moved_to="Globex"),
                     person("M", 3, dept="Board"), person("Q", 3, dept="Proc", reports_to="M"),
                     person("R", 3, dept="Proc", reports_to="X", title="Interim Head of Procurement"),
                     person("N", 3, dept="Proc")],
                    [us("S1"), us("S2")], [met("m1", 3, "S1", "X"), met("m2", 3, "S1", "M"), met("m3", 3, "S2", "N")])
    finding = _departure(snap)
    assert finding.title == "Client X (Head of Procurement) left on 2025-06-29 (moved to: Globex)"
    assert {k: finding.data[k] for k in ("person", "kind", "left_on", "moved_to", "rethread", "handover")} == {
        "person": "X", "kind": "stakeholder", "left_on": "2025-06-29", "moved_to": "Globex",
        "rethread": ["R", "Q", "M", "N"], "handover": {}}
    fewer = only("departure")
    fewer.departures.plan_size = 2  # the two best only
    [two] = evaluate_account(snap, AS_OF, AS_OF, fewer)[0]
    assert two.described().data["rethread"] == ["R", "Q"]
    assert finding.message.split("; re-thread: ", 1)[1] == (
        "Client R (same title, their direct report); "
        "Client Q (peer under the same manager, same department) via Staff S1 -> Client M; "
        "Client M (their manager) via Staff S1")


def test_with_nobody_left_to_hand_over_to_the_message_says_nobody() -> None:
    # S1, our only staff member on the account, left yesterday: A goes to nobody.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 2, "S1", "A")])
    snap.staff[0] = snap.staff[0].model_copy(update={"status": "left", "left_on": AS_OF - DAY})
    assert _message(snap).endswith(
        "; now unreachable: Client A; key stakeholders one departure from being cut off: Client A 1->0; "
        "hand over: Client A -> nobody (nobody left on the account: find a colleague)")
    [step] = account_impact(snap, "S1", AS_OF - DAY).handover_plan
    assert (step.to, step.to_strength, step.to_load, step.to_capacity, step.over_capacity) == (
        None, 0.0, None, None, False)


# --------------------------------------------------------------------------- overdue, roles, single-threaded
def test_an_overdue_stakeholder_without_a_thread_is_owned_by_the_last_to_meet_them_then_the_larger_id() -> None:
    # B: champion (target 21 days), influence 4 -> importance 6, key, titled VP Ops. S1 and S2 met B together
    # 150 days ago: 2 ** (-150/90) = 0.31 each, no thread. Both met B last on the same day: the owner is S2.
    snap = snapshot([person("B", 4, "champion", title="VP Ops")], [us("S1"), us("S2")],
                    [met("m1", 150, "S1", "S2", "B")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("overdue"))
    assert [(f.rule, f.subject, f.state, f.title, f.message) for f in findings] == [(
        "overdue", "B", "overdue", "Client B (VP Ops, champion, key) is overdue: last met 150 days ago",
        "target every 21 days; no thread left; owner: Staff S2")]
    assert findings[0].data == {"person": "B", "days_since": 150, "target_days": 21,
                                "last_contact": (AS_OF - 150 * DAY).isoformat(), "owner": "S2"}


def test_each_required_role_uncovered_now_says_who_covered_it_and_why_they_do_not_any_more() -> None:
    # At the last check (30 days ago) A covered the economic buyer, B and C the champion. Now: A's one meeting
    # is 100 days old (2 ** (-100/90) = 0.46, no thread); B left 10 days ago; C, a champion nobody ever met, has
    # no thread either, nor D (another champion). Nobody holds the decision maker or technical buyer roles:
    # uncovered, but not news.
    base = AS_OF - 30 * DAY
    snap = snapshot([person("A", 5, "economic_buyer"), person("B", 4, "champion", status="left",
                                                             left_on=AS_OF - 10 * DAY),
                     person("C", 2, "champion"), person("D", 1, "champion")], [us("S1")], [met("m1", 100, "S1", "A")])
    previous = {"roles_covered": {"economic_buyer": ["A"], "champion": ["B", "C"]}}
    findings, _ = evaluate_account(snap, AS_OF, base, only("role_uncovered"), previous=previous)
    assert [f.key for f in findings] == ["role_uncovered:acc:economic_buyer", "role_uncovered:acc:decision_maker",
                                         "role_uncovered:acc:champion", "role_uncovered:acc:technical_buyer"]
    got = [(f.subject, f.state, f.trigger, f.title, f.message, f.data) for f in findings]
    assert got == [
        ("economic_buyer", "uncovered", True, "Hand-built account: no covered economic buyer any more",
         f"covered at the last check ({base}) by Client A: Client A has no thread any more (last met 100 days "
         "ago); holders now: Client A",
         {"role": "economic_buyer", "covered_before": ["A"], "holders": ["A"]}),
        ("decision_maker", "uncovered", False, "Hand-built account: no covered decision maker any more",
         "not covered; nobody holds the decision maker role now",
         {"role": "decision_maker", "covered_before": [], "holders": []}),
        ("champion", "uncovered", True, "Hand-built account: no covered champion any more",
         f"covered at the last check ({base}) by Client B, Client C: Client B left on {AS_OF - 10 * DAY}; "
         "Client C has no thread any more; holders now: Client C, Client D",
         {"role": "champion", "covered_before": ["B", "C"], "holders": ["C", "D"]}),
        ("technical_buyer", "uncovered", False, "Hand-built account: no covered technical buyer any more",
         "not covered; nobody holds the technical buyer role now",
         {"role": "technical_buyer", "covered_before": [], "holders": []})]


def test_an_account_whose_key_people_nobody_covers_is_single_threaded_on_both_sides() -> None:
    # A (key, economic buyer) met once, 200 days ago: 2 ** (-200/90) = 0.21, no thread. Neither side has the two
    # (min_people) it needs: nobody of ours, no key stakeholder covered. Not so at the last check: news.
    base = AS_OF - 30 * DAY
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 200, "S1", "A")])
    findings, _ = evaluate_account(snap, AS_OF, base, only("single_threaded"), previous={"thin": False})
    assert [(f.subject, f.state, f.trigger, f.title, f.message, f.data) for f in findings] == [(
        "acc", "our side: nobody; their side: nobody", True, "Hand-built account became single-threaded",
        f"key relationships held by 0 of our staff (nobody) with 0 of 1 key stakeholders covered (none); "
        f"not so at the last check ({base})",
        {"staff": [], "covered_key": [], "key": ["A"]})]
    again, _ = evaluate_account(snap, AS_OF, base, only("single_threaded"), previous={"thin": True})
    assert [(f.state, f.trigger) for f in again] == [("our side: nobody; their side: nobody", False)]


def test_the_overdue_owner_is_the_strongest_thread_even_when_another_met_them_last() -> None:
    # B (champion, 21-day target): S1 met B 40, 41 and 42 days ago: 2 ** (-40/90) + 2 ** (-41/90) + 2 ** (-42/90)
    # = 0.735 + 0.729 + 0.724 = 2.19; S2 met B 25 days ago: 0.82. Both threads; last met 25 days ago: overdue.
    # S2 met B last, but S1 is the strongest thread: S1 owns it.
    snap = snapshot([person("B", 4, "champion")], [us("S1"), us("S2")],
                    [met("m1", 42, "S1", "B"), met("m2", 41, "S1", "B"), met("m3", 40, "S1", "B"),
                     met("m4", 25, "S2", "B")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("overdue"))
    assert [(f.key, f.account, f.message, f.data["owner"]) for f in findings] == [
        ("overdue:acc:B", "acc", "target every 21 days; threads: Staff S1 2.2, Staff S2 0.8; owner: Staff S1", "S1")]


def test_an_overdue_stakeholder_met_only_by_someone_who_left_has_no_owner() -> None:
    # B (champion) was met 30 days ago by S9 alone, who has left since: last contact 30 days ago (overdue), no
    # tie with anyone still here, so nobody to name as owner.
    s9 = us("S9").model_copy(update={"status": "left", "left_on": AS_OF - 10 * DAY})
    snap = snapshot([person("B", 4, "champion")], [us("S1"), s9], [met("m1", 30, "S9", "B")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("overdue"))
    assert [(f.subject, f.title, f.message, f.data["owner"]) for f in findings] == [
        ("B", "Client B (champion, key) is overdue: last met 30 days ago", "target every 21 days; no thread left",
         None)]


def test_facts_of_a_last_check_without_the_roles_compare_as_nothing_covered_then() -> None:
    # The last check's facts name no covered roles (facts of another rule only): no role was covered then, so
    # the economic buyer uncovered now (A's one meeting 100 days old, 0.46: no thread) is not news.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 100, "S1", "A")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF - 30 * DAY, only("role_uncovered"), previous={"thin": False})
    assert [(f.subject, f.trigger, f.data["covered_before"]) for f in findings] == [
        ("economic_buyer", False, []), ("decision_maker", False, []), ("champion", False, []),
        ("technical_buyer", False, [])]


def test_the_single_threaded_state_names_only_the_side_that_is_too_thin() -> None:
    # Key: A (economic buyer) met by S1 and S2 10 days ago (two threads), B (champion) never met. Our side: S1
    # and S2, two -- enough for min_people 2, not for 3; their side: A alone, too few either way.
    snap = snapshot([person("A", 5, "economic_buyer"), person("B", 4, "champion")], [us("S1"), us("S2")],
                    [met("m1", 10, "S1", "A"), met("m2", 10, "S2", "A")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("single_threaded"), previous={"thin": False})
    assert [(f.state, f.data) for f in findings] == [
        ("their side: A", {"staff": ["S1", "S2"], "covered_key": ["A"], "key": ["A", "B"]})]
    three = only("single_threaded", min_people=3)
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, three, previous={"thin": False})
    assert [f.state for f in findings] == ["our side: S1, S2; their side: A"]


def test_single_threaded_for_three_people_names_everyone_and_facts_without_it_mean_it_was_not() -> None:
    # Key: A (met by S1 and S2) and B (met by S1), 10 days ago: two of ours, two key stakeholders covered -- fewer
    # than min_people 3 on each side. The last check's facts say nothing of it (another rule's facts): news.
    snap = snapshot([person("A", 5, "economic_buyer"), person("B", 4, "champion")], [us("S1"), us("S2")],
                    [met("m1", 10, "S1", "A"), met("m2", 10, "S2", "A"), met("m3", 10, "S1", "B")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("single_threaded", min_people=3), previous={"ties": {}})
    assert [(f.key, f.account, f.state, f.trigger, f.message) for f in findings] == [(
        "single_threaded:acc:acc", "acc", "our side: S1, S2; their side: A, B", True,
        "key relationships held by 2 of our staff (Staff S1, Staff S2) with 2 of 2 key stakeholders covered "
        "(Client A, Client B); not so at the last check (2025-06-30)")]


# --------------------------------------------------------------------------- departures and decay: every finding
def test_a_departure_before_the_window_does_not_hide_the_ones_after_it() -> None:
    # A (key) left 100 days ago, before the 90-day window; B (key) left yesterday. People are looked at by id: A
    # first, then B -- B is still news.
    snap = six_people()
    for i, days in ((0, 100), (1, 1)):
        snap.stakeholders[i] = snap.stakeholders[i].model_copy(update={"status": "left",
                                                                       "left_on": AS_OF - days * DAY})
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("departure"))
    assert [(f.key, f.account, f.state) for f in findings] == [("departure:acc:B", "acc", "2025-06-29")]


def test_a_decayed_tie_is_keyed_by_the_account_and_its_state_is_below() -> None:
    # A (key) met by S1 100 days ago: 2 ** (-100/90) = 0.46, under the 0.5 threshold; watched (0.63) at the check
    # 40 days ago, so it triggers. Facts of a last check without the watched ties (another rule's facts) make
    # no tie news.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 100, "S1", "A")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF - 40 * DAY, only("decay"), previous={"ties": {"S1>A": 0.63}})
    assert [(f.key, f.account, f.state, f.trigger) for f in findings] == [("decay:acc:S1>A", "acc", "below", True)]
    findings, _ = evaluate_account(snap, AS_OF, AS_OF - 40 * DAY, only("decay"), previous={"thin": False})
    assert [(f.key, f.state, f.trigger) for f in findings] == [("decay:acc:S1>A", "below", False)]


def test_the_departure_message_uses_the_run_settings_and_key_means_from_the_threshold_on() -> None:
    # G: no buying role, influence 5: importance 5 x 1.0 = 5, exactly the key threshold: key. G left yesterday;
    # S1 met G 3 days ago: 2 ** (-2/90) = 0.985 on the day G left. With a thread threshold of 0.99 that tie is weak.
    snap = snapshot([person("G", 5, None, status="left", left_on=AS_OF - DAY)], [us("S1")],
                    [met("m1", 3, "S1", "G")])
    settings = only("departure")
    settings.strength.thread_threshold = 0.99
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, settings)
    [finding] = findings
    assert finding.described().title == "Client G (key) left on 2025-06-29"
    assert finding.message.startswith("ties lost: Staff S1 1.0 (weak); fragility index ")


def test_a_stakeholder_with_no_title_role_or_key_is_named_alone() -> None:
    # E: influence 1, no role, no title: importance 1, not key; S1 met E 3 days ago, and E left yesterday.
    snap = snapshot([person("E", 1, None, status="left", left_on=AS_OF - DAY)], [us("S1")], [met("m1", 3, "S1", "E")])
    assert _departure(snap).title == "Client E left on 2025-06-29"


# --------------------------------------------------------------------------- the run
def _three_rules() -> Settings:
    settings = only("departure")
    settings.alerts.role_uncovered.enabled = settings.alerts.overdue.enabled = True
    return settings


def _a_and_b(store: GraphStore) -> None:
    """Account a: x (economic buyer) last met 70 days ago. Account b: z1 (champion), met 40 days ago, left 5 days
    ago. One staff member, s1, on both teams."""
    store.import_batch(Batch(
        accounts=[Account(id="a", name="Ay"), Account(id="b", name="Bee")],
        staff=[Staff(id="s1", name="Sam", role="kam", accounts=["a", "b"])],
        stakeholders=[Stakeholder(id="x", account="a", name="Xena", influence=5, buying_role="economic_buyer"),
                      Stakeholder(id="z1", account="b", name="Zoe", influence=4, buying_role="champion")],
        meetings=[Meeting(id="m1", account="a", date=AS_OF - 70 * DAY, attendees=["s1", "x"]),
                  Meeting(id="m2", account="b", date=AS_OF - 40 * DAY, attendees=["s1", "z1"])],
        person_kinds={"s1": "staff", "x": "stakeholder", "z1": "stakeholder"}))
    store.mark_left("z1", AS_OF - 5 * DAY)


def test_a_run_reports_its_new_alerts_most_severe_first_then_by_account_rule_and_subject(tmp_path: Path) -> None:
    # Account b: z1 (champion, influence 4: key), its only covered champion, left 5 days ago -- a departure and
    # the champion uncovered (both high; s1 met z1 40 days ago, so covered at the first check's baseline, 30 days
    # back). Account a: x (economic buyer, 60-day target) last met 70 days ago -- overdue (medium; 2 ** (-70/90)
    # = 0.58, still a thread, so the economic buyer stays covered). Order: high before medium; within b, the
    # departure rule before role_uncovered (the order of RULES), though "champion" sorts before "z1". Run again
    # on the same day: nothing new, the three ongoing.
    settings = _three_rules()
    with _sqlite(tmp_path) as store:
        _a_and_b(store)
        run = run_alerts(store, AS_OF, settings)
        again = run_alerts(store, AS_OF, settings)
    assert [(a.key, a.severity) for a in run.new] == [
        ("departure:b:z1", "high"), ("role_uncovered:b:champion", "high"), ("overdue:a:x", "medium")]
    assert (again.new, again.ongoing, again.cleared) == ([], 3, [])


def test_a_required_role_listed_twice_raises_one_alert_and_the_roles_after_it_still_count(tmp_path: Path) -> None:
    # The settings list the champion twice. B (champion) and A (economic buyer), each met by S1 40 days ago
    # (covered at the first check's baseline 30 days back), both left 5 days ago: each role uncovered once.
    settings = only("role_uncovered")
    settings.coverage.required_roles = ["champion", "champion", "economic_buyer"]  # type: ignore[list-item]
    snap = snapshot([person("A", 5, "economic_buyer"), person("B", 4, "champion")], [us("S1")],
                    [met("m1", 40, "S1", "A", "B")])
    with _sqlite(tmp_path) as store:
        store.import_batch(as_batch(snap))
        store.mark_left("A", AS_OF - 5 * DAY)
        store.mark_left("B", AS_OF - 5 * DAY)
        run = run_alerts(store, AS_OF, settings)
    assert [a.key for a in run.new] == ["role_uncovered:acc:champion", "role_uncovered:acc:economic_buyer"]


def test_a_run_as_of_a_past_day_ignores_who_met_the_account_later(tmp_path: Path) -> None:
    # S1, alone on the account team, left on AS_OF - 1; S9 (on no team) met A only 10 days after AS_OF. Checked as
    # of AS_OF, nobody else had met the account: A is handed to nobody.
    with _sqlite(tmp_path) as store:
        store.import_batch(Batch(
            accounts=[Account(id="acc", name="Hand-built account")],
            staff=[Staff(id="S1", name="Staff S1", role="kam", accounts=["acc"]), Staff(id="S9", name="Staff S9")],
            stakeholders=[person("A", 5, "economic_buyer")],
            meetings=[Meeting(id="m1", account="acc", date=AS_OF - 3 * DAY, attendees=["S1", "A"]),
                      Meeting(id="m2", account="acc", date=AS_OF + 10 * DAY, attendees=["S9", "A"])],
            person_kinds={"S1": "staff", "S9": "staff", "A": "stakeholder"}))
        store.mark_left("S1", AS_OF - DAY)
        run = run_alerts(store, AS_OF, only("departure"))
    assert [(a.key, a.data["handover"]) for a in run.new] == [("departure:acc:S1", {"A": None})]


def test_a_run_since_a_day_reports_the_departures_from_that_day_on(tmp_path: Path) -> None:
    # C left on AS_OF - 1 (S1 met C). Checked 91 days later, the 90-day window has passed; since AS_OF - 10 it has not.
    with _sqlite(tmp_path) as store:
        store.import_batch(as_batch(six_people()))
        store.mark_left("C", AS_OF - DAY)
        later = AS_OF + 91 * DAY
        assert run_alerts(store, later, only("departure")).new == []
        run = run_alerts(store, later, only("departure"), since=AS_OF - 10 * DAY)
    assert [(a.key, a.state) for a in run.new] == [("departure:acc:C", "2025-06-29")]
    assert run.baselines == {"acc": AS_OF - 10 * DAY}


@pytest.mark.parametrize("conflicts", [2, 3])
def test_a_run_whose_recording_conflicts_is_evaluated_again_three_times_in_all(tmp_path: Path,
                                                                                conflicts: int) -> None:
    # A concurrent run records first ``conflicts`` times (the store refuses this run's recording with a
    # ConflictError, as a store does when another run recorded the same alerts): the run evaluates again and
    # records on its third try, with the settings (departures of low severity) and options (account b alone, of a
    # and b) it was given; a third conflict is the caller's.
    settings = _three_rules()
    settings.alerts.departure.severity = "low"
    with _sqlite(tmp_path) as store:
        _a_and_b(store)
        record = store.record_alert_check
        tries: list[dt.date] = []

        def conflicting(day: dt.date, *args: object, **kwargs: object) -> None:
            tries.append(day)
            if len(tries) <= conflicts:
                raise ConflictError("another run recorded these alerts first")
            record(day, *args, **kwargs)  # type: ignore[arg-type]

        store.record_alert_check = conflicting  # type: ignore[method-assign]
        if conflicts == 3:
            with pytest.raises(ConflictError):
                run_alerts(store, AS_OF, settings, accounts=["b"])
        else:
            run = run_alerts(store, AS_OF, settings, accounts=["b"])
            assert run.accounts == ["b"]
            assert [(a.key, a.severity) for a in run.new] == [("role_uncovered:b:champion", "high"),
                                                              ("departure:b:z1", "low")]
    assert tries == [AS_OF] * 3


def test_a_run_of_some_accounts_leaves_the_others_alerts_alone(tmp_path: Path) -> None:
    # The first run raises alerts on a and b; a run of a alone checks a only and clears nothing of b's.
    with _sqlite(tmp_path) as store:
        _a_and_b(store)
        run_alerts(store, AS_OF, _three_rules())
        only_a = run_alerts(store, AS_OF + DAY, _three_rules(), accounts=["a"])
        still_open = [a.key for a in store.load_alerts()]
    assert (only_a.accounts, only_a.new, only_a.ongoing, only_a.cleared) == (["a"], [], 1, [])
    assert still_open == ["departure:b:z1", "overdue:a:x", "role_uncovered:b:champion"]  # raised the same day: by key


def test_a_cleared_alert_says_when_and_each_account_s_changes_count(tmp_path: Path) -> None:
    # z1's departure is corrected (returned, then left on another day): its alert's state, the date, changes --
    # cleared and raised again, on b; a's overdue alert is ongoing; c (checked after b) has no alert at all. The
    # cleared alert carries the day of the run.
    with _sqlite(tmp_path) as store:
        _a_and_b(store)
        store.import_batch(Batch(accounts=[Account(id="c", name="Sea")],
                                 stakeholders=[Stakeholder(id="w", account="c", name="Wes", influence=1)]))
        run_alerts(store, AS_OF, _three_rules())
        store.mark_returned("z1")
        store.mark_left("z1", AS_OF - 3 * DAY)
        run = run_alerts(store, AS_OF + DAY, _three_rules())
    assert [(a.key, a.state) for a in run.new] == [("departure:b:z1", "2025-06-27")]
    assert [(a.key, a.state, a.cleared_on) for a in run.cleared] == [("departure:b:z1", "2025-06-25", AS_OF + DAY)]
    assert run.ongoing == 2  # role_uncovered on b, overdue on a


def test_a_run_since_a_day_compares_with_that_day_not_with_the_last_check(tmp_path: Path) -> None:
    # B (champion) met by S1 100 days ago: 2 ** (-100/90) = 0.46 now, no thread. A first check today records the
    # champion as not covered. Checked again since 40 days ago, when the meeting was 60 days old (0.63, a
    # thread): the champion was covered then, so it is news -- whatever the last check recorded.
    snap = snapshot([person("B", 4, "champion")], [us("S1")], [met("m1", 100, "S1", "B")])
    with _sqlite(tmp_path) as store:
        store.import_batch(as_batch(snap))
        run_alerts(store, AS_OF, only("departure"))  # records the facts of today's check
        assert store.alert_checks()["acc"].facts["roles_covered"]["champion"] == []
        run = run_alerts(store, AS_OF, only("role_uncovered"), since=AS_OF - 40 * DAY)
    assert [a.key for a in run.new] == ["role_uncovered:acc:champion"]


def test_the_run_analyses_with_its_own_settings() -> None:
    # B (champion) last met 30 days ago: overdue for the default 21-day target, not for a target of 40 days.
    snap = snapshot([person("B", 4, "champion")], [us("S1")], [met("m1", 30, "S1", "B")])
    settings = only("overdue")
    settings.cadence.target_days[BuyingRole.CHAMPION] = 40
    assert evaluate_account(snap, AS_OF, AS_OF, settings)[0] == []
    assert [f.subject for f in evaluate_account(snap, AS_OF, AS_OF, only("overdue"))[0]] == ["B"]


def test_the_webhook_gets_the_run_s_text_lines_and_delivery_settings(tmp_path: Path) -> None:
    # Three new alerts (the run above); one line of text allowed: the head, the first alert and "and 2 more".
    settings = _three_rules()
    hook = settings.alerts.webhook
    hook.max_text_lines, hook.timeout_seconds, hook.retries, hook.retry_delay_seconds = 1, 3.0, 4, 0.25
    sent: list[tuple[str, str, dict[str, object]]] = []

    def sender(url: str, item, **options: object) -> DeliveryResult:  # type: ignore[no-untyped-def]
        sent.append((url, item.payload, options))
        return DeliveryResult(id=item.id, alerts=3, delivered=True, attempts=1, status=200)

    with _sqlite(tmp_path) as store:
        _a_and_b(store)
        run = run_alerts(store, AS_OF, settings, webhook_url="https://hooks.example/x", sender=sender)
    assert [d.delivered for d in run.deliveries] == [True]
    [(url, payload, options)] = sent
    assert url == "https://hooks.example/x"
    assert options == {"timeout": 3.0, "retries": 4, "retry_delay": 0.25}
    assert json.loads(payload)["text"] == (
        "kamgraph: 3 new alerts (2025-06-30)\n• [high] b: Zoe (champion, key) left on 2025-06-25\n… and 2 more")


def test_a_disabled_objective_rule_looks_at_no_objective() -> None:
    # Eve (economic buyer) has no thread; "cover Eve" was due yesterday: missed -- but the rule is off.
    snap = snapshot([person("E", 5, "economic_buyer")], [us("S1")], [])
    goal = Objective(id="acc-1", account="acc", kind="cover_person", subject="E", due=AS_OF - DAY,
                     created_on=AS_OF - 30 * DAY)
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("overdue", enabled=False), objectives=[goal],
                                   evaluate_plans=evaluate_objectives)
    assert findings == []
    on, _ = evaluate_account(snap, AS_OF, AS_OF, only("objective_missed"), objectives=[goal],
                             evaluate_plans=evaluate_objectives)
    assert [f.key for f in on] == ["objective_missed:acc:acc-1"]


def test_an_e_mail_digest_waiting_in_the_outbox_is_not_posted_and_does_not_hold_up_the_webhook(
        tmp_path: Path) -> None:
    # An e-mail digest (envelope "email") waits in the outbox from the day before; the run's new alerts go to the
    # webhook, the digest does not.
    digest = Delivery(id="e1", created_on=AS_OF - DAY, payload=json.dumps({"envelope": ENVELOPE, "to": ["x@y.z"]}))
    sent: list[str] = []

    def sender(url: str, item, **options: object) -> DeliveryResult:  # type: ignore[no-untyped-def]
        sent.append(item.id)
        return DeliveryResult(id=item.id, alerts=1, delivered=True, attempts=1, status=200)

    with _sqlite(tmp_path) as store:
        _a_and_b(store)
        store.record_alert_check(AS_OF - DAY, {}, deliveries=[digest])
        run = run_alerts(store, AS_OF, _three_rules(), webhook_url="https://hooks.example/x", sender=sender)
        waiting = [d.id for d in store.pending_deliveries()]
    assert len(sent) == 1 and sent[0] != "e1" and [d.id for d in run.deliveries] == sent
    assert waiting == ["e1"]


def test_the_strongest_tie_takes_over_whatever_its_id() -> None:
    # S1 leaves A. S2 met A 90 days ago (0.5), S3 5 days ago (2 ** (-5/90) = 0.96): both KAMs, both threads.
    # S3, the strongest, takes over: "next-strongest tie" (S2 sorts first by id but is weaker).
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2"), us("S3")],
                    [met("m1", 1, "S1", "A"), met("m2", 90, "S2", "A"), met("m3", 5, "S3", "A")])
    impact = account_impact(snap, "S1", AS_OF)
    assert _plan(impact) == [("A", "S3", "next-strongest tie")]
    assert impact.handover_plan[0].to_strength == round(2 ** (-5 / 90), 6)


def test_when_the_strongest_tie_has_no_headroom_the_next_one_with_headroom_takes_over() -> None:
    # S1 leaves A. S2 met A 100 days ago (0.46), S3 150 days ago (0.31): ties, not threads, so taking A costs
    # either one. S2 is at its capacity of 10 already (10 + 1 > 10); S3 holds nothing (0 + 1): S3 takes A.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2"), us("S3")],
                    [met("m1", 150, "S3", "A"), met("m2", 100, "S2", "A"), met("m3", 1, "S1", "A")])
    settings = Settings.model_validate({"team": {"capacity": {"kam": 10}}})
    impact = account_impact(snap, "S1", AS_OF, settings, capacity=TeamCapacity(load={"S2": 10, "S3": 0}, people={}))
    assert _plan(impact) == [("A", "S3", "next-strongest tie with headroom")]
    assert (impact.handover_plan[0].to_load, impact.handover_plan[0].over_capacity) == (1, False)


def test_moving_to_one_of_our_accounts_is_an_opportunity_named_by_that_account(tmp_path: Path) -> None:
    # Ann (a1's economic buyer, not an opportunity role) moves to "Two Holdings": with "holdings" among the legal
    # suffixes, that is our account Two (without it, both Two and "Two Holdings Trust" would be near matches, and
    # neither taken). Nia (S9, staff) joins "Two". Ben moving to "One", his own account, is no move to another.
    settings = Settings()
    settings.departures.legal_suffixes = [*settings.departures.legal_suffixes, "holdings"]
    with _sqlite(tmp_path) as store:
        _two_accounts(store, [])
        store.import_batch(Batch(accounts=[Account(id="a3", name="Two Holdings Trust")]))
        ann = departure_impact(store, "A", AS_OF, settings, moved_to="Two Holdings", note="joined a partner")
        nia = departure_impact(store, "S9", AS_OF, settings, moved_to="Two")
        ben = departure_impact(store, "B", AS_OF, settings, moved_to="One")
    assert (ann.title, ann.moved_to, ann.note, ann.account, ann.moved_to_account, ann.opportunity) == (
        "CFO", "Two Holdings", "joined a partner", AccountRef(id="a1", name="One"), AccountRef(id="a2", name="Two"),
        "Ann moved to Two (a2), one of our accounts")
    assert (nia.moved_to_account and nia.moved_to_account.id, nia.opportunity) == (
        "a2", "Nia joined Two (a2), one of our accounts")
    assert (ben.moved_to_account, ben.opportunity) == (None, None)


def test_a_departure_impact_describes_the_person_and_an_opportunity_role_moving_to_one_of_ours(
        tmp_path: Path) -> None:
    # With the economic buyer as the opportunity role: Ann (economic buyer, influence 5: importance 10) moving to
    # our account Two is a warm contact there; leaving without a move, no opportunity. Kai: no role, influence 5:
    # importance 5, exactly the key threshold. Sam (S1) is a KAM.
    settings = Settings()
    settings.departures.opportunity_roles = ["economic_buyer"]  # type: ignore[list-item]
    with _sqlite(tmp_path) as store:
        _two_accounts(store, [])
        moving = departure_impact(store, "A", AS_OF, settings, moved_to="Two")
        staying = departure_impact(store, "A", AS_OF, settings)
        kai = departure_impact(store, "K", AS_OF, settings)
        sam = departure_impact(store, "S1", AS_OF, settings)
    assert (moving.kind, moving.role, moving.department, moving.influence, moving.importance, moving.key) == (
        "stakeholder", "economic_buyer", "Finance", 5, 10.0, True)
    assert moving.opportunity == ("Ann (economic buyer) moved to Two (a2), one of our accounts: "
                                  "a warm contact at a new company")
    assert staying.opportunity is None
    assert (kai.role, kai.importance, kai.key) == (None, 5.0, True)
    assert (sam.kind, sam.role, sam.opportunity) == ("staff", "kam", None)


def test_a_successor_nobody_can_reach_is_owned_by_the_colleague_suited_to_them() -> None:
    # X (Proc) left. Successors, by department (1.5), importance / 10 and 1 more when nobody covers them:
    #   C, "Buyer", a champion of influence 2 (champion weight 1.23456789 here: importance 2.46913578), nobody met:
    #      1.5 + 0.246913578 + 1 = 2.746913578, shown to 6 places; no path, so the owner is the account team's
    #      colleague suited to a champion: delivery (S2) before the KAM (S1);
    #   D, influence 1 (importance 1), met by S1 5 days ago (a thread): 1.5 + 0.1 = 1.6, owned by S1, its path.
    snap = snapshot([person("X", 3, dept="Proc", status="left", left_on=AS_OF - DAY),
                     person("C", 2, "champion", dept="Proc", title="Buyer", attitude=1),
                     person("D", 1, dept="Proc")], [us("S1"), us("S2", "delivery")],
                    [met("m1", 3, "S1", "X"), met("m2", 5, "S1", "D")])
    settings = Settings()
    settings.importance.role_weights[BuyingRole.CHAMPION] = 1.23456789
    plan = account_impact(snap, "X", AS_OF - DAY, settings).rethread_plan
    got = [(c.id, c.title, c.department, c.buying_role, c.influence, c.attitude, c.importance, c.key, c.covered,
            [t.id for t in c.threads], [p.id for p in c.path], c.owner and c.owner.id) for c in plan]
    assert got == [("C", "Buyer", "Proc", "champion", 2, 1, pytest.approx(2.46913578), False, False, [], [], "S2"),
                   ("D", None, "Proc", None, 1, 0, 1.0, False, True, ["S1"], ["S1", "D"], "S1")]
    # C's attitude +1 adds 0.5 (successor_weight) and a reason
    assert [(c.score, c.reasons) for c in plan] == [(3.246914, ["same department", "supporter (+1)"]),
                                                    (1.6, ["same department"])]


def test_the_ties_lost_are_the_leaver_s_whatever_comes_first_and_a_tie_at_the_threshold_is_a_thread() -> None:
    # six_people: D's only tie is S2's (met 5 days ago: 2 ** (-5/90) = 0.962224), after S1's ties with A, B, C.
    impact = account_impact(six_people(), "D", AS_OF)
    assert [(t.id, t.strength, t.meetings, t.last, t.thread) for t in impact.ties_lost] == [
        ("S2", round(2 ** (-5 / 90), 6), 1, AS_OF - 5 * DAY, True)]
    # A met by S1 90 days before leaving: strength exactly 0.5, the thread threshold -- a thread, not weak.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 90, "S1", "A")])
    assert [(t.strength, t.thread) for t in account_impact(snap, "A", AS_OF).ties_lost] == [(0.5, True)]


def test_connectivity_drops_to_the_same_level_list_the_more_important_first() -> None:
    # S1, the only one who met them, leaves: A2 (champion, influence 4: importance 6) and B1 (economic buyer,
    # influence 5: 10) both drop from 1 to 0. B1, the more important, comes first although A2 sorts first by id.
    snap = snapshot([person("A2", 4, "champion"), person("B1", 5, "economic_buyer")], [us("S1"), us("S2")],
                    [met("m1", 2, "S1", "A2"), met("m2", 2, "S1", "B1")])
    drops = account_impact(snap, "S1", AS_OF).connectivity_drops
    assert [(d.id, d.name, d.before, d.after) for d in drops] == [("B1", "Client B1", 1, 0), ("A2", "Client A2", 1, 0)]


def test_a_successor_on_an_account_with_none_of_our_staff_left_has_no_owner() -> None:
    # X left; C (same department) is the successor; S1, our only staff member, has left too: no path, no owner.
    s1 = us("S1").model_copy(update={"status": "left", "left_on": AS_OF - 2 * DAY})
    snap = snapshot([person("X", 3, dept="Proc", status="left", left_on=AS_OF - DAY), person("C", 2, dept="Proc")],
                    [s1], [met("m1", 30, "S1", "X")])
    [cand] = account_impact(snap, "X", AS_OF - DAY).rethread_plan
    assert (cand.id, cand.path, cand.owner) == ("C", [], None)
