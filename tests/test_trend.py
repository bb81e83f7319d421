"""Trends: a hand-worked account over three months, the sustained-fall rule, the cut snapshot on both stores,
and the demo's trend against ``kamgraph xray --as-of`` on the same dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.trend import (
    analyses_on,
    default_start,
    period_end,
    snapshot_on,
    sustained_fall,
    trend_dates,
    trend_points,
)
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.errors import InputError
from kamgraph.portfolio.stage import relationship_stage
from kamgraph.portfolio.trend import account_trend, load_trend
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore

from .accounts import as_batch, snapshot

D = dt.date


def _decay(days: int) -> float:
    return 2 ** (-days / 90)


def departure_in_month_three():  # type: ignore[no-untyped-def]
    """S1 (KAM) and S2 (delivery); A economic buyer (influence 5: importance 10, key), B champion (4: 6, key),
    C user (2: 1.6). S1 meets A and B on 20 January, S2 meets B and C on 10 February; A leaves on 10 March."""
    people = [Stakeholder(id="A", account="acc", name="Ann", influence=5, buying_role="economic_buyer",
                          left_on=D(2026, 3, 10)),
              Stakeholder(id="B", account="acc", name="Bo", influence=4, buying_role="champion"),
              Stakeholder(id="C", account="acc", name="Cy", influence=2, buying_role="user")]
    staff = [Staff(id="S1", name="Sam", role="kam", accounts=["acc"]),
             Staff(id="S2", name="Sue", role="delivery", accounts=["acc"])]
    meetings = [Meeting(id="m1", date=D(2026, 1, 20), attendees=["S1", "A"]),
                Meeting(id="m2", date=D(2026, 1, 20), attendees=["S1", "B"]),
                Meeting(id="m3", date=D(2026, 2, 10), attendees=["S2", "B"]),
                Meeting(id="m4", date=D(2026, 2, 10), attendees=["S2", "C"])]
    return snapshot(people, staff, meetings)


def test_a_departure_in_month_three_worked_by_hand() -> None:
    trend = account_trend(departure_in_month_three(), D(2026, 1, 31), D(2026, 3, 31), "month")
    jan, feb, mar = trend.points
    assert [p.date for p in trend.points] == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)]
    # Required roles: economic buyer, decision maker, champion, technical buyer; nobody holds the 2nd and 4th.
    # 31 Jan: S1 is the only thread of A and B (11 days old); C is unmet. Key coverage 2/2, weighted 16/17.6,
    # roles 2/4, fragility: S1 cuts A and B off, 16/17.6; nobody overdue (A 11 of 60 days, B 11 of 21).
    w = 16 / 17.6
    assert jan.health == round(100 * (0.35 * 1 + 0.2 * w + 0.15 * 0.5 + 0.2 * (1 - w) + 0.1 * 1), 1) == 72.5
    assert (jan.coverage, jan.key_coverage, jan.weighted_coverage) == (round(2 / 3, 6), 1.0, round(w, 6))
    assert jan.fragility_index == round(w, 6) and jan.concentration == 1.0
    assert (jan.key_at_connectivity_1, jan.overdue_key, jan.meetings) == (2, 0, 2)
    # 28 Feb: everyone covered; B has S1 and S2; S1 alone still holds A: fragility 10/17.6. B's last meeting
    # is 18 days old: due (>= 0.8 x 21), not overdue.
    f = 10 / 17.6
    assert feb.health == round(100 * (0.35 + 0.2 + 0.15 * 0.5 + 0.2 * (1 - f) + 0.1), 1) == 81.1
    assert (feb.coverage, feb.weighted_coverage, feb.fragility_index) == (1.0, 1.0, round(f, 6))
    s1, s2 = 2 * _decay(39), 2 * _decay(18)
    assert feb.concentration == pytest.approx(s2 / (s1 + s2), abs=1e-6)
    assert (feb.key_at_connectivity_1, feb.overdue_key, feb.meetings) == (1, 0, 2)
    # 31 Mar: A left. Only B is key (B: S1 at 70 days, 0.58, and S2 at 49 days); C has S2 only: fragility
    # 1.6/7.6. Roles: economic buyer now missing too, champion covered: 1/4. B overdue (49 > 21 days).
    f = 1.6 / 7.6
    assert mar.health == round(100 * (0.35 + 0.2 + 0.15 * 0.25 + 0.2 * (1 - f) + 0.0), 1) == 74.5
    assert (mar.active_stakeholders, mar.key_stakeholders, mar.fragility_index) == (2, 1, round(f, 6))
    s1, s2 = _decay(70), 2 * _decay(49)
    assert mar.concentration == pytest.approx(s2 / (s1 + s2), abs=1e-6)
    assert (mar.key_at_connectivity_1, mar.overdue_key, mar.meetings) == (0, 1, 0)
    # First meeting 20 January: under the 3 months the basic stage needs, at every point.
    assert [p.stage for p in trend.points] == ["exploratory"] * 3
    assert trend.change["health"] == pytest.approx(74.5 - 72.5) and trend.change["overdue_key"] == 1
    assert trend.sustained_fall is None  # the default rule wants 3 periods


def test_every_point_is_the_analysis_on_its_date() -> None:
    snap = departure_in_month_three()
    dates = trend_dates(D(2026, 1, 1), D(2026, 4, 20), "week")
    for point in trend_points(snap, dates, every="week"):
        summary = analyze(snap, point.date, Settings()).summary
        assert point.model_dump(exclude={"date", "meetings"}) == summary.model_dump(include=set(
            point.model_dump(exclude={"date", "meetings"})))


def test_the_sustained_fall_on_the_hand_worked_account() -> None:
    settings = Settings()
    settings.trend.sustained_fall.periods = 1
    settings.trend.sustained_fall.drop = 5
    fall = account_trend(departure_in_month_three(), D(2026, 1, 31), D(2026, 3, 31), "month", settings).sustained_fall
    assert fall is not None and (fall.since, fall.until, fall.before, fall.after) == (
        D(2026, 2, 28), D(2026, 3, 31), 81.1, 74.5)
    settings.trend.sustained_fall.drop = 7  # 6.6 points is not 7
    assert account_trend(departure_in_month_three(), D(2026, 1, 31), D(2026, 3, 31), "month",
                         settings).sustained_fall is None


def test_sustained_fall_rule_by_hand() -> None:
    days = [D(2026, m, 1) for m in range(1, 7)]

    def series(*values: float) -> list[tuple[dt.date, float]]:
        return list(zip(days, values, strict=False))

    # Health: 80 -> 78 -> 78 (level counts as not better) -> 70: 10 worse over 3 steps.
    fall = sustained_fall(series(90, 80, 78, 78, 70), "health", drop=10, periods=3)
    assert fall is not None and (fall.since, fall.before, fall.after, fall.change) == (days[1], 80, 70, -10)
    assert sustained_fall(series(90, 80, 81, 78, 70), "health", drop=10, periods=3) is None  # a rebound
    assert sustained_fall(series(80, 78, 78, 70.5), "health", drop=10, periods=3) is None  # only 9.5
    assert sustained_fall(series(80, 70), "health", drop=10, periods=3) is None  # too few points
    # Fragility: higher is worse.
    assert sustained_fall(series(0.1, 0.2, 0.35), "fragility_index", drop=0.2, periods=2) is not None
    assert sustained_fall(series(0.35, 0.2, 0.1), "fragility_index", drop=0.2, periods=2) is None
    assert sustained_fall(series(1, 2, 4), "overdue_key", drop=3, periods=2).change == 3  # type: ignore[union-attr]
    with pytest.raises(InputError):
        sustained_fall(series(1, 2), "stage", drop=1, periods=1)


def test_dates_of_each_period() -> None:
    assert trend_dates(D(2026, 5, 6), D(2026, 5, 20), "week") == [D(2026, 5, 6), D(2026, 5, 10), D(2026, 5, 17),
                                                                   D(2026, 5, 20)]
    assert trend_dates(D(2025, 12, 31), D(2026, 7, 1), "quarter") == [D(2025, 12, 31), D(2026, 3, 31),
                                                                      D(2026, 6, 30), D(2026, 7, 1)]
    assert trend_dates(D(2026, 3, 31), D(2026, 3, 31), "month") == [D(2026, 3, 31)]
    assert period_end(D(2024, 2, 3), "month") == D(2024, 2, 29)  # leap year
    assert default_start(D(2026, 5, 6), "quarter", 2) == D(2025, 12, 31)
    assert default_start(D(2026, 5, 6), "week", 1) == D(2026, 5, 3)  # the Sunday before
    with pytest.raises(InputError):
        trend_dates(D(2026, 2, 1), D(2026, 1, 1), "month")
    with pytest.raises(InputError):
        trend_dates(D(2026, 1, 1), D(2026, 2, 1), "year")


def test_the_cut_snapshot_is_what_the_store_loads_for_that_date(store: GraphStore) -> None:
    """Loaded once with all history and cut per date = loaded from the store for each date (both stores)."""
    snap = departure_in_month_three()
    # A staff member who only appears after February, and one who is not on the team but in a recorded tie.
    snap.staff.append(Staff(id="S3", name="Late", role="support"))
    snap.meetings.append(Meeting(id="m5", date=D(2026, 3, 20), attendees=["S3", "C"]))
    batch = as_batch(snap)
    batch.accounts.append(Account(id="other", name="Other"))
    batch.stakeholders.append(Stakeholder(id="Z", account="other", name="Zed", influence=3))
    batch.meetings.append(Meeting(id="m6", date=D(2026, 1, 25), attendees=["S1", "Z", "B"]))
    batch.person_kinds["Z"] = "stakeholder"
    store.import_batch(batch)
    whole = store.load_account("acc")
    for day in (D(2026, 1, 19), D(2026, 1, 25), D(2026, 2, 28), D(2026, 3, 20), D(2026, 4, 1)):
        cut, loaded = snapshot_on(whole, day), store.load_account("acc", day)
        assert ([s.id for s in cut.staff], [(m.id, m.attendees) for m in cut.meetings]) == (
            [s.id for s in loaded.staff], [(m.id, m.attendees) for m in loaded.meetings])
        assert cut.stakeholders == loaded.stakeholders and cut.relationships == loaded.relationships
    assert "S3" not in [s.id for s in snapshot_on(whole, D(2026, 3, 19)).staff]
    # The trend's own incremental cut is the same, date after date.
    days = [D(2026, 1, 19), D(2026, 1, 25), D(2026, 3, 19), D(2026, 3, 20), D(2026, 4, 1)]
    for day, analysis, _ in analyses_on(whole, days, Settings(), "month"):
        cut = snapshot_on(whole, day)
        assert [s.id for s in analysis.ag.snapshot.staff] == [s.id for s in cut.staff]
        assert analysis.ag.snapshot.meetings == cut.meetings
    trend = load_trend(store, "acc", D(2026, 1, 31), D(2026, 3, 31), "month")
    assert [p.health for p in trend.points][:2] == [72.5, 81.1]


# --------------------------------------------------------------------------- the demo, through the CLI
def _json(runner: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


SUMMARY_FIGURES = ("health", "coverage", "weighted_coverage", "key_coverage", "fragility_index", "concentration",
                   "key_at_connectivity_1", "overdue_key", "active_stakeholders", "key_stakeholders")


def test_demo_trend_points_equal_the_xray_as_of_their_dates(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "demo.db")
    assert runner.invoke(cli, ["--store", db, "demo"]).exit_code == 0
    trend = _json(runner, "--store", db, "trend", "northwind", "--json")
    points = trend["points"]
    assert len(points) >= 12 and points[-1]["date"] == dt.date.today().isoformat()
    today = _json(runner, "--store", db, "xray", "northwind", "--json")["summary"]
    assert {f: points[-1][f] for f in SUMMARY_FIGURES} == {f: today[f] for f in SUMMARY_FIGURES}
    for point in (points[0], points[len(points) // 2]):
        xray = _json(runner, "--store", db, "xray", "northwind", "--as-of", point["date"], "--json")["summary"]
        assert {f: point[f] for f in SUMMARY_FIGURES} == {f: xray[f] for f in SUMMARY_FIGURES}


def test_demo_trend_on_2026_06_30_equals_the_xray_as_of_that_day(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "demo.db")
    assert runner.invoke(cli, ["--store", db, "demo", "--as-of", "2026-11-22"]).exit_code == 0
    trend = _json(runner, "--store", db, "trend", "northwind", "--to", "2026-11-22", "--json")
    point = next(p for p in trend["points"] if p["date"] == "2026-06-30")
    xray = _json(runner, "--store", db, "xray", "northwind", "--as-of", "2026-06-30", "--json")["summary"]
    assert {f: point[f] for f in SUMMARY_FIGURES} == {f: xray[f] for f in SUMMARY_FIGURES}
    # The stage: the portfolio's stage of the account on that day.
    from kamgraph.store import open_store

    with open_store(db) as store:
        day = D(2026, 6, 30)
        stage = relationship_stage(analyze(store.load_account("northwind", day), day).ag)
    assert (point["stage"], point["stage_level"]) == (stage.stage, stage.level)
    # Meetings in June: counted from the stored meetings by date.
    with open_store(db) as store:
        june = [m for m in store.load_account("northwind").meetings if D(2026, 5, 31) < m.date <= day]
    assert point["meetings"] == len(june) > 0


def test_trend_csv_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "demo.db")
    assert runner.invoke(cli, ["--store", db, "demo", "--as-of", "2026-11-22"]).exit_code == 0
    out = runner.invoke(cli, ["--store", db, "trend", "northwind", "--to", "2026-11-22", "--every", "quarter",
                              "--from", "2026-01-01", "--csv"])
    lines = out.output.splitlines()
    assert lines[0].startswith("account,name,date,health") and [x.split(",")[2] for x in lines[1:]] == [
        "2026-01-01", "2026-03-31", "2026-06-30", "2026-09-30", "2026-11-22"]
    text = runner.invoke(cli, ["--store", db, "trend", "northwind", "--to", "2026-11-22"])
    assert text.exit_code == 0 and "TREND Northwind Logistics" in text.output
    bad = runner.invoke(cli, ["--store", db, "trend", "northwind", "--from", "2026-12-01", "--to", "2026-11-01"])
    assert bad.exit_code == 2 and "after --to" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(cli, ["--store", db, "trend", "nowhere"])
    assert missing.exit_code != 0 and "nowhere" in missing.output and "Traceback" not in missing.output


def test_watch_sustained_fall_for_monitoring() -> None:
    """The monitoring entry point checks periods + 1 points ending on the day (hand-worked account)."""
    from kamgraph.analysis.trend import watch_sustained_fall

    snap = departure_in_month_three()
    settings = Settings()
    rule = settings.trend.sustained_fall
    rule.periods, rule.drop = 1, 5
    fall = watch_sustained_fall(snap, D(2026, 3, 31), settings)  # 28 Feb 81.1 -> 31 Mar 74.5
    assert fall is not None and (fall.since, fall.before, fall.after) == (D(2026, 2, 28), 81.1, 74.5)
    assert watch_sustained_fall(snap, D(2026, 2, 28), settings) is None  # health rose in February
    rule.figure, rule.drop = "overdue_key", 1  # B overdue on 31 March, nobody on 28 February
    assert watch_sustained_fall(snap, D(2026, 3, 31), settings).change == 1  # type: ignore[union-attr]
    rule.enabled = False
    assert watch_sustained_fall(snap, D(2026, 3, 31), settings) is None


def test_change_since_for_a_review() -> None:
    from kamgraph.portfolio.trend import change_since

    found = change_since(departure_in_month_three(), D(2026, 2, 28), D(2026, 3, 31))
    assert (found.since.health, found.now.health, found.change["health"]) == (81.1, 74.5, pytest.approx(-6.6))
    assert found.change["overdue_key"] == 1 and found.change["key_coverage"] == 0
    assert (found.since.meetings, found.now.meetings) == (2, 0)  # February's two; none since
    assert change_since(departure_in_month_three(), D(2026, 3, 31), D(2026, 3, 31)).change["health"] == 0
    with pytest.raises(InputError):
        change_since(departure_in_month_three(), D(2026, 4, 1), D(2026, 3, 31))
