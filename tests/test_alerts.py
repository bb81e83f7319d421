"""Monitoring rules on hand-built accounts (each expected alert written out), de-duplication, kamgraph alerts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.dataset import Batch
from kamgraph.monitor.alerts import RULES, account_facts, evaluate_account, run_alerts
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

from .accounts import AS_OF, as_batch, met, person, six_people, snapshot, us

DAY = dt.timedelta(days=1)


def only(rule: str, **options: object) -> Settings:
    """Settings with one rule enabled (and its options changed)."""
    settings = Settings()
    for name in RULES:
        getattr(settings.alerts, name).enabled = name == rule
    # The rules with their settings outside [alerts] (tests/test_alerts_trend_plans.py tests them).
    settings.trend.sustained_fall.enabled = rule == "sustained_fall"
    settings.plans.objective_missed.enabled = rule == "objective_missed"
    for key, value in options.items():
        setattr(getattr(settings.alerts, rule), key, value)
    return settings


def alerts_of(store: GraphStore, day: dt.date, settings: Settings) -> list[tuple[str, str, str, str]]:
    run = run_alerts(store, day, settings)
    return [(a.rule, a.subject, a.severity, a.title) for a in run.new]


# --------------------------------------------------------------------------- overdue
def overdue_account():  # type: ignore[no-untyped-def]
    # B: champion, influence 4 -> importance 6 (key), target 21 days, met 30 days ago: strength 2**(-30/90) = 0.79.
    # C: user, influence 2 -> 1.6 (not key), target 90 days, met 100 days ago: 2**(-100/90) = 0.46, no thread.
    return snapshot([person("B", 4, "champion"), person("C", 2, "user")], [us("S1")],
                    [met("m1", 30, "S1", "B"), met("m2", 100, "S1", "C")])


def test_overdue_rule() -> None:
    findings, _ = evaluate_account(overdue_account(), AS_OF, AS_OF, only("overdue"))
    assert [(f.rule, f.subject, f.state, f.title, f.message) for f in findings] == [(
        "overdue", "B", "overdue", "Client B (champion, key) is overdue: last met 30 days ago",
        "target every 21 days; threads: Staff S1 0.8; owner: Staff S1")]
    everyone, _ = evaluate_account(overdue_account(), AS_OF, AS_OF, only("overdue", key_only=False))
    assert [(f.subject, f.title, f.message) for f in everyone][1] == (
        "C", "Client C (user) is overdue: last met 100 days ago",
        "target every 90 days; no thread left; owner: Staff S1")


def test_overdue_clears_when_met_and_is_raised_again_when_it_comes_back(store: GraphStore) -> None:
    store.import_batch(as_batch(overdue_account()))
    settings = only("overdue")
    assert alerts_of(store, AS_OF, settings) == [
        ("overdue", "B", "medium", "Client B (champion, key) is overdue: last met 30 days ago")]
    assert alerts_of(store, AS_OF, settings) == []  # the same situation is not repeated
    store.import_batch(Batch(meetings=[met("m3", -1, "S1", "B")], person_kinds={"S1": "staff", "B": "stakeholder"}))
    run = run_alerts(store, AS_OF + 2 * DAY, settings)
    assert run.new == [] and [a.subject for a in run.cleared] == ["B"]
    # Met on AS_OF + 1; 22 days later the 21-day target is missed again.
    assert alerts_of(store, AS_OF + 23 * DAY, settings) == [
        ("overdue", "B", "medium", "Client B (champion, key) is overdue: last met 22 days ago")]
    history = store.load_alerts(include_cleared=True)
    assert [(a.raised_on, a.cleared_on) for a in history] == [(AS_OF, AS_OF + 2 * DAY), (AS_OF + 23 * DAY, None)]


# --------------------------------------------------------------------------- decay
def test_decay_rule_since_the_last_check(store: GraphStore) -> None:
    # A: economic buyer, influence 5 -> importance 10 (key); S1 met A once, 60 days before AS_OF.
    store.import_batch(as_batch(snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 60, "S1", "A")])))
    settings = only("decay")
    assert alerts_of(store, AS_OF, settings) == []  # 2**(-60/90) = 0.63: still above 0.5
    assert store.alert_checks()["acc"].facts["ties"] == {"S1>A": pytest.approx(2 ** (-60 / 90), abs=1e-6)}
    later = AS_OF + 40 * DAY  # 100 days after the meeting: 2**(-100/90) = 0.46
    run = run_alerts(store, later, settings)
    assert [(a.rule, a.subject, a.severity, a.title, a.message) for a in run.new] == [(
        "decay", "S1>A", "low", "Staff S1's tie with Client A (economic buyer, key) decayed below 0.5",
        "strength 0.63 at the last check (2025-06-30) -> 0.46 now; last met 2025-05-01 (100 days ago)")]
    assert alerts_of(store, later + DAY, settings) == []
    # Met again: the tie recovers (the alert clears); 140 days later it has decayed once more:
    # 2**(-140/90) + 2**(-242/90) = 0.341 + 0.155 = 0.496 < 0.5.
    store.import_batch(Batch(meetings=[met("m2", -42, "S1", "A")], person_kinds={"S1": "staff", "A": "stakeholder"}))
    run = run_alerts(store, AS_OF + 42 * DAY, settings)
    assert run.new == [] and [a.subject for a in run.cleared] == ["S1>A"]
    assert [s for _, s, _, _ in alerts_of(store, AS_OF + 182 * DAY, settings)] == ["S1>A"]


def test_decay_on_a_first_check_compares_with_first_check_days_ago() -> None:
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 70, "S1", "A")])
    # 30 days ago the meeting was 40 days old (0.73); now it is 70 days old (0.58): no decay below 0.5 yet.
    assert evaluate_account(snap, AS_OF, AS_OF - 30 * DAY, only("decay"))[0] == []
    # With threshold 0.6, it crossed it in those 30 days.
    findings, _ = evaluate_account(snap, AS_OF, AS_OF - 30 * DAY, only("decay", threshold=0.6))
    assert [(f.subject, f.trigger) for f in findings] == [("S1>A", True)]


# --------------------------------------------------------------------------- single-threaded
def two_threads():  # type: ignore[no-untyped-def]
    # Key: A (economic buyer, 10) met by S1 and B (champion, 6) met by S2, both 10 days ago.
    return snapshot([person("A", 5, "economic_buyer"), person("B", 4, "champion")], [us("S1"), us("S2", "delivery")],
                    [met("m1", 10, "S1", "A"), met("m2", 10, "S2", "B")])


def test_single_threaded_rule(store: GraphStore) -> None:
    store.import_batch(as_batch(two_threads()))
    settings = only("single_threaded")
    assert alerts_of(store, AS_OF, settings) == []  # two of our staff, two key stakeholders covered
    store.mark_left("S2", AS_OF + DAY)
    run = run_alerts(store, AS_OF + 2 * DAY, settings)
    assert [(a.rule, a.subject, a.severity, a.state, a.title, a.message) for a in run.new] == [(
        "single_threaded", "acc", "high", "our side: S1; their side: A",
        "Hand-built account became single-threaded",
        "key relationships held by 1 of our staff (Staff S1) with 1 of 2 key stakeholders covered (Client A); "
        "not so at the last check (2025-06-30)")]
    assert alerts_of(store, AS_OF + 3 * DAY, settings) == []


def test_an_account_single_threaded_from_the_start_is_not_news() -> None:
    # six_people: S1 holds the only threads to both key stakeholders, now and 30 days ago (no threads at all then).
    findings, _ = evaluate_account(six_people(), AS_OF, AS_OF - 30 * DAY, only("single_threaded"))
    assert [(f.state, f.trigger) for f in findings] == [("our side: S1", False)]


# --------------------------------------------------------------------------- role uncovered
def test_role_uncovered_when_its_only_covered_holder_leaves(store: GraphStore) -> None:
    store.import_batch(as_batch(six_people()))
    settings = only("role_uncovered")
    assert alerts_of(store, AS_OF, settings) == []  # the decision maker and technical buyer are missing from
    # the start (nobody holds them): not news
    assert store.alert_checks()["acc"].facts["roles_covered"]["champion"] == ["B"]
    store.mark_left("B", AS_OF)  # recorded after today's check, dated today
    run = run_alerts(store, AS_OF, settings)
    assert [(a.subject, a.title, a.message) for a in run.new] == [(
        "champion", "Hand-built account: no covered champion any more",
        "covered at the last check (2025-06-30) by Client B: Client B left on 2025-06-30; "
        "nobody holds the champion role now")]


def test_role_uncovered_when_the_thread_fades() -> None:
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1")], [met("m1", 100, "S1", "A")])
    previous = account_facts(analyze(snap, AS_OF - 40 * DAY).ag, Settings())  # the meeting 60 days old: 0.63
    findings, facts = evaluate_account(snap, AS_OF, AS_OF - 40 * DAY, only("role_uncovered"), previous=previous)
    eb = next(f for f in findings if f.subject == "economic_buyer")
    assert eb.trigger and eb.message == ("covered at the last check (2025-05-21) by Client A: Client A has no thread "
                                         "any more (last met 100 days ago); holders now: Client A")
    assert facts["roles_covered"]["economic_buyer"] == []


# --------------------------------------------------------------------------- departures
def test_departure_rule(store: GraphStore) -> None:
    store.import_batch(as_batch(six_people()))
    store.mark_left("A", AS_OF - 5 * DAY, moved_to="Initech")
    store.mark_left("S2", AS_OF - 2 * DAY)
    run = run_alerts(store, AS_OF, only("departure"))
    got = {a.subject: a for a in run.new}
    assert sorted(got) == ["A", "S2"]
    a = got["A"]
    assert (a.severity, a.state, a.title) == (
        "high", "2025-06-25", "Client A (economic buyer, key) left on 2025-06-25 (moved to: Initech)")
    # On 2025-06-25 S1's one meeting with A was 5 days old: 2**(-5/90) = 0.96.
    assert a.message.startswith("ties lost: Staff S1 1.0; required roles now uncovered: economic_buyer; ")
    assert a.data["ties_lost"] == ["S1"] and a.data["rethread"] == ["D"]
    s2 = got["S2"]
    assert s2.title == "Staff S2 (delivery) left on 2025-06-28"
    # S2 was D's only thread; S1 met nobody of D's: D goes to the KAM on the account team.
    assert s2.data["handover"] == {"D": "S1"} and s2.data["unreachable"] == ["D"]
    assert run_alerts(store, AS_OF + DAY, only("departure")).new == []


def test_departure_rule_filters() -> None:
    snap = six_people()
    snap.stakeholders[2] = snap.stakeholders[2].model_copy(update={"left_on": AS_OF - DAY, "status": "left"})  # C
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("departure"))
    assert [f.subject for f in findings] == ["C"]  # not key, but S1 met them
    assert evaluate_account(snap, AS_OF, AS_OF, only("departure", key_only=True))[0] == []
    assert evaluate_account(snap, AS_OF + 91 * DAY, AS_OF, only("departure"))[0] == []  # out of the 90-day window
    early, _ = evaluate_account(snap, AS_OF + 91 * DAY, AS_OF, only("departure"), since=AS_OF - 10 * DAY)
    assert [f.subject for f in early] == ["C"]


# --------------------------------------------------------------------------- the command
@pytest.fixture
def hand_store(sqlite_url: str) -> str:
    with open_store(sqlite_url, create=True) as store:
        store.import_batch(as_batch(six_people()))
        store.mark_left("B", AS_OF - DAY)
    return sqlite_url


def test_alerts_twice_gives_nothing_new_and_exit_statuses(runner: CliRunner, hand_store: str) -> None:
    first = runner.invoke(cli, ["--store", hand_store, "alerts", "--as-of", str(AS_OF)])
    assert first.exit_code == 1, first.output
    assert first.output.startswith("ALERTS  as of 2025-06-30  1 account checked: 1 new")
    assert "[high] acc · departure · Client B (champion, key) left on 2025-06-29" in first.output
    second = runner.invoke(cli, ["--store", hand_store, "alerts", "--as-of", str(AS_OF)])
    assert second.exit_code == 0 and "0 new, 1 ongoing (not repeated), 0 cleared" in second.output
    as_json = runner.invoke(cli, ["--store", hand_store, "alerts", "--as-of", str(AS_OF), "--account", "acc",
                                  "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output)["new"] == []


def test_alerts_errors_exit_2(runner: CliRunner, hand_store: str, tmp_path: Path) -> None:
    unknown = runner.invoke(cli, ["--store", hand_store, "alerts", "--account", "nope"])
    assert unknown.exit_code == 2 and "no account with id 'nope'" in unknown.output
    missing = runner.invoke(cli, ["--store", str(tmp_path / "none.db"), "alerts"])
    assert missing.exit_code == 2 and "no store at" in missing.output  # not 3: alerts speaks 0/1/2
    bad = tmp_path / "k.toml"
    bad.write_text('[alerts.overdue]\nseverity = "urgent"\n')
    config = runner.invoke(cli, ["--store", hand_store, "--config", str(bad), "alerts"])
    assert config.exit_code == 2 and "alerts.overdue.severity" in config.output
    webhook = runner.invoke(cli, ["--store", hand_store, "alerts", "--webhook", "file:///etc/passwd"])
    assert webhook.exit_code == 2 and "not an http(s) URL" in webhook.output


def test_alert_settings_from_the_file(tmp_path: Path) -> None:
    from kamgraph.settings import load_settings

    path = tmp_path / "k.toml"
    path.write_text("[alerts]\nfirst_check_days = 7\n\n[alerts.decay]\nthreshold = 0.3\nseverity = \"high\"\n")
    settings = load_settings(path)
    assert (settings.alerts.first_check_days, settings.alerts.decay.threshold, settings.alerts.decay.severity,
            settings.alerts.decay.key_only) == (7, 0.3, "high", True)
    env = load_settings(None, env={"KAMGRAPH_ALERTS__OVERDUE__ENABLED": "false"})
    assert env.alerts.overdue.enabled is False
