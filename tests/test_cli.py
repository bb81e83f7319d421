"""The command line, in-process with click's CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

from .conftest import CANONICAL, SAMPLE_AS_OF


def test_import_then_xray_json(runner: CliRunner, sqlite_url: str) -> None:
    files = [str(p) for p in sorted(CANONICAL.glob("*.csv"))]
    first = runner.invoke(cli, ["--store", sqlite_url, "import", *files])
    assert first.exit_code == 0, first.output
    assert "created 17, updated 0, unchanged 0" in first.output
    second = runner.invoke(cli, ["import", "--store", sqlite_url, *files])
    assert "created 0, updated 0, unchanged 17" in second.output
    result = runner.invoke(cli, ["--store", sqlite_url, "xray", "acme", "--as-of", str(SAMPLE_AS_OF), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    ids = {s["id"] for s in report["stakeholders"]}
    assert ids == {"c-ceo", "c-cfo", "c-cto", "c-arch", "c-eng"}  # c-buy left on 2025-03-01
    arch = next(s for s in report["stakeholders"] if s["id"] == "c-arch")
    assert arch["last_contact"] == "2025-03-10" and arch["days_since_contact"] == 5
    assert {t["staff"] for t in arch["threads"]} == {"s-kim", "s-raj"}
    assert [d["id"] for d in report["departed"]] == ["c-buy"]
    text = runner.invoke(cli, ["--store", sqlite_url, "xray", "Acme Robotics", "--as-of", str(SAMPLE_AS_OF)])
    assert "RELATIONSHIP X-RAY  Acme Robotics" in text.output and "Dana Kim" in text.output


def test_bad_input_exits_2_with_one_line(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "meetings.csv"
    bad.write_text("id,date,attendees\nm1,yesterday,a;b\n")
    result = runner.invoke(cli, ["--store", sqlite_url, "import", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {bad}:2: date: not a date (expected YYYY-MM-DD): 'yesterday'"


def test_missing_store_and_unknown_account(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--store", str(tmp_path / "none.db"), "accounts"])
    assert result.exit_code == 3 and "no store at" in result.output
    runner.invoke(cli, ["--store", sqlite_url, "import", *map(str, CANONICAL.glob("*.csv"))])
    result = runner.invoke(cli, ["--store", sqlite_url, "xray", "nope"])
    assert result.exit_code == 2 and "no account with id 'nope'" in result.output
    result = runner.invoke(cli, ["--store", sqlite_url, "xray", "acme", "--as-of", "31/12/2025"])
    assert result.exit_code == 2 and "is not a date" in result.output


def test_store_from_environment(runner: CliRunner, sqlite_url: str) -> None:
    runner.invoke(cli, ["import", *map(str, CANONICAL.glob("*.csv"))], env={"KAMGRAPH_STORE": sqlite_url})
    result = runner.invoke(cli, ["accounts", "--json"], env={"KAMGRAPH_STORE": sqlite_url})
    assert [a["id"] for a in json.loads(result.output)] == ["acme"]


def test_accounts_and_show(runner: CliRunner, sqlite_url: str) -> None:
    runner.invoke(cli, ["--store", sqlite_url, "import", *map(str, CANONICAL.glob("*.csv"))])
    text = runner.invoke(cli, ["--store", sqlite_url, "accounts"]).output
    assert re.search(r"acme\s+Acme Robotics\s+strategic", text)
    shown = runner.invoke(cli, ["--store", sqlite_url, "show", "c-arch", "--as-of", str(SAMPLE_AS_OF), "--json"])
    profile = json.loads(shown.output)
    assert profile["kind"] == "stakeholder" and profile["manager"] == "Chris Adeyemi"
    assert [t["id"] for t in profile["ties"]] == ["s-raj", "s-kim"]
    assert [m["id"] for m in profile["meetings"]] == ["m-005", "m-003", "m-002"]
    staff = runner.invoke(cli, ["--store", sqlite_url, "show", "s-kim", "--as-of", str(SAMPLE_AS_OF)])
    assert "Kim Berger (s-kim) · staff · active" in staff.output and "Dana Kim" in staff.output
    assert runner.invoke(cli, ["--store", sqlite_url, "show", "ghost"]).exit_code == 2


def test_demo_writes_its_own_store_and_refuses_to_overwrite(runner: CliRunner, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAMGRAPH_STORE", raising=False)
    if True:
        result = runner.invoke(cli, ["demo", "--as-of", "2026-11-22"])
        assert result.exit_code == 0, result.output
        assert Path("kamgraph-demo.db").exists() and not Path("kamgraph.db").exists()
        assert "RELATIONSHIP X-RAY  Northwind Logistics" in result.output
        again = runner.invoke(cli, ["demo"])
        assert again.exit_code == 1 and "--force" in again.output
        forced = runner.invoke(cli, ["demo", "--force", "--as-of", "2026-11-22", "--json"])
        assert forced.exit_code == 0
        assert json.loads(forced.output)["account"]["id"] == "northwind"
        listed = runner.invoke(cli, ["--store", "kamgraph-demo.db", "accounts", "--json"])
        assert len(json.loads(listed.output)) == 4


def test_config_errors_are_one_line(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    runner.invoke(cli, ["--store", sqlite_url, "import", *map(str, CANONICAL.glob("*.csv"))])
    bad = tmp_path / "k.toml"
    bad.write_text("[strength]\nhalf_life_days = -1\n")
    result = runner.invoke(cli, ["--store", sqlite_url, "--config", str(bad), "xray", "acme"])
    assert result.exit_code == 2 and "strength.half_life_days" in result.output
    result = runner.invoke(cli, ["--store", sqlite_url, "--config", str(tmp_path / "none.toml"), "xray", "acme"])
    assert result.exit_code == 2 and "no such settings file" in result.output


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("demo") / "demo.db")
    result = CliRunner().invoke(cli, ["--store", url, "demo", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return url


AS_OF_DEMO = ["--as-of", "2026-11-22"]


@pytest.mark.parametrize(("command", "section"), [("gaps", "gaps"), ("bridges", "bridges"),
                                                  ("fragility", "fragility")])
def test_section_commands_json_and_text(runner: CliRunner, demo_store: str, command: str, section: str) -> None:
    data = json.loads(runner.invoke(cli, ["--store", demo_store, command, "northwind", *AS_OF_DEMO, "--json"]).output)
    assert data["account"]["id"] == "northwind" and data["as_of"] == "2026-11-22" and section in data
    text = runner.invoke(cli, ["--store", demo_store, command, "northwind", *AS_OF_DEMO])
    assert text.exit_code == 0 and text.output.startswith(section.upper())


def test_full_xray_text_has_every_section(runner: CliRunner, demo_store: str) -> None:
    out = runner.invoke(cli, ["--store", demo_store, "xray", "northwind", *AS_OF_DEMO]).output
    for heading in ("SUMMARY", "STAKEHOLDERS", "DEPARTED", "OUR TEAM", "GAPS", "BRIDGES", "FRAGILITY", "SHAPE",
                    "NEXT ACTIONS"):
        assert f"\n{heading}" in out, heading


def test_bridges_all_pairs(runner: CliRunner, demo_store: str) -> None:
    data = json.loads(runner.invoke(cli, ["--store", demo_store, "bridges", "northwind", *AS_OF_DEMO,
                                          "--all-pairs", "--json"]).output)
    values = [row["value"] for row in data["all_pairs_betweenness"]]
    assert values == sorted(values, reverse=True) and all(0 <= v <= 1 for v in values)


def test_matrix_formats(runner: CliRunner, demo_store: str) -> None:
    table = runner.invoke(cli, ["--store", demo_store, "matrix", "northwind", *AS_OF_DEMO]).output
    assert "M. Lindqvist" in table and "Lena Fischer" in table
    csv_text = runner.invoke(cli, ["--store", demo_store, "matrix", "northwind", *AS_OF_DEMO, "--format", "csv",
                                   "--value", "count"]).output
    assert runner.invoke(cli, ["--store", demo_store, "matrix", "northwind", *AS_OF_DEMO, "--csv",
                               "--value", "count"]).output == csv_text
    rows = list(__import__("csv").reader(csv_text.splitlines()))
    header = rows[0]
    # the same orientation as the table: one row per stakeholder, one column per staff member
    assert header[:2] == ["stakeholder_id", "stakeholder_name"] and header[-1] == "total"
    assert len(header) == 2 + 10 + 1 and len(rows) == 1 + 44 + 1
    data = json.loads(runner.invoke(cli, ["--store", demo_store, "matrix", "northwind", *AS_OF_DEMO,
                                          "--format", "json"]).output)
    assert len(data["stakeholders"]) == 44 and data["cells"]
    # Column totals count meetings: each cell count is at most its column's total.
    totals = {c["id"]: c["count"] for c in data["stakeholders"]}
    assert all(cell["count"] <= totals[cell["stakeholder"]] for cell in data["cells"])
    # every CSV cell is the JSON's count of that pair
    counts = {(c["staff"], c["stakeholder"]): c["count"] for c in data["cells"]}
    for row in rows[1:-1]:
        for staff_id, value in zip(header[2:-1], row[2:-1], strict=True):
            assert value == (str(counts[(staff_id, row[0])]) if (staff_id, row[0]) in counts else "")
    # --value changes the table too: the count table shows Lena Fischer's row as the CSV has it
    wide = runner.invoke(cli, ["--store", demo_store, "matrix", "northwind", *AS_OF_DEMO, "--value", "count"],
                         env={"COLUMNS": "400"}).output
    lena_csv = next(r for r in rows if r[1] == "Lena Fischer")
    lena_table = next(line for line in wide.splitlines() if line.strip().startswith("Lena Fischer"))
    assert lena_table.split()[2:] == [v for v in lena_csv[2:] if v] + ["ok"]
    assert "/" not in lena_table  # counts alone, not meetings/strength


def test_whatif_command(runner: CliRunner, demo_store: str) -> None:
    result = runner.invoke(cli, ["--store", demo_store, "whatif", "northwind", "--leave", "st-maya",
                                 "--leave", "nw-sc-dir", *AS_OF_DEMO, "--json"])
    data = json.loads(result.output)
    assert [p["id"] for p in data["leave"]] == ["st-maya", "nw-sc-dir"]
    assert "nw-arch" in [p["id"] for p in data["unreachable"]]
    assert data["after"]["covered"] < data["before"]["covered"]
    bad = runner.invoke(cli, ["--store", demo_store, "whatif", "northwind", "--leave", "ghost"])
    assert bad.exit_code == 2 and "ghost" in bad.output
    # Nothing was written: the X-ray still counts Maya's threads.
    after = json.loads(runner.invoke(cli, ["--store", demo_store, "xray", "northwind", *AS_OF_DEMO, "--json"]).output)
    assert after["summary"]["top_staff"] == "st-maya"


def test_config_show_round_trips(runner: CliRunner, tmp_path: Path) -> None:
    import tomllib

    out = runner.invoke(cli, ["config", "show"], env={"KAMGRAPH_STRENGTH__HALF_LIFE_DAYS": "45"}).output
    assert tomllib.loads(out)["strength"]["half_life_days"] == 45.0
    path = tmp_path / "k.toml"
    path.write_text(out)
    again = runner.invoke(cli, ["--config", str(path), "config", "show", "--json"])
    assert json.loads(again.output)["strength"]["half_life_days"] == 45.0


def test_portfolio_commands(runner: CliRunner, demo_store: str) -> None:
    table = runner.invoke(cli, ["--store", demo_store, "portfolio", *AS_OF_DEMO])
    assert table.exit_code == 0 and table.output.startswith("PORTFOLIO as of 2026-11-22 (4 accounts)")
    data = json.loads(runner.invoke(cli, ["--store", demo_store, "portfolio", *AS_OF_DEMO, "--sort", "fragility",
                                          "--json"]).output)
    values = [r["fragility_index"] for r in data["rows"]]
    assert values == sorted(values, reverse=True)
    csv_rows = list(__import__("csv").DictReader(runner.invoke(cli, ["--store", demo_store, "portfolio", *AS_OF_DEMO,
                                                                     "--csv"]).output.splitlines()))
    assert {r["account"] for r in csv_rows} == {"northwind", "helios", "quarry", "orbit"}
    scores = json.loads(runner.invoke(cli, ["--store", demo_store, "portfolio", "score", *AS_OF_DEMO,
                                            "--json"]).output)["accounts"]
    assert [a["score"] for a in scores] == sorted((a["score"] for a in scores), reverse=True)
    assert any(a["near_miss"] and a["near_miss"]["lifts"] for a in scores)
    text = runner.invoke(cli, ["--store", demo_store, "portfolio", "score", *AS_OF_DEMO]).output
    assert "NEAR MISSES" in text and "points below" in text
    review = json.loads(runner.invoke(cli, ["--store", demo_store, "portfolio", "review", "--since", "2026-05-01",
                                            *AS_OF_DEMO, "--json"]).output)
    assert review["since"] == "2026-05-01" and isinstance(review["changes"], list)
    bad = runner.invoke(cli, ["--store", demo_store, "portfolio", "review", "--since", "2027-01-01", *AS_OF_DEMO])
    assert bad.exit_code == 2 and "must be before" in bad.output


def test_plot_portfolio(runner: CliRunner, demo_store: str, tmp_path: Path) -> None:
    target = tmp_path / "portfolio.svg"
    result = runner.invoke(cli, ["--store", demo_store, "plot", "--portfolio", "-o", str(target), *AS_OF_DEMO])
    assert result.exit_code == 0, result.output
    assert target.read_text().count("Northwind Logistics") == 1
    both = runner.invoke(cli, ["--store", demo_store, "plot", "northwind", "--portfolio", "-o", str(target)])
    assert both.exit_code == 2 and "either ACCOUNT or --portfolio" in both.output


def test_listing_commands_print_csv_under_one_name(runner: CliRunner, demo_store: str) -> None:
    import csv
    import io

    accounts = json.loads(runner.invoke(cli, ["--store", demo_store, "accounts", "--json"]).stdout)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, ["--store", demo_store, "accounts", "--csv"]).stdout)))
    assert [r["id"] for r in rows] == [a["id"] for a in accounts]
    assert [int(r["meetings"]) for r in rows] == [a["meetings"] for a in accounts]
    report = json.loads(runner.invoke(cli, ["--store", demo_store, "fragility", "northwind", *AS_OF_DEMO,
                                            "--json"]).stdout)["fragility"]
    text = runner.invoke(cli, ["--store", demo_store, "fragility", "northwind", *AS_OF_DEMO, "--csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == [p["id"] for p in report["people"]]
    for row, person in zip(rows, report["people"], strict=True):
        assert float(row["share_lost"]) == pytest.approx(person["share"])
        cut = set(filter(None, row["cut_off_ids"].split(";")))
        uncovered = set(filter(None, row["uncovered_ids"].split(";")))
        assert cut == set(person["lost_paths"]) and not cut & uncovered
        assert cut | uncovered == {p["id"] for p in person["lost"]} and int(row["lost"]) == len(person["lost"])
    for command in (["people"], ["accounts"], ["matrix", "northwind"], ["fragility", "northwind"], ["portfolio"]):
        assert "--csv" in runner.invoke(cli, [*command, "--help"]).output, command
