"""The demo portfolio is deterministic, realistic, and holds the problems it was built with.

The checks here use networkx and plain arithmetic directly on the demo's
records, not kamgraph's analysis, so they are independent of the code under test.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import networkx as nx
import pytest

from kamgraph.domain.models import BuyingRole
from kamgraph.graph.strength import tie_stats
from kamgraph.samples.demo import DEMO_PROBLEMS, MAIN_ACCOUNT, build_demo
from kamgraph.settings import StrengthSettings

ANCHORS = [dt.date(2026, 11, 22), dt.date(2025, 6, 1), dt.date(2027, 2, 28)]


def test_same_anchor_same_records() -> None:
    a, b = build_demo(ANCHORS[0]), build_demo(ANCHORS[0])
    assert a.meetings == b.meetings and a.stakeholders == b.stakeholders and a.staff == b.staff


@pytest.mark.parametrize("anchor", ANCHORS)
def test_main_account_is_big_enough_and_a_real_tree(anchor: dt.date) -> None:
    batch = build_demo(anchor)
    assert len(batch.accounts) >= 3
    people = [s for s in batch.stakeholders if s.account == MAIN_ACCOUNT]
    assert len(people) >= 40
    assert len({p.department for p in people}) >= 5
    tree = nx.DiGraph([(p.reports_to, p.id) for p in people if p.reports_to])
    assert nx.is_arborescence(tree)
    assert sum(1 for p in people if p.reports_to is None) == 1
    meetings = [m for m in batch.meetings if m.account == MAIN_ACCOUNT]
    staff = {p for m in meetings for p in m.attendees if p.startswith("st-")}
    assert len(staff) >= 8
    span = max(m.date for m in meetings) - min(m.date for m in meetings)
    assert span.days >= 365


def _strengths(anchor: dt.date) -> tuple[dict[tuple[str, str], float], dict[str, object]]:
    batch = build_demo(anchor)
    people = {s.id: s for s in batch.stakeholders if s.account == MAIN_ACCOUNT}
    meetings = [m for m in batch.meetings if m.account == MAIN_ACCOUNT]
    staff = {s.id for s in batch.staff}
    stats = tie_stats(meetings, staff, set(people), anchor, StrengthSettings())
    return {k: v.strength for k, v in stats.items()}, people


@pytest.mark.parametrize("anchor", ANCHORS)
def test_planted_problems(anchor: dt.date) -> None:
    strength, people = _strengths(anchor)
    threshold = StrengthSettings().thread_threshold
    threads = Counter(c for (s, c), v in strength.items() if v >= threshold)
    batch = build_demo(anchor)
    meetings = [m for m in batch.meetings if m.account == MAIN_ACCOUNT]

    cfo = DEMO_PROBLEMS["economic_buyer_unmet"]
    assert people[cfo].buying_role is BuyingRole.ECONOMIC_BUYER
    assert threads[cfo] == 0
    assert (anchor - max(m.date for m in meetings if cfo in m.attendees)).days >= 180

    champion = DEMO_PROBLEMS["single_threaded_champion"]
    assert people[champion].buying_role is BuyingRole.CHAMPION and threads[champion] == 1

    per_staff = Counter()
    for (s, c), v in strength.items():
        if people[c].is_active(anchor):
            per_staff[s] += v
    top, top_value = per_staff.most_common(1)[0]
    assert top == DEMO_PROBLEMS["dominant_staff"]
    assert top_value / sum(per_staff.values()) > 0.5

    left = people[DEMO_PROBLEMS["departed_key_contact"]]
    assert not left.is_active(anchor) and left.influence >= 4
    assert 0 < (anchor - left.left_on).days <= 90
    assert sum(v for (s, c), v in strength.items() if c == left.id) > 0


@pytest.mark.parametrize("anchor", ANCHORS)
def test_one_stakeholder_is_the_only_way_into_a_department(anchor: dt.date) -> None:
    strength, people = _strengths(anchor)
    threshold = StrengthSettings().thread_threshold
    graph = nx.Graph()
    graph.add_edges_from(("US", s) for (s, _) in strength)
    graph.add_edges_from((s, c) for (s, c), v in strength.items() if v >= threshold)
    graph.add_edges_from((p.id, p.reports_to) for p in people.values()
                         if p.reports_to and p.is_active(anchor) and people[p.reports_to].is_active(anchor))
    bridge, dept = DEMO_PROBLEMS["sole_bridge"], DEMO_PROBLEMS["bridged_department"]
    members = {p.id for p in people.values() if p.department == dept and p.is_active(anchor)}
    assert len(members) >= 5
    graph.remove_node(bridge)
    reachable = nx.node_connected_component(graph, "US")
    assert not (members - {bridge}) & reachable
