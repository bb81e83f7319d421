"""The sustained-fall rule's past points, kept in an account's facts between alert checks.

One account, worked by hand: our staff member S met the economic buyer EB (influence 5: key) once, on
5 January 2026. Tie strength is ``2 ** (-days / 90)`` and a thread needs 0.5, so the thread holds for 90
days: on 31 March (85 days) EB is covered, on 30 April (115 days) and after they are not. Watching the key
coverage monthly over three periods with a drop of 1.0, the check of 30 June sees 1.0 -> 0.0 -> 0.0 -> 0.0
(31 March, 30 April, 31 May, 30 June): a sustained fall. The past points are the first three.

Checked: the first check computes the three past points and keeps them (the values above) under the key of
the store's data generation and the settings; a second check of unchanged data computes none and finds the
same alert (ongoing); a write to the store, or other settings, makes the kept points unusable (kept points
planted under the old key, which would report a fall, are ignored); the rule gives the same result with and
without kept points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.analysis import trend
from kamgraph.domain.alert_state import KEPT_POINTS
from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.monitor.alerts import evaluate_account, past_points_key, run_alerts
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

AS_OF = dt.date(2026, 6, 30)
PAST = {"2026-03-31": 1.0, "2026-04-30": 0.0, "2026-05-31": 0.0}


def _settings(**strength: float) -> Settings:
    settings = Settings(executor={"url": "serial"}, strength=strength or {})
    for name in ("departure", "role_uncovered", "single_threaded", "overdue", "decay"):
        getattr(settings.alerts, name).enabled = False
    rule = settings.trend.sustained_fall
    rule.enabled, rule.figure, rule.drop, rule.periods, rule.every = True, "key_coverage", 1.0, 3, "month"
    return settings


def _batch() -> Batch:
    return Batch(accounts=[Account(id="a", name="Acme")], staff=[Staff(id="s", name="S", accounts=["a"])],
                 stakeholders=[Stakeholder(id="eb", account="a", name="EB", influence=5,
                                           buying_role="economic_buyer")],
                 meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s", "eb"])])


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[GraphStore]:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as opened:
        opened.import_batch(_batch())
        yield opened


@pytest.fixture()
def past_days(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """The dates the rule computes a past point for (each call of the figure on a past date)."""
    days: list[dt.date] = []
    compute = trend.summary_figure

    def counted(snapshot: object, day: dt.date, settings: Settings, figure: str) -> float:
        days.append(day)
        return compute(snapshot, day, settings, figure)  # type: ignore[arg-type]

    monkeypatch.setattr(trend, "summary_figure", counted)
    return days


def _falls(run: object) -> list[tuple[str, float, float]]:
    return [(a.data["since"], a.data["before"], a.data["after"]) for a in run.new if a.rule == "sustained_fall"]


def test_a_second_check_of_unchanged_data_reads_the_past_points(store: GraphStore, past_days: list[dt.date]) -> None:
    settings = _settings()
    first = run_alerts(store, AS_OF, settings)
    assert _falls(first) == [("2026-03-31", 1.0, 0.0)]
    assert sorted(past_days) == [dt.date(2026, 3, 31), dt.date(2026, 4, 30), dt.date(2026, 5, 31)]
    kept = store.alert_checks()["a"].facts[KEPT_POINTS]
    assert kept == {"key": past_points_key(store.data_generation(), settings), "values": PAST}
    past_days.clear()
    second = run_alerts(store, AS_OF, settings)
    assert past_days == []  # nothing analysed again
    assert second.new == [] and second.ongoing == 1 and second.cleared == []
    assert store.alert_checks()["a"].facts[KEPT_POINTS] == kept


def test_a_write_or_other_settings_make_the_kept_points_unusable(store: GraphStore, past_days: list[dt.date]) -> None:
    settings = _settings()
    first = run_alerts(store, AS_OF, settings)
    old_key = store.alert_checks()["a"].facts[KEPT_POINTS]["key"]
    # S meets EB again on 20 June: on 30 June the tie is 2 ** (-10 / 90) = 0.93 + 2 ** (-176 / 90) = 0.26, a
    # thread, so key coverage is 1.0 again: May -> June got better, no fall; the alert clears.
    store.import_batch(Batch(meetings=[Meeting(id="m2", date=dt.date(2026, 6, 20), attendees=["s", "eb"])]))
    past_days.clear()
    second = run_alerts(store, AS_OF, settings)
    assert past_days == [dt.date(2026, 5, 31)]  # computed again (the walk back stops at the first better step)
    assert [a.key for a in second.cleared] == [a.key for a in first.new if a.rule == "sustained_fall"]
    kept = store.alert_checks()["a"].facts[KEPT_POINTS]
    assert kept["key"] == past_points_key(store.data_generation(), settings) != old_key
    assert kept["values"] == {"2026-05-31": 0.0}
    # Other settings (a half-life of 30 days): another key, so the points are computed again as well.
    past_days.clear()
    run_alerts(store, AS_OF, _settings(half_life_days=30.0))
    assert past_days == [dt.date(2026, 5, 31)]
    assert store.alert_checks()["a"].facts[KEPT_POINTS]["key"] != kept["key"]


def test_kept_points_under_the_current_key_are_what_the_rule_reads(store: GraphStore,
                                                                   past_days: list[dt.date]) -> None:
    """The key is all that stands between a kept point and the rule: under the run's key a planted value is
    used as it is (so a key that missed a change would report a wrong fall), under another it is not."""
    settings = _settings()
    snap = store.load_account("a", AS_OF)
    key = past_points_key(store.data_generation(), settings)
    flat = {KEPT_POINTS: {"key": key, "values": {day: 0.0 for day in PAST}}}  # 0.0 on 31 March: no fall
    found, facts = evaluate_account(snap, AS_OF, AS_OF, settings, previous=flat, past_key=key)
    assert found == [] and past_days == []  # read, not computed: 0 -> 0 -> 0 -> 0 is no fall
    assert facts[KEPT_POINTS]["values"] == {day: 0.0 for day in PAST}
    found, facts = evaluate_account(snap, AS_OF, AS_OF, settings, previous=flat, past_key=key + "x")
    assert [(f.rule, f.data["before"], f.data["after"]) for f in found] == [("sustained_fall", 1.0, 0.0)]
    assert facts[KEPT_POINTS]["values"] == PAST and len(past_days) == 3
    # Kept points that are not what a check writes (no values, a date that is not one) are computed again.
    for broken in ({"key": key}, {"key": key, "values": {"31 March": 0.0}}, {"key": key, "values": [0.0]}):
        past_days.clear()
        found, facts = evaluate_account(snap, AS_OF, AS_OF, settings, previous={KEPT_POINTS: broken}, past_key=key)
        assert [f.rule for f in found] == ["sustained_fall"] and len(past_days) == 3
        assert facts[KEPT_POINTS]["values"] == PAST


def test_with_and_without_kept_points_the_rule_finds_the_same(store: GraphStore) -> None:
    settings = _settings()
    snap = store.load_account("a", AS_OF)
    key = past_points_key(store.data_generation(), settings)
    plain, plain_facts = evaluate_account(snap, AS_OF, AS_OF, settings)
    assert KEPT_POINTS not in plain_facts  # without a key nothing is kept
    _, facts = evaluate_account(snap, AS_OF, AS_OF, settings, past_key=key)
    again, again_facts = evaluate_account(snap, AS_OF, AS_OF, settings, previous=facts, past_key=key)
    assert [(f.key, f.state, f.data) for f in again] == [(f.key, f.state, f.data) for f in plain]
    assert again_facts == facts
    # The next month the series moves on: 30 June is a past point now, 31 March drops out of what is kept.
    later = dt.date(2026, 7, 31)
    _, moved = evaluate_account(store.load_account("a", later), later, AS_OF, settings, previous=facts,
                                past_key=key)
    assert moved[KEPT_POINTS]["values"] == {"2026-04-30": 0.0, "2026-05-31": 0.0, "2026-06-30": 0.0}


def test_a_copy_of_the_alert_state_leaves_the_kept_points_behind(store: GraphStore, tmp_path: Path) -> None:
    """They are keyed by the source's data generation, which another store's may equal by chance."""
    from kamgraph.store.transfer import copy_alert_state

    run_alerts(store, AS_OF, _settings())
    source = store.alert_checks()["a"].facts
    assert KEPT_POINTS in source
    with open_store(f"sqlite:///{tmp_path / 'copy.db'}", create=True) as target:
        target.import_batch(_batch())
        copy_alert_state(store, target)
        copied = target.alert_checks()["a"]
    assert copied.facts == {k: v for k, v in source.items() if k != KEPT_POINTS}
    assert copied.checked_on == AS_OF
