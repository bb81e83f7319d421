"""Tests written for the survivors of the mutation run of ``kamgraph/graph`` (``scripts/mutation.sh graph``,
docs/mutation.md).

Each test pins a behaviour a surviving mutant changed, against a figure worked out by hand in the test
(the formula written out, never the code's own output).
"""

from __future__ import annotations

import datetime as dt

from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, Meeting, Relationship, Staff, Stakeholder, TieKind
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.settings import Settings

AS_OF = dt.date(2026, 1, 1)
OFFLINE = Settings.model_validate({"analysis": {"knows_ties_are_threads": True}})


def _offline_snapshot() -> AccountSnapshot:
    # Staff s1, s2 active, s3 left; stakeholders c1, c2 active, c3 left. One meeting today: s1 with c1, a
    # thread of strength 1 (a meeting weighs 1 and has not decayed; 1 >= 0.5, the threshold).
    staff = [Staff(id="s1", name="S1"), Staff(id="s2", name="S2"),
             Staff(id="s3", name="S3", status="left", left_on=dt.date(2025, 6, 1))]
    people = [Stakeholder(id="c1", account="a", name="C1"), Stakeholder(id="c2", account="a", name="C2"),
              Stakeholder(id="c3", account="a", name="C3", status="left", left_on=dt.date(2025, 6, 1))]
    meeting = Meeting(id="m1", date=AS_OF, kind="meeting", attendees=["s1", "c1"])
    ties = [
        Relationship(source="s1", target="c2", kind=TieKind.INFLUENCES),  # not KNOWS: skipped, the rest still read
        Relationship(source="s2", target="c1"),                   # a KNOWS tie: s2 becomes c1's second thread
        Relationship(source="c1", target="s1"),                   # s1 is already a thread of c1: nothing
        Relationship(source="c2", target="s2"),                   # stakeholder -> staff counts too
        Relationship(source="s1", target="c2"),                   # c2's threads are listed by staff id: s1, s2
        Relationship(source="s3", target="c2"),                   # s3 left: nothing
        Relationship(source="s2", target="c3"),                   # c3 left: nothing
        Relationship(source="s1", target="s2"),                   # two staff: nothing
        Relationship(source="c1", target="c2"),                   # two stakeholders: nothing
    ]
    return AccountSnapshot(account=Account(id="a", name="A"), stakeholders=people, staff=staff,
                           reporting_lines=[], meetings=[meeting], relationships=ties)


def test_knows_ties_become_offline_threads_only_between_active_staff_and_stakeholders() -> None:
    ag = build_account_graph(_offline_snapshot(), AS_OF, OFFLINE)
    assert ag.threads == {"c1": [("s1", 1.0), ("s2", 0.0)], "c2": [("s1", 0.0), ("s2", 0.0)]}
    assert ag.offline == {"c1": ["s2"], "c2": ["s1", "s2"]}
    assert list(ag.offline) == ["c1", "c2"]


def test_without_the_setting_knows_ties_are_no_threads() -> None:
    ag = build_account_graph(_offline_snapshot(), AS_OF, Settings())
    assert ag.threads == {"c1": [("s1", 1.0)]}
    assert ag.offline == {}


def test_an_influences_tie_alone_is_no_offline_thread() -> None:
    snap = _offline_snapshot()
    snap = AccountSnapshot(account=snap.account, stakeholders=snap.stakeholders, staff=snap.staff,
                           reporting_lines=[], meetings=[],
                           relationships=[Relationship(source="s2", target="c2", kind=TieKind.INFLUENCES)])
    ag = build_account_graph(snap, AS_OF, OFFLINE)
    assert (ag.threads, ag.offline) == ({}, {})


def test_tie_stats_passes_the_meeting_size_threshold_on() -> None:
    # One meeting today of 16 people (s and c01..c15), k = 8: every pair counts 1.0 * min(1, 8 / 16) = 0.5,
    # the staff-stakeholder pairs and the stakeholder pairs alike; with k = 0 each counts fully (1.0).
    from kamgraph.graph.strength import tie_stats
    from kamgraph.settings import StrengthSettings

    clients = {f"c{i:02d}" for i in range(1, 16)}
    webinar = Meeting(id="w", date=AS_OF, kind="meeting", attendees=["s", *sorted(clients)])
    together: dict[tuple[str, str], float] = {}
    stats = tie_stats([webinar], {"s"}, clients, AS_OF, StrengthSettings(), together, full_size=8)
    assert {pair: tie.strength for pair, tie in stats.items()} == {("s", c): 0.5 for c in clients}
    assert len(together) == 15 * 14 // 2
    assert set(together.values()) == {0.5}
    assert tie_stats([webinar], {"s"}, clients, AS_OF, StrengthSettings())[("s", "c01")].strength == 1.0
