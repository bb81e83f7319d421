"""The two monitoring rules of issue 16: ``objective_missed`` (an account-plan objective past its due date and
not met) and ``sustained_fall`` (a trend figure falling period after period), on hand-worked accounts, on the
demo, on both stores and on serial and worker-process executors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.domain.plans import Objective, PlanStatus
from kamgraph.monitor.alerts import RULES, run_alerts
from kamgraph.portfolio.plans import account_plan, evaluate_objectives
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore
from kamgraph.store.executor import ProcessExecutor, SerialExecutor

DUE = dt.date(2026, 6, 30)
DAY = dt.timedelta(days=1)


def only(rule: str) -> Settings:
    """Settings with one rule enabled."""
    settings = Settings()
    for name in RULES:
        getattr(settings.alerts, name).enabled = False
    settings.trend.sustained_fall.enabled = rule == "sustained_fall"
    settings.plans.objective_missed.enabled = rule == "objective_missed"
    return settings


def _account(store: GraphStore) -> None:
    """Sam (our KAM) meets the champion Chad on 2026-06-01; nobody meets the economic buyer Eve."""
    store.import_batch(Batch(
        accounts=[Account(id="h", name="Hand")],
        staff=[Staff(id="s1", name="Sam", accounts=["h"])],
        stakeholders=[Stakeholder(id="eb", account="h", name="Eve", influence=5, buying_role="economic_buyer"),
                      Stakeholder(id="ch", account="h", name="Chad", influence=4, buying_role="champion")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 6, 1), attendees=["s1", "ch"])],
        person_kinds={"s1": "staff", "eb": "stakeholder", "ch": "stakeholder"}))


def test_a_missed_objective_raises_one_alert_once_and_clears_when_met(store: GraphStore) -> None:
    """The check of the issue: "cover the economic buyer by 30 June" is missed on 1 July without a thread to
    her (one alert, not repeated by a second run) and met after a meeting with her is imported (the alert
    clears). A meeting the same day has strength 1.0 >= 0.5: a thread."""
    _account(store)
    goal = Objective(id="h-1", account="h", kind="cover_person", subject="eb", owner="s1", due=DUE,
                     created_on=dt.date(2026, 5, 1))
    store.save_objective(goal)
    settings = only("objective_missed")

    on_due = account_plan(store, "h", DUE, settings).objectives[0]
    assert (on_due.status, on_due.days_left) == (PlanStatus.AT_RISK, 0)
    assert run_alerts(store, DUE, settings, evaluate_plans=evaluate_objectives).new == []

    first = run_alerts(store, DUE + DAY, settings, evaluate_plans=evaluate_objectives)
    assert [(a.rule, a.subject, a.severity, a.state) for a in first.new] == [
        ("objective_missed", "h-1", "medium", "due 2026-06-30")]
    alert = first.new[0]
    assert alert.key == "objective_missed:h:h-1"
    assert alert.title == "Hand: objective h-1 missed: cover Eve by 2026-06-30"
    assert alert.message == "Eve has 0 threads, needs 1; due 2026-06-30, 1 day ago; owner: Sam"
    second = run_alerts(store, DUE + 2 * DAY, settings, evaluate_plans=evaluate_objectives)
    assert (second.new, second.ongoing, second.cleared) == ([], 1, [])
    assert [a.key for a in store.load_alerts()] == ["objective_missed:h:h-1"]

    store.import_batch(Batch(meetings=[Meeting(id="m2", date=DUE + 3 * DAY, attendees=["s1", "eb"])],
                             person_kinds={"s1": "staff", "eb": "stakeholder"}))
    met = account_plan(store, "h", DUE + 3 * DAY, settings).objectives[0]
    assert met.status is PlanStatus.MET and met.value == 1.0
    third = run_alerts(store, DUE + 3 * DAY, settings, evaluate_plans=evaluate_objectives)
    assert third.new == [] and [a.key for a in third.cleared] == ["objective_missed:h:h-1"]
    assert store.load_alerts() == []


def test_done_or_dropped_objectives_clear_their_alert_and_no_evaluator_means_no_rule(store: GraphStore) -> None:
    _account(store)
    for n in (1, 2):
        store.save_objective(Objective(id=f"h-{n}", account="h", kind="cover_role", subject="economic_buyer",
                                       due=DUE, created_on=dt.date(2026, 5, 1)))
    settings = only("objective_missed")
    assert run_alerts(store, DUE + DAY, settings).new == []  # no evaluator: the rule is skipped
    run = run_alerts(store, DUE + DAY, settings, evaluate_plans=evaluate_objectives)
    assert sorted(a.subject for a in run.new) == ["h-1", "h-2"]
    store.set_objective_state("h-1", "done", DUE + 2 * DAY)
    store.set_objective_state("h-2", "dropped", DUE + 2 * DAY)
    later = run_alerts(store, DUE + 2 * DAY, settings, evaluate_plans=evaluate_objectives)
    assert sorted(a.subject for a in later.cleared) == ["h-1", "h-2"] and later.new == []
    moved = Objective(id="h-3", account="h", kind="cover_role", subject="economic_buyer", due=DUE,
                      created_on=dt.date(2026, 5, 1))
    store.save_objective(moved)
    assert [a.subject for a in run_alerts(store, DUE + 3 * DAY, settings, evaluate_plans=evaluate_objectives).new] \
        == ["h-3"]
    store.save_objective(moved.model_copy(update={"due": DUE + DAY}), replace=True)  # a new due date: a new situation
    again = run_alerts(store, DUE + 3 * DAY, settings, evaluate_plans=evaluate_objectives)
    assert [a.state for a in again.new] == ["due 2026-07-01"] and [a.state for a in again.cleared] == ["due 2026-06-30"]


def _fading(store: GraphStore) -> None:
    """Eve (economic buyer, key) met once, by Sam, on 2026-01-05; nothing since."""
    store.import_batch(Batch(
        accounts=[Account(id="f", name="Fading")], staff=[Staff(id="s1", name="Sam", accounts=["f"])],
        stakeholders=[Stakeholder(id="eb", account="f", name="Eve", influence=5, buying_role="economic_buyer")],
        meetings=[Meeting(id="m", date=dt.date(2026, 1, 5), attendees=["s1", "eb"])],
        person_kinds={"s1": "staff", "eb": "stakeholder"}))


def test_sustained_fall_of_key_coverage_and_health_worked_by_hand(store: GraphStore) -> None:
    """Checked on 2026-06-30 with 3 monthly periods: the points are 31 March, 30 April, 31 May and 30 June.

    Eve's tie: 2**(-days/90) from 5 January -- 31 March: 85 days, 0.520 >= 0.5 (a thread); 30 April: 115 days,
    0.412 (none); later ones lower. Key coverage 1, 0, 0, 0: no step better, 1.0 worse in all.
    Health = 100 x (0.35 key cov + 0.2 weighted cov + 0.15 required roles covered share + 0.2 (1 - fragility)
    + 0.1 (1 - overdue key share)). 31 March: Eve covered (1, 1), 1 of the 4 required roles covered (0.25),
    Sam holds her only thread (fragility 1), 85 days > her 60-day target (overdue): 35 + 20 + 3.75 + 0 + 0
    = 58.75, shown 58.8. Later: uncovered and cut off already (fragility 0), overdue: 0 + 0 + 0 + 20 + 0 = 20.
    """
    assert round(2 ** (-85 / 90), 3) == 0.520 and round(2 ** (-115 / 90), 3) == 0.412
    _fading(store)
    settings = only("sustained_fall")
    settings.trend.sustained_fall.figure = "key_coverage"
    settings.trend.sustained_fall.drop = 1.0
    run = run_alerts(store, DUE, settings)
    assert [(a.rule, a.subject, a.state) for a in run.new] == [("sustained_fall", "key_coverage", "falling")]
    data = run.new[0].data
    assert (data["since"], data["until"], data["before"], data["after"], data["periods"]) == (
        "2026-03-31", "2026-06-30", 1.0, 0.0, 3)
    assert run.new[0].title == "Fading: key coverage fell 100% -> 0% over 3 months"
    again = run_alerts(store, DUE, settings)
    assert (again.new, again.ongoing) == ([], 1)  # still falling: ongoing, not repeated

    health = only("sustained_fall")  # the default figure, health, by 10 points
    switched = run_alerts(store, DUE, health)  # watching another figure: the key-coverage alert is over
    assert [(a.subject, a.data["before"], a.data["after"]) for a in switched.new] == [("health", 58.8, 20.0)]
    assert [a.subject for a in switched.cleared] == ["key_coverage"]

    store.import_batch(Batch(meetings=[Meeting(id="m2", date=DUE + 2 * DAY, attendees=["s1", "eb"])],
                             person_kinds={"s1": "staff", "eb": "stakeholder"}))
    recovered = run_alerts(store, DUE + 2 * DAY, health)  # the last step (30 June -> 2 July) got better
    assert recovered.new == [] and [a.subject for a in recovered.cleared] == ["health"]


def test_the_demo_northwind_falls_for_two_months_after_greta_hoffmann_left(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With the defaults (3 months) the demo raises no sustained fall on 2026-11-22: health went 84.8 (31 Aug)
    -> 85.5 (30 Sep), a step up. With 2 periods it does for Northwind: 85.5 on 30 September, 72.0 on
    31 October (Greta Hoffmann, head of procurement, left on 17 October), 71.7 on 22 November -- the health
    of 'xray --as-of' each of those dates, computed here independently of the trend."""
    from kamgraph.samples.demo import build_demo
    from kamgraph.store import open_store
    from kamgraph.views.xray import build_xray

    as_of = dt.date(2026, 11, 22)
    with open_store(str(tmp_path / "demo.db"), create=True) as store:
        store.import_batch(build_demo(as_of))
        xray_health = {day: build_xray(store.load_account("northwind", day), day).summary.health
                       for day in (dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31), as_of)}
        assert list(xray_health.values()) == [84.8, 85.5, 72.0, 71.7]
        assert [a for a in run_alerts(store, as_of, only("sustained_fall"), executor=SerialExecutor()).new] == []
        two = only("sustained_fall")
        two.trend.sustained_fall.periods = 2
        found = [a for a in run_alerts(store, as_of, two, executor=SerialExecutor()).new if a.account == "northwind"]
    assert [(a.data["since"], a.data["before"], a.data["after"]) for a in found] == [
        ("2026-09-30", xray_health[dt.date(2026, 9, 30)], xray_health[as_of])]
    assert found[0].title == "Northwind Logistics: health fell 85.5 -> 71.7 over 2 months"


def test_the_new_rules_give_the_same_alerts_in_worker_processes(store_factory: Callable[[], GraphStore],
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                request: pytest.FixtureRequest) -> None:
    if "neo4j" in request.node.callspec.params.get("store_factory", ""):
        monkeypatch.setenv("KAMGRAPH_NEO4J_PASSWORD", request.getfixturevalue("bolt").password)
    settings = Settings()
    settings.trend.sustained_fall.figure = "key_coverage"
    settings.trend.sustained_fall.drop = 1.0
    runs = {}
    for name, executor in (("serial", SerialExecutor(chunk_size=1)),
                           ("processes", ProcessExecutor(chunk_size=1, workers=2))):
        store = store_factory()
        _account(store)
        _fading(store)
        store.save_objective(Objective(id="h-1", account="h", kind="cover_person", subject="eb", due=DUE - DAY,
                                       created_on=dt.date(2026, 5, 1)))
        store.save_objective(Objective(id="f-1", account="f", kind="cadence", subject="eb", target=30,
                                       due=DUE - DAY, created_on=dt.date(2026, 5, 1)))
        run = run_alerts(store, DUE, settings, executor=executor, evaluate_plans=evaluate_objectives)
        runs[name] = [run.model_dump(), [a.model_dump() for a in store.load_alerts(include_cleared=True)]]
    rules = {(a["rule"], a["subject"]) for a in runs["serial"][0]["new"]}
    assert {("objective_missed", "h-1"), ("objective_missed", "f-1"), ("sustained_fall", "key_coverage")} <= rules
    assert runs["processes"] == runs["serial"]
