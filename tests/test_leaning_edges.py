"""Competitor leanings at the ``[attitude] competitor_strength`` threshold (integer and non-integer), by hand.

A tie counts as a leaning when it is *at least* the threshold strong (the setting's documentation), so a tie
exactly at the threshold leans and one a tenth below does not.
"""

from __future__ import annotations

import pytest

from kamgraph.analysis.competition import key_leaning, leaning
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import CompetitorTie
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.settings import Settings

from .accounts import AS_OF, met, person, snapshot, us


def _leaning_account(strengths: dict[str, float]) -> AccountSnapshot:
    # eb: influence 5 x economic buyer 2.0 = 10 (key); u: 2 x user 0.8 = 1.6 (not key). Each leans to one
    # competitor per entry of ``strengths`` (name -> strength), eb to all of them, u to the first.
    snap = snapshot(stakeholders=[person("eb", 5, "economic_buyer"), person("u", 2, "user")], staff=[us("S1")],
                    meetings=[met("m", 1, "S1", "eb", "u")])
    ties = [CompetitorTie(stakeholder="eb", competitor=name, strength=value) for name, value in strengths.items()]
    first = next(iter(strengths))
    ties.append(CompetitorTie(stakeholder="u", competitor=first, strength=strengths[first]))
    snap.competitor_ties = ties
    return snap


@pytest.mark.parametrize(("threshold", "strengths", "expected", "everyone"), [
    # the default threshold, 3: 3.0 is at it, 2.9 just below, 3.1 just above; u leans to AtIt (3.0) too,
    # after eb's tie of the same strength (eb weighs 10, u 1.6)
    (None, {"AtIt": 3.0, "Below": 2.9, "Above": 3.1}, ["Above", "AtIt"],
     [("eb", "Above", 3.1), ("eb", "AtIt", 3.0), ("u", "AtIt", 3.0)]),
    # a non-integer threshold, 4.5: 4.5 at it, 4.4 below, 5 above
    (4.5, {"AtIt": 4.5, "Below": 4.4, "Above": 5.0}, ["Above", "AtIt"],
     [("eb", "Above", 5.0), ("eb", "AtIt", 4.5), ("u", "AtIt", 4.5)]),
    # an integer threshold given as 2: 2 is at it, 1.9 below
    (2.0, {"AtIt": 2.0, "Below": 1.9}, ["AtIt"], [("eb", "AtIt", 2.0), ("u", "AtIt", 2.0)]),
])
def test_a_tie_at_the_threshold_leans(threshold: float | None, strengths: dict[str, float],
                                      expected: list[str], everyone: list[tuple[str, str, float]]) -> None:
    settings = Settings() if threshold is None else Settings.model_validate(
        {"attitude": {"competitor_strength": threshold}})
    ag = build_account_graph(_leaning_account(strengths), AS_OF, settings)
    # key_leaning: the key stakeholder eb only, strongest tie first
    assert [(x.stakeholder, x.competitor) for x in key_leaning(ag)] == [("eb", c) for c in expected]
    # leaning: every stakeholder's ties at or above the threshold, strongest first, then the most important
    assert [(x.stakeholder, x.competitor, x.strength) for x in leaning(ag)] == everyone
