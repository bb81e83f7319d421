"""Commands wired to the trend picture and the executors: `plot --kind trend`, `alerts --executor`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

AS_OF = "2026-11-15"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wiring") / "demo.db"
    assert CliRunner().invoke(cli, ["--store", str(path), "demo", "--as-of", AS_OF]).exit_code == 0
    return path


def test_plot_trend_draws_the_trend_of_the_periods(demo_db: Path, tmp_path: Path) -> None:
    from matplotlib.image import imread

    out = tmp_path / "trend.png"
    result = CliRunner().invoke(cli, ["--store", str(demo_db), "plot", "northwind", "--kind", "trend", "-o", str(out),
                                      "--dpi", "50", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    height, width = imread(out).shape[:2]
    assert width > height > 100  # a landscape picture, drawn at the asked resolution


def test_alerts_give_the_same_run_on_every_executor(demo_db: Path, tmp_path: Path) -> None:
    runs = {}
    for name in ("serial", "local"):
        store = tmp_path / f"{name}.db"
        shutil.copyfile(demo_db, store)
        result = CliRunner().invoke(cli, ["--store", str(store), "alerts", "--executor", name, "--json",
                                          "--as-of", AS_OF])
        assert result.exit_code == 1, result.output  # the demo has new alerts on its first check
        runs[name] = json.loads(result.output)["new"]
    assert runs["serial"] == runs["local"] and len(runs["serial"]) == 7
    bad = CliRunner().invoke(cli, ["--store", str(tmp_path / "serial.db"), "alerts", "--executor", "ftp://x"])
    assert bad.exit_code == 2 and bad.output.startswith("Error: ")


def test_alerts_on_a_missing_store_is_an_error_and_makes_no_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "typo.db"), "alerts"])
    assert result.exit_code == 2 and not (tmp_path / "typo.db").exists()  # alerts speaks 0/1/2 to cron
