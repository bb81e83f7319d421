"""The command line, in-process with click's CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import cli

from .conftest import CANONICAL, SAMPLE_AS_OF

README = Path(__file__).parent.parent / "README.md"


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += _commands(command, prefix + name + " ")
    return found


COMMANDS = _commands(cli)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(runner: CliRunner, name: str, command: click.Command
                                                     ) -> None:
    result = runner.invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and (command.help or "").strip()
    assert f"kamgraph {name}" in README.read_text(), f"README does not mention 'kamgraph {name}'"


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
