"""The command line against a Neo4j store: demo, X-ray, copy, credentials and errors.

Every comparison here is between the two backends: the same command on SQLite and on the Bolt
server must print the same JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import kamgraph_commands.common as cli_common
from cli import cli

from .bolt_server import free_port
from .conftest import CANONICAL, SAMPLE_AS_OF, BoltServer

pytestmark = pytest.mark.bolt

ANCHOR = "2026-11-22"


def invoke(runner: CliRunner, args: list[str], env: dict[str, str] | None = None, **kw: Any) -> Result:
    """Run the CLI with none of the developer's own KAMGRAPH_* connection variables."""
    clean: dict[str, str | None] = {"KAMGRAPH_STORE": None, "KAMGRAPH_NEO4J_PASSWORD": None,
                                    "KAMGRAPH_NEO4J_USER": None, "KAMGRAPH_NEO4J_DATABASE": None}
    return runner.invoke(cli, args, env={**clean, **(env or {})}, **kw)


def xray_json(runner: CliRunner, env: dict[str, str], store: str, account: str = "northwind") -> dict[str, object]:
    result = invoke(runner, ["--store", store, "xray", account, "--as-of", ANCHOR, "--json"], env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_demo_then_xray_is_the_same_json_as_on_sqlite(runner: CliRunner, bolt: BoltServer, bolt_database: str,
                                                     tmp_path: Path) -> None:
    sqlite = str(tmp_path / "demo.db")
    bolt_url = bolt.url(bolt_database)
    env = {"KAMGRAPH_NEO4J_PASSWORD": bolt.password}
    for store in (sqlite, bolt_url):
        result = invoke(runner, ["--store", store, "demo", "--as-of", ANCHOR, "--json"], env)
        assert result.exit_code == 0, result.output
    assert xray_json(runner, env, bolt_url) == xray_json(runner, env, sqlite)
    listed = [invoke(runner, ["--store", s, "accounts", "--json"], env).stdout for s in (sqlite, bolt_url)]
    assert json.loads(listed[0]) == json.loads(listed[1]) and len(json.loads(listed[0])) == 4
    shown = [invoke(runner, ["--store", s, "show", "nw-arch", "--as-of", ANCHOR, "--json"], env).stdout
             for s in (sqlite, bolt_url)]
    assert json.loads(shown[0]) == json.loads(shown[1])
    assert bolt.password not in "".join(listed + shown)


def test_import_files_through_the_cli(runner: CliRunner, bolt: BoltServer, bolt_database: str) -> None:
    files = [str(p) for p in sorted(CANONICAL.glob("*.csv"))]
    env = bolt.env(bolt_database)  # store URL and password from the environment
    first = invoke(runner, ["import", *files], env)
    assert first.exit_code == 0 and "created 17, updated 0, unchanged 0" in first.output, first.output
    again = invoke(runner, ["import", *files], env)
    assert "created 0, updated 0, unchanged 17" in again.output
    report = json.loads(invoke(runner, ["xray", "acme", "--as-of", str(SAMPLE_AS_OF), "--json"], env).stdout)
    assert {s["id"] for s in report["stakeholders"]} == {"c-ceo", "c-cfo", "c-cto", "c-arch", "c-eng"}


def test_user_and_database_options(runner: CliRunner, bolt: BoltServer, bolt_database: str) -> None:
    env = {"KAMGRAPH_NEO4J_PASSWORD": bolt.password}
    args = ["--store", bolt.uri, "--neo4j-user", bolt.user, "--neo4j-database", bolt_database]
    result = invoke(runner, [*args, "import", *map(str, sorted(CANONICAL.glob("*.csv")))], env)
    assert result.exit_code == 0, result.output
    assert f"/{bolt_database}:" in result.output
    rows = json.loads(invoke(runner, ["--store", bolt.url(bolt_database), "accounts", "--json"], env).stdout)
    assert [r["id"] for r in rows] == ["acme"]


def test_store_errors_are_one_line_with_exit_3(runner: CliRunner, bolt: BoltServer, bolt_database: str) -> None:
    wrong = invoke(runner, ["--store", bolt.url(bolt_database), "accounts"],
                   {"KAMGRAPH_NEO4J_PASSWORD": "not-the-password"})
    assert wrong.exit_code == 3 and "refused user" in wrong.output
    assert len(wrong.output.strip().splitlines()) == 1 and "Traceback" not in wrong.output
    assert "not-the-password" not in wrong.output
    down = invoke(runner, ["--store", f"bolt://127.0.0.1:{free_port()}", "accounts"],
                  {"KAMGRAPH_NEO4J_PASSWORD": "whatever1"})
    assert down.exit_code == 3 and down.output.startswith("Error: cannot reach bolt://")
    assert len(down.output.strip().splitlines()) == 1
    missing = invoke(runner, ["--store", bolt.url(bolt_database), "accounts"])
    assert missing.exit_code == 3 and "KAMGRAPH_NEO4J_PASSWORD" in missing.output
    in_url = invoke(runner, ["--store", f"bolt://neo4j:{bolt.password}@127.0.0.1:7687", "accounts"])
    assert in_url.exit_code == 3 and bolt.password not in in_url.output


def test_password_prompt_on_a_terminal(runner: CliRunner, bolt: BoltServer, bolt_database: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_common, "_interactive", lambda: True)
    result = invoke(runner, ["--store", bolt.url(bolt_database), "accounts", "--json"], input=bolt.password + "\n")
    assert result.exit_code == 0, result.output
    assert f"Password for {bolt.url(bolt_database)}" in result.output
    assert json.loads(result.stdout) == [] and bolt.password not in result.output


def test_password_from_the_settings_file(runner: CliRunner, bolt: BoltServer, bolt_database: str,
                                         tmp_path: Path) -> None:
    config = tmp_path / "kamgraph.toml"
    config.write_text(f'[neo4j]\nuser = "{bolt.user}"\ndatabase = "{bolt_database}"\npassword = "{bolt.password}"\n')
    result = invoke(runner, ["--config", str(config), "--store", bolt.uri, "accounts", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_copy_sqlite_to_neo4j_and_back(runner: CliRunner, bolt: BoltServer, bolt_database: str,
                                       tmp_path: Path) -> None:
    first, back = str(tmp_path / "first.db"), str(tmp_path / "back.db")
    bolt_url = bolt.url(bolt_database)
    env = {"KAMGRAPH_NEO4J_PASSWORD": bolt.password}
    assert invoke(runner, ["--store", first, "demo", "--as-of", ANCHOR], env).exit_code == 0
    copied = invoke(runner, ["copy", "--from", first, "--to", bolt_url], env)
    assert copied.exit_code == 0, copied.output
    assert "Copying" in copied.stderr and "updated 0, unchanged 0" in copied.stdout
    again = invoke(runner, ["copy", "--from", first, "--to", bolt_url, "--json"], env)
    summary = json.loads(again.stdout)
    assert all(k["created"] == 0 and k["updated"] == 0 for k in summary["kinds"].values())
    assert invoke(runner, ["--store", bolt_url, "copy", "--to", back, "--chunk", "100"], env).exit_code == 0
    reference = xray_json(runner, env, first)
    assert xray_json(runner, env, bolt_url) == reference
    assert xray_json(runner, env, back) == reference
    for account in ("helios", "quarry", "orbit"):
        assert xray_json(runner, env, back, account) == xray_json(runner, env, first, account)
    same = invoke(runner, ["copy", "--from", bolt_url, "--to", bolt_url, "--replace"], env)
    assert same.exit_code == 2 and "same store" in same.output
    assert xray_json(runner, env, bolt_url) == reference  # --replace did not run


def test_copy_replace_mirrors_exactly(runner: CliRunner, bolt: BoltServer, bolt_database: str,
                                      tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    env = {"KAMGRAPH_NEO4J_PASSWORD": bolt.password}
    bolt_url = bolt.url(bolt_database)
    invoke(runner, ["--store", bolt_url, "import", *map(str, sorted(CANONICAL.glob("*.csv")))], env)
    assert invoke(runner, ["--store", source, "demo", "--as-of", ANCHOR], env).exit_code == 0
    result = invoke(runner, ["copy", "--from", source, "--to", bolt_url, "--replace"], env)
    assert result.exit_code == 0, result.output
    ids = [a["id"] for a in json.loads(invoke(runner, ["--store", bolt_url, "accounts", "--json"], env).stdout)]
    expected = [a["id"] for a in json.loads(invoke(runner, ["--store", source, "accounts", "--json"], env).stdout)]
    assert ids == expected and "acme" not in ids
