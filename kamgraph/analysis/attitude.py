"""Attitude toward us across an account: supporters, neutrals, detractors.

Each active stakeholder's attitude runs -2 (hostile) to +2 (strong supporter). The summary counts
**supporters** (attitude > 0), **neutrals** (0) and **detractors** (below ``[attitude] detractor_below``,
default 0), the key ones among them, and the **weighted attitude**: the importance-weighted mean attitude,
``sum(importance x attitude) / sum(importance)`` (0 without stakeholders). The covered share of each group
says whether we talk to our friends only.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.graph.account_graph import build_account_graph
>>> from kamgraph.settings import Settings
>>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="S")],
...     stakeholders=[Stakeholder(id="eb", account="a", name="E", influence=5, buying_role="economic_buyer",
...                               attitude=2),                          # importance 10
...                   Stakeholder(id="u", account="a", name="U", influence=2, buying_role="user", attitude=-1)],
...     reporting_lines=[], relationships=[],                           # importance 1.6
...     meetings=[Meeting(id="m", date="2025-01-01", attendees=["s1", "eb"])])
>>> a = attitude_summary(build_account_graph(snap, dt.date(2025, 1, 2), Settings()))
>>> a.supporters, a.neutral, a.detractors, a.weighted_attitude  # (10 x 2 + 1.6 x -1) / 11.6
(1, 0, 1, 1.586207)
>>> a.supporters_covered, a.detractors_covered
(1, 0)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph.account_graph import AccountGraph
from .gaps import is_detractor

__all__ = ["AttitudeSummary", "attitude_summary"]


@dataclass(frozen=True)
class AttitudeSummary:
    """Counts of supporters, neutrals and detractors (active stakeholders), and the weighted attitude."""

    supporters: int
    neutral: int
    detractors: int
    key_supporters: int
    key_detractors: int
    supporters_covered: int
    detractors_covered: int
    weighted_attitude: float


def attitude_summary(ag: AccountGraph) -> AttitudeSummary:
    """Summarise the attitude toward us of an account's active stakeholders (see the module docstring)."""
    below = ag.settings.attitude.detractor_below
    people = ag.stakeholders
    supporters = [c for c, p in people.items() if p.attitude > 0]
    detractors = [c for c, p in people.items() if is_detractor(p, below)]
    neutral = sum(1 for p in people.values() if p.attitude == 0 and not is_detractor(p, below))
    total = sum(ag.importance[c] for c in people)
    weighted = sum(ag.importance[c] * p.attitude for c, p in people.items()) / total if total else 0.0
    return AttitudeSummary(
        supporters=len(supporters), neutral=neutral, detractors=len(detractors),
        key_supporters=sum(1 for c in supporters if c in ag.key),
        key_detractors=sum(1 for c in detractors if c in ag.key),
        supporters_covered=sum(1 for c in supporters if ag.threads.get(c)),
        detractors_covered=sum(1 for c in detractors if ag.threads.get(c)),
        weighted_attitude=round(weighted, 6))
