"""The settings that are tables (one value per kind, role or tier) are bounded as their single-valued siblings.

A capacity of -3 made everybody over capacity in the handover plan, a negative meeting-kind weight subtracted
meetings from tie strength, a target of 0 days made everyone overdue: each is now refused, from a settings
file, as a one-line error naming the table and the key, exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.settings import Settings

from .test_cli import CANONICAL

BAD = [  # (TOML, the key the error must name) -- each value just past the edge its sibling setting has
    ("[strength.kind_weights]\ncall = -0.1\n", "strength.kind_weights.call"),
    ("[importance.role_weights]\nchampion = -1\n", "importance.role_weights.champion"),
    ("[cadence.target_days]\nchampion = 0\n", "cadence.target_days.champion"),
    ("[portfolio.tiers]\nkey = 100.5\n", "portfolio.tiers.key"),
    ("[portfolio.tiers]\nkey = -1\n", "portfolio.tiers.key"),
    ("[team.capacity]\nkam = 0\n", "team.capacity.kam"),
    ("[team.capacity]\nkam = -3\n", "team.capacity.kam"),
    ("[team.levels]\nsales = 0\n", "team.levels.sales"),
]


@pytest.mark.parametrize(("toml", "key"), BAD, ids=[f"{k}={t.split('= ')[1].strip()}" for t, k in BAD])
def test_a_value_past_the_edge_is_a_one_line_error_naming_the_key(toml: str, key: str, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'k.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", store, "import", *map(str, CANONICAL.glob("*.csv"))]).exit_code == 0
    config = tmp_path / "k.toml"
    config.write_text(toml)
    result = runner.invoke(cli, ["--store", store, "--config", str(config), "xray", "acme"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and key in lines[0] and "Traceback" not in result.output


@pytest.mark.parametrize("section", [{"strength": {"kind_weights": {"call": 0.0}}},
                                     {"importance": {"role_weights": {"champion": 0}}},
                                     {"cadence": {"target_days": {"champion": 1}}},
                                     {"portfolio": {"tiers": {"key": 0, "strategic": 100}}},
                                     {"team": {"capacity": {"kam": 1}, "levels": {"sales": 1}}}])
def test_the_edges_themselves_are_accepted(section: dict) -> None:
    settings = Settings.model_validate(section)
    for name, table in section.items():
        for field, values in table.items():
            stored = getattr(getattr(settings, name), field)
            assert all(stored[k] == v for k, v in values.items())
