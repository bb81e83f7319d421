"""The short cuts the portfolio-wide commands take (issue #15) give what the long way gives.

Each test computes a figure the plain way written out here (a brute force over every tie, a fresh analysis of
the trend date) and compares it with the short cut the command uses.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.trend import (
    default_start,
    sustained_fall,
    trend_dates,
    trend_points,
    watch_sustained_fall,
)
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.monitor.alerts import evaluate_account
from kamgraph.samples.demo import build_demo
from kamgraph.samples.synth import synth_portfolio
from kamgraph.settings import Settings
from kamgraph.store import open_store

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> list[AccountSnapshot]:
    """The demo's accounts and six random ones, read back from a real SQLite file with the bulk reader."""
    path = tmp_path_factory.mktemp("fast") / "store.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        demo = build_demo(AS_OF)
        store.import_batch(demo)
        synth = synth_portfolio(6, seed=3, as_of=AS_OF, max_stakeholders=60, max_staff=12)
        store.import_batch(synth)
        return list(store.load_accounts(store.account_ids(), AS_OF))


def test_first_meeting_is_the_earliest_first_date_of_any_tie(snapshots: list[AccountSnapshot]) -> None:
    for snapshot in snapshots:
        for day in (AS_OF, AS_OF - dt.timedelta(days=400), dt.date(2000, 1, 1)):
            ag = build_account_graph(snapshot, day, Settings())
            expected = min((tie.first for tie in ag.ties.values()), default=None)
            assert ag.first_meeting == expected, (snapshot.account.id, day)
    assert any(build_account_graph(s, AS_OF, Settings()).first_meeting for s in snapshots)


@pytest.mark.parametrize(("figure", "drop", "periods", "every"), [
    ("health", 10.0, 3, "month"), ("health", 0.5, 2, "month"), ("key_coverage", 0.01, 3, "week"),
    ("fragility_index", 0.01, 2, "month"), ("meetings", 1.0, 1, "week"), ("coverage", 0.001, 3, "quarter")])
def test_the_sustained_fall_walked_back_is_the_whole_series_rule(snapshots: list[AccountSnapshot], figure: str,
                                                                  drop: float, periods: int, every: str) -> None:
    """The watch stops at the first step that got better; brute force: every point of the series, then the rule."""
    settings = Settings.model_validate({"trend": {"sustained_fall": {
        "figure": figure, "drop": drop, "periods": periods, "every": every}}})
    found = 0
    for snapshot in snapshots:
        for as_of in (AS_OF, AS_OF - dt.timedelta(days=45)):
            dates = trend_dates(default_start(as_of, every, periods), as_of, every)
            points = trend_points(snapshot, dates, settings, every)
            expected = sustained_fall([(p.date, float(getattr(p, figure))) for p in points], figure, drop=drop,
                                      periods=periods)
            today = analyze(snapshot, as_of, settings, detail=False) if as_of == AS_OF else None
            assert watch_sustained_fall(snapshot, as_of, settings, today=today) == expected, (snapshot.account.id,
                                                                                             as_of)
            assert watch_sustained_fall(snapshot, as_of, settings) == expected
            found += expected is not None
    if (figure, drop) != ("health", 10.0):
        assert 0 < found < 2 * len(snapshots)  # some accounts fall, some do not: both branches compared


def test_alert_findings_do_not_depend_on_a_detailed_analysis(snapshots: list[AccountSnapshot]) -> None:
    """The rules read summary figures only: the same findings and facts from the full and the summary analysis."""
    settings = Settings()
    baseline = AS_OF - dt.timedelta(days=30)
    raised = 0
    for snapshot in snapshots:
        found = {}
        for detail in (True, False):
            findings, facts = evaluate_account(snapshot, AS_OF, baseline, settings,
                                               now=analyze(snapshot, AS_OF, settings, detail=detail))
            for f in findings:
                f.described()
            found[detail] = ([(f.rule, f.subject, f.state, f.title, f.message, f.data) for f in findings], facts)
        assert found[True] == found[False], snapshot.account.id
        raised += len(found[True][0])
    assert raised > 0  # the demo's accounts raise alerts: the comparison is not of two empty lists


def test_overdue_owner_is_the_last_met_active_staff_when_no_thread_is_left(snapshots: list[AccountSnapshot]) -> None:
    """Brute force over every tie: the owner of an overdue alert without a thread is the active staff member
    who met the stakeholder last (the later id on a tie)."""
    settings = Settings()
    checked = 0
    for snapshot in snapshots:
        now = analyze(snapshot, AS_OF, settings, detail=False)
        ag = now.ag
        findings, _ = evaluate_account(snapshot, AS_OF, AS_OF, settings, now=now)
        for f in findings:
            if f.rule != "overdue" or ag.threads.get(f.subject):
                continue
            candidates = [(tie.last, s) for (s, c), tie in ag.ties.items() if c == f.subject and s in ag.staff]
            assert f.data["owner"] == (max(candidates)[1] if candidates else None)
            checked += 1
    assert checked > 0
