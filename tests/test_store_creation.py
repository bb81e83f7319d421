"""Stores are not made by accident: read commands on a missing store exit 3 and create nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

from .conftest import CANONICAL

READ_COMMANDS = [
    ["xray", "northwind"], ["accounts"], ["show", "Lena Fischer"], ["people"], ["gaps", "northwind"],
    ["bridges", "northwind"], ["fragility", "northwind"], ["matrix", "northwind"],
    ["whatif", "northwind", "--leave", "st-maya"], ["leave", "nw-arch", "--dry-run"], ["leave", "nw-arch"],
    ["return", "nw-arch"], ["portfolio"], ["alerts"], ["copy", "--to", "elsewhere.db"],
]


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:1]))
def test_read_commands_on_a_missing_store(tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for store in ("./typo.db", "./no/such/folder/typo.db"):
        result = runner.invoke(cli, ["--store", store, *args], env={"KAMGRAPH_STORE": None, "NEO4J_URI": None})
        # alerts keeps its own exit statuses for cron (0 none, 1 new alerts, 2 any error)
        assert result.exit_code == (2 if args[0] == "alerts" else 3), (args, result.output)
        assert f"no store at {store}" in result.output
        assert "Traceback" not in result.output
    assert tree(tmp_path) == []


def test_default_store_missing_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["xray", "northwind"], env={"KAMGRAPH_STORE": None, "NEO4J_URI": None})
    assert result.exit_code == 3 and "no store at ./kamgraph.db" in result.output
    assert tree(tmp_path) == []


def test_a_failed_import_into_a_new_path_leaves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "meetings.csv"
    bad.write_text("id,date,attendees\nm1,not-a-date,a\n")
    good = [str(p) for p in sorted(CANONICAL.glob("*.csv"))]
    target = tmp_path / "new" / "deeper" / "kam.db"
    result = CliRunner().invoke(cli, ["--store", str(target), "import", *good, str(bad)])
    assert result.exit_code == 2 and "meetings.csv:2: date" in result.output
    assert not (tmp_path / "new").exists()
    dry = CliRunner().invoke(cli, ["--store", str(target), "import", "--dry-run", *good])
    assert dry.exit_code == 0 and "would have created 17" in dry.stdout
    assert not (tmp_path / "new").exists() and "Created" not in dry.output


def test_only_creating_commands_create_and_they_say_so(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "made" / "kam.db"
    files = [str(p) for p in sorted(CANONICAL.glob("*.csv"))]
    first = runner.invoke(cli, ["--store", str(target), "import", *files])
    assert first.exit_code == 0 and target.is_file()
    assert f"Created a new store: {target}" in first.stderr.replace("sqlite:///", "/")
    again = runner.invoke(cli, ["--store", str(target), "import", *files])
    assert again.exit_code == 0 and "Created" not in again.stderr
    # a failed import into an existing store keeps the store (and its data)
    bad = tmp_path / "accounts.csv"
    bad.write_text("id,name,revenue\nacme,Acme,lots\n")
    failed = runner.invoke(cli, ["--store", str(target), "import", str(bad)])
    assert failed.exit_code == 2 and target.is_file()
    listed = json.loads(runner.invoke(cli, ["--store", str(target), "accounts", "--json"]).stdout)
    assert [a["id"] for a in listed] == ["acme"]
    demo = tmp_path / "demo" / "d.db"
    made = runner.invoke(cli, ["--store", str(demo), "demo", "--as-of", "2026-11-22", "--json"])
    assert made.exit_code == 0 and demo.is_file() and "Created a new store" in made.stderr
    json.loads(made.stdout)  # the JSON stays clean: the notice is on stderr
    copied = tmp_path / "copy" / "c.db"
    copy = runner.invoke(cli, ["copy", "--from", str(demo), "--to", str(copied)])
    assert copy.exit_code == 0 and copied.is_file() and "Created a new store" in copy.stderr


def test_no_files_are_left_open_or_behind(tmp_path: Path) -> None:
    """-wal and -shm companions of a failed new store are removed with it."""
    bad = tmp_path / "stakeholders.csv"
    bad.write_text("id,account,name\nc1,ghost,Ana\n")  # an account the store does not have
    target = tmp_path / "kam.db"
    result = CliRunner().invoke(cli, ["--store", str(target), "import", str(bad)])
    assert result.exit_code == 2
    assert sorted(os.listdir(tmp_path)) == ["stakeholders.csv"]
