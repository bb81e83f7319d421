"""The account plan where people read it: `xray` (text and JSON) and the review report carry the evaluated
objectives, the same statuses `plan list` gives; the demo as of 2026-11-22."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

DAY = ["--as-of", "2026-11-22"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("demo") / "demo.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", url, "demo", *DAY]).exit_code == 0
    for args in (["--goal", "cover-person", "--person", "Ingrid Solberg", "--owner", "Maya Lindqvist",
                  "--due", "2026-11-01"],
                 ["--goal", "concentration", "--under", "45", "--owner", "st-maya", "--due", "2027-01-31"]):
        result = runner.invoke(cli, ["--store", url, "plan", "add", "northwind", *args, "--on", "2026-10-01"])
        assert result.exit_code == 0, result.output
    return url


def _run(demo: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--store", demo, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_xray_shows_the_plan_as_plan_list_evaluates_it(demo: str) -> None:
    listed = json.loads(_run(demo, "plan", "list", "northwind", *DAY, "--json"))["objectives"]
    xray = json.loads(_run(demo, "xray", "northwind", *DAY, "--json"))
    got = [(p["objective"]["id"], p["status"], p["evidence"]) for p in xray["plan"]]
    assert got == [(o["id"], o["status"], o["evidence"]) for o in listed]
    # Worked by hand: Ingrid Solberg (economic buyer) has no thread on 2026-11-22, due 2026-11-01: missed.
    assert got[0][:2] == ("northwind-1", "missed")
    text = _run(demo, "xray", "northwind", *DAY)
    assert "ACCOUNT PLAN  2 objectives: 1 missed, 1 on track" in text
    assert text.index("NEXT ACTIONS") < text.index("ACCOUNT PLAN")
    # Another account has no plan: no section, and an empty list in JSON.
    assert json.loads(_run(demo, "xray", "helios", *DAY, "--json"))["plan"] == []
    assert "ACCOUNT PLAN" not in _run(demo, "xray", "helios", *DAY)


def test_the_report_lists_the_plan_with_the_actions(demo: str, tmp_path: Path) -> None:
    target = tmp_path / "review.md"
    _run(demo, "report", "northwind", *DAY, "--format", "md", "-o", str(target))
    text = target.read_text(encoding="utf-8")
    actions = text.index("## Recommended actions")
    plan = text.index("Account plan", actions)
    assert "Account plan: 2 objectives: 1 missed, 1 on track." in text[actions:plan + 200]
    assert "Ingrid Solberg" in text[plan:] and "missed" in text[plan:]


def test_the_portfolio_counts_missed_and_at_risk_objectives(demo: str) -> None:
    """northwind-1 is missed (above); northwind-2 is due in 70 days (> 30): on track, not at risk. The other
    accounts have no plan. Stored analyses (analyze --write) do not hide the plan: an account with open
    objectives is analysed again, so the row is the same either way."""
    rows = {r["account"]: r for r in json.loads(_run(demo, "portfolio", *DAY, "--json"))["rows"]}
    assert (rows["northwind"]["objectives_missed"], rows["northwind"]["objectives_at_risk"]) == (1, 0)
    assert all((r["objectives_missed"], r["objectives_at_risk"]) == (0, 0) for a, r in rows.items() if a != "northwind")
    wide = CliRunner().invoke(cli, ["--store", demo, "portfolio", *DAY], env={"COLUMNS": "250"})
    header, *lines = wide.output.splitlines()[1:]
    assert header.rstrip().endswith("plan") and [line.rstrip().endswith("1 missed") for line in lines].count(True) == 1
    _run(demo, "analyze", "--all", *DAY, "--write")
    again = {r["account"]: r for r in json.loads(_run(demo, "portfolio", *DAY, "--json"))["rows"]}
    assert again == rows
