"""The short cuts the portfolio-wide commands take (issue #15) give what the long way gives.

Each test computes a figure the plain way written out here (a brute force over every tie, a fresh analysis of
the trend date) and compares it with the short cut the command uses.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.trend import default_start, trend_dates, trend_points, watch_sustained_fall
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


def test_the_trend_reuses_the_as_of_analysis_and_gets_the_same_points(snapshots: list[AccountSnapshot]) -> None:
    settings = Settings()
    rule = settings.trend.sustained_fall
    dates = trend_dates(default_start(AS_OF, rule.every, rule.periods), AS_OF, rule.every)
    assert dates[-1] == AS_OF
    for snapshot in snapshots:
        today = analyze(snapshot, AS_OF, settings, detail=False)
        fresh = trend_points(snapshot, dates, settings, rule.every)
        reused = trend_points(snapshot, dates, settings, rule.every, known={AS_OF: today})
        assert reused == fresh
        assert watch_sustained_fall(snapshot, AS_OF, settings, today=today) == watch_sustained_fall(
            snapshot, AS_OF, settings)


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
                if f.describe is not None:
                    f.describe(f)
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
