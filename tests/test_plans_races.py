"""Races on account plans between real processes on one SQLite store: two ``plan add`` at once both land
(under two ids), two ``plan done`` of one objective record it once, nobody sees a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamgraph.ingest import import_files
from kamgraph.store import open_store

from .conftest import CANONICAL

ROOT = Path(__file__).resolve().parent.parent
CSV = [str(p) for p in sorted(CANONICAL.glob("*.csv"))]
ADD = ["plan", "add", "acme", "--goal", "stage", "--stage", "basic", "--owner", "s-kim", "--due", "2025-12-31",
       "--on", "2025-03-01"]


def _start(store: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(store.parent), "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--store", str(store), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=store.parent)


def _finish(runs: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    return [(p.wait(timeout=120), p.stdout.read() if p.stdout else "") for p in runs]


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_racing_adds_both_land_and_racing_dones_record_once(tmp_path: Path, round_: int) -> None:
    store = tmp_path / "kam.db"
    with open_store(str(store), create=True) as s:
        import_files(CSV, s)
        assert s.get_person("s-kim").kind == "staff"
    outputs = _finish([_start(store, *ADD) for _ in range(2)])
    assert [code for code, _ in outputs] == [0, 0], outputs
    with open_store(str(store)) as s:
        assert sorted(o.id for o in s.load_objectives()) == ["acme-1", "acme-2"]
    outputs = _finish([_start(store, "plan", "done", "acme-1", "--on", "2025-04-01") for _ in range(2)])
    assert sorted(code for code, _ in outputs) == [0, 2], outputs
    assert not any("Traceback" in out for _, out in outputs)
    loser = next(out for code, out in outputs if code == 2).strip()
    assert loser == "Error: objective acme-1 is done already"
    with open_store(str(store)) as s:
        done = s.get_objective("acme-1")
        assert (done.state.value, done.closed_on.isoformat()) == ("done", "2025-04-01")
