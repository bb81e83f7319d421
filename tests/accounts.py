"""Small hand-built accounts for the analysis tests (every figure worked out in the tests)."""

from __future__ import annotations

import datetime as dt
import itertools

import networkx as nx

from kamgraph.domain.dataset import AccountSnapshot, Batch
from kamgraph.domain.models import Account, Meeting, Relationship, Staff, Stakeholder

AS_OF = dt.date(2025, 6, 30)


def met(mid: str, days_ago: int, *people: str, kind: str = "meeting") -> Meeting:
    """A meeting ``days_ago`` days before AS_OF."""
    return Meeting(id=mid, date=AS_OF - dt.timedelta(days=days_ago), kind=kind, attendees=list(people))


def snapshot(stakeholders: list[Stakeholder], staff: list[Staff], meetings: list[Meeting],
             relationships: list[Relationship] | None = None, account: str = "acc") -> AccountSnapshot:
    """An account snapshot as a store would load it."""
    return AccountSnapshot(account=Account(id=account, name="Hand-built account"), stakeholders=stakeholders,
                           staff=staff, reporting_lines=[], relationships=relationships or [], meetings=meetings)


def person(pid: str, influence: int = 3, role: str | None = None, dept: str | None = "Ops",
           reports_to: str | None = None, **extra: object) -> Stakeholder:
    """A stakeholder of account ``acc``."""
    return Stakeholder(id=pid, account="acc", name=f"Client {pid}", influence=influence, buying_role=role,
                       department=dept, reports_to=reports_to, **extra)


def us(pid: str, role: str = "kam") -> Staff:
    """One of our staff on the account team."""
    return Staff(id=pid, name=f"Staff {pid}", role=role, accounts=["acc"])


def six_people() -> AccountSnapshot:
    """Two staff, four stakeholders; S1 is the only thread of A, B and C.

    Importance (influence x role weight): A 5 x 2.0 (economic buyer) = 10, B 4 x 1.5 (champion) = 6,
    C 2 x 0.8 (user) = 1.6, D 3 x 1.0 (no role) = 3; total 20.6. D reports to A; S2 meets D.
    """
    return snapshot(
        stakeholders=[person("A", 5, "economic_buyer", dept="Finance"), person("B", 4, "champion", dept="IT"),
                      person("C", 2, "user", dept="IT"), person("D", 3, None, dept="Finance", reports_to="A")],
        staff=[us("S1"), us("S2", "delivery")],
        meetings=[met("m1", 10, "S1", "A"), met("m2", 20, "S1", "B", "C"), met("m3", 5, "S2", "D")])


def min_cut_by_enumeration(g: nx.Graph, target: str) -> int:
    """Smallest set of people (not the target) whose removal leaves no staff-to-target path.

    Tries every subset, smallest first: the brute-force reference for connectivity.
    """
    staff = [n for n, k in g.nodes(data="kind") if k == "staff"]
    others = [n for n in g if n != target]
    for k in range(len(others) + 1):
        for cut in itertools.combinations(others, k):
            h = g.copy()
            h.remove_nodes_from(cut)
            if not any(s in h and nx.has_path(h, s, target) for s in staff):
                return k
    return len(others)
def as_batch(*snaps: AccountSnapshot) -> Batch:
    """The records of hand-built snapshots as one batch a store can import (staff shared by id)."""
    staff = {s.id: s for snap in snaps for s in snap.staff}
    batch = Batch(accounts=[s.account for s in snaps], staff=list(staff.values()),
                  stakeholders=[p for s in snaps for p in s.stakeholders],
                  meetings=[m for s in snaps for m in s.meetings],
                  relationships=[r for s in snaps for r in s.relationships])
    batch.person_kinds = {s.id: "staff" for s in batch.staff} | {p.id: "stakeholder" for p in batch.stakeholders}
    return batch
