"""The Bolt test server restarts on its own kept directory (scripts/bolt-test-server.sh --root DIR)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from .bolt_server import BOLT_USER, SAVED_PASSWORD, BoltServerError, start_arcadedb

pytestmark = pytest.mark.bolt


def _count_nodes(uri: str, password: str) -> int:
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=(BOLT_USER, password)) as driver:
        records, _, _ = driver.execute_query("MATCH (n:Probe) RETURN count(n) AS n", database_="neo4j")
        return int(records[0]["n"])


def test_a_kept_root_restarts_with_its_users_and_data(tmp_path: Path) -> None:
    import neo4j

    if os.environ.get("KAMGRAPH_TEST_BOLT_URI"):
        pytest.skip("an external Bolt server is configured; this test starts its own ArcadeDB")
    root = tmp_path / "arcade"
    try:
        first = start_arcadedb(root=root, quick_start=True)
    except BoltServerError as exc:  # the suite's own fixture reports the same problem
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))
    try:
        with neo4j.GraphDatabase.driver(first.bolt_uri, auth=(BOLT_USER, first.password)) as driver:
            driver.execute_query("CREATE (:Probe {n: 1})", database_="neo4j")
        password = first.password
    finally:
        first.stop()
    saved = root / SAVED_PASSWORD
    assert saved.read_text().strip() == password
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    second = start_arcadedb(root=root, quick_start=True)  # used to fail: "User 'neo4j' already exists"
    try:
        assert second.password == password
        assert _count_nodes(second.bolt_uri, second.password) == 1
    finally:
        second.stop()
