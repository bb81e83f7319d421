"""The departure rule at its edges, each case worked by hand on the six-people account (tests/accounts.py).

The rule (``[alerts.departure]``, :class:`kamgraph.settings.DepartureRuleSettings`): a departure dated
``window_days`` (90) before the check or later is news; of stakeholders, the key ones (importance >= 5:
A 10, B 6) and anyone one of our staff had met; of our staff, those on the account team and those who had
met somebody of the account.
"""

from __future__ import annotations

import datetime as dt

from kamgraph.domain.models import Relationship, Staff
from kamgraph.monitor.alerts import evaluate_account

from .accounts import AS_OF, met, person, six_people
from .test_alerts import only

DAY = dt.timedelta(days=1)


def _left(snap, pid: str, on: dt.date):  # type: ignore[no-untyped-def]
    """``snap`` with ``pid`` (a stakeholder or staff member) recorded as left on ``on``."""
    for group in (snap.stakeholders, snap.staff):
        for i, p in enumerate(group):
            if p.id == pid:
                group[i] = p.model_copy(update={"left_on": on, "status": "left"})
    return snap


def _subjects(snap) -> list[str]:  # type: ignore[no-untyped-def]
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("departure"))
    return [f.subject for f in findings]


def test_the_window_includes_its_first_day_and_not_the_day_before() -> None:
    first_day = AS_OF - 90 * DAY  # window_days = 90: the first day that is news
    assert _subjects(_left(six_people(), "A", first_day)) == ["A"]
    assert _subjects(_left(six_people(), "A", first_day - DAY)) == []
    # left_on is the first day out of the job (Person.is_active): leaving on the check day is news, a
    # departure recorded ahead, for tomorrow, is not yet
    assert _subjects(_left(six_people(), "A", AS_OF)) == ["A"]
    assert _subjects(_left(six_people(), "A", AS_OF + DAY)) == []


def test_a_stakeholder_nobody_met_is_news_only_when_key() -> None:
    snap = six_people()
    # E: influence 1, no role: importance 1 x 1.0, not key; F: influence 5, economic buyer: 5 x 2.0 = 10, key;
    # G: influence 5, no role: 5 x 1.0 = 5, exactly the key threshold (5), key. Nobody of ours met them.
    snap.stakeholders += [person("E", 1, None), person("F", 5, "economic_buyer"), person("G", 5, None)]
    for pid in ("E", "F", "G"):
        snap = _left(snap, pid, AS_OF - DAY)
    assert _subjects(snap) == ["F", "G"]


def test_our_staff_on_the_team_or_who_met_the_account() -> None:
    snap = six_people()
    snap.staff += [
        Staff(id="S3", name="Staff S3", accounts=[]),       # off the team; a recorded tie to A, never met anyone
        Staff(id="S4", name="Staff S4", accounts=["acc"]),  # on the team, never met anyone
        Staff(id="S5", name="Staff S5", accounts=[]),       # off the team, met C
    ]
    snap.relationships.append(Relationship(source="S3", target="A"))
    snap.meetings.append(met("m4", 30, "S5", "C"))
    snap.meetings.sort(key=lambda m: (m.date, m.id))
    for pid in ("S3", "S4", "S5"):
        snap = _left(snap, pid, AS_OF - DAY)
    assert _subjects(snap) == ["S4", "S5"]
