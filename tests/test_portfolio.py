"""Key-account qualification, near misses, relationship stage and the portfolio review."""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.portfolio.qualification import qualify
from kamgraph.portfolio.review import review_portfolio
from kamgraph.portfolio.stage import StageEvidence, stage_evidence, stage_from_evidence
from kamgraph.portfolio.table import build_portfolio
from kamgraph.samples.demo import build_demo
from kamgraph.settings import Criterion, PortfolioSettings, Settings, StageSettings
from kamgraph.store.sqlite import SqliteStore

from .accounts import AS_OF, met, person, snapshot, us

CRITERIA = [Criterion(name="revenue", weight=2, source="revenue", low=0, high=1_000_000),
            Criterion(name="fit", weight=1, source="criteria.fit", low=0, high=10),
            Criterion(name="health", weight=1, source="graph.health", low=50, high=100),
            Criterion(name="risk", weight=1, source="graph.fragility_index", low=1, high=0)]


def test_score_by_hand() -> None:
    settings = PortfolioSettings(criteria=CRITERIA, tiers={"A": 70, "B": 50}, near_miss_margin=5)
    account = Account(id="a", name="A", revenue=400_000, category_spend=2_000_000, criteria={"fit": 9})
    q = qualify(account, {"health": 80.0, "fragility_index": 0.25}, 3, settings)
    # revenue 0.4 x 2 = 0.8; fit 0.9 x 1; health (80-50)/50 = 0.6; risk (0.25-1)/(0-1) = 0.75.
    # score = 100 x (0.8 + 0.9 + 0.6 + 0.75) / 5 = 61.0 -> tier B; 9 points below A: no near miss.
    assert q.score == pytest.approx(61.0)
    assert [c.points for c in q.criteria] == pytest.approx([16.0, 18.0, 12.0, 15.0])
    assert (q.tier, q.near_miss, q.share_of_wallet) == ("B", None, pytest.approx(0.2))


def test_missing_values_score_zero_and_values_are_clamped() -> None:
    settings = PortfolioSettings(criteria=CRITERIA, tiers={"A": 70})
    q = qualify(Account(id="a", name="A", revenue=5_000_000), {"health": 20.0, "fragility_index": 0.0}, 1, settings)
    # revenue clamps at 1 (x2), fit missing (0), health clamps at 0, risk 1 -> 100 x 3 / 5 = 60.
    assert q.score == pytest.approx(60.0)
    assert q.criteria[1].raw is None and q.share_of_wallet is None


@pytest.mark.parametrize(("fit", "tier", "near"), [
    (10.0, "A", None),   # 100 x (0.8 + 1.0 + 0.6 + 0.75) / 5 = 63 >= 63
    (9.0, "B", "A"),     # 61: 2 below 63, within the margin of 2
    (8.9, "B", None),    # 60.8: 2.2 below, outside
])
def test_tier_and_near_miss_boundaries(fit: float, tier: str, near: str | None) -> None:
    settings = PortfolioSettings(criteria=CRITERIA, tiers={"A": 63, "B": 50}, near_miss_margin=2)
    q = qualify(Account(id="a", name="A", revenue=400_000, criteria={"fit": fit}),
                {"health": 80.0, "fragility_index": 0.25}, 3, settings)
    assert q.tier == tier
    assert (q.near_miss.tier if q.near_miss else None) == near


def test_lift_closes_the_gap_exactly() -> None:
    settings = PortfolioSettings(criteria=CRITERIA, tiers={"A": 63}, near_miss_margin=5)
    account = Account(id="a", name="A", revenue=400_000, criteria={"fit": 9})
    graph = {"health": 80.0, "fragility_index": 0.25}
    q = qualify(account, graph, 3, settings)
    assert q.near_miss is not None and q.near_miss.gap == pytest.approx(2.0)
    lifts = {lift.criterion: lift.to_value for lift in q.near_miss.lifts}
    # Gap 2 points = 0.1 of weight 1 or 0.05 of weight 2: fit 9 -> 10, revenue 400k -> 450k,
    # health 80 -> 85, risk 0.25 -> 0.15.
    assert lifts == pytest.approx({"fit": 10.0, "revenue": 450_000.0, "health": 85.0, "risk": 0.15})
    lifted = qualify(account.model_copy(update={"revenue": lifts["revenue"]}), graph, 3, settings)
    assert lifted.tier == "A"


def test_unknown_source_is_a_config_error() -> None:
    from kamgraph.errors import ConfigError

    settings = PortfolioSettings(criteria=[Criterion(name="x", weight=1, source="graph.nope", high=1)])
    with pytest.raises(ConfigError, match=r"graph\.nope"):
        qualify(Account(id="a", name="A"), {"health": 1.0}, 1, settings)


@pytest.mark.parametrize(("evidence", "stage"), [
    (dict(threaded=0, months=0), "exploratory"),
    (dict(threaded=1, months=2.9), "exploratory"),
    (dict(threaded=1, months=3), "basic"),
    (dict(threaded=4, departments=2, staff=2, months=6), "cooperative"),
    (dict(threaded=8, departments=3, levels=3, staff=3, exec_ties=1, multi_threaded_share=0.3, concentration=0.6,
          months=12), "interdependent"),
    (dict(threaded=8, departments=3, levels=3, staff=3, exec_ties=1, multi_threaded_share=0.3, concentration=0.61,
          months=12), "cooperative"),
    (dict(threaded=15, departments=4, levels=4, staff=4, exec_ties=2, multi_threaded_share=0.5, concentration=0.4,
          months=24), "integrated"),
    # Stages are cumulative: meeting the integrated figures but not the cooperative ones' staff count fails both.
    (dict(threaded=15, departments=4, levels=4, staff=1, exec_ties=2, multi_threaded_share=0.5, concentration=0.4,
          months=24), "basic"),
])
def test_stage_rules(evidence: dict[str, float], stage: str) -> None:
    full = {"threaded": 0, "departments": 0, "levels": 0, "staff": 0, "exec_ties": 0, "multi_threaded_share": 0.0,
            "concentration": 1.0, "months": 0.0} | evidence
    assert stage_from_evidence(StageEvidence(**full), StageSettings()).stage == stage


def test_stage_evidence_of_a_hand_built_account() -> None:
    clients = [person("ceo", 5, "decision_maker", dept="Exec", seniority="c_level"),
               person("it", 4, "technical_buyer", dept="IT", seniority="director"),
               person("ops", 3, "user", dept="Ops", seniority="manager")]
    staff = [us("kam"), us("sponsor", "exec_sponsor"), us("se", "solution_engineer")]
    meetings = [met("m1", 400, "kam", "ceo"), met("m2", 20, "kam", "sponsor", "ceo"), met("m3", 10, "se", "it"),
                met("m4", 5, "kam", "ops"), met("m5", 3, "se", "ops")]
    ag = build_account_graph(snapshot(clients, staff, meetings), AS_OF, Settings())
    e = stage_evidence(ag)
    # Threads: ceo (kam, sponsor), it (se), ops (kam, se); the sponsor-CEO thread is an executive tie.
    assert (e.threaded, e.departments, e.levels, e.staff, e.exec_ties) == (3, 3, 3, 3, 1)
    assert e.multi_threaded_share == pytest.approx(2 / 3)
    assert e.months == pytest.approx(400 / 30.4375, abs=0.01)
    # cooperative needs 4 threaded stakeholders: basic, and the next stage lists what is missing.
    result = stage_from_evidence(e, StageSettings())
    assert (result.stage, result.next_stage, result.missing) == ("basic", "cooperative", ["threaded 3 < 4"])


def _demo_store(anchor: dt.date) -> SqliteStore:
    store = SqliteStore(":memory:")
    store.import_batch(build_demo(anchor))
    return store


def test_demo_table_ranks_as_a_hand_computation_says() -> None:
    store = _demo_store(AS_OF)
    settings = Settings()
    result = build_portfolio(store, AS_OF, settings)
    expected = {}
    for row in result.rows:
        account = store.get_account(row.account)
        # Defaults: 25 revenue / 3M, 20 growth / 10, 15 fit / 10, 15 strategic / 10, 25 health / 100.
        score = (25 * min(1.0, account.revenue / 3_000_000) + 20 * account.criteria["growth_potential"] / 10
                 + 15 * account.criteria["product_fit"] / 10 + 15 * account.criteria["strategic_value"] / 10
                 + 25 * row.health / 100)
        expected[row.account] = score
        assert row.score == pytest.approx(score, abs=1e-4)
        tier = "strategic" if score >= 75 else "key" if score >= 60 else "development" if score >= 45 else "monitor"
        assert row.tier == tier
    assert [r.account for r in result.rows] == sorted(expected, key=lambda a: -expected[a])
    near = [r for r in result.rows if r.near_miss]
    assert near and all(result.qualifications[r.account].near_miss.lifts for r in near)


def test_sorting_and_unknown_key() -> None:
    from kamgraph.errors import InputError

    store = _demo_store(AS_OF)
    rows = build_portfolio(store, AS_OF, Settings(), sort="fragility").rows
    assert [r.fragility_index for r in rows] == sorted((r.fragility_index for r in rows), reverse=True)
    names = [r.name for r in build_portfolio(store, AS_OF, Settings(), sort="name").rows]
    assert names == sorted(names, key=str.casefold)
    with pytest.raises(InputError):
        build_portfolio(store, AS_OF, Settings(), sort="colour")


def test_review_across_two_dates() -> None:
    store = SqliteStore(":memory:")
    from kamgraph.domain.dataset import Batch

    # One account: met 250, 300 and 350 days before AS_OF, then nothing; a second account never met.
    store.import_batch(Batch(
        accounts=[Account(id="a", name="A", revenue=900_000, criteria={"growth_potential": 10, "product_fit": 10,
                                                                        "strategic_value": 10}),
                  Account(id="b", name="B")],
        staff=[Staff(id="s1", name="S1", accounts=["a", "b"])],
        stakeholders=[Stakeholder(id="c1", account="a", name="C1", influence=5, buying_role="economic_buyer"),
                      Stakeholder(id="c2", account="b", name="C2")],
        meetings=[Meeting(id=f"m{days}", date=AS_OF - dt.timedelta(days=days), attendees=["s1", "c1"])
                  for days in (250, 300, 350)],
        person_kinds={"s1": "staff", "c1": "stakeholder", "c2": "stakeholder"}))
    since = AS_OF - dt.timedelta(days=250)
    changes = review_portfolio(store, since, AS_OF, Settings())
    assert [c.account for c in changes] == ["a"]
    change = changes[0]
    # On `since`: S = 1 + 2**(-50/90) + 2**(-100/90) = 2.15 (covered) after 100 days = 3.3 months -> basic.
    # On AS_OF: S = 2**(-250/90) + 2**(-300/90) + 2**(-350/90) = 0.31 < 0.5: uncovered -> exploratory.
    assert change.stage == ("basic", "exploratory")
    assert change.score[1] < change.score[0]
    with pytest.raises(Exception, match="before"):
        review_portfolio(store, AS_OF, AS_OF, Settings())


def test_open_alerts_column_counts_the_stored_alerts() -> None:
    from kamgraph.monitor.alerts import run_alerts

    store = _demo_store(AS_OF)
    assert all(r.open_alerts == 0 for r in build_portfolio(store, AS_OF, Settings()).rows)
    run_alerts(store, AS_OF, Settings())
    expected: dict[str, int] = {}
    for alert in store.load_alerts():
        expected[alert.account] = expected.get(alert.account, 0) + 1
    rows = build_portfolio(store, AS_OF, Settings()).rows
    assert sum(expected.values()) > 0
    assert {r.account: r.open_alerts for r in rows} == {r.account: expected.get(r.account, 0) for r in rows}


def test_portfolio_picture(tmp_path: pytest.TempPathFactory) -> None:
    from kamgraph.portfolio.table import Portfolio
    from kamgraph.views.plots import figure_bytes, plot_portfolio

    store = _demo_store(AS_OF)
    settings = Settings()
    result = build_portfolio(store, AS_OF, settings)
    hostile = result.rows[0].model_copy(update={"name": "<script>x</script> & $x^2$"})
    result = Portfolio(as_of=result.as_of, rows=[hostile, *result.rows[1:]], qualifications=result.qualifications,
                       stages=result.stages)
    ax = plot_portfolio(result, thresholds=settings.portfolio.tiers)
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == len(result.rows) + sum(1 for r in result.rows if r.near_miss)
    assert {t.get_text() for t in ax.texts} >= {"<script>x</script> & $x^2$", " strategic 75"}
    svg = figure_bytes(ax.figure, "svg").decode()
    assert "&lt;script&gt;x&lt;/script&gt; &amp; $x^2$" in svg and "<script>" not in svg
    png = figure_bytes(ax.figure, "png")
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
