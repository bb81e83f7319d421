"""Where a Neo4j store is and who connects (no server needed): URL, options, environment, settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kamgraph.errors import ConfigError, StoreError
from kamgraph.settings import Neo4jSettings, load_settings
from kamgraph.store.neo4j_config import bolt_target, resolve_password
from kamgraph.store.url import is_neo4j_url

from .conftest import BoltServer, require

ROOT = Path(__file__).parent.parent


def test_the_url_wins_then_options_then_environment_then_settings() -> None:
    env = {"KAMGRAPH_NEO4J_USER": "env-user", "KAMGRAPH_NEO4J_DATABASE": "envdb", "KAMGRAPH_NEO4J_BATCH_SIZE": "50"}
    settings = Neo4jSettings(user="file-user", database="filedb", batch_size=70)
    t = bolt_target("bolt://url-user@h:7687/urldb", user="opt-user", database="optdb", env=env, settings=settings)
    assert (t.user, t.database, t.batch_size) == ("url-user", "urldb", 50)
    t = bolt_target("bolt://h:7687", user="opt-user", database="optdb", batch_size=9, env=env, settings=settings)
    assert (t.user, t.database, t.batch_size) == ("opt-user", "optdb", 9)
    t = bolt_target("bolt://h:7687", env=env, settings=settings)
    assert (t.user, t.database, t.batch_size) == ("env-user", "envdb", 50)
    t = bolt_target("bolt://h:7687", env={}, settings=settings)
    assert (t.user, t.database, t.batch_size) == ("file-user", "filedb", 70)
    t = bolt_target("bolt://h:7687", env={})
    assert (t.user, t.database, t.batch_size) == ("neo4j", "neo4j", 1000)


@pytest.mark.parametrize(("url", "address", "shown"), [
    ("bolt://localhost:7687", "bolt://localhost:7687", "bolt://neo4j@localhost:7687/neo4j"),
    ("neo4j://cluster.example?policy=eu", "neo4j://cluster.example?policy=eu", "neo4j://neo4j@cluster.example/neo4j"),
    ("neo4j+s://kam@x.example/sales", "neo4j+s://x.example", "neo4j+s://kam@x.example/sales"),
    ("bolt://[::1]:7687/kam", "bolt://[::1]:7687", "bolt://neo4j@[::1]:7687/kam"),
])
def test_urls(url: str, address: str, shown: str) -> None:
    t = bolt_target(url, env={})
    assert (t.address, t.url) == (address, shown)
    assert is_neo4j_url(url)


@pytest.mark.parametrize(("url", "problem"), [
    ("bolt://neo4j:s3cret-pass@h:7687", "refusing a password"),
    ("http://h:7474", "not a Neo4j store URL"),
    ("bolt://h:notaport", "bad port"),
    ("bolt://h:7687/bad;name", "bad Neo4j database name"),
    ("bolt:///kam", "no host"),
])
def test_bad_urls(url: str, problem: str) -> None:
    with pytest.raises(StoreError, match=problem) as info:
        bolt_target(url, env={})
    assert "s3cret-pass" not in str(info.value)


def test_bad_batch_sizes() -> None:
    with pytest.raises(StoreError, match="not a whole number"):
        bolt_target("bolt://h", env={"KAMGRAPH_NEO4J_BATCH_SIZE": "lots"})
    with pytest.raises(StoreError, match="at least 1"):
        bolt_target("bolt://h", batch_size=0, env={})


def test_password_sources_in_order() -> None:
    settings = Neo4jSettings(password="from-file")
    env = {"KAMGRAPH_NEO4J_PASSWORD": "from-env"}
    assert resolve_password("given", env=env, settings=settings) == "given"
    assert resolve_password(env=env, settings=settings) == "from-env"
    assert resolve_password(env={}, settings=settings) == "from-file"
    assert resolve_password(env={}, settings=Neo4jSettings()) is None


def test_settings_keep_the_password_secret(tmp_path: Path) -> None:
    config = tmp_path / "kamgraph.toml"
    config.write_text('[neo4j]\nuser = "kam"\npassword = 12345678\nbatch_size = 500\n')
    settings = load_settings(config, env={})
    assert settings.neo4j.password is not None and settings.neo4j.password.get_secret_value() == "12345678"
    assert "12345678" not in repr(settings) and "12345678" not in settings.model_dump_json()
    config.write_text('[neo4j]\npassword = ["secret-in-a-list"]\n')
    with pytest.raises(ConfigError, match=r"neo4j\.password") as info:
        load_settings(config, env={})
    assert "secret-in-a-list" not in str(info.value)


def test_neither_the_cli_nor_the_library_imports_the_driver() -> None:
    code = ("import sys, cli, kamgraph.store, kamgraph.store.neo4j_config, kamgraph.store.transfer, "
            "kamgraph.store.cypher;"
            "print('neo4j' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"
    drivers = [p.relative_to(ROOT) for p in [*(ROOT / "kamgraph").rglob("*.py"),
                                               *(ROOT / "kamgraph_commands").rglob("*.py"), ROOT / "cli.py"]
               if any(line.startswith(("import neo4j", "from neo4j")) for line in p.read_text().splitlines())]
    assert drivers == [Path("kamgraph/store/neo4j.py")]


def test_a_test_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    require("arcadedb_embedded")
    from .bolt_server import BoltServerError, start_arcadedb

    with pytest.raises(BoltServerError, match=r"ArcadeDB exited with status \d+ while starting:\n.*heap") as info:
        start_arcadedb(heap="not-a-size", root=tmp_path / "root", password="known-secret-123", timeout=30)
    assert "known-secret-123" not in str(info.value)
    with pytest.raises(BoltServerError, match="at least 8 characters"):
        start_arcadedb(password="short", root=tmp_path / "root2")


@pytest.mark.bolt
def test_neo4j_own_variables_reach_the_server(bolt: BoltServer, bolt_database: str, tmp_path: Path) -> None:
    """NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE, as cypher-shell reads them, and nothing else."""
    from click.testing import CliRunner

    from cli import cli

    env: dict[str, str | None] = {"KAMGRAPH_STORE": None, "KAMGRAPH_NEO4J_PASSWORD": None,
                                  "KAMGRAPH_NEO4J_USER": None, "KAMGRAPH_NEO4J_DATABASE": None,
                                  "NEO4J_URI": bolt.uri, "NEO4J_USERNAME": bolt.user, "NEO4J_PASSWORD": bolt.password,
                                  "NEO4J_DATABASE": bolt_database}
    runner = CliRunner()
    made = runner.invoke(cli, ["demo", "--as-of", "2026-11-22", "--json"], env=env)
    assert made.exit_code == 0, made.output
    listed = runner.invoke(cli, ["accounts", "--json"], env=env)
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 4
    with bolt.open(bolt_database) as store:  # the demo went to that database, not to a file
        assert store.counts()["accounts"] == 4
    assert bolt.password not in listed.output + made.output
    wrong = runner.invoke(cli, ["accounts"], env={**env, "NEO4J_PASSWORD": "not-the-password"})
    assert wrong.exit_code == 3 and "not-the-password" not in wrong.output
