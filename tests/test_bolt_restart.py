"""The Bolt test server restarts on its own kept directory (scripts/bolt-test-server.sh --root DIR)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from .bolt_server import BOLT_USER, SAVED_PASSWORD, BoltServerError, start_arcadedb

pytestmark = pytest.mark.bolt


def _store(uri: str, password: str):  # type: ignore[no-untyped-def]
    from kamgraph.store import open_store

    return open_store(uri, user=BOLT_USER, password=password, env={})


def test_a_kept_root_restarts_with_its_users_and_data(tmp_path: Path) -> None:
    from kamgraph.domain.dataset import Batch
    from kamgraph.domain.models import Account

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
        with _store(first.bolt_uri, first.password) as store:
            store.import_batch(Batch(accounts=[Account(id="probe", name="Probe Ltd")]))
        password = first.password
    finally:
        first.stop()
    saved = root / SAVED_PASSWORD
    assert saved.read_text().strip() == password
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    second = start_arcadedb(root=root, quick_start=True)  # used to fail: "User 'neo4j' already exists"
    try:
        assert second.password == password
        with _store(second.bolt_uri, second.password) as store:
            assert [a.name for a in store.all_accounts()] == ["Probe Ltd"]
    finally:
        second.stop()
