"""The "change since" columns of ``kamgraph portfolio review --since``: a hand-worked portfolio on both stores,
and the demo checked against two independent X-rays (``xray --as-of`` each date)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.errors import InputError
from kamgraph.portfolio.review import CHANGE_FIGURES, changes_since
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore
from kamgraph.store.executor import SerialExecutor

AS_OF = dt.date(2025, 6, 30)
SINCE = AS_OF - dt.timedelta(days=250)


def test_changes_since_on_a_hand_worked_portfolio(store: GraphStore) -> None:
    """Account A: Sam met Cleo (economic buyer, influence 5: importance 10, key) 250, 300 and 350 days before
    AS_OF. Account B: Cid (no role, influence 3: not key), never met.

    On SINCE (= the day of the last meeting): S = 1 + 2**(-50/90) + 2**(-100/90) = 2.14: covered. Health =
    100 x (0.35 x 1 key coverage + 0.2 x 1 weighted + 0.15 x 1/4 required roles + 0.2 x (1 - 1: Sam holds her
    only thread) + 0.1 x (1 - 0: met today)) = 35 + 20 + 3.75 + 0 + 10 = 68.75, shown 68.8.
    On AS_OF: S = 2**(-250/90) + 2**(-300/90) + 2**(-350/90) = 0.31 < 0.5: uncovered; health = 0 + 0 + 0 +
    0.2 x (1 - 0) x 100 + 0 (overdue: 250 days > 60) = 20.0. Change -48.8; coverage 1 -> 0; overdue key 0 -> 1.
    B on both dates: no key stakeholder, no required role held, nobody to cut off: 20 + 10 = 30.0, no change.
    """
    assert round(1 + 2 ** (-50 / 90) + 2 ** (-100 / 90), 2) == 2.14
    assert round(2 ** (-250 / 90) + 2 ** (-300 / 90) + 2 ** (-350 / 90), 2) == 0.31
    store.import_batch(Batch(
        accounts=[Account(id="a", name="A"), Account(id="b", name="B")],
        staff=[Staff(id="s1", name="Sam", accounts=["a", "b"])],
        stakeholders=[Stakeholder(id="c1", account="a", name="Cleo", influence=5, buying_role="economic_buyer"),
                      Stakeholder(id="c2", account="b", name="Cid", influence=3)],
        meetings=[Meeting(id=f"m{days}", date=AS_OF - dt.timedelta(days=days), attendees=["s1", "c1"])
                  for days in (250, 300, 350)],
        person_kinds={"s1": "staff", "c1": "stakeholder", "c2": "stakeholder"}))
    rows = changes_since(store, SINCE, AS_OF, Settings(), executor=SerialExecutor())
    assert [r.account for r in rows] == ["a", "b"]
    a, b = rows
    assert (a.since.health, a.now.health, a.change["health"]) == (68.8, 20.0, pytest.approx(-48.8))
    assert (a.since.coverage, a.now.coverage, a.change["coverage"]) == (1.0, 0.0, -1.0)
    assert (a.since.key_coverage, a.now.key_coverage) == (1.0, 0.0)
    assert (a.since.fragility_index, a.now.fragility_index) == (1.0, 0.0)
    assert (a.since.overdue_key, a.now.overdue_key, a.change["overdue_key"]) == (0, 1, 1.0)
    assert (b.since.health, b.now.health, b.change["health"]) == (30.0, 30.0, 0.0)
    assert set(CHANGE_FIGURES) <= set(a.change)
    with pytest.raises(InputError, match="must be before"):
        changes_since(store, AS_OF, AS_OF, Settings())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("demo") / "demo.db")
    result = CliRunner().invoke(cli, ["--store", url, "demo", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return url


def test_review_since_json_csv_and_text_equal_two_x_rays(demo: str) -> None:
    runner = CliRunner()
    dates = ["--since", "2026-09-30", "--as-of", "2026-11-22"]
    data = json.loads(runner.invoke(cli, ["--store", demo, "portfolio", "review", *dates, "--json"]).output)
    assert [c["account"] for c in data["changes"]] == ["northwind"]  # its stage changed, as before
    rows = {r["account"]: r for r in data["accounts"]}
    assert len(rows) == 4
    xrays = {day: json.loads(runner.invoke(cli, ["--store", demo, "xray", "northwind", "--as-of", day,
                                                 "--json"]).output)["summary"]
             for day in ("2026-09-30", "2026-11-22")}
    nw = rows["northwind"]
    for figure in ("health", "coverage", "weighted_coverage", "key_coverage", "fragility_index", "concentration",
                   "key_at_connectivity_1", "overdue_key"):
        before, after = xrays["2026-09-30"][figure], xrays["2026-11-22"][figure]
        assert (nw["since"][figure], nw["now"][figure]) == (before, after), figure
        assert nw["change"][figure] == pytest.approx(after - before, abs=1e-6), figure
    assert (nw["since"]["health"], nw["now"]["health"]) == (85.5, 71.7)  # Greta Hoffmann left on 17 October

    table = list(csv.DictReader(io.StringIO(runner.invoke(cli, ["--store", demo, "portfolio", "review", *dates,
                                                                "--csv"]).output)))
    by_id = {r["account"]: r for r in table}
    assert float(by_id["northwind"]["health_since"]) == 85.5 and float(by_id["northwind"]["health_change"]) == -13.8
    assert by_id["northwind"]["stage_since"] == "cooperative" and by_id["northwind"]["stage_now"] == "interdependent"
    text = runner.invoke(cli, ["--store", demo, "portfolio", "review", *dates]).output
    assert "CHANGE SINCE 2026-09-30: 4 accounts" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("northwind") and "(" in x)
    assert "71.7 (-13.8)" in line and "cooperative -> interdependent" in line
