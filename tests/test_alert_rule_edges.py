"""The overdue and decay rules at their edges, each case worked by hand (tie strength 2**(-days/90)).

Companion of tests/test_alerts.py (the rules' main cases): the owner named for an overdue stakeholder with
no thread left, a tie exactly at the decay threshold, the decay rule's ``key_only``.
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
    assert [(f.subject, f.data["after"]) for f in findings] == [("S1>C", round(2 ** (-100 / 90), 6))]
