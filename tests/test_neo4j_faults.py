"""Neo4j faults in one line, within a bound: the Bolt server killed mid-import gives exactly one `Error:` line on
stderr (no driver chatter, no traceback) within [neo4j_timeouts]; two racing `leave` of one person on a Neo4j store
record exactly one (real processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kamgraph.ingest import import_files
from kamgraph.store.neo4j_config import CONNECT_ENV, RETRY_ENV, resolve_timeouts

from .bolt_server import BOLT_USER, BoltServerError, start_arcadedb
from .conftest import CANONICAL, BoltServer

pytestmark = pytest.mark.bolt

ROOT = Path(__file__).resolve().parent.parent
CSV = [str(p) for p in sorted(CANONICAL.glob("*.csv"))]


def _cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **env, "NO_COLOR": "1",
                                                                    "XDG_CONFIG_HOME": str(cwd)}, cwd=cwd)


def _big_import(folder: Path, meetings: int = 60_000) -> list[Path]:
    """One account, 40 staff, 400 stakeholders and many meetings: an import that takes a while over Bolt."""
    folder.mkdir()
    (folder / "accounts.csv").write_text("id,name\nbig,Big Account\n", encoding="utf-8")
    (folder / "staff.csv").write_text("id,name,role,accounts\n" + "".join(
        f"s{i},Staff {i},kam,big\n" for i in range(40)), encoding="utf-8")
    (folder / "stakeholders.csv").write_text("id,account,name,influence\n" + "".join(
        f"c{i},big,Client {i},3\n" for i in range(400)), encoding="utf-8")
    (folder / "meetings.csv").write_text("id,date,kind,attendees\n" + "".join(
        f"m{i},2025-{1 + i % 12:02d}-{1 + i % 28:02d},meeting,s{i % 40};c{i % 400};c{(i * 7) % 400}\n"
        for i in range(meetings)), encoding="utf-8")
    return sorted(folder.glob("*.csv"))


def test_timeouts_come_from_the_arguments_the_environment_or_the_settings() -> None:
    from kamgraph.settings import Neo4jTimeoutSettings

    section = Neo4jTimeoutSettings(connect_seconds=3, retry_seconds=7)
    assert resolve_timeouts(env={}, settings=section) == (3.0, 7.0)
    assert resolve_timeouts(env={RETRY_ENV: "1"}, settings=section) == (3.0, 1.0)
    assert resolve_timeouts(2, 0, env={RETRY_ENV: "1"}) == (2.0, 0.0)


def test_a_server_killed_mid_import_gives_one_error_line_within_the_bound(tmp_path: Path) -> None:
    if os.environ.get("KAMGRAPH_TEST_BOLT_URI"):
        pytest.skip("an external Bolt server is configured; this test starts (and kills) its own ArcadeDB")
    try:
        server = start_arcadedb(quick_start=True)
    except BoltServerError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))
    files = _big_import(tmp_path / "big")
    connect, retry = 2.0, 3.0
    env = {"KAMGRAPH_NEO4J_PASSWORD": server.password, CONNECT_ENV: str(connect), RETRY_ENV: str(retry),
           "KAMGRAPH_STORE": f"{server.bolt_uri.replace('://', f'://{BOLT_USER}@')}/faults"}
    try:
        server.create_database("faults")
        run = _cli(env, tmp_path, "import", "--quiet", *map(str, files))
        time.sleep(6)  # parsing is done, the write transaction is under way
        assert run.poll() is None, run.communicate()
        server.process.kill()
        killed = time.monotonic()
        out, err = run.communicate(timeout=120)
        took = time.monotonic() - killed
    finally:
        server.stop()
    assert run.returncode != 0
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "Traceback" not in err + out and "retried" not in err
    assert "password" not in err.lower() or server.password not in err
    # Within the retry time plus one connection attempt, and some slack for a loaded machine (it used to take
    # 16-34 s with the driver's retry chatter first).
    assert took < retry + connect + 8, took


#: One racer: open the store, wait for the common start time, record the departure (the store method itself, so
#: that the two transactions overlap to the millisecond rather than by the jitter of two CLI start-ups).
_RACER = """
import datetime as dt, sys, time
from kamgraph.errors import ConflictError
from kamgraph.store import open_store
url, start, day = sys.argv[1], float(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
with open_store(url) as store:
    time.sleep(max(0.0, start - time.time()))
    try:
        store.mark_left("c-eng", day)
    except ConflictError as exc:
        print(exc)
        sys.exit(2)
print("recorded")
"""


@pytest.mark.parametrize("via", ["store", "cli"])
def test_two_racing_departures_on_neo4j_record_exactly_one(bolt: BoltServer, bolt_database: str,
                                                           tmp_path: Path, via: str) -> None:
    with bolt.open(bolt_database) as store:
        import_files(CSV, store)
    env = bolt.env(bolt_database)
    rounds = int(os.environ.get("KAMGRAPH_RACE_ROUNDS", "2"))
    for round_ in range(rounds):
        day = f"2025-03-{1 + round_ % 28:02d}"
        if via == "cli":
            runs = [_cli(env, tmp_path, "leave", "c-eng", "--date", day) for _ in range(2)]
        else:
            start = time.time() + 3
            runs = [subprocess.Popen([sys.executable, "-c", _RACER, env["KAMGRAPH_STORE"], str(start), day],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                     env={**os.environ, **env}) for _ in range(2)]
        outputs = [(p.wait(timeout=120), *p.communicate()) for p in runs]
        codes = sorted(code for code, _, _ in outputs)
        assert codes == [0, 2], outputs
        loser = next(out + err for code, out, err in outputs if code == 2).strip()
        assert "already recorded as left" in loser and "\n" not in loser, loser
        assert via == "store" or loser.startswith("Error: ")
        assert not any("Traceback" in out + err for _, out, err in outputs)
        with bolt.open(bolt_database) as store:
            person = store.get_person("c-eng")
            assert person.left_on is not None and person.left_on.isoformat() == day
            store.mark_returned("c-eng")
