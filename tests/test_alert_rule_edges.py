"""The overdue and decay rules at their edges, each case worked by hand (tie strength 2**(-days/90)).

Companion of tests/test_alerts.py (the rules' main cases): the owner named for an overdue stakeholder with
no thread left, a tie exactly at the decay threshold, the decay rule's ``key_only``, people who left (neither
watched nor decayed) and the date a decayed pair last met.
"""

from __future__ import annotations

import datetime as dt

from kamgraph.analysis.pipeline import analyze
from kamgraph.monitor.alerts import account_facts, evaluate_account
from kamgraph.settings import Settings

from .accounts import AS_OF, met, person, snapshot, us
from .test_alerts import only

DAY = dt.timedelta(days=1)


def test_overdue_with_no_thread_names_the_staff_member_who_met_them_last() -> None:
    # B: champion, influence 4 -> importance 6, key; target 21 days. S1 met B 200 days ago (2**(-200/90) =
    # 0.21), S2 150 days ago (0.31): no thread (0.5). The owner is whoever met B last: S2, not S1.
    snap = snapshot([person("B", 4, "champion")], [us("S1"), us("S2", "delivery")],
                    [met("m1", 200, "S1", "B"), met("m2", 150, "S2", "B")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("overdue"))
    assert [(f.subject, f.message, f.data["owner"]) for f in findings] == [
        ("B", "target every 21 days; no thread left; owner: Staff S2", "S2")]


def test_a_tie_exactly_at_the_decay_threshold_is_watched() -> None:
    # Met 90 days ago, one half-life: strength exactly 0.5, the threshold ("at or above" is watched).
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 90, "S1", "A")])
    assert account_facts(analyze(snap, AS_OF).ag, Settings())["ties"] == {"S1>A": 0.5}
    assert evaluate_account(snap, AS_OF, AS_OF - DAY, only("decay"))[0] == []  # at 0.5 it has not decayed below
    # A day later the tie is below 0.5: watched at the check the day before, so it triggers.
    previous = account_facts(analyze(snap, AS_OF).ag, Settings())
    findings, _ = evaluate_account(snap, AS_OF + DAY, AS_OF, only("decay"), previous=previous)
    assert [(f.subject, f.trigger) for f in findings] == [("S1>A", True)]


def test_decay_watches_only_key_stakeholders_unless_told() -> None:
    # C: user, influence 2 -> importance 1.6, not key; met 100 days ago: 2**(-100/90) = 0.46, below 0.5.
    snap = snapshot([person("C", 2, "user")], [us("S1")], [met("m1", 100, "S1", "C")])
    assert evaluate_account(snap, AS_OF, AS_OF, only("decay"))[0] == []
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("decay", key_only=False))
    assert [(f.subject, f.described().data["after"]) for f in findings] == [("S1>C", round(2 ** (-100 / 90), 6))]


def test_decay_and_the_watched_ties_leave_out_people_who_left_and_say_when_the_pair_last_met() -> None:
    # key_only off, so nothing but the rule's own filters stand between it and the ties. C (user, not key) met S1
    # 100 and 200 days ago: strength 2**(-100/90) + 2**(-200/90) = 0.463 + 0.214 = 0.677, watched; D met S1
    # 120 days ago (0.397, below 0.5) and S2 30 days ago (0.794, watched); E met S1 150 days ago (0.315) but
    # left 10 days ago, and S3 (met D 140 days ago: 0.340) left 5 days ago: neither is watched nor decays.
    left = {"status": "left", "left_on": AS_OF - dt.timedelta(days=10)}
    snap = snapshot([person("C", 2, "user"), person("D", 2, "user"), person("E", 2, "user").model_copy(update=left)],
                    [us("S1"), us("S2", "delivery"),
                     us("S3", "delivery").model_copy(update={"status": "left",
                                                             "left_on": AS_OF - dt.timedelta(days=5)})],
                    [met("m1", 200, "S1", "C"), met("m2", 100, "S1", "C"), met("m3", 120, "S1", "D"),
                     met("m4", 30, "S2", "D"), met("m5", 150, "S1", "E"), met("m6", 140, "S3", "D")])
    settings = only("decay", key_only=False)
    facts = account_facts(analyze(snap, AS_OF, settings).ag, settings)
    assert facts["ties"] == {"S1>C": round(2 ** (-100 / 90) + 2 ** (-200 / 90), 6), "S2>D": round(2 ** (-30 / 90), 6)}
    previous = {"ties": {"S1>D": 0.61}}
    findings, _ = evaluate_account(snap, AS_OF, AS_OF - 30 * DAY, settings, previous=previous)
    met_d = AS_OF - dt.timedelta(days=120)
    assert [(f.subject, f.trigger, f.described().message) for f in findings] == [
        ("S1>D", True, f"strength 0.61 at the last check ({AS_OF - 30 * DAY}) -> {2 ** (-120 / 90):.2f} now; "
                       f"last met {met_d} (120 days ago)")]
    assert findings[0].data == {"staff": "S1", "person": "D", "before": 0.61, "after": round(2 ** (-120 / 90), 6),
                                "threshold": 0.5, "last": met_d.isoformat()}
