"""Cadence at the edges of each band, for every role, against the documented rule worked out exactly.

The rule (:mod:`kamgraph.analysis.cadence`): with *d* the days since the last meeting and *t* the
target, ``ok`` while ``d < f * t``, ``due`` for ``f * t <= d <= t``, ``overdue`` for ``d > t``,
``never`` without a meeting. The reference here uses exact fractions of the decimal ``f`` the user wrote,
so a threshold like 0.55 x 100 = 55 is exactly 55, not 55.00000000000001.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from kamgraph.analysis.cadence import cadence_status, target_days
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.models import BuyingRole
from kamgraph.settings import CadenceSettings, Settings

from .accounts import AS_OF, met, person, snapshot, us

#: The documented default targets (docs and settings): days per role, 120 without a role.
DEFAULT_TARGETS = {"economic_buyer": 60, "decision_maker": 45, "champion": 21, "technical_buyer": 30, "coach": 30,
                   "blocker": 45, "influencer": 60, "gatekeeper": 90, "user": 90, None: 120}


def expected(days: int | None, target: int, fraction: str) -> str:
    if days is None:
        return "never"
    if days > target:
        return "overdue"
    return "due" if days >= Fraction(fraction) * target else "ok"


def edge_days(target: int, fraction: str) -> list[int]:
    """Days just below, at and just above the due threshold and the target."""
    threshold = Fraction(fraction) * target
    low = math.floor(threshold) if threshold.denominator != 1 else int(threshold) - 1
    days = {low, math.ceil(threshold), math.ceil(threshold) + 1, target - 1, target, target + 1, 0}
    return sorted(d for d in days if d >= 0)


def test_default_targets_are_the_documented_ones() -> None:
    s = CadenceSettings()
    assert {role: target_days(role, s) for role in DEFAULT_TARGETS} == DEFAULT_TARGETS
    assert target_days(BuyingRole.CHAMPION, s) == 21


def test_a_role_left_out_of_the_table_gets_the_default() -> None:
    s = CadenceSettings(target_days={BuyingRole.CHAMPION: 10}, default_days=77)
    assert target_days("champion", s) == 10 and target_days("user", s) == 77 and target_days(None, s) == 77


@pytest.mark.parametrize("role", list(DEFAULT_TARGETS))
def test_every_role_at_the_band_edges_with_the_default_fraction(role: str | None) -> None:
    s = CadenceSettings()
    target = DEFAULT_TARGETS[role]
    for days in [None, *edge_days(target, "0.8")]:
        assert cadence_status(days, target, s) == expected(days, target, "0.8"), (role, days)


@pytest.mark.parametrize(("target", "fraction", "due_from"), [
    (60, "0.8", 48),   # integer threshold: day 48 is due, 47 ok
    (21, "0.8", 17),   # 16.8: day 16 ok, 17 due
    (100, "0.55", 55),  # 55 exactly (0.55 * 100 is 55.00000000000001 in floating point)
    (10, "0.5", 5),
    (7, "0.5", 4),     # 3.5
    (30, "1", 30),     # due only on the target day itself
])
def test_threshold_edges(target: int, fraction: str, due_from: int) -> None:
    s = CadenceSettings(due_fraction=float(fraction))
    assert cadence_status(due_from - 1, target, s) == ("ok" if due_from - 1 < target else "overdue")
    assert cadence_status(due_from, target, s) == "due"
    assert cadence_status(target, target, s) == "due"
    assert cadence_status(target + 1, target, s) == "overdue"
    for days in edge_days(target, fraction):
        assert cadence_status(days, target, s) == expected(days, target, fraction), days


@pytest.mark.parametrize("fraction", ["0.55", "0.7", "0.75", "0.9", "0.35"])
def test_many_targets_against_exact_fractions(fraction: str) -> None:
    s = CadenceSettings(due_fraction=float(fraction))
    for target in range(1, 366):
        for days in edge_days(target, fraction):
            assert cadence_status(days, target, s) == expected(days, target, fraction), (target, days)


@pytest.mark.parametrize("days", [0, 47, 48, 49, 59, 60, 61])
def test_the_pipeline_counts_days_from_the_last_meeting(days: int) -> None:
    # An economic buyer (target 60, due from 48) met `days` ago and, by S2, 200 days ago (the last one counts).
    snap = snapshot(stakeholders=[person("eb", 5, "economic_buyer"), person("nr", 2, None)],
                    staff=[us("S1"), us("S2")],
                    meetings=[met("old", 200, "S2", "eb"), met("new", days, "S1", "eb"), met("n", days, "S1", "nr")])
    cadence = analyze(snap, AS_OF).cadence
    assert (cadence["eb"].status, cadence["eb"].target_days, cadence["eb"].days_since) == \
        (expected(days, 60, "0.8"), 60, days)
    assert (cadence["nr"].status, cadence["nr"].target_days) == (expected(days, 120, "0.8"), 120)


def test_settings_reach_the_pipeline() -> None:
    settings = Settings(cadence={"target_days": {"champion": 10}, "due_fraction": 0.5})
    snap = snapshot(stakeholders=[person("ch", 4, "champion")], staff=[us("S1")], meetings=[met("m", 5, "S1", "ch")])
    assert analyze(snap, AS_OF, settings).cadence["ch"].status == "due"
    snap = snapshot(stakeholders=[person("ch", 4, "champion")], staff=[us("S1")], meetings=[met("m", 4, "S1", "ch")])
    assert analyze(snap, AS_OF, settings).cadence["ch"].status == "ok"
    assert analyze(snapshot(stakeholders=[person("ch", 4, "champion")], staff=[us("S1")], meetings=[]),
                   AS_OF, settings).cadence["ch"] == ("never", 10, None)
