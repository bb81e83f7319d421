"""Competitive position: which stakeholders lean toward a competitor of ours.

A competitor tie (:class:`kamgraph.domain.models.CompetitorTie`) says that a stakeholder leans toward a
named competitor, with a strength from 1 (slight) to 5 (committed) and the date it was first noticed.
On an as-of date the analysis sees the ties of **active** stakeholders whose ``since`` is on or before that
date (or not given). A tie at least ``[attitude] competitor_strength`` strong (default 3) makes its
stakeholder **lean** toward that competitor; the X-ray lists the key stakeholders who lean, strongest first
(then most important, then by id and competitor).

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.domain.models import Account, CompetitorTie, Stakeholder
>>> from kamgraph.graph.account_graph import build_account_graph
>>> from kamgraph.settings import Settings
>>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[], reporting_lines=[], relationships=[],
...     meetings=[], stakeholders=[Stakeholder(id="cio", account="a", name="C", influence=5),
...                                Stakeholder(id="u", account="a", name="U", influence=2)],
...     competitor_ties=[CompetitorTie(stakeholder="cio", competitor="Contoso", strength=4, since="2026-02-01"),
...                      CompetitorTie(stakeholder="cio", competitor="Fabrikam", strength=2),
...                      CompetitorTie(stakeholder="u", competitor="Contoso", strength=5)])
>>> ag = build_account_graph(snap, dt.date(2026, 3, 1), Settings())
>>> [(x.stakeholder, x.competitor, x.key) for x in leaning(ag)]
[('u', 'Contoso', False), ('cio', 'Contoso', True)]
>>> [(x.stakeholder, x.competitor) for x in key_leaning(ag)]
[('cio', 'Contoso')]
>>> key_leaning(build_account_graph(snap, dt.date(2026, 1, 31), Settings()))  # noticed on 1 February
[]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..graph.account_graph import AccountGraph

__all__ = ["Lean", "competitor_ties_on", "leaning", "key_leaning"]


@dataclass(frozen=True)
class Lean:
    """One active stakeholder's tie to a competitor, as the analysis sees it on its date."""

    stakeholder: str
    competitor: str
    strength: float
    since: dt.date | None
    note: str | None
    key: bool


def competitor_ties_on(ag: AccountGraph) -> list[Lean]:
    """Every competitor tie of an active stakeholder noticed by the as-of date, any strength, in the order
    of the module docstring."""
    found = [Lean(t.stakeholder, t.competitor, t.strength, t.since, t.note, t.stakeholder in ag.key)
             for t in ag.snapshot.competitor_ties
             if t.stakeholder in ag.stakeholders and (t.since is None or t.since <= ag.as_of)]
    found.sort(key=lambda x: (-x.strength, -ag.importance[x.stakeholder], x.stakeholder, x.competitor))
    return found


def leaning(ag: AccountGraph) -> list[Lean]:
    """The ties at least ``[attitude] competitor_strength`` strong."""
    threshold = ag.settings.attitude.competitor_strength
    return [x for x in competitor_ties_on(ag) if x.strength >= threshold]


def key_leaning(ag: AccountGraph) -> list[Lean]:
    """Key stakeholders who lean toward a competitor (one entry per competitor)."""
    return [x for x in leaning(ag) if x.key]
