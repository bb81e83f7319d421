"""The X-ray's broker list in its documented order: lowest constraint first, then most departments, then id.

Hand-worked: two stars of reporting lines, not joined. Each centre has three direct reports and no other
stakeholder tie, so Burt's constraint is 3 x (1/3)^2 = 1/3 for both (checked with networkx on the same
edges); a report has one tie, constraint 1. The centres tie: ``c1``'s reports sit in Finance, Finance and IT
(three departments with its own Ops), ``c2``'s in Finance, IT and HR (four): ``c2`` comes first although
``c1`` sorts first by id.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, Meeting, ReportingLine, Staff, Stakeholder
from kamgraph.settings import Settings

AS_OF = dt.date(2026, 6, 30)
REPORTS = {"c1": [("r1", "Finance"), ("r2", "Finance"), ("r3", "IT")],
           "c2": [("r4", "Finance"), ("r5", "IT"), ("r6", "HR")]}


def _snapshot() -> AccountSnapshot:
    people = [Stakeholder(id=c, account="acc", name=f"Centre {c}", department="Ops") for c in REPORTS]
    people += [Stakeholder(id=r, account="acc", name=f"Report {r}", department=d, reports_to=c)
               for c, reports in REPORTS.items() for r, d in reports]
    staff = [Staff(id="s1", name="Sam", accounts=["acc"])]
    meetings = [Meeting(id=f"m{c}", date=dt.date(2026, 6, 1), attendees=["s1", c]) for c in REPORTS]
    lines = [ReportingLine(stakeholder=p.id, manager=p.reports_to) for p in people if p.reports_to]
    return AccountSnapshot(account=Account(id="acc", name="Acme"), stakeholders=sorted(people, key=lambda p: p.id),
                           staff=staff, reporting_lines=lines, relationships=[], meetings=meetings)


def test_equal_constraint_ranks_the_broker_of_more_departments_first() -> None:
    graph = nx.Graph([(c, r) for c, reports in REPORTS.items() for r, _ in reports])
    reference = nx.constraint(graph)
    assert reference["c1"] == pytest.approx(1 / 3) and reference["c2"] == pytest.approx(1 / 3)
    brokers = analyze(_snapshot(), AS_OF, Settings()).brokers
    got = [(b.person, round(b.constraint, 6), b.departments) for b in brokers]
    assert got[:2] == [("c2", round(1 / 3, 6), ("Finance", "HR", "IT", "Ops")),
                       ("c1", round(1 / 3, 6), ("Finance", "IT", "Ops"))]
    # then the reports, one tie each (constraint 1, two departments: their own and Ops), by id
    assert [(p, c) for p, c, _ in got[2:]] == [(r, 1.0) for r in ["r1", "r2", "r3", "r4", "r5", "r6"]][:len(got) - 2]
    assert all(b.constraint == pytest.approx(reference[b.person], abs=1e-6) for b in brokers)  # kept to 6 places
