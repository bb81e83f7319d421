"""One summary figure computed alone (``summary_figure``, what the sustained-fall rule evaluates on past dates)
equals that figure of the whole analysis, and the rule's walk-back equals the rule on the whole series.

The whole analysis is the reference: its figures are pinned by the hand-worked, igraph and brute-force tests
(``tests/test_analysis.py``, ``tests/test_properties.py``, ...); here the lean path must agree with it on
random small accounts (hypothesis), on synthetic accounts of a real size, on several dates and settings.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamgraph.analysis.pipeline import SUMMARY_FIGURES, analyze, summary_figure
from kamgraph.analysis.trend import (
    FIGURES,
    default_start,
    snapshot_on,
    sustained_fall,
    trend_dates,
    trend_points,
    watch_sustained_fall,
)
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.samples.synth import synth_account
from kamgraph.settings import Settings

from .test_properties import AS_OF, PROFILE, accounts


def _variants() -> list[Settings]:
    """The default settings, offline threads on, no required roles, and a high thread threshold."""
    return [Settings(),
            Settings.model_validate({"analysis": {"knows_ties_are_threads": True}}),
            Settings.model_validate({"coverage": {"required_roles": []}}),
            Settings.model_validate({"strength": {"thread_threshold": 1.5}, "fragility": {"connectivity_cap": 1}})]


VARIANTS = _variants()


def _same_figures(snap: AccountSnapshot, day: dt.date, settings: Settings) -> None:
    summary = analyze(snap, day, settings, detail=False).summary
    for figure in SUMMARY_FIGURES:
        assert summary_figure(snap, day, settings, figure) == getattr(summary, figure), figure


@PROFILE
@given(accounts(max_staff=4, max_clients=8), st.integers(0, 3), st.integers(0, 300))
def test_each_figure_alone_equals_the_analysis_on_random_accounts(snap: AccountSnapshot, variant: int,
                                                                   days_back: int) -> None:
    _same_figures(snap, AS_OF - dt.timedelta(days=days_back), VARIANTS[variant])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_figure_alone_equals_the_analysis_on_synthetic_accounts(seed: int) -> None:
    batch = synth_account(f"acc{seed}", seed=seed, stakeholders=40 + 30 * seed, staff=6 + seed, as_of=AS_OF)
    snap = AccountSnapshot(account=batch.accounts[0], stakeholders=batch.stakeholders, staff=batch.staff,
                           reporting_lines=[], relationships=batch.relationships,
                           meetings=sorted(batch.meetings, key=lambda m: (m.date, m.id)))
    for day in (AS_OF, AS_OF - dt.timedelta(days=45), AS_OF - dt.timedelta(days=200)):
        for settings in VARIANTS:
            _same_figures(snapshot_on(snap, day), day, settings)


def test_an_unknown_figure_is_refused() -> None:
    snap = AccountSnapshot(account={"id": "a", "name": "A"}, stakeholders=[], staff=[], reporting_lines=[],
                           relationships=[], meetings=[])
    with pytest.raises(ValueError, match="meetings"):
        summary_figure(snap, AS_OF, Settings(), "meetings")  # a count of the period, not a summary figure


def _whole_series_fall(snap: AccountSnapshot, day: dt.date, settings: Settings):
    """The rule on every point of the series, each point a whole analysis (the reference)."""
    rule = settings.trend.sustained_fall
    dates = trend_dates(default_start(day, rule.every, rule.periods), day, rule.every)
    points = trend_points(snap, dates, settings, rule.every)
    return sustained_fall([(p.date, float(getattr(p, rule.figure))) for p in points], rule.figure,
                          drop=rule.drop, periods=rule.periods)


@PROFILE
@given(accounts(max_staff=3, max_clients=6), st.sampled_from(FIGURES), st.integers(1, 3),
       st.sampled_from(["week", "month"]), st.integers(0, 120))
def test_the_walk_back_equals_the_rule_on_the_whole_series(snap: AccountSnapshot, figure: str, periods: int,
                                                           every: str, days_back: int) -> None:
    settings = Settings()
    rule = settings.trend.sustained_fall
    # A small drop, so that falls are found often enough to compare what they say, not only their absence.
    rule.figure, rule.periods, rule.every = figure, periods, every
    rule.drop = 1 if figure in ("key_at_connectivity_1", "overdue_key", "meetings") else 0.01
    day = AS_OF - dt.timedelta(days=days_back)
    expected = _whole_series_fall(snap, day, settings)
    assert watch_sustained_fall(snap, day, settings) == expected
    today = analyze(snapshot_on(snap, day), day, settings, detail=False)
    assert watch_sustained_fall(snap, day, settings, today=today) == expected


def test_the_walk_back_equals_the_rule_on_the_whole_series_of_synthetic_accounts() -> None:
    falls = 0
    for seed in (1, 2):
        batch = synth_account(f"acc{seed}", seed=seed, stakeholders=50, staff=6, as_of=AS_OF)
        snap = AccountSnapshot(account=batch.accounts[0], stakeholders=batch.stakeholders, staff=batch.staff,
                               reporting_lines=[], relationships=batch.relationships,
                               meetings=sorted(batch.meetings, key=lambda m: (m.date, m.id)))
        for figure in FIGURES:
            settings = Settings()
            rule = settings.trend.sustained_fall
            rule.figure, rule.periods = figure, 2
            rule.drop = 1 if figure in ("key_at_connectivity_1", "overdue_key", "meetings") else 0.01
            for day in (AS_OF, AS_OF - dt.timedelta(days=40), AS_OF - dt.timedelta(days=100)):
                expected = _whole_series_fall(snap, day, settings)
                assert watch_sustained_fall(snap, day, settings) == expected, (seed, figure, day)
                falls += expected is not None
    assert falls > 0  # the comparison covered found falls, not only their absence
