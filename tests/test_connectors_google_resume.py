"""A Google sync pull stopped between two pages resumes as a sync, through a local HTTPS replay server.

By hand: the first (full) pull stores Roadmap (g1) and Integration (g2) and keeps the sync token sync-1.
The changes after it come in two pages: d0 with g4 (Offsite, new), d1 with g2 cancelled (a bare id:
deleted). The second pull fails on d1 (HTTP 403 injected): the cursor stays after d0, which must still
carry the sync token, so that the third pull asks for d1 *as part of the sync* -- g2 is then deleted
(a cancelled event in a sync) and the new token is sync-2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kamgraph.errors import KamgraphError
from kamgraph.monitor.pull import pull
from kamgraph.store.base import GraphStore

from .connector_replay import Replay
from .test_connectors_google import TODAY, _meetings, base, replay, settings  # noqa: F401 (fixtures)


class PagedSync(Replay):
    """The replay server, with the changes after sync-1 in two pages (d0, d1); every query kept."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.queries: list[dict[str, str]] = []

    def _google(self, handler: Any, path: str, query: dict[str, str]) -> None:
        self.queries.append(query)
        if query.get("syncToken") == "sync-1" or query.get("pageToken") == "d1":
            calendar = next(iter(self.google_delta))
            new, cancelled = self.google_delta[calendar]
            if query.get("pageToken") == "d1":
                return self._send(handler, 200, {"kind": "calendar#events", "items": [cancelled],
                                                 "nextSyncToken": "sync-2"})
            return self._send(handler, 200, {"kind": "calendar#events", "items": [new], "nextPageToken": "d1"})
        return super()._google(handler, path, query)


@pytest.fixture
def paged(replay: Replay, tmp_path: Path) -> Replay:  # noqa: F811 (the fixture of test_connectors_google)
    replay.__class__ = PagedSync  # the same server and data, with the paged sync of this module
    replay.queries = []  # type: ignore[attr-defined]
    return replay


def test_a_stopped_sync_resumes_as_a_sync(base: GraphStore, paged: PagedSync, settings) -> None:  # noqa: F811
    pull(base, settings, today=TODAY)
    assert sorted(_meetings(base)) == ["Integration", "Roadmap"]
    paged.faults[("google", 4)] = (403, {})  # requests 1-2: the full pull; 3: d0 of the sync; 4: d1
    with pytest.raises(KamgraphError):
        pull(base, settings, today=TODAY)
    assert sorted(_meetings(base)) == ["Integration", "Offsite", "Roadmap"]  # d0 was written
    cursor = json.loads(Path(settings.connectors.state_file).read_text())["cursors"]["google"]
    assert {k: v for k, v in next(iter(cursor.values())).items() if k in ("page", "sync")} == {
        "page": "d1", "sync": "sync-1"}
    pull(base, settings, today=TODAY)
    assert paged.queries[-1].get("pageToken") == "d1" and paged.queries[-1].get("syncToken") == "sync-1"
    assert sorted(_meetings(base)) == ["Offsite", "Roadmap"]  # g2 cancelled in the sync: deleted
    cursor = json.loads(Path(settings.connectors.state_file).read_text())["cursors"]["google"]
    assert next(iter(cursor.values()))["sync"] == "sync-2"
