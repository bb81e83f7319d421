"""Settings where people keep them: per-user file, ./kamgraph.toml, --config, NEO4J_* and KAMGRAPH_* variables."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.errors import ConfigError
from kamgraph.settings import Settings, load_layered, settings_toml, toml_value

CLEAN = {"KAMGRAPH_STORE": None, "NEO4J_URI": None, "NEO4J_USERNAME": None, "NEO4J_PASSWORD": None,
         "KAMGRAPH_NEO4J_PASSWORD": None, "KAMGRAPH_NEO4J_USER": None}


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A home with its per-user config folder (XDG_CONFIG_HOME, as platformdirs reads it) and a working folder."""
    home, work = tmp_path / "config-home", tmp_path / "work"
    (home / "kamgraph").mkdir(parents=True)
    work.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.chdir(work)
    return home / "kamgraph" / "kamgraph.toml", work / "kamgraph.toml"


def show(*args: str, env: dict[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "config", "show"], env={**CLEAN, **(env or {})})
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def test_files_are_read_in_order_later_ones_winning(places: tuple[Path, Path], tmp_path: Path) -> None:
    user, local = places
    user.write_text("[strength]\nhalf_life_days = 30\nthread_threshold = 0.7\n\n[cadence]\ndue_fraction = 0.6\n")
    local.write_text("[strength]\nhalf_life_days = 45\n")
    named = tmp_path / "team.toml"
    named.write_text("[cadence]\ndue_fraction = 0.9\n")
    code, out = show("--config", str(named), env={"KAMGRAPH_STRENGTH__THREAD_THRESHOLD": "0.8"})
    assert code == 0, out
    data = tomllib.loads(out)
    # each value from the last source that sets it
    assert data["strength"]["half_life_days"] == 45.0  # ./kamgraph.toml over the user file
    assert data["strength"]["thread_threshold"] == 0.8  # KAMGRAPH_* over every file
    assert data["cadence"]["due_fraction"] == 0.9  # --config over the user file
    listed = [line[1:].strip() for line in out.splitlines()[:5] if line.startswith("#   ")]
    assert listed == [str(user), str(local), str(named)]


def test_no_files_and_a_missing_config(places: tuple[Path, Path], tmp_path: Path) -> None:
    code, out = show()
    assert code == 0 and "none (defaults and environment only)" in out
    assert Settings.model_validate(tomllib.loads(out)) == Settings()
    code, out = show("--config", str(tmp_path / "nope.toml"))
    assert code == 2 and "nope.toml: no such settings file" in out


def test_errors_name_the_source_that_set_the_bad_value(places: tuple[Path, Path]) -> None:
    user, local = places
    user.write_text("[strength]\nhalf_life_days = -5\n")
    code, out = show()
    assert code == 2 and f"{user}: strength.half_life_days" in out
    local.write_text("[strength]\nhalf_life_days = 10\n")  # ./kamgraph.toml mends it
    assert show()[0] == 0
    code, out = show(env={"KAMGRAPH_STRENGTH__HALF_LIFE_DAYS": "-1"})
    assert code == 2 and "KAMGRAPH_* variables: strength.half_life_days" in out
    local.write_text("[strength\n")
    code, out = show()
    assert code == 2 and f"{local}: not valid TOML" in out


def test_values_with_newlines_and_quotes_stay_valid_toml() -> None:
    criteria = Settings().portfolio.criteria
    changed = [criteria[0].model_copy(update={"description": 'two\nlines, "quoted" and a \\ backslash'}),
               *criteria[1:]]
    settings = Settings.model_validate({"portfolio": {"criteria": [c.model_dump() for c in changed]}})
    text = settings_toml(settings)
    assert Settings.model_validate(tomllib.loads(text)) == settings
    two_lines = toml_value("a\nb")
    assert "\n" not in two_lines and tomllib.loads("v = " + two_lines)["v"] == "a\nb"


def test_neo4j_variables_as_neo4j_tools_read_them(places: tuple[Path, Path]) -> None:
    env = {"NEO4J_USERNAME": "graph-admin", "NEO4J_PASSWORD": "pw-from-neo4j-env"}
    settings, _ = load_layered(env=env)
    assert settings.neo4j.user == "graph-admin"
    assert settings.neo4j.password is not None and settings.neo4j.password.get_secret_value() == "pw-from-neo4j-env"
    # KAMGRAPH_* variables win over Neo4j's own
    settings, _ = load_layered(env={**env, "KAMGRAPH_NEO4J__USER": "kam-user"})
    assert settings.neo4j.user == "kam-user"
    # the password never shows
    code, out = show(env=env)
    assert code == 0 and "pw-from-neo4j-env" not in out and 'user = "graph-admin"' in out
    as_json = CliRunner().invoke(cli, ["config", "show", "--json"], env={**CLEAN, **env})
    assert "pw-from-neo4j-env" not in as_json.output and json.loads(as_json.stdout)["neo4j"]["user"] == "graph-admin"


def test_neo4j_uri_names_the_store(places: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(cli, ["accounts"], env={**CLEAN, "NEO4J_URI": "bolt://127.0.0.1:9"})
    assert result.exit_code == 3 and "127.0.0.1:9" in result.output  # tried the server, not ./kamgraph.db
    assert not (places[1].parent / "kamgraph.db").exists()


def test_load_layered_rejects_a_missing_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such settings file"):
        load_layered(tmp_path / "missing.toml", env={})
